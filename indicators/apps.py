from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # What is due for a client, on the client page's first screen.
        from indicators.mywork import clientpage  # noqa: F401

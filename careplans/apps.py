from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = _("Care plans")

    def ready(self) -> None:
        # The care plan's section of the client page's first screen.
        from careplans import clientpage  # noqa: F401

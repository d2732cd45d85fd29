"""Month names as they are written inside a date.

In Bulgarian a month inside a date is written in lower case ("2 декември 2026"), but Django's
Bulgarian catalogue capitalises every month name ("2 Декември 2026"). The Bulgarian long date
formats therefore use `E`, Django's "alternative" month names, and this app's catalogue gives
their lower-case forms. Listing the names here keeps them in the catalogue when `makemessages`
runs (it only keeps strings it finds in this project's code).
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

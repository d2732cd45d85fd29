"""Who may be the referred person: the matcher behind duplicate detection.

It looks at every client of the referral's municipality, whoever asks, so its results are never
shown as they are: `selectors.duplicate_matches` splits them into the clients the user may open
and a bare "a check is pending" for the rest; services use it to hold or refuse an accept.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outreach.models import Client, Episode
from outreach.search import normalise
from referrals.models import Referral

# The fields a candidate can match on, in the order they are named.
MATCH_FIELDS = {
    "name": _("name"),
    "birth_date": _("birth date and a name"),
    "phone": _("phone"),
}


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _phone_key(phone: str) -> str:
    """The last nine digits: a number typed with or without the country code compares equal."""
    return _digits(phone)[-9:]


def duplicate_candidates(referral: Referral) -> QuerySet[Client]:
    """Clients in the referral's municipality who may be the referred person.

    A candidate has the same given and family name (compared on their normalised keys: case,
    accents and ё/е do not matter, outreach/search.py), or the same birth date and one of the names,
    or the same phone number (compared on its last nine digits).
    """
    base = Client.objects.filter(team__municipality=referral.municipality_id)
    match = Q(pk__in=[])
    given, family = normalise(referral.given_name), normalise(referral.family_name)
    if given and family:
        match |= Q(given_key=given, family_key=family)
    if referral.birth_date:
        names = Q(pk__in=[])
        if given:
            names |= Q(given_key=given)
        if family:
            names |= Q(family_key=family)
        match |= Q(birth_date=referral.birth_date) & names
    phone = _phone_key(referral.phone)
    if len(phone) >= 6:
        # Phones are stored as typed (spaces vary): narrow by the last two characters, then
        # compare the digits.
        ids = [
            pk
            for pk, p in base.filter(phone__endswith=phone[-2:]).values_list("pk", "phone")
            if _phone_key(p) == phone
        ]
        match |= Q(pk__in=ids)
    open_episode = Episode.objects.filter(client=OuterRef("pk"), ended_on__isnull=True)
    return (
        base.filter(match)
        .annotate(in_care=Exists(open_episode))
        .select_related("team")
        .order_by("family_name", "given_name", "pk")
    )


def match_fields(referral: Referral, client: Client) -> list[str]:
    """Name which of `MATCH_FIELDS` a candidate matched on (the rules of `duplicate_candidates`)."""
    fields = []
    given, family = normalise(referral.given_name), normalise(referral.family_name)
    same_given = bool(given) and given == normalise(client.given_name)
    same_family = bool(family) and family == normalise(client.family_name)
    if same_given and same_family:
        fields.append("name")
    if referral.birth_date and referral.birth_date == client.birth_date:
        if same_given or same_family:
            fields.append("birth_date")
    phone = _phone_key(referral.phone)
    if len(phone) >= 6 and _phone_key(client.phone) == phone:
        fields.append("phone")
    return fields

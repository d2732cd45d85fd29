"""Every kind of record a team keeps about a client is served by the API (issue 16).

The models that hold a client's data are found through relations from Client, as the erasure
and the client's copy find them (`erasure.client_tables`). Each must be the model of an API
resource under /api/v1/ (a view's `model`, or its serializers' models, nested ones included,
such as a coercive measure's debrief) — or be named below with the reason it has no API.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

from outreach import erasure

# Models that deliberately have no API resource, each with its reason.
NO_API = {
    # A client's copy of their own record: asked for and downloaded once by its requester on
    # the page; the archive is the whole record, not a row another system syncs.
    "outreach.ClientExport": "the client's copy (a one-off download)",
    # Break-glass access to another team's client: an access-control log reviewed by the
    # client's supervisor on its page, about staff, not the case record.
    "outreach.EmergencyAccess": "access control (break-glass log)",
    # A referral's scores under each criteria version: the current one is served as the
    # referral's `score`, `eligible` and `criteria_version` (to who triages); POST
    # /referrals/{id}/rescore/ writes a new one.
    "referrals.ReferralScore": "served as the referral's score fields",
    # A possible match of a referral with a client of a team, for that team's supervisor: it
    # names a client of another team than the decider's, so it is never listed; the matches a
    # user may know come with POST /referrals/{id}/decide/.
    "referrals.DuplicateCheck": "never listed (names another team's client)",
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _serializer_models(field, seen: set[type[models.Model]]) -> None:
    if isinstance(field, serializers.ListSerializer):
        field = field.child
    if not isinstance(field, serializers.BaseSerializer):
        return
    model = getattr(getattr(field, "Meta", None), "model", None)
    if model is not None:
        seen.add(model)
    for child in field.fields.values():
        _serializer_models(child, seen)


def _view_serializers(cls, actions) -> list[type[serializers.BaseSerializer]]:
    if getattr(cls, "serializer_class", None) is not None:
        return [cls.serializer_class]
    out = []
    for name in actions:  # views that choose a serializer per action (contacts, referrals)
        view = cls(action=name, request=SimpleNamespace(user=AnonymousUser()), format_kwarg=None)
        out.append(view.get_serializer_class())
    return out


def served_models() -> dict[type[models.Model], set[str]]:
    """Model → the API routes that serve it."""
    served: dict[type[models.Model], set[str]] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "cls", None)
        if cls is None or not route.startswith("api/v1/"):
            continue
        actions = getattr(pattern.callback, "actions", None) or {}
        seen: set[type[models.Model]] = set()
        if getattr(cls, "model", None) is not None:
            seen.add(cls.model)
        for serializer_class in _view_serializers(cls, actions.values()):
            _serializer_models(serializer_class(), seen)
        for model in seen:
            served.setdefault(model, set()).add(route)
    return served


def client_models() -> set[str]:
    """The models that hold a client's data, but the history tables (their live model's
    resource serves the current row) and many-to-many tables (a list in their model's row)."""
    return {
        m._meta.label
        for m in erasure.client_tables()
        if not m._meta.auto_created and getattr(m, "instance_type", None) is None
    }


def test_every_record_of_a_client_is_served_by_the_api():
    served = {m._meta.label for m in served_models()}
    missing = client_models() - served - set(NO_API)
    assert sorted(missing) == []


def test_the_allow_list_holds_only_models_without_api():
    # A model given an API later leaves the list; a name that is no longer a model of a
    # client's data (renamed, removed) does too.
    served = {m._meta.label for m in served_models()}
    assert set(NO_API) & served == set()
    assert set(NO_API) <= client_models()


def test_the_walk_finds_nested_and_per_action_serializers():
    # The inventory is only as good as its walk: a nested row and a per-action serializer count.
    from outreach.models import Contact, Debrief, RiskDomain
    from referrals.models import Referral

    served = served_models()
    assert {Debrief, RiskDomain, Contact, Referral} <= set(served)
    assert any("coercive-measures" in r for r in served[Debrief])

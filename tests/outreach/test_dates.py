"""The rules of dates (outreach/dates.py), and one test per layer that applies them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careplans.forms import CommentForm, ReviewForm
from outreach import services
from outreach.caserecord.forms import DischargeForm, GroupSessionForm
from outreach.dates import (
    FUTURE_DATE,
    FUTURE_TIME,
    add_months,
    is_future_date,
    is_future_time,
    not_in_future,
    not_in_future_dt,
    years_before,
)
from outreach.models import Client, Contact, Episode
from outreach.serializers import ContactInSerializer
from referrals import services as referral_services
from referrals.models import Referral
from referrals.serializers import ReferralInSerializer
from tests.factories import EpisodeFactory, ReferralFactory, make_origin

DATE_MESSAGE = "The date cannot be in the future."
TIME_MESSAGE = "The time cannot be in the future."


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def _in_an_hour() -> datetime:
    return timezone.now() + timedelta(hours=1)


# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2025, 1, 31), 3, date(2025, 4, 30)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 5, 31), 9, date(2026, 2, 28)),
        (date(2026, 3, 15), 9, date(2026, 12, 15)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2025, 12, 31), 0, date(2025, 12, 31)),
        (date(2026, 1, 15), -4, date(2025, 9, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 6, 15), 25, date(2001, 6, 15)),
        (date(2024, 2, 29), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
    ],
)
def test_years_before_takes_february_28_for_a_missing_leap_day(day, years, expected):
    assert years_before(day, years) == expected


def test_a_date_after_today_is_refused_with_one_message():
    today = timezone.localdate()
    not_in_future(today)
    not_in_future(None)
    with pytest.raises(ValidationError) as exc:
        not_in_future(today + timedelta(days=1))
    assert exc.value.messages == [DATE_MESSAGE] and exc.value.code == "future_date"
    assert is_future_date(date(2026, 1, 2), today=date(2026, 1, 1))
    assert not is_future_date(date(2026, 1, 1), today=date(2026, 1, 1))


def test_a_time_after_now_is_refused_with_one_message_allowing_a_minute_of_skew():
    now = timezone.now()
    assert not is_future_time(now + timedelta(seconds=59), now=now)
    assert is_future_time(now + timedelta(seconds=61), now=now)
    not_in_future_dt(timezone.now() + timedelta(seconds=30))
    not_in_future_dt(None)
    with pytest.raises(ValidationError) as exc:
        not_in_future_dt(timezone.now() + timedelta(minutes=2))
    assert exc.value.messages == [TIME_MESSAGE] and exc.value.code == "future_time"
    assert str(FUTURE_DATE) == DATE_MESSAGE and str(FUTURE_TIME) == TIME_MESSAGE


# --- each layer applies them ----------------------------------------------------------------------


def test_model_validators(team_client):
    episode = Episode(client=team_client, started_on=_tomorrow())
    contact = Contact(client=team_client, started_at=_in_an_hour(), duration_minutes=30)
    with pytest.raises(ValidationError) as exc:
        episode.full_clean()
    assert exc.value.message_dict["started_on"] == [DATE_MESSAGE]
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    assert exc.value.message_dict["started_at"] == [TIME_MESSAGE]


def test_forms(team_client):
    episode = EpisodeFactory(client=team_client)
    comment = CommentForm({"plan_version": "1", "text": "x", "made_on": _tomorrow()}, versions=[1])
    discharge = DischargeForm(
        {"ended_on": _tomorrow(), "discharge_reason": "goals_met"}, episode=episode
    )
    session = GroupSessionForm(
        {
            "title": "Walk",
            "started_at": timezone.localtime(_in_an_hour()).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "location": "other",
            "attendees": [team_client.pk],
        },
        client=team_client,
        attendee_queryset=Client.objects.all(),
    )
    review = ReviewForm({"version": 1, "held_on": _tomorrow(), "what_changed": "x"}, goals=[])
    assert comment.errors["made_on"] == [DATE_MESSAGE]
    assert review.errors["held_on"] == [DATE_MESSAGE]
    assert discharge.errors["ended_on"] == [DATE_MESSAGE]
    assert session.errors["started_at"] == [TIME_MESSAGE]


def test_serializers(team_client):
    contact = ContactInSerializer(
        data={
            "client": team_client.pk,
            "started_at": _in_an_hour().isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "outcome": "met",
        }
    )
    referral = ReferralInSerializer(
        data={"source": "gp", "given_name": "P", "reasons": "x", "birth_date": _tomorrow()}
    )
    assert not contact.is_valid() and contact.errors["started_at"] == [TIME_MESSAGE]
    assert not referral.is_valid() and referral.errors["birth_date"] == [DATE_MESSAGE]


def test_services(team_client, worker, partner, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            client=team_client,
            author=worker,
            origin=make_origin(worker),
            started_at=_in_an_hour(),
            duration_minutes=30,
            mode="phone",
            outcome="met",
        )
    assert exc.value.message_dict["started_at"] == [TIME_MESSAGE]
    # The referral's birth date was checked by its form and serializer only.
    with pytest.raises(ValidationError) as exc:
        referral_services.referral_submit(
            actor=partner,
            origin=make_origin(partner),
            municipality=partner.municipality,
            source="gp",
            given_name="Petar",
            reasons="x",
            birth_date=_tomorrow(),
        )
    assert exc.value.message_dict["birth_date"] == [DATE_MESSAGE]
    referral = ReferralFactory(municipality=coordinator.municipality)
    with pytest.raises(ValidationError) as exc:
        referral_services.referral_decline(
            referral=referral,
            actor=coordinator,
            reason="x",
            decided_at=_in_an_hour(),
            origin=make_origin(coordinator),
        )
    assert exc.value.message_dict["decided_at"] == [TIME_MESSAGE]
    assert not Contact.objects.exists()
    assert Referral.objects.get().decided_at is None


def test_pages_and_api_show_the_message_and_save_nothing(client, worker, team_client):
    client.force_login(worker)
    page = client.post(
        reverse("referrals:referral-create"),
        {"given_name": "Petar", "reasons": "x", "source": "gp", "birth_date": _tomorrow()},
    )
    api = client.post(
        "/api/v1/contacts/",
        {
            "client": team_client.pk,
            "started_at": _in_an_hour().isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "outcome": "met",
        },
        content_type="application/json",
    )
    consent = client.post(
        f"/clients/{team_client.pk}/consents/new/",
        {"recipient_kind": "agency", "recipient": "GP", "scope": "plan", "given_on": _tomorrow()},
    )
    assert page.status_code == 200 and DATE_MESSAGE in page.content.decode()
    assert consent.status_code == 400 and DATE_MESSAGE in consent.content.decode()
    assert not team_client.consents.exists()
    assert api.status_code == 400 and api.json()["started_at"] == [TIME_MESSAGE]
    assert not Referral.objects.exists() and not Contact.objects.exists()


def test_stay_and_crisis_choices_use_the_one_date_format(db):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from outreach.caserecord.forms import CrisisChoiceField, StayChoiceField
    from outreach.models import Crisis, HospitalStay

    stay = HospitalStay(admitted_on=date(2026, 3, 4), discharged_on=None, hospital="ДПБ Курило")
    crisis = Crisis(
        reported_at=datetime(2026, 3, 4, 21, 5, tzinfo=ZoneInfo("Europe/Sofia")), location="Гара"
    )
    for language in ("bg", "en"):
        with translation.override(language):
            stays = StayChoiceField(queryset=HospitalStay.objects.none())
            crises = CrisisChoiceField(queryset=Crisis.objects.none())
            assert stays.label_from_instance(stay) == "04.03.2026 – … ДПБ Курило"
            assert crises.label_from_instance(crisis) == "04.03.2026 21:05 Гара"

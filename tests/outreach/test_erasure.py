"""Retention and erasure (issue 15, item 4): nothing of an erased client is left in any table."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from outreach import erasure
from outreach.models import (
    AuditEvent,
    Client,
    ClientErasure,
    Contact,
    ErasureReason,
)
from tests.factories import ClientFactory, ContactFactory, EpisodeFactory

MARK = "ZQXMARK"
OTHER = "OTHERMK"


# Values some rows need to meet their check constraints (by model, not a list of models to fill).
CONSTRAINED = {
    "referrals.DuplicateCheck": lambda: {"status": "same", "resolved_at": timezone.now()},
    # An erasure on request waits for the discharge.
    "outreach.Episode": lambda: {"ended_on": timezone.localdate(), "discharge_reason": "goals_met"},
    # A grant ends after it starts; a reviewed one has all its review fields.
    "outreach.EmergencyAccess": lambda: {
        "granted_at": timezone.now() - timedelta(hours=1),
        "expires_at": timezone.now() + timedelta(hours=3),
        "reviewed_at": None,
        "outcome": "",
    },
}


class _Filler:
    """Make one row in every model that refers to the client, each text column set to a marker.

    The models come from the relations Django knows (erasure.client_tables walks them); a new
    model that refers to a client is filled here without a change to this test.
    """

    def __init__(self, client: Client, marker: str):
        self.marker = marker
        self.tables = erasure.client_tables()
        self.made: dict[type[models.Model], models.Model] = {Client: client}
        self.busy: set[type[models.Model]] = set()
        self.n = 0
        self._mark(client)

    def _text(self, field) -> str:
        self.n += 1
        text = f"{self.marker} {self.n}" if not field.unique else f"{self.marker}{self.n}"
        return text[: field.max_length] if field.max_length else text

    def _mark(self, obj: models.Model) -> None:
        values = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.is_relation or field.choices:
                continue
            if isinstance(field, models.CharField | models.TextField):
                values[field.name] = self._text(field)
        type(obj)._base_manager.filter(pk=obj.pk).update(**values)

    def fill(self) -> dict[type[models.Model], models.Model]:
        for model in self.tables:
            self.ensure(model)
        return self.made

    def ensure(self, model: type[models.Model]) -> models.Model | None:
        if model in self.made:
            return self.made[model]
        if model in self.busy:
            return None
        self.busy.add(model)
        kwargs = {}
        original = getattr(model, "instance_type", None)
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.is_relation:
                target = field.related_model
                if target in self.tables:
                    kwargs[field.name] = self.ensure(target)
                elif not field.null:
                    kwargs[field.name] = other_row(target)
                continue
            value = self._value(model, field, original)
            if value is not None:
                kwargs[field.name] = value
        kwargs.update(CONSTRAINED.get(model._meta.label, dict)())
        obj = model(**kwargs)
        obj.save()
        self.busy.discard(model)
        self.made[model] = obj
        return obj

    def _value(self, model, field, original):
        if original is not None and field.name == "id":
            live = self.made.get(original) or self.ensure(original)
            return live.pk
        if field.choices:
            return field.choices[0][0]
        if isinstance(field, models.CharField | models.TextField):
            return self._text(field)
        if isinstance(field, models.JSONField):
            return {"text": self.marker}
        if isinstance(field, models.BinaryField):
            return f"{self.marker} in a file".encode()
        if isinstance(field, models.FileField):
            return None
        if field.has_default() or field.null:
            return None
        if isinstance(field, models.DateTimeField):
            return timezone.now()
        if isinstance(field, models.DateField):
            return timezone.localdate()
        if isinstance(field, models.BooleanField):
            return False
        if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            return 1
        if isinstance(field, models.DurationField):
            return timedelta(minutes=30)
        raise AssertionError(f"no test value for {model.__name__}.{field.name}")


def other_row(model: type[models.Model]) -> models.Model:
    """A row a client's row points to that is not the client's (a user, an instrument...)."""
    existing = model._base_manager.first()
    if existing is not None:
        return existing
    kwargs = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.has_default() or field.null:
            continue
        if field.is_relation:
            kwargs[field.name] = other_row(field.related_model)
        elif field.choices:
            kwargs[field.name] = field.choices[0][0]
        elif isinstance(field, models.CharField | models.TextField):
            kwargs[field.name] = uuid.uuid4().hex[: field.max_length or 32]
        elif isinstance(field, models.DateTimeField):
            kwargs[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            kwargs[field.name] = timezone.localdate()
        elif isinstance(field, models.IntegerField):
            kwargs[field.name] = 1
    return model._base_manager.create(**kwargs)


def hits(marker: str) -> list[str]:
    """Every table.column of the whole database whose value contains the marker."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = f"{quote(table)}.{quote(column.name)}"
                if connection.vendor == "postgresql" and column.type_code == 17:  # bytea
                    where = f"position(convert_to(%s, 'UTF8') in {name}) > 0"
                    param = marker
                else:
                    where = f"CAST({name} AS TEXT) LIKE %s"
                    param = f"%{marker}%"
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {where}", [param])  # noqa: S608
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def _past_retention(team, tandem, *, years_ago: int, given_name: str = "Past") -> Client:
    client = ClientFactory(team=team, tandem=tandem, given_name=given_name)
    today = timezone.localdate()
    ended = today.replace(year=today.year - years_ago) - timedelta(days=1)
    EpisodeFactory(
        client=client,
        started_on=ended - timedelta(days=400),
        ended_on=ended,
        discharge_reason="goals_met",
    )
    return client


def _admin_log(client: Client, marker: str) -> None:
    LogEntry.objects.create(
        user=client.team.members.first() or other_row(type(client.team.members.model())),
        content_type=ContentType.objects.get_for_model(Client),
        object_id=str(client.pk),
        object_repr=marker,
        action_flag=CHANGE,
        change_message=marker,
    )


def test_the_tables_of_a_client_are_found_through_relations():
    labels = {m._meta.label for m in erasure.client_tables()}
    # A few that are easy to forget: history tables, records two relations away, the copies.
    for label in (
        "careplans.HistoricalCarePlan",
        "careplans.HistoricalAction",
        "outreach.Debrief",
        "referrals.ReferralScore",
        "outreach.ClientExport",
    ):
        assert label in labels
    assert "outreach.AuditEvent" not in labels
    assert erasure.KEPT_MODELS == {AuditEvent}


@pytest.mark.django_db(transaction=False)
def test_erasure_leaves_no_marker_in_any_table_and_spares_another_client(
    team, tandem, supervisor, origin
):
    mine = _past_retention(team, tandem, years_ago=1)
    theirs = _past_retention(team, tandem, years_ago=1)
    made = _Filler(mine, MARK).fill()
    _Filler(theirs, OTHER).fill()
    _admin_log(mine, MARK)
    _admin_log(theirs, OTHER)
    # Every table that refers to a client holds the marker before: the scan can find it.
    assert len(made) == len(erasure.client_tables())
    before = hits(MARK)
    for model in made:
        if any(
            isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
            for f in model._meta.concrete_fields
        ):
            assert any(h.startswith(model._meta.db_table + ".") for h in before), model

    erasure.client_erase(
        client=mine,
        legal_reason=ErasureReason.NOT_NECESSARY,
        note="Written request of the client, handed to the team.",
        actor=supervisor,
        origin=origin,
    )

    assert hits(MARK) == []
    assert set(hits(OTHER)) == {h.replace(MARK, OTHER) for h in before}
    mine.refresh_from_db()
    assert mine.anonymised_at is not None
    assert mine.birth_date is None
    assert str(mine) == "Anonymised client"
    # The record's frame stays for figures: the episode, its dates and the team.
    assert mine.episodes.exists()
    assert all(e.ended_on is not None for e in mine.episodes.all())
    assert mine.team_id == team.pk


def test_erasure_is_audited_with_its_reason_and_no_content(team, tandem, supervisor, origin):
    mine = _past_retention(team, tandem, years_ago=1, given_name="Elena")
    done = erasure.client_erase(
        client=mine,
        legal_reason=ErasureReason.OBJECTION,
        note="Letter of 3 March.",
        actor=supervisor,
        origin=origin,
    )
    event = AuditEvent.objects.get(action="client.erase")
    assert event.client_id == mine.pk
    assert event.actor == supervisor
    assert event.detail["legal_reason"] == "objection"
    assert "Elena" not in str(event.detail)
    assert done.rows["outreach_client"] == 1
    assert done.rows["outreach_episode"] == 1
    assert ClientErasure.objects.get().note == "Letter of 3 March."


def test_a_search_for_the_name_leaves_nothing_the_erasure_would_miss(
    client, team, tandem, supervisor, origin
):
    mine = _past_retention(team, tandem, years_ago=1, given_name="Zqxelena")
    client.force_login(supervisor)
    assert client.get("/clients/search/", {"q": "Zqxelena"}).status_code == 200
    erasure.client_erase(
        client=mine, legal_reason=ErasureReason.OBJECTION, note="", actor=supervisor, origin=origin
    )
    kept = [str(e.__dict__) for e in AuditEvent.objects.all()]
    assert kept and not any("zqx" in text.lower() for text in kept)


def test_a_client_in_care_or_erased_already_is_refused(team_client, supervisor, origin):
    with pytest.raises(ValidationError) as refused:
        erasure.client_erase(
            client=team_client,
            legal_reason=ErasureReason.OBJECTION,
            actor=supervisor,
            origin=origin,
        )
    assert refused.value.code == "episode_open"
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None
    assert team_client.given_name == "Maria"
    assert not AuditEvent.objects.filter(action="client.erase").exists()
    with pytest.raises(ValidationError) as refused:
        erasure.client_erase(
            client=team_client, legal_reason="because", actor=supervisor, origin=origin
        )
    assert refused.value.code == "reason"


def test_the_nightly_task_anonymises_only_clients_past_retention(team, tandem, settings):
    from outreach.tasks import anonymise_past_retention

    settings.OUTREACH_RETENTION_YEARS = 10
    team.municipality.retention_years = 5
    team.municipality.save()
    past = _past_retention(team, tandem, years_ago=5, given_name="Old")
    recent = _past_retention(team, tandem, years_ago=4, given_name="Recent")
    in_care = ClientFactory(team=team, tandem=tandem, given_name="Current")
    EpisodeFactory(client=in_care, started_on=date(2000, 1, 1))
    ContactFactory(client=recent, note="Walked by the river.")

    assert anonymise_past_retention.delay().get() == [past.pk]

    past.refresh_from_db()
    recent.refresh_from_db()
    in_care.refresh_from_db()
    assert past.anonymised_at is not None and past.given_name == ""
    assert recent.anonymised_at is None and recent.given_name == "Recent"
    assert Contact.objects.get(client=recent).note == "Walked by the river."
    assert in_care.anonymised_at is None and in_care.given_name == "Current"
    event = AuditEvent.objects.get(action="client.erase")
    assert event.actor is None and event.path == "system:anonymise_past_retention"
    assert event.detail["legal_reason"] == "retention"
    # Running it again changes nothing.
    assert anonymise_past_retention.delay().get() == []


def test_retention_default_comes_from_the_setting(settings):
    from outreach.models import Municipality

    settings.OUTREACH_RETENTION_YEARS = 7
    assert Municipality(name="X", slug="x").retention_years == 7


def test_the_nightly_task_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "outreach.tasks.anonymise_past_retention" in tasks


def test_a_published_snapshot_keeps_its_numbers(team, tandem, supervisor, origin):
    from indicators import services
    from indicators.periods import Period, Scope

    client = ClientFactory(team=team, tandem=tandem)
    EpisodeFactory(
        client=client,
        started_on=date(2025, 1, 10),
        ended_on=date(2025, 11, 20),
        discharge_reason="goals_met",
    )
    ContactFactory(client=client, started_at=timezone.now().replace(year=2025, month=3, day=4))
    period, scope = Period.parse("2025-Q1"), Scope.team(team.slug)
    published = services.snapshot_publish(
        snapshot=services.snapshot_compute(period=period, scope=scope),
        actor=supervisor,
        origin=origin,
    )
    values = published.values
    assert values["clients_served_by_age"]["35_44"] == 1

    erasure.client_erase(
        client=client, legal_reason=ErasureReason.NOT_NECESSARY, actor=supervisor, origin=origin
    )

    published.refresh_from_db()
    assert published.values == values
    assert published.status == "published"
    # The birth date is gone: a figure computed now no longer knows the age, the count stays.
    redone = services.snapshot_compute(period=period, scope=scope).values
    assert redone["clients_served_by_age"]["unknown"] == 1
    assert redone["clients_served"] == values["clients_served"] == 1


def test_history_rows_of_deleted_objects_are_erased_too(team, tandem, supervisor, origin):
    from careplans.models import Action
    from tests.careplans.factories import CarePlanFactory, GoalFactory

    client = _past_retention(team, tandem, years_ago=1)
    plan = CarePlanFactory(episode=client.episodes.get(), what_matters=f"{MARK} plan")
    goal = GoalFactory(careplan=plan, in_their_words=f"{MARK} goal")
    Action.objects.create(goal=goal, what=f"{MARK} action", who=Action.Who.CLIENT)
    # The goal is deleted: its actions' history rows point to a goal that no longer exists.
    goal.delete()
    assert Action.history.filter(what__contains=MARK).exists()

    erasure.client_erase(
        client=client, legal_reason=ErasureReason.NOT_NECESSARY, actor=supervisor, origin=origin
    )

    assert hits(MARK) == []


# --- the pages -------------------------------------------------------------------------------


def _discharged(team_client):
    episode = team_client.episodes.get()
    episode.ended_on = timezone.localdate()
    episode.discharge_reason = "goals_met"
    episode.save()
    return team_client


def test_supervisor_erases_from_the_client_page(client, supervisor, team_client):
    from django.urls import reverse

    _discharged(team_client)
    ContactFactory(client=team_client, note="Met at the station.")
    client.force_login(supervisor)
    page = client.get(team_client.get_absolute_url())
    url = reverse("outreach:client-erase", args=[team_client.pk])
    assert url in page.content.decode()

    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "This cannot be undone." in text
    assert "contacts: 1" in text.lower()
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None  # a GET changes nothing

    # Without the confirmation box nothing happens.
    refused = client.post(url, {"legal_reason": "objection", "note": "Letter of 3 March."})
    assert refused.status_code == 200
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None

    done = client.post(
        url, {"legal_reason": "objection", "note": "Letter of 3 March.", "confirm": "on"}
    )
    assert done.status_code == 302
    team_client.refresh_from_db()
    assert team_client.anonymised_at is not None
    assert Contact.objects.get(client=team_client).note == ""
    event = AuditEvent.objects.get(action="client.erase")
    assert (event.actor, event.detail["legal_reason"]) == (supervisor, "objection")


def test_a_client_in_care_cannot_be_erased_on_the_page(client, supervisor, team_client):
    from django.urls import reverse

    client.force_login(supervisor)
    url = reverse("outreach:client-erase", args=[team_client.pk])
    assert "discharge them" in client.get(url).content.decode()
    client.post(url, {"legal_reason": "objection", "note": "Letter of 3 March.", "confirm": "on"})
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None


def test_workers_and_other_supervisors_get_404_and_no_audit_row(
    client, worker, outside_supervisor, team_client
):
    from django.urls import reverse

    _discharged(team_client)
    url = reverse("outreach:client-erase", args=[team_client.pk])
    for user in (worker, outside_supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 404
        post = {"legal_reason": "objection", "note": "Letter of 3 March.", "confirm": "on"}
        assert client.post(url, post).status_code == 404
    assert (
        reverse("outreach:client-erase", args=[team_client.pk])
        not in client.get(team_client.get_absolute_url()).content.decode()
    )
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None
    assert not AuditEvent.objects.filter(path=url).exists()


def test_admin_erases_by_code_in_the_admin(client, admin_user, team_client, settings):
    from django.urls import reverse

    settings.OUTREACH_REQUIRE_2FA = False
    _discharged(team_client)
    client.force_login(admin_user)
    url = reverse("admin:outreach-erase")
    assert url in client.get(reverse("admin:outreach_clienterasure_changelist")).content.decode()
    unknown = client.post(url, {"code": "C-NOPE", "legal_reason": "objection"})
    assert "No client record has this code." in unknown.content.decode()
    step = client.post(url, {"code": team_client.code.lower(), "legal_reason": "objection"})
    assert "What will be anonymised" in step.content.decode()
    assert "Maria" not in step.content.decode()
    team_client.refresh_from_db()
    assert team_client.anonymised_at is None
    done = client.post(
        url,
        {
            "code": team_client.code,
            "legal_reason": "unlawful",
            "note": "Found during the yearly review.",
            "confirm": "on",
        },
    )
    assert done.status_code == 302
    team_client.refresh_from_db()
    assert team_client.anonymised_at is not None
    assert ClientErasure.objects.get().erased_by == admin_user


def test_a_record_without_episodes_counts_from_the_day_it_was_opened(team, tandem):
    today = timezone.localdate()
    old = ClientFactory(team=team, tandem=tandem, given_name="Never")
    Client.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=11 * 366))
    new = ClientFactory(team=team, tandem=tandem, given_name="Lately")
    assert list(erasure.clients_past_retention(today=today)) == [old]
    assert new.anonymised_at is None

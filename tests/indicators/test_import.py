"""import_caseload: every file of IMPORT_FORMAT.md, idempotence, every invalid case, DST."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from careplans.models import Assessment, Instrument, PlanAgreement
from indicators.dataio.importer import FILES, ImportFailed, import_dir
from outreach.models import (
    AgencyRequest,
    AuditEvent,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    Milestone,
    Municipality,
    Relapse,
    Team,
    User,
)
from referrals.models import Referral
from tests.factories import ClientFactory, EpisodeFactory

pytestmark = pytest.mark.django_db

MODELS = (
    Client,
    Referral,
    Episode,
    Contact,
    HospitalStay,
    Relapse,
    Crisis,
    PlanAgreement,
    Assessment,
    CoerciveMeasure,
    AgencyRequest,
    Milestone,
)


def valid_files() -> dict[str, list[dict[str, str]]]:
    """A small caseload touching every file; rows are dicts so tests can change one cell."""
    # Kept unformatted (fmt: skip at its end): CSV rows, one record per line as in the file.
    return {
        "people.csv": [
            {"person_ref": "P1", "given_name": "Maria", "family_name": "Ivanova",
             "birth_date": "1980-05-02", "sex": "female"},
            {"person_ref": "P2", "given_name": "Ivan", "family_name": "",
             "birth_date": "", "sex": "male"},
        ],
        "staff.csv": [
            {"staff_ref": "S1", "given_name": "Elena", "family_name": "Petrova",
             "role": "professional", "email": "elena@example.org"},
            {"staff_ref": "S2", "given_name": "Georgi", "family_name": "Kolev",
             "role": "peer", "email": ""},
        ],
        "referrals.csv": [
            {"referral_ref": "R1", "person_ref": "P1", "received_at": "2025-01-03T10:00:00",
             "source": "hospital", "status": "accepted", "decided_at": "2025-01-08T12:30:00"},
            {"referral_ref": "R2", "person_ref": "P2", "received_at": "2025-02-01T09:00:00+02:00",
             "source": "self", "status": "received", "decided_at": ""},
        ],
        "episodes.csv": [
            {"episode_ref": "E1", "person_ref": "P1", "started_on": "2025-01-10",
             "ended_on": "", "discharge_reason": ""},
            {"episode_ref": "E2", "person_ref": "P2", "started_on": "2025-02-10",
             "ended_on": "2025-06-30", "discharge_reason": "goals_met"},
            {"episode_ref": "E3", "person_ref": "P2", "started_on": "2025-08-01",
             "ended_on": "", "discharge_reason": ""},
        ],
        "contacts.csv": [
            {"contact_ref": "C1", "person_ref": "P1", "started_at": "2025-01-12T09:30:00",
             "duration_minutes": "45", "mode": "face_to_face", "location": "street",
             "outcome": "met", "staff_refs": "S1;S2", "informal_support_present": "true"},
            {"contact_ref": "C2", "person_ref": "P1", "started_at": "2025-01-15T14:00:00",
             "duration_minutes": "0", "mode": "phone", "location": "",
             "outcome": "not_met", "staff_refs": "S1", "informal_support_present": "false"},
            {"contact_ref": "C3", "person_ref": "P2", "started_at": "2025-03-01T23:30:00",
             "duration_minutes": "1440", "mode": "face_to_face", "location": "",
             "outcome": "met", "staff_refs": "", "informal_support_present": "false"},
        ],
        "hospital_stays.csv": [
            {"stay_ref": "H1", "person_ref": "P1", "admitted_on": "2024-06-01",
             "discharged_on": "2024-06-20", "legal_status": "involuntary"},
            {"stay_ref": "H2", "person_ref": "P1", "admitted_on": "2025-03-01",
             "discharged_on": "", "legal_status": "voluntary"},
        ],
        "relapses.csv": [{"relapse_ref": "L1", "person_ref": "P1", "onset_on": "2025-02-27"}],
        "crises.csv": [
            {"crisis_ref": "X1", "person_ref": "P1", "reported_at": "2025-02-28T22:00:00",
             "first_response_at": "2025-03-01T01:15:00"},
            {"crisis_ref": "X2", "person_ref": "P2", "reported_at": "2025-04-01T10:00:00",
             "first_response_at": ""},
        ],
        "careplan_reviews.csv": [
            {"review_ref": "A1", "person_ref": "P1", "agreed_on": "2025-02-01"},
            {"review_ref": "A2", "person_ref": "P1", "agreed_on": "2025-05-01"},
        ],
        "assessments.csv": [
            {"assessment_ref": "M1", "person_ref": "P1", "instrument": "mansa",
             "assessed_on": "2025-01-20", "score": "3.25"},
            {"assessment_ref": "M2", "person_ref": "P1", "instrument": "mansa",
             "assessed_on": "2025-04-20", "score": "4.5"},
        ],
        "coercive_measures.csv": [
            {"measure_ref": "K1", "person_ref": "P1", "started_at": "2025-03-02T08:00:00",
             "kind": "mechanical_restraint", "debriefed_on": "2025-03-02"},
        ],
        "agency_requests.csv": [
            {"request_ref": "G1", "person_ref": "P2", "agency": "Labour office",
             "sent_on": "2025-03-10", "responded_on": "2025-03-20"},
        ],
        "milestones.csv": [
            {"milestone_ref": "T1", "person_ref": "P2", "kind": "id_document",
             "achieved_on": "2025-05-05"},
        ],
    }  # fmt: skip


def write(directory: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        columns = list(rows[0]) if rows else list(FILES[name])
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return directory


def run(directory: Path, team: str = "centre", **options) -> str:
    out = io.StringIO()
    call_command("import_caseload", str(directory), team=team, stdout=out, **options)
    return out.getvalue()


def run_failing(directory: Path, team: str = "centre", **options) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_caseload",
            str(directory),
            team=team,
            stdout=io.StringIO(),
            stderr=err,
            **options,
        )
    assert excinfo.value.returncode == 1
    return err.getvalue().splitlines()


def assert_nothing_written() -> None:
    for model in MODELS:
        assert model.objects.count() == 0, model.__name__
    assert not User.objects.exclude(source_ref="").exists()
    assert not AuditEvent.objects.filter(action="caseload.import").exists()


def snapshot() -> dict[str, list[tuple]]:
    data = {m.__name__: sorted(m.objects.values_list()) for m in MODELS}
    data["User"] = sorted(User.objects.exclude(source_ref="").values_list())
    data["staff"] = sorted(Contact.staff.through.objects.values_list("contact_id", "user_id"))
    return data


# --- the valid set ----------------------------------------------------------------------------


def test_full_import_writes_every_record(team, tmp_path):
    output = run(write(tmp_path, valid_files()))

    assert "contacts.csv: 3 created" in output
    maria = Client.objects.get(team=team, source_ref="P1")
    assert (maria.given_name, maria.family_name, maria.birth_date, maria.sex) == (
        "Maria",
        "Ivanova",
        date(1980, 5, 2),
        "female",
    )
    ivan = Client.objects.get(team=team, source_ref="P2")
    assert ivan.birth_date is None

    elena = User.objects.get(source_ref="S1")
    assert elena.role == "professional"
    assert list(elena.teams.all()) == [team]
    assert not elena.has_usable_password()
    assert elena.email == "elena@example.org"
    assert User.objects.get(source_ref="S2").role == "peer"

    r1 = Referral.objects.get(source_ref="R1")
    assert (r1.client, r1.team, r1.municipality) == (maria, team, team.municipality)
    # Naive times are Europe/Sofia (UTC+2 in winter).
    assert r1.received_at == datetime(2025, 1, 3, 8, 0, tzinfo=UTC)
    assert r1.status == "accepted" and r1.source == "hospital"
    assert Referral.objects.get(source_ref="R2").decided_at is None

    assert Episode.objects.filter(client=ivan).count() == 2
    e2 = Episode.objects.get(source_ref="E2")
    assert (e2.started_on, e2.ended_on, e2.discharge_reason) == (
        date(2025, 2, 10),
        date(2025, 6, 30),
        "goals_met",
    )
    assert Episode.objects.get(source_ref="E1").ended_on is None

    c1 = Contact.objects.get(source_ref="C1")
    assert c1.client == maria
    assert (c1.duration_minutes, c1.mode, c1.location, c1.outcome) == (
        45,
        "face_to_face",
        "street",
        "met",
    )
    assert c1.informal_support_present is True
    assert set(c1.staff.values_list("source_ref", flat=True)) == {"S1", "S2"}
    c3 = Contact.objects.get(source_ref="C3")
    # 23:30 local on 1 March is 21:30 UTC: the local date differs from nothing, the UTC hour does.
    assert c3.started_at == datetime(2025, 3, 1, 21, 30, tzinfo=UTC)
    assert c3.duration_minutes == 1440 and not c3.staff.exists()

    stays = {s.source_ref: s for s in HospitalStay.objects.all()}
    assert stays["H1"].pre_intake is True  # before the first episode (2025-01-10)
    assert stays["H2"].pre_intake is False and stays["H2"].discharged_on is None
    assert stays["H1"].legal_status == "involuntary"

    assert Relapse.objects.get().onset_on == date(2025, 2, 27)
    x1 = Crisis.objects.get(source_ref="X1")
    assert x1.first_response_at - x1.reported_at == timedelta(hours=3, minutes=15)
    assert Crisis.objects.get(source_ref="X2").first_response_at is None

    agreements = PlanAgreement.objects.order_by("agreed_on")
    assert [(a.agreed_on, a.kind) for a in agreements] == [
        (date(2025, 2, 1), "first"),
        (date(2025, 5, 1), "review"),
    ]
    m2 = Assessment.objects.get(source_ref="M2")
    assert m2.instrument.code == "mansa" and m2.score == Decimal("4.5")
    # The built-in MANSA (12 scored satisfaction items, 4 yes/no items) is used, not a copy.
    assert m2.instrument.pk == Instrument.objects.get(code="mansa").pk
    assert len(m2.instrument.scoring["items"]) == 12

    k1 = CoerciveMeasure.objects.get()
    assert (k1.kind, k1.debriefed_on) == ("mechanical_restraint", date(2025, 3, 2))
    g1 = AgencyRequest.objects.get()
    assert (g1.client, g1.agency, g1.responded_on) == (ivan, "Labour office", date(2025, 3, 20))
    assert Milestone.objects.get().kind == "id_document"

    event = AuditEvent.objects.get(action="caseload.import")
    assert event.detail["created"]["contacts.csv"] == 3
    assert event.detail["team"] == "centre"


def test_import_dir_returns_counts(team, tmp_path, origin):
    result = import_dir(write(tmp_path, valid_files()), "centre", origin=origin)
    assert result.created["people.csv"] == 2
    assert result.created["contacts.csv"] == 3
    assert result.rows == sum(len(rows) for rows in valid_files().values())


def test_existing_instrument_is_used_not_recreated(team, tmp_path):
    builtin = Instrument.objects.get(code="mansa", version="1")  # shipped by a data migration
    newest = Instrument.objects.create(
        code="mansa", version="2", name="MANSA 2", items=builtin.items, scoring=builtin.scoring
    )
    run(write(tmp_path, valid_files()))
    assert Instrument.objects.filter(code="mansa").count() == 2
    assert set(Assessment.objects.values_list("instrument", flat=True)) == {newest.pk}


def test_headers_in_any_order_and_only_people_required(team, tmp_path):
    people = [{k: row[k] for k in reversed(list(row))} for row in valid_files()["people.csv"]]
    run(write(tmp_path, {"people.csv": people}))
    assert Client.objects.filter(team=team).count() == 2
    assert Episode.objects.count() == 0


def test_quoted_cells_and_multiline_rows_keep_file_line_numbers(team, tmp_path):
    (tmp_path / "people.csv").write_text(
        "person_ref,given_name,family_name,birth_date,sex\n"
        'P1,"Maria, ""Mimi""","Ivanova\nPetrova",,female\n'
        "P2,Ivan,,,nobody\n",
        encoding="utf-8",
    )
    assert run_failing(tmp_path) == [
        "people.csv:4: sex: unknown value “nobody” (expected one of: female, male, other, unknown)"
    ]
    (tmp_path / "people.csv").write_text(
        "person_ref,given_name,family_name,birth_date,sex\n"
        'P1,"Maria, ""Mimi""","Ivanova\nPetrova",,female\n',
        encoding="utf-8",
    )
    run(tmp_path)
    assert Client.objects.get().given_name == 'Maria, "Mimi"'


# --- idempotence ------------------------------------------------------------------------------


def test_import_twice_changes_nothing(team, tmp_path):
    directory = write(tmp_path, valid_files())
    run(directory)
    before = snapshot()
    output = run(directory)
    assert snapshot() == before
    assert "contacts.csv: 0 created, 0 updated, 3 unchanged" in output
    assert AuditEvent.objects.filter(action="caseload.import").count() == 2


def test_changed_row_updates_the_record_it_created(team, tmp_path):
    files = valid_files()
    run(write(tmp_path, files))
    contact_pk = Contact.objects.get(source_ref="C1").pk
    client_pk = Client.objects.get(source_ref="P1").pk
    files["people.csv"][0]["family_name"] = "Georgieva"
    files["contacts.csv"][0].update(duration_minutes="60", staff_refs="S2")
    files["contacts.csv"][1]["staff_refs"] = "S1;S2"  # only the staff change
    files["episodes.csv"][0].update(ended_on="2025-09-01", discharge_reason="moved_away")
    files["staff.csv"][1]["role"] = "supervisor"
    files["assessments.csv"][1]["score"] = "5"
    output = run(write(tmp_path, files))

    assert "contacts.csv: 0 created, 2 updated, 1 unchanged" in output
    assert Client.objects.get(pk=client_pk).family_name == "Georgieva"
    c1 = Contact.objects.get(pk=contact_pk)
    assert c1.duration_minutes == 60
    assert list(c1.staff.values_list("source_ref", flat=True)) == ["S2"]
    c2 = Contact.objects.get(source_ref="C2")
    assert set(c2.staff.values_list("source_ref", flat=True)) == {"S1", "S2"}
    assert Episode.objects.get(source_ref="E1").discharge_reason == "moved_away"
    assert User.objects.get(source_ref="S2").role == "supervisor"
    assert Assessment.objects.get(source_ref="M2").score == Decimal("5")
    assert Contact.objects.count() == 3 and Client.objects.count() == 2


def test_rows_may_refer_to_people_and_staff_already_in_the_team(team, tmp_path):
    run(write(tmp_path / "first", valid_files()))
    # Kept unformatted (fmt: skip at its end): CSV rows, one record per line as in the file.
    later = {
        "people.csv": [],
        "contacts.csv": [
            {"contact_ref": "C9", "person_ref": "P2", "started_at": "2025-09-01T10:00:00",
             "duration_minutes": "30", "mode": "video", "location": "", "outcome": "met",
             "staff_refs": "S2", "informal_support_present": "false"},
        ],
    }  # fmt: skip
    run(write(tmp_path / "later", later))
    c9 = Contact.objects.get(source_ref="C9")
    assert c9.client.source_ref == "P2"
    assert list(c9.staff.values_list("source_ref", flat=True)) == ["S2"]


# --- invalid files: the message, and nothing written -----------------------------------------

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def _set(name: str, index: int, **cells: str):
    def change(files):
        files[name][index].update(cells)

    return change


def _add(name: str, row: dict[str, str]):
    def change(files):
        files[name].append(row)

    return change


INVALID = [
    pytest.param(
        _set("people.csv", 1, sex="x"),
        "people.csv:3: sex: unknown value “x” (expected one of: female, male, other, unknown)",
        id="unknown-enum-sex",
    ),
    pytest.param(
        _set("contacts.csv", 0, mode="carrier_pigeon"),
        "contacts.csv:2: mode: unknown value “carrier_pigeon”",
        id="unknown-enum-mode",
    ),
    pytest.param(
        _set("staff.csv", 0, role="admin"),
        "staff.csv:2: role: unknown value “admin”",
        id="unknown-enum-role",
    ),
    pytest.param(
        _set("people.csv", 0, birth_date="1980-02-30"),
        "people.csv:2: birth_date: “1980-02-30” is not a date (YYYY-MM-DD)",
        id="malformed-date",
    ),
    pytest.param(
        _set("episodes.csv", 0, started_on="10.01.2025"),
        "episodes.csv:2: started_on: “10.01.2025” is not a date (YYYY-MM-DD)",
        id="malformed-date-format",
    ),
    pytest.param(
        _set("contacts.csv", 1, started_at="2025-01-15 25:00"),
        "contacts.csv:3: started_at: “2025-01-15 25:00” is not a date and time",
        id="malformed-datetime",
    ),
    pytest.param(
        _set("relapses.csv", 0, person_ref="P9"),
        "relapses.csv:2: person_ref: no person “P9” in people.csv or the team",
        id="unknown-person",
    ),
    pytest.param(
        _set("contacts.csv", 0, staff_refs="S1;S9"),
        "contacts.csv:2: staff_refs: no staff member “S9” in staff.csv or the team",
        id="unknown-staff",
    ),
    pytest.param(
        _set("episodes.csv", 1, ended_on="2025-02-09"),
        "episodes.csv:3: ended_on: the episode ends before it starts",
        id="episode-end-before-start",
    ),
    pytest.param(
        _set("hospital_stays.csv", 0, discharged_on="2024-05-31"),
        "hospital_stays.csv:2: discharged_on: the discharge is before the admission",
        id="stay-end-before-start",
    ),
    pytest.param(
        _set("crises.csv", 0, first_response_at="2025-02-28T21:59:00"),
        "crises.csv:2: first_response_at: the response is before the crisis was reported",
        id="crisis-response-before-report",
    ),
    pytest.param(
        _set("referrals.csv", 0, decided_at="2025-01-03T09:59:59"),
        "referrals.csv:2: decided_at: the decision is before the referral was received",
        id="referral-decision-before-receipt",
    ),
    pytest.param(
        _set("episodes.csv", 2, started_on="2025-06-30"),
        "episodes.csv:4: started_on: overlaps another episode of the same person (line 3)",
        id="overlapping-episodes",
    ),
    pytest.param(
        _set("episodes.csv", 1, ended_on="", discharge_reason=""),
        "episodes.csv:4: started_on: overlaps another episode of the same person (line 3)",
        id="overlapping-open-episode",
    ),
    pytest.param(
        _set("milestones.csv", 0, achieved_on=TOMORROW),
        f"milestones.csv:2: achieved_on: “{TOMORROW}”: The date cannot be in the future.",
        id="future-date",
    ),
    pytest.param(
        _set("contacts.csv", 2, started_at=f"{TOMORROW}T10:00:00"),
        f"contacts.csv:4: started_at: “{TOMORROW}T10:00:00”: The time cannot be in the future.",
        id="future-datetime",
    ),
    pytest.param(
        _set("contacts.csv", 0, duration_minutes="1441"),
        "contacts.csv:2: duration_minutes: 1441 is outside 0–1440",
        id="minutes-above-1440",
    ),
    pytest.param(
        _set("contacts.csv", 0, duration_minutes="-1"),
        "contacts.csv:2: duration_minutes: -1 is outside 0–1440",
        id="minutes-negative",
    ),
    pytest.param(
        _set("contacts.csv", 0, duration_minutes="thirty"),
        "contacts.csv:2: duration_minutes: “thirty” is not a whole number",
        id="minutes-not-a-number",
    ),
    pytest.param(
        _set("assessments.csv", 1, assessed_on="2025-01-20"),
        "assessments.csv:3: assessed_on: a second mansa assessment of this person on this date "
        "(line 2)",
        id="two-assessments-same-day",
    ),
    pytest.param(
        _set("assessments.csv", 0, instrument="phq9"),
        "assessments.csv:2: instrument: unknown instrument “phq9”",
        id="unknown-instrument",
    ),
    pytest.param(
        _set("assessments.csv", 0, score="high"),
        "assessments.csv:2: score: “high” is not a decimal number",
        id="malformed-score",
    ),
    pytest.param(
        _set("coercive_measures.csv", 0, debriefed_on="2025-03-01"),
        "coercive_measures.csv:2: debriefed_on: the debrief is before the measure",
        id="debrief-before-measure",
    ),
    pytest.param(
        _set("agency_requests.csv", 0, responded_on="2025-03-09"),
        "agency_requests.csv:2: responded_on: the response is before the request was sent",
        id="response-before-request",
    ),
    pytest.param(
        _set("relapses.csv", 0, relapse_ref="L1"),
        None,  # control: the unchanged set is valid (guards the cases above)
        id="control-valid",
    ),
    pytest.param(
        _add(
            "milestones.csv",
            {
                "milestone_ref": "T1",
                "person_ref": "P1",
                "kind": "housing",
                "achieved_on": "2025-05-06",
            },
        ),
        "milestones.csv:3: milestone_ref: “T1” appears twice (first on line 2)",
        id="duplicate-ref",
    ),
    pytest.param(
        _set("contacts.csv", 1, location="street"),
        "contacts.csv:3: location: a location is only recorded for face-to-face contacts",
        id="location-not-face-to-face",
    ),
    pytest.param(
        _set("episodes.csv", 0, ended_on="2025-03-01"),
        "episodes.csv:2: discharge_reason: give the reason the episode ended",
        id="ended-without-reason",
    ),
    pytest.param(
        _set("contacts.csv", 0, informal_support_present="yes"),
        "contacts.csv:2: informal_support_present: “yes” is not true or false",
        id="malformed-boolean",
    ),
    pytest.param(
        _set("people.csv", 0, given_name=""),
        "people.csv:2: given_name: a value is required",
        id="required-value",
    ),
]


@pytest.mark.parametrize(("change", "expected"), INVALID)
def test_invalid_row_reports_file_line_column_and_writes_nothing(team, tmp_path, change, expected):
    files = valid_files()
    change(files)
    directory = write(tmp_path, files)
    if expected is None:
        run(directory)
        assert Contact.objects.count() == 3
        return
    errors = run_failing(directory)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors
    assert_nothing_written()


def test_every_error_is_reported_at_once(team, tmp_path):
    files = valid_files()
    files["people.csv"][0]["sex"] = "x"
    files["contacts.csv"][2]["duration_minutes"] = "2000"
    files["milestones.csv"][0]["kind"] = "moon"
    errors = run_failing(write(tmp_path, files))
    assert [e.split(": ")[0] for e in errors] == [
        "people.csv:2",
        "contacts.csv:4",
        "milestones.csv:2",
    ]
    assert_nothing_written()


def test_unknown_and_missing_columns(team, tmp_path):
    files = valid_files()
    for row in files["relapses.csv"]:
        row["signs"] = "sleeping badly"
    for row in files["milestones.csv"]:
        del row["achieved_on"]
    errors = run_failing(write(tmp_path, files))
    assert errors == [
        "relapses.csv:1: signs: unknown column",
        "milestones.csv:1: achieved_on: missing column",
    ]
    assert_nothing_written()


def test_missing_people_file_and_unknown_file(team, tmp_path):
    files = valid_files()
    del files["people.csv"]
    files["contact.csv"] = files.pop("contacts.csv")
    write(tmp_path, {k: v for k, v in files.items() if k != "contact.csv"})
    with (tmp_path / "contact.csv").open("w") as handle:
        handle.write("contact_ref\nC1\n")
    errors = run_failing(tmp_path)
    assert "contact.csv:1: -: unknown file" in errors
    assert "people.csv:1: -: the file is missing" in errors
    assert_nothing_written()


def test_ragged_row_and_bad_encoding(team, tmp_path):
    write(tmp_path, {"people.csv": valid_files()["people.csv"]})
    with (tmp_path / "people.csv").open("a") as handle:
        handle.write("P3,Too,Many,,male,extra\n")
    assert run_failing(tmp_path) == ["people.csv:4: -: 6 fields where the header has 5"]
    (tmp_path / "people.csv").write_bytes(
        b"person_ref,given_name,family_name,birth_date,sex\nP1,Mar\xeda,,,female\n"
    )
    assert run_failing(tmp_path) == ["people.csv:2: -: the file is not UTF-8"]
    assert_nothing_written()


def test_overlap_with_an_episode_already_in_the_team(team, tmp_path):
    client = ClientFactory(team=team, source_ref="P1")
    EpisodeFactory(client=client, started_on=date(2024, 12, 1), ended_on=None)
    files = valid_files()
    files["people.csv"] = files["people.csv"][1:]
    errors = run_failing(write(tmp_path, files))
    assert errors == [
        "episodes.csv:2: started_on: overlaps another episode of the same person "
        "(an episode already in the team)"
    ]
    assert Contact.objects.count() == 0


def test_import_dir_raises_import_failed_with_every_error(team, tmp_path, origin):
    files = valid_files()
    files["contacts.csv"][0]["outcome"] = "maybe"
    with pytest.raises(ImportFailed) as excinfo:
        import_dir(write(tmp_path, files), "centre", origin=origin)
    assert [str(e) for e in excinfo.value.errors] == [
        "contacts.csv:2: outcome: unknown value “maybe” (expected one of: met, not_met)"
    ]


# --- teams ------------------------------------------------------------------------------------


def test_team_is_created_with_municipality(db, tmp_path):
    run(write(tmp_path, valid_files()), team="new-team", municipality="plovdiv")
    team = Team.objects.get(slug="new-team")
    assert team.municipality.slug == "plovdiv"
    assert Client.objects.filter(team=team).count() == 2
    assert Referral.objects.filter(municipality__slug="plovdiv").count() == 2


def test_missing_team_without_municipality_is_an_error(db, tmp_path):
    errors = run_failing(write(tmp_path, valid_files()), team="new-team")
    assert errors == ["--team: there is no team “new-team”; give --municipality to create it"]
    assert not Team.objects.exists()
    assert_nothing_written()


def test_failed_import_does_not_create_the_team(db, tmp_path):
    files = valid_files()
    files["people.csv"][0]["sex"] = "x"
    instruments = set(Instrument.objects.values_list("pk", flat=True))  # the built-in ones
    run_failing(write(tmp_path, files), team="new-team", municipality="plovdiv")
    assert not Team.objects.exists()
    assert not Municipality.objects.exists()
    assert set(Instrument.objects.values_list("pk", flat=True)) == instruments


def test_refs_are_per_team(team, other_team, tmp_path):
    directory = write(tmp_path, valid_files())
    run(directory, team="centre")
    run(directory, team="lyulin")
    assert Client.objects.filter(team=other_team).count() == 2
    assert Contact.objects.count() == 6
    assert User.objects.filter(source_ref="S1").count() == 2


# --- clock changes (Europe/Sofia: +02:00 in winter, +03:00 in summer) -------------------------


def _one_contact(started_at: str) -> dict[str, list[dict[str, str]]]:
    # Kept unformatted (fmt: skip at its end): CSV rows, one record per line as in the file.
    return {
        "people.csv": valid_files()["people.csv"][:1],
        "contacts.csv": [
            {"contact_ref": "C1", "person_ref": "P1", "started_at": started_at,
             "duration_minutes": "30", "mode": "phone", "location": "", "outcome": "met",
             "staff_refs": "", "informal_support_present": "false"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        # 26 Oct 2025: 04:00 summer time becomes 03:00 winter time; 03:30 happens twice.
        ("2025-10-26T03:30:00", datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
        ("2025-10-26T02:59:00", datetime(2025, 10, 25, 23, 59, tzinfo=UTC)),
        ("2025-10-26T04:00:00", datetime(2025, 10, 26, 2, 0, tzinfo=UTC)),
        # 30 Mar 2025: 03:00 becomes 04:00; 02:59 and 04:00 exist.
        ("2025-03-30T02:59:00", datetime(2025, 3, 30, 0, 59, tzinfo=UTC)),
        ("2025-03-30T04:00:00", datetime(2025, 3, 30, 1, 0, tzinfo=UTC)),
        # An explicit offset is taken as given, also for the second 03:30.
        ("2025-10-26T03:30:00+02:00", datetime(2025, 10, 26, 1, 30, tzinfo=UTC)),
        ("2025-10-26T01:30:00Z", datetime(2025, 10, 26, 1, 30, tzinfo=UTC)),
    ],
)
def test_local_times_around_clock_changes(team, tmp_path, local, utc):
    run(write(tmp_path, _one_contact(local)))
    assert Contact.objects.get().started_at == utc


@pytest.mark.parametrize("local", ["2025-03-30T03:00:00", "2025-03-30T03:30:00"])
def test_skipped_local_time_is_invalid(team, tmp_path, local):
    errors = run_failing(write(tmp_path, _one_contact(local)))
    assert errors == [
        f"contacts.csv:2: started_at: {local} does not exist in Europe/Sofia "
        "(skipped by a clock change)"
    ]
    assert_nothing_written()


def test_imported_people_are_found_by_the_search(team, tmp_path):
    """The importer writes in bulk (COPY on PostgreSQL), past Client.save: it sets the keys."""
    files = valid_files()
    files["people.csv"][0].update(given_name="Пётр", family_name="Ёлкин")
    run(write(tmp_path, files))
    client = Client.objects.get(source_ref="P1")
    assert (client.given_key, client.family_key) == ("петр", "елкин")
    assert client.search_key.startswith("петр елкин ")
    fragment = client.code[2:6].lower()
    assert fragment in client.search_key

    # A changed name changes the keys; the code and known_as stay in them.
    client.known_as = "Петьо"
    client.save()
    files["people.csv"][0]["family_name"] = "Щерев"
    run(write(tmp_path, files))
    client.refresh_from_db()
    assert client.family_key == "щерев"
    assert "петьо" in client.search_key and fragment in client.search_key
    assert "елкин" not in client.search_key


def test_overlapping_stays_are_reported_by_file_and_line(team, tmp_path):
    """The rule of HospitalStay.clean, checked across the file and the team's stays."""
    files = valid_files()
    person = files["hospital_stays.csv"][0]["person_ref"]
    first = files["hospital_stays.csv"][0]
    files["hospital_stays.csv"].append(
        dict(first, stay_ref="H-overlap", admitted_on=first["admitted_on"], discharged_on="")
    )
    errors = run_failing(write(tmp_path, files))
    line = len(files["hospital_stays.csv"]) + 1
    assert any(
        e.startswith(f"hospital_stays.csv:{line}: admitted_on: overlaps another hospital stay")
        and "(line 2)" in e
        for e in errors
    ), errors
    assert_nothing_written()

    # One already in the team (entered in the app) counts as well.
    files = valid_files()
    run(write(tmp_path, files))
    client = Client.objects.get(source_ref=person)
    stay = HospitalStay.objects.get(source_ref="H1")
    HospitalStay.objects.create(
        client=client,
        admitted_on=stay.admitted_on + timedelta(days=1),
        discharged_on=None,
        legal_status="voluntary",
    )
    errors = run_failing(write(tmp_path, files))
    assert any("a stay already in the team" in e for e in errors), errors

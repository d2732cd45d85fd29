"""import_caseload: adverse_events.csv and the optional columns advance_statement_upheld and
agency_kind (IMPORT_FORMAT.md), and the agency directory they fill."""

from __future__ import annotations

import pytest

from outreach.models import AdverseEvent, Agency, AgencyRequest, HospitalStay

from .test_import import assert_nothing_written, run, run_failing, valid_files, write

pytestmark = pytest.mark.django_db


def with_new_columns() -> dict:
    files = valid_files()
    files["hospital_stays.csv"][0]["advance_statement_upheld"] = "partly"
    files["hospital_stays.csv"][1]["advance_statement_upheld"] = ""
    files["agency_requests.csv"] = [
        {"request_ref": "G1", "person_ref": "P2", "agency": "Labour office",
         "sent_on": "2025-03-10", "responded_on": "2025-03-20", "agency_kind": "employment"},
        {"request_ref": "G2", "person_ref": "P1", "agency": "Labour office",
         "sent_on": "2025-04-10", "responded_on": "", "agency_kind": "employment"},
        {"request_ref": "G3", "person_ref": "P1", "agency": "Aunt's landlord",
         "sent_on": "2025-04-11", "responded_on": "", "agency_kind": ""},
    ]  # fmt: skip
    files["adverse_events.csv"] = [
        {"event_ref": "V1", "person_ref": "P1", "kind": "self_harm", "occurred_on": "2025-03-05"},
        {"event_ref": "V2", "person_ref": "P2", "kind": "eviction", "occurred_on": "2025-04-01"},
    ]
    return files


def test_adverse_events_advance_statements_and_agency_kinds_are_imported(team, tmp_path):
    output = run(write(tmp_path, with_new_columns()))
    assert "adverse_events.csv: 2 created" in output
    assert sorted(AdverseEvent.objects.values_list("source_ref", "kind", "client__source_ref")) == [
        ("V1", "self_harm", "P1"),
        ("V2", "eviction", "P2"),
    ]
    assert HospitalStay.objects.get(source_ref="H1").advance_statement_upheld == "partly"
    assert HospitalStay.objects.get(source_ref="H2").advance_statement_upheld == ""
    labour = Agency.objects.get()
    assert (labour.municipality, labour.name, labour.kind) == (
        team.municipality,
        "Labour office",
        "employment",
    )
    listed = dict(AgencyRequest.objects.values_list("source_ref", "listed_agency"))
    assert listed == {"G1": labour.pk, "G2": labour.pk, "G3": None}  # G3: a one-off agency


def test_importing_again_changes_nothing_and_a_kind_given_later_links_the_directory(team, tmp_path):
    files = with_new_columns()
    run(write(tmp_path, files))
    output = run(write(tmp_path, files))
    assert "agency_requests.csv: 0 created, 0 updated, 3 unchanged" in output
    assert Agency.objects.count() == 1
    files["agency_requests.csv"][2]["agency_kind"] = "housing"
    run(write(tmp_path, files))
    assert AgencyRequest.objects.get(source_ref="G3").listed_agency.kind == "housing"
    assert Agency.objects.count() == 2


def test_leaving_out_an_optional_column_keeps_what_was_recorded(team, tmp_path):
    run(write(tmp_path, with_new_columns()))
    files = valid_files()  # the same stays and the request G1, without the optional columns
    output = run(write(tmp_path, files))
    assert "hospital_stays.csv: 0 created, 0 updated, 2 unchanged" in output
    assert HospitalStay.objects.get(source_ref="H1").advance_statement_upheld == "partly"
    assert AgencyRequest.objects.get(source_ref="G1").listed_agency is not None


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "expected"),
    [
        (
            "hospital_stays.csv",
            0,
            "advance_statement_upheld",
            "maybe",
            "hospital_stays.csv:2: advance_statement_upheld: unknown value “maybe”",
        ),
        (
            "agency_requests.csv",
            0,
            "agency_kind",
            "church",
            "agency_requests.csv:2: agency_kind: unknown value “church”",
        ),
        (
            "adverse_events.csv",
            1,
            "kind",
            "fall",
            "adverse_events.csv:3: kind: unknown value “fall”",
        ),
        (
            "adverse_events.csv",
            0,
            "occurred_on",
            "2099-01-01",
            "adverse_events.csv:2: occurred_on:",
        ),
        (
            "adverse_events.csv",
            0,
            "person_ref",
            "P9",
            "adverse_events.csv:2: person_ref: no person “P9”",
        ),
    ],
)
def test_invalid_new_cells_are_reported_and_nothing_is_written(
    team, tmp_path, file, row, column, value, expected
):
    files = with_new_columns()
    files[file][row][column] = value
    errors = run_failing(write(tmp_path, files))
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors
    assert_nothing_written()
    assert not AdverseEvent.objects.exists() and not Agency.objects.exists()


def test_a_name_with_another_kind_in_the_directory_is_an_error(team, tmp_path):
    Agency.objects.create(
        municipality=team.municipality, name="Labour office", kind="benefits_and_documents"
    )
    errors = run_failing(write(tmp_path, with_new_columns()))
    assert errors == [
        "agency_requests.csv:2: agency_kind: “Labour office” is in the directory as "
        "benefits_and_documents: change the kind in the directory, not in the file",
        "agency_requests.csv:3: agency_kind: “Labour office” is in the directory as "
        "benefits_and_documents: change the kind in the directory, not in the file",
    ]
    assert_nothing_written()
    assert Agency.objects.count() == 1

"""The OpenAPI schema of every resource generates valid and without a warning."""

from __future__ import annotations

from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path, db):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    text = (tmp_path / "schema.yml").read_text()
    for path in ("/api/v1/hospital-stays/", "/api/v1/goals/", "/api/v1/reports/{id}/"):
        assert path in text

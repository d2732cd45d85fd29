"""Objects for the URL parameters of the agency directory (see test_access_matrix).

An agency belongs to a municipality, not to a team: the object no swept role may reach is an
agency of another municipality's directory (the coordinator of the team's municipality keeps
its own; tests/outreach/test_agency_directory_pages.py has what they may do).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def _elsewhere_agency(db):
    from outreach.models import Agency, Municipality

    elsewhere = Municipality.objects.create(name="Elsewhere", slug="elsewhere-agencies")
    return Agency.objects.create(municipality=elsewhere, name="Their housing", kind="housing")


@pytest.fixture
def route_param_outreach_agency_update__pk(_elsewhere_agency):
    return _elsewhere_agency.pk


@pytest.fixture
def route_param_outreach_agency_active__pk(_elsewhere_agency):
    return _elsewhere_agency.pk

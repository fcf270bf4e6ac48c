from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minsheng.core.roles import Role
from tests.contracts.helpers import under_way
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER)


@pytest.fixture
def project(db, officer):
    """Under way with a signed task book from 2027-01-01 to 2028-12-31, reporting every six months, with a
    mid-term check."""
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    under_way(project, officer, applicant)
    project.refresh_from_db()
    return project


@pytest.fixture
def applicant(project):
    return user_for_role(Role.APPLICANT, organisation=project.organisation)

import pytest

from minsheng.core.roles import Role
from tests.factories import user_for_role
from tests.factories.contracts import approved_project


@pytest.fixture
def project(db):
    return approved_project()


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER)


@pytest.fixture
def finance(db):
    return user_for_role(Role.FINANCE)


@pytest.fixture
def applicant(project):
    return user_for_role(Role.APPLICANT, organisation=project.organisation)

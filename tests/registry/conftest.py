import pytest

from minsheng.core.roles import Role
from tests.core.append_only import pytest_runtest_teardown  # noqa: F401 (a pytest hook for transactional tests)
from tests.factories import OrganisationFactory, PersonFactory, user_for_role


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER)


@pytest.fixture
def own_org(db):
    return OrganisationFactory(name_zh="深圳市本单位测试有限公司")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name_zh="深圳市他单位测试有限公司")


@pytest.fixture
def applicant(own_org):
    return user_for_role(Role.APPLICANT, organisation=own_org)


@pytest.fixture
def own_person(own_org):
    return PersonFactory(organisation=own_org, phone="13800000001", id_number_masked="110105********002X")


@pytest.fixture
def other_person(other_org):
    return PersonFactory(organisation=other_org, phone="13800000002", id_number_masked="440305********1234")


def login(client, user):
    client.force_login(user)
    return client

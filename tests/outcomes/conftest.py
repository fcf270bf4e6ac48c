import pytest

from minsheng.core.roles import Role
from tests.factories import OrganisationFactory, user_for_role


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

import pytest

from minsheng.core.roles import Role
from minsheng.problems import services as problems
from tests.core.append_only import pytest_runtest_teardown  # noqa: F401 (a pytest hook for transactional tests)
from tests.factories import department, district, domain, user_for_role


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER, username="triage1")


@pytest.fixture
def officer2(db):
    return user_for_role(Role.OFFICER, username="triage2")


@pytest.fixture
def dept_health(db):
    return user_for_role(Role.DEPARTMENT_OFFICER, username="health_officer", department=department("health"))


@pytest.fixture
def dept_education(db):
    return user_for_role(Role.DEPARTMENT_OFFICER, username="education_officer", department=department("education"))


def report(title="老旧小区加装电梯难", description="老旧小区没有电梯，老人上下楼非常困难，希望有低成本的加装方案。",
           by=None, **values):
    """A problem reported through the service (the public when `by` is None)."""
    values = {"title": title, "description": description, **values}
    for name, lookup in (("domain", domain), ("district", district)):
        if isinstance(values.get(name), str):
            values[name] = lookup(values[name])
    return problems.submit_problem(by=by, values=values)

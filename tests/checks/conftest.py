import pytest

from minsheng.applications import rule_rounds
from minsheng.core.roles import Role
from tests.factories import department, user_for_role
from tests.factories.applications import SubmittedApplicationFactory
from tests.factories.calls import CallFactory, add_rule


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER, username="officer1")


@pytest.fixture
def call(db):
    """A call co-owned by the health department, with three rules."""
    call = CallFactory(co_owners=[department("health")])
    add_rule(call, "verified_organisation")
    add_rule(call, "ip_in_domain", min_count=1, ip_kinds=["invention_patent"])
    add_rule(call, "own_funding_share", min_percent=50)
    return call


def submitted(call, **kwargs):
    """A submitted application with its first round of rule results; passes all but the IP rule by default."""
    kwargs.setdefault("funding", {"city_rd": 1_000_000, "own": 1_000_000})
    application = SubmittedApplicationFactory(call=call, **kwargs)
    user_for_role(Role.APPLICANT, organisation=application.organisation, email=f"app{application.pk}@example.cn")
    rule_rounds.record_submission(application, by=application.created_by)
    return application

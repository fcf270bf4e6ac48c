"""The menu by stage (issue 15, point 5): each role sees only its groups and entries, each group with the inbox count
of its stage; the counts come with the workbench and, elsewhere, from the small counts request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from minsheng.core import inbox
from minsheng.core.inbox import WaitingItem
from minsheng.core.navigation import GROUPS, INBOX_GROUP, groups_for, menu_for
from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db

ZH_GROUPS = ["需求与指南", "申报与审查", "专家评审", "立项与合同", "执行与成果", "登记库", "系统"]


def keys(user) -> list[str]:
    return [group.key for group in groups_for(user)]


def test_the_groups_read_in_chinese_in_the_order_of_the_programme():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [str(group.label) for group in GROUPS] == ZH_GROUPS


@pytest.mark.parametrize(("role", "expected"), [
    (Role.OFFICER, ["needs", "applications", "review", "contracts", "execution", "registers"]),
    (Role.ADMIN, ["needs", "applications", "review", "contracts", "execution", "registers", "system"]),
    (Role.AUDITOR, ["needs", "applications", "review", "contracts", "execution", "registers", "system"]),
    (Role.FINANCE, ["needs", "review", "contracts", "execution", "registers"]),
    (Role.EXPERT, ["needs", "review", "registers"]),
    (Role.APPLICANT, ["needs", "applications", "contracts", "execution", "registers"]),
    (Role.DEPARTMENT_OFFICER, ["needs", "applications", "review", "contracts", "execution", "registers"]),
    (Role.DISTRICT_OFFICER, ["needs", "review", "contracts", "execution", "registers"]),
])
def test_each_role_sees_its_groups(role, expected):
    assert keys(user_for_role(role)) == expected


def test_a_visitor_sees_the_public_entries_only():
    visitor = AnonymousUser()
    assert keys(visitor) == ["needs", "registers"]
    names = {item.url_name for item in menu_for(visitor)}
    assert names == {"policy:index", "problems:submit", "calls:list", "registry:carrier_list",
                     "registry:service_list", "registry:facility_list"}


def test_entries_of_other_roles_stay_hidden():
    expert = {item.url_name for item in menu_for(user_for_role(Role.EXPERT))}
    assert "review:my_assignments" in expert and "review:pool_list" not in expert
    applicant = {item.url_name for item in menu_for(user_for_role(Role.APPLICANT))}
    assert "core:audit_list" not in applicant and "contracts:finance_queue" not in applicant


def test_every_waiting_row_counts_in_a_group_that_exists():
    groups = {group.key for group in GROUPS}
    assert set(INBOX_GROUP.values()) <= groups


def test_group_counts_add_up_the_rows_of_their_stage():
    officer = user_for_role(Role.OFFICER)
    rows = [WaitingItem("registry.verify", "x", 3, "/"), WaitingItem("checks.check", "x", 2, "/"),
            WaitingItem("applications.returned", "x", 1, "/")]
    counts = {group.key: group.count for group in groups_for(officer, rows)}
    assert counts["registers"] == 3 and counts["applications"] == 3 and counts["review"] == 0


def test_the_workbench_menu_carries_the_counts_and_other_pages_ask_for_them(client):
    officer = user_for_role(Role.OFFICER)
    OrganisationFactory(state=Organisation.State.PENDING)
    OrganisationFactory(state=Organisation.State.PENDING)
    client.force_login(officer)
    text = client.get(reverse("accounts:home")).content.decode()
    assert 'data-ms-nav-group="registers"' in text and "data-ms-nav-counts" not in text
    assert 'data-ms-nav-count="registers" class="badge rounded-pill text-bg-danger ms-1">2<' in text

    text = client.get(reverse("calls:list")).content.decode()
    assert "data-ms-nav-counts" in text              # the page itself does not read the inbox
    counts = client.get(reverse("inbox_counts")).content.decode()
    assert 'id="ms-nav-count-registers"' in counts and 'hx-swap-oob="true">2<' in counts


def test_the_counts_request_reads_the_inbox_once(client, django_assert_max_num_queries):
    from tests.core.test_inbox import INBOX_MAX_QUERIES

    client.force_login(user_for_role(Role.OFFICER))
    with django_assert_max_num_queries(INBOX_MAX_QUERIES + 6):      # the session and the user, then the inbox
        client.get(reverse("inbox_counts"))


def test_a_visitor_gets_no_counts(client):
    text = client.get(reverse("inbox_counts")).content.decode()
    assert "ms-nav-count" not in text
    assert inbox.waiting_for(AnonymousUser()) == []

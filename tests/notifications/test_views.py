"""The bell, the notifications page, the link each one follows, and the mail preferences."""

import re

import pytest
from django.urls import reverse

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.notifications import services
from minsheng.notifications.models import Notification, NotificationPreference
from minsheng.registry.models import Organisation
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db

DECISION = "registry.organisation_decision"
TASK_BOOK = "contracts.task_book"


@pytest.fixture
def organisation():
    return OrganisationFactory(name_zh="深圳市通知测试科技有限公司")


@pytest.fixture
def applicant(organisation):
    return user_for_role(Role.APPLICANT, organisation=organisation)


def told(user, subject, *, kind=DECISION, target=None, url="/", body="正文") -> Notification:
    services.notify([user], kind, subject, body, target=target, url=url)
    return Notification.objects.filter(recipient=user).latest("pk")


def test_the_bell_counts_the_unread_in_one_query(client, applicant, organisation, django_assert_num_queries):
    told(applicant, "第一条", target=organisation)
    told(applicant, "第二条", target=organisation)
    services.mark_read(told(applicant, "已读的", target=organisation), by=applicant)
    told(user_for_role(Role.APPLICANT), "别人的")
    client.force_login(applicant)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-ms-bell="2"' in page and "通知，2 条未读" in page
    from django.test import RequestFactory

    from minsheng.notifications.context_processors import unread

    request = RequestFactory().get("/")
    request.user = applicant
    with django_assert_num_queries(1):
        assert unread(request) == {"notifications_unread": 2}


def test_a_visitor_has_no_bell(client):
    assert "data-ms-bell" not in client.get(reverse("portal:index")).content.decode()


def test_the_page_lists_only_mine_newest_first_and_filters_by_kind_and_read(client, applicant, organisation):
    first = told(applicant, "单位已核验", target=organisation)
    second = told(applicant, "任务书待确认", kind=TASK_BOOK)
    services.mark_read(first, by=applicant)
    told(user_for_role(Role.APPLICANT), "别人的通知")
    client.force_login(applicant)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.index("任务书待确认") < page.index("单位已核验") and "别人的通知" not in page
    assert f'data-ms-notification="{second.pk}" data-ms-read="no"' in page
    assert f'data-ms-notification="{first.pk}" data-ms-read="yes"' in page

    def shown(**params):
        page = client.get(reverse("notifications:list"), params).content.decode()
        return {n.pk for n in (first, second) if f'data-ms-notification="{n.pk}"' in page}

    assert shown(kind=TASK_BOOK) == {second.pk}
    assert shown(kind=DECISION) == {first.pk}
    assert shown(unread="yes") == {second.pk}
    assert shown(unread="no") == {first.pk}
    assert shown(kind=TASK_BOOK, unread="no") == set()
    assert shown(kind="not-a-kind") == {first.pk, second.pk}       # an unknown value is ignored


def test_the_page_is_paginated(client, applicant):
    for n in range(27):
        told(applicant, f"通知{n:02d}")
    client.force_login(applicant)
    first = client.get(reverse("notifications:list")).content.decode()
    assert "通知26" in first and "通知00" not in first and 'data-ms-pages="2"' in first
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert "通知00" in second and "通知26" not in second


def test_mark_one_read_and_all_read(client, applicant, organisation):
    one, two, three = (told(applicant, s, target=organisation) for s in ("一", "二", "三"))
    other_kind = told(applicant, "四", kind=TASK_BOOK)
    client.force_login(applicant)
    response = client.post(reverse("notifications:read", args=[one.pk]),
                           {"next": reverse("notifications:list") + "?unread=yes"})
    assert response.status_code == 302 and response.url == "/notifications/?unread=yes"
    one.refresh_from_db()
    assert one.read_at is not None
    client.post(reverse("notifications:read_all"), {"kind": DECISION})
    assert set(Notification.objects.filter(read_at__isnull=True)) == {other_kind}
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert two.pk and three.pk


def test_a_redirect_after_marking_stays_on_this_site(client, applicant):
    one = told(applicant, "一")
    client.force_login(applicant)
    response = client.post(reverse("notifications:read", args=[one.pk]), {"next": "//evil.example/"})
    assert response.url == reverse("notifications:list")


def test_another_persons_notification_is_not_found_and_left_unread(client, applicant, organisation):
    theirs = told(user_for_role(Role.APPLICANT), "别人的通知", target=organisation,
                  url=f"/registry/organisations/{organisation.pk}/")
    client.force_login(applicant)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_the_link_while_visible(client, applicant, organisation):
    notification = told(applicant, "单位已核验", target=organisation,
                        url=f"/registry/organisations/{organisation.pk}/")
    client.force_login(applicant)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == f"/registry/organisations/{organisation.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_target_no_longer_visible_shows_the_unavailable_page_not_its_content(client, applicant, organisation):
    notification = told(applicant, "单位已核验", target=organisation,
                        url=f"/registry/organisations/{organisation.pk}/")
    # the person moved to another organisation: the first one is no longer theirs to see
    applicant.organisation = OrganisationFactory()
    applicant.save(update_fields=["organisation"])
    client.force_login(applicant)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    page = response.content.decode()
    assert response.status_code == 410 and "不再可用" in page
    assert organisation.name_zh not in page and organisation.credit_code not in page
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_deleted_target_shows_the_unavailable_page(client, applicant):
    doomed = OrganisationFactory(name_zh="即将删除的单位")
    notification = told(applicant, "单位已核验", target=doomed, url=f"/registry/organisations/{doomed.pk}/")
    Organisation.objects.filter(pk=doomed.pk).delete()
    client.force_login(applicant)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 410 and "不再可用" in response.content.decode()
    assert "即将删除的单位" not in response.content.decode()


def test_a_link_off_the_site_is_never_followed(client, applicant, organisation):
    notification = told(applicant, "单位已核验", target=organisation, url="https://evil.example/")
    client.force_login(applicant)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 410


def test_preferences_page_saves_and_audits_only_changes(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "也通过电子邮件" in page and 'data-ms-kind="contracts.task_book"' in page
    # the defaults as the form shows them, but task books no longer by mail
    everything_but_task_books = {k.code: "on" for k in services.kinds.KINDS if k.by_mail and k.code != TASK_BOOK}
    response = client.post(reverse("notifications:preferences"), everything_but_task_books)
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=applicant).values_list("kind", "by_mail")) == {
        TASK_BOOK: False}
    event = AuditEvent.objects.get(action="notifications.preference.change")
    assert event.new == {"mail_on": [], "mail_off": [TASK_BOOK]}
    assert event.target_id == str(applicant.pk) and event.actor_id == applicant.pk
    client.post(reverse("notifications:preferences"), everything_but_task_books)
    assert AuditEvent.objects.filter(action="notifications.preference.change").count() == 1
    page = client.get(reverse("notifications:preferences")).content.decode()

    def checked(code):
        tag = re.search(rf'<input[^>]*name="{re.escape(code)}"[^>]*>', page).group(0)
        return "checked" in tag

    assert not checked(TASK_BOOK) and checked(DECISION) and not checked("funding.plan_in_district")


def test_the_profile_links_to_the_preferences(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:preferences") in page


def test_the_api_lists_mine_and_marks_one_read(client, applicant, organisation):
    mine = told(applicant, "单位已核验", target=organisation)
    told(applicant, "任务书待确认", kind=TASK_BOOK)
    told(user_for_role(Role.APPLICANT), "别人的通知")
    client.force_login(applicant)
    data = client.get("/api/v1/notifications/").json()
    assert [row["subject"] for row in data["results"]] == ["任务书待确认", "单位已核验"]
    assert client.get("/api/v1/notifications/", {"kind": DECISION}).json()["count"] == 1
    answer = client.post(f"/api/v1/notifications/{mine.pk}/read/", content_type="application/json")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "yes"}).json()["count"] == 1

"""Notifications in a real browser: the officer publishes a call's reviewer assignment; the expert signs in on a
phone, sees the count on the bell, opens the notifications, clicks the invitation and lands on it; the count goes
down, and the bell's page marks the rest read."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from minsheng.notifications.models import Notification
from minsheng.review.models import Assignment
from tests.e2e.test_foundation import sign_in
from tests.factories.review_work import review_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def test_an_expert_hears_of_a_published_assignment_under_the_bell_and_opens_it(page, browser, live_server):
    from minsheng.engines import text

    text.tokens("预热分词词典")   # load jieba's dictionary before the clock of the first click starts
    page.set_default_timeout(60_000)
    w = review_world(n_applications=1, n_experts=2, k=2)
    sign_in(page, w.officer.username)
    page.goto(f"/review/assignment/{w.call.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-run]")
    expect(page.locator("[data-ms-run-summary]")).to_be_visible()
    page.click("[data-ms-publish]")
    expect(page.locator("[data-ms-pair][data-ms-state=published]")).to_have_count(2)
    expect(page.locator("[data-ms-bell]")).to_have_attribute("data-ms-bell", "0")   # the officer was told nothing

    pair = Assignment.objects.filter(application=w.applications[0]).order_by("pk").first()
    expert = w.users[pair.expert_id]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport=PHONE)
    phone = context.new_page()
    sign_in(phone, expert.username)
    bell = phone.locator("header [data-ms-bell]")
    expect(bell).to_be_visible()
    expect(bell.locator("[data-ms-unread]")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", zh("Notifications, %(counter)s unread") % {"counter": 1})
    width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], "the header with the bell scrolls sideways on a phone"
    bell.click()

    expect(phone).to_have_url(f"{live_server.url}/notifications/")
    row = phone.locator("[data-ms-notification]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-ms-read", "no")
    expect(row).to_contain_text(zh("Review invitation"))
    expect(row).to_contain_text(w.applications[0].title)
    row.get_by_role("link", name=zh("Review invitation"), exact=False).click()

    expect(phone).to_have_url(f"{live_server.url}/review/work/#assignment-{pair.pk}")
    invitation = phone.locator(f"#assignment-{pair.pk}")
    expect(invitation).to_be_visible()
    expect(invitation).to_contain_text(w.applications[0].title)
    expect(phone.locator("header [data-ms-bell]")).to_have_attribute("data-ms-bell", "0")
    assert Notification.objects.get(recipient=expert).read_at is not None

    # Back on the list the invitation reads as read, and nobody else's notification is there.
    phone.locator("header [data-ms-bell]").click()
    expect(phone.locator("[data-ms-notification]")).to_have_attribute("data-ms-read", "yes")
    expect(phone.locator("[data-ms-mark-read]")).to_have_count(0)
    context.close()

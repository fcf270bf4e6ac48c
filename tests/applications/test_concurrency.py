"""Two people (or two tabs) saving the same application: the older version is refused, naming who saved
and when, and nothing is overwritten. A double submit on PostgreSQL from two threads submits once."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from minsheng.applications import services
from minsheng.applications.models import Application
from minsheng.core.concurrency import StaleVersion
from minsheng.core.models import AuditEvent
from tests.factories.applications import ApplicationFactory, complete_application

pytestmark = pytest.mark.django_db


def test_saving_an_older_version_is_refused_naming_who_and_when(draft, applicant, colleague):
    opened = draft.version
    services.save_section(draft, "objectives", {"objectives": "同事的目标"}, version=opened, by=colleague)
    with pytest.raises(StaleVersion) as error:
        services.save_section(draft, "objectives", {"objectives": "我的目标"}, version=opened, by=applicant)
    message = error.value.messages[0]
    assert colleague.display_name in message
    event = AuditEvent.objects.get(action="applications.application.section.objectives")
    assert event.created_at.astimezone().strftime("%Y-%m-%d") in message
    draft.refresh_from_db()
    assert draft.objectives == "同事的目标" and draft.version == opened + 1


def test_autosave_of_two_tabs(client, draft, applicant, colleague):
    url = reverse("applications:edit", args=[draft.pk, "objectives"])
    client.force_login(colleague)
    first = client.post(url, {"objectives": "第一版", "version": draft.version}, headers={"X-Autosave": "1"})
    assert first.status_code == 200 and first.json()["saved"] and first.json()["version"] == draft.version + 1
    client.force_login(applicant)
    stale = client.post(url, {"objectives": "覆盖", "version": draft.version}, headers={"X-Autosave": "1"})
    assert stale.status_code == 409 and colleague.display_name in stale.json()["errors"][0]
    again = client.post(url, {"objectives": "第二版", "version": first.json()["version"]},
                        headers={"X-Autosave": "1"})
    assert again.status_code == 200
    draft.refresh_from_db()
    assert draft.objectives == "第二版"


def test_plain_form_without_javascript_saves_and_refuses_the_same_way(client, draft, applicant, colleague):
    url = reverse("applications:edit", args=[draft.pk, "route"])
    client.force_login(applicant)
    response = client.post(url, {"technical_route": "路线", "version": draft.version})
    assert response.status_code == 302
    response = client.post(url, {"technical_route": "旧页面", "version": draft.version})
    assert response.status_code == 409 and "旧页面" in response.content.decode()  # the text is kept on the page
    draft.refresh_from_db()
    assert draft.technical_route == "路线"


def test_submitted_application_cannot_be_edited(client, draft, applicant):
    complete_application(draft)
    services.submit(draft, by=applicant)
    client.force_login(applicant)
    url = reverse("applications:edit", args=[draft.pk, "objectives"])
    assert client.post(url, {"objectives": "改", "version": draft.version}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_double_submit_from_two_threads_submits_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    from tests.factories import user_for_role

    app = complete_application(ApplicationFactory())
    user = user_for_role("applicant", organisation=app.organisation)
    results, barrier = [], threading.Barrier(2)

    def click():
        from django.db import connections

        barrier.wait()
        try:
            results.append(services.submit(Application.objects.get(pk=app.pk), by=user))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert AuditEvent.objects.filter(action="applications.application.submit").count() == 1

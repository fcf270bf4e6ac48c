"""notify(): one notification per active recipient in the event's transaction, mail as a job per preference."""

import pytest
from django.core import mail as outbox
from django.core.signals import setting_changed
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.notifications import kinds, services
from minsheng.notifications.models import Notification, NotificationPreference
from tests.factories import OrganisationFactory, user_for_role

KIND = "registry.organisation_decision"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


@pytest.mark.django_db
def test_each_active_recipient_gets_one_notification_and_one_mail(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    first, second = user_for_role(Role.APPLICANT), user_for_role(Role.APPLICANT)
    gone = user_for_role(Role.APPLICANT, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.notify([first, second, first, gone], KIND, "单位已核验", "正文", target=organisation,
                                url="/registry/organisations/1/")
    assert count == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient, n.kind, n.subject, n.target, n.clause, n.read_at) for n in rows] == [
        (first, KIND, "单位已核验", organisation, kinds.get(KIND).clause, None),
        (second, KIND, "单位已核验", organisation, kinds.get(KIND).clause, None)]
    assert sorted(m.to[0] for m in outbox.outbox) == sorted([first.email, second.email])


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_leaves_no_notification_and_no_mail_job(database_queue):
    user = user_for_role(Role.APPLICANT)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify([user], KIND, "单位已核验", "正文")
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_kind_turned_off_for_mail_still_notifies_but_queues_no_mail(database_queue):
    off, on = user_for_role(Role.APPLICANT), user_for_role(Role.APPLICANT)
    NotificationPreference.objects.create(user=off, kind=KIND, by_mail=False)
    with transaction.atomic():
        services.notify([off, on], KIND, "单位已核验", "正文")
    assert Notification.objects.filter(recipient=off).exists()
    assert Notification.objects.filter(recipient=on).exists()
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["args"][2] == [on.email]


@pytest.mark.django_db(transaction=True)
def test_a_refusing_mail_server_never_loses_the_notification(database_queue, refusing_smtp):
    from django.core.management import call_command

    user = user_for_role(Role.APPLICANT)
    with transaction.atomic():
        services.notify([user], KIND, "单位已核验", "正文")
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == TaskResultStatus.FAILED and retry.status == TaskResultStatus.READY
    assert Notification.objects.get().recipient == user


@pytest.mark.django_db
def test_nobody_to_tell_writes_nothing():
    assert services.notify([], KIND, "x", "y") == 0
    assert services.notify([user_for_role(Role.APPLICANT, is_active=False)], KIND, "x", "y") == 0
    assert not Notification.objects.exists()
    assert not outbox.outbox


@pytest.mark.django_db
def test_preferences_change_only_what_differs_and_are_audited():
    user = user_for_role(Role.EXPERT)
    assert services.set_preferences(by=user, by_mail={"review.invitation": True, "problems.step": False}) == [
        "problems.step"]
    assert dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_mail")) == {
        "problems.step": False}
    event = AuditEvent.objects.get(action="notifications.preference.change")
    assert event.target_id == str(user.pk)
    assert services.set_preferences(by=user, by_mail={"problems.step": False}) == []
    assert AuditEvent.objects.filter(action="notifications.preference.change").count() == 1

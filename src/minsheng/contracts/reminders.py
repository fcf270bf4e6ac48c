"""Work that waits on someone (M17): a task book not confirmed by the applicant REMINDER_WAITING_DAYS days after it
was issued (once per revision), and a disbursement request not decided by finance that many days after it was
made (once per request)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.money import wan
from minsheng.core.roles import Role
from minsheng.notifications.reminders import Reminder


def due(now: datetime.datetime):
    waited = now - datetime.timedelta(days=settings.REMINDER_WAITING_DAYS)
    books = (TaskBook.objects.filter(state=TaskBook.State.DRAFT, issued_at__lte=waited)
             .select_related("project__organisation").order_by("issued_at", "pk"))
    for book in books:
        values = {"number": book.project.number, "version": book.number,
                  "issued": timezone.localtime(book.issued_at).strftime("%Y-%m-%d")}
        yield Reminder(
            key=f"contracts.task_book_waiting:{book.pk}:{book.revision}", kind="contracts.task_book_waiting",
            recipients=list(book.project.organisation.users.filter(role=Role.APPLICANT, is_active=True)),
            subject=gettext("Task book still to confirm: %(number)s") % values,
            body=gettext("Version %(version)s of the task book of project %(number)s, issued on %(issued)s, waits "
                         "for your organisation to read and confirm it. The project cannot start before it is "
                         "signed.") % values,
            target=book, url=reverse("contracts:task_book", args=[book.pk]))

    requested = list(Tranche.objects.filter(state=Tranche.State.REQUESTED, requested_at__lte=waited)
                     .select_related("project").order_by("requested_at", "pk"))
    if requested:
        finance = list(get_user_model().objects.filter(role=Role.FINANCE, is_active=True))
    for tranche in requested:
        values = {"number": tranche.project.number, "amount": wan(tranche.amount, exact=True),
                  "requested": timezone.localtime(tranche.requested_at).strftime("%Y-%m-%d")}
        yield Reminder(
            key=f"contracts.tranche_waiting:{tranche.pk}:{tranche.requested_at:%Y%m%d%H%M%S}",
            kind="contracts.tranche_waiting", recipients=finance,
            subject=gettext("Disbursement request waiting: %(number)s") % values,
            body=gettext("The disbursement of %(amount)s 万元 to project %(number)s was requested on %(requested)s and "
                         "waits for finance to approve it or send it back.") % values,
            target=tranche, url=reverse("contracts:finance_queue"))

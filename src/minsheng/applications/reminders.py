"""A draft whose call is about to close (M17): REMINDER_DAYS_BEFORE days before the call closes, the organisation's
applicant users are reminded that the draft is not submitted yet (after closing it cannot be)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minsheng.applications.models import Application
from minsheng.core.roles import Role
from minsheng.notifications.reminders import Reminder


def due(now: datetime.datetime):
    soon = now + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    drafts = (Application.objects.filter(state=Application.State.DRAFT, call__closes_at__gt=now,
                                         call__closes_at__lte=soon)
              .select_related("call", "organisation").order_by("call__closes_at", "pk"))
    for application in drafts:
        values = {"title": application.title or application.number, "call": application.call.code,
                  "closes": timezone.localtime(application.call.closes_at).strftime("%Y-%m-%d %H:%M")}
        yield Reminder(
            key=f"applications.draft_closing:{application.pk}:{application.call.closes_at:%Y%m%d%H%M}",
            kind="applications.draft_closing",
            recipients=list(application.organisation.users.filter(role=Role.APPLICANT, is_active=True)),
            subject=gettext("Call %(call)s closes on %(closes)s: your draft is not submitted") % values,
            body=gettext("The draft “%(title)s” for call %(call)s has not been submitted. The call closes on "
                         "%(closes)s; a draft cannot be submitted after that.") % values,
            target=application, url=reverse("applications:detail", args=[application.pk]))

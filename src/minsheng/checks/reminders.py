"""Correction deadlines (M17): REMINDER_DAYS_BEFORE days before a returned application's correction deadline, its
organisation's applicant users are reminded to correct and submit it again."""

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
    returned = (Application.objects.filter(state=Application.State.RETURNED, correction_deadline__gt=now,
                                           correction_deadline__lte=soon)
                .select_related("organisation").order_by("correction_deadline", "pk"))
    for application in returned:
        values = {"number": application.number, "title": application.title,
                  "due": timezone.localtime(application.correction_deadline).strftime("%Y-%m-%d %H:%M")}
        yield Reminder(
            key=f"checks.correction_due:{application.pk}:{application.correction_deadline:%Y%m%d%H%M}",
            kind="checks.correction_due",
            recipients=list(application.organisation.users.filter(role=Role.APPLICANT, is_active=True)),
            subject=gettext("Correct %(number)s by %(due)s") % values,
            body=gettext("Application %(number)s (“%(title)s”) was returned for correction. Correct it and "
                         "submit it again by %(due)s; after the deadline it can no longer be corrected.") % values,
            target=application, url=reverse("applications:detail", args=[application.pk]))

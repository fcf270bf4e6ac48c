"""Review deadlines (M17): a reminder REMINDER_DAYS_BEFORE days before a review is due, and one when it is overdue,
to the expert who has not submitted it yet."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minsheng.core.roles import Role
from minsheng.notifications.reminders import Reminder
from minsheng.review.models import Assignment

OPEN = [Assignment.State.PUBLISHED, Assignment.State.ACCEPTED]


def due(now: datetime.datetime):
    soon = now + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    assignments = list(Assignment.objects.filter(state__in=OPEN, due_at__isnull=False, due_at__lte=soon)
                       .select_related("application", "expert__person").order_by("due_at", "pk"))
    accounts = {user.person_id: user for user in get_user_model().objects.filter(
        person_id__in={a.expert.person_id for a in assignments}, role=Role.EXPERT, is_active=True)}
    for assignment in assignments:
        overdue = assignment.due_at <= now
        kind = "review.overdue" if overdue else "review.due_soon"
        when = timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M")
        values = {"title": assignment.application.title, "due": when}
        if overdue:
            subject = gettext("Review overdue: %(title)s") % values
            body = gettext("Your review of “%(title)s” was due on %(due)s and has not been submitted. "
                           "Please submit it now, or tell the programme officer if you cannot.") % values
        else:
            subject = gettext("Review due on %(due)s: %(title)s") % values
            body = gettext("Your review of “%(title)s” is due on %(due)s. Please submit it in your review "
                           "workspace on the platform.") % values
        account = accounts.get(assignment.expert.person_id)
        yield Reminder(
            key=f"{kind}:{assignment.pk}:{assignment.due_at:%Y%m%d%H%M}", kind=kind,
            recipients=[account] if account else [], subject=subject, body=body, target=assignment,
            url=reverse("review:my_assignments") + f"#assignment-{assignment.pk}",
            addresses=[] if account else [assignment.expert.person.email])

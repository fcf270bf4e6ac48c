"""A public notice that has ended (M17): the officers who proposed and approved the plan are reminded that its
projects wait for 立项, once per notice period."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minsheng.funding.models import FundingPlan, Objection
from minsheng.notifications.reminders import Reminder


def due(now: datetime.datetime):
    ended = (FundingPlan.objects.filter(state=FundingPlan.State.NOTICE, notice_ends_at__lte=now)
             .select_related("call", "proposed_by", "approved_by").order_by("notice_ends_at", "pk"))
    for plan in ended:
        open_objections = Objection.objects.filter(plan=plan, state=Objection.State.OPEN).count()
        values = {"call": plan.call.code, "ended": timezone.localtime(plan.notice_ends_at).strftime("%Y-%m-%d"),
                  "open": open_objections}
        body = gettext("The public notice of the funding plan of %(call)s ended on %(ended)s. Its projects wait "
                       "to be approved.") % values
        if open_objections:
            body += " " + gettext("%(open)s objection(s) are still open and must be handled first.") % values
        yield Reminder(
            key=f"funding.notice_ended:{plan.pk}:{plan.notice_ends_at:%Y%m%d%H%M}", kind="funding.notice_ended",
            recipients=[user for user in (plan.proposed_by, plan.approved_by) if user is not None],
            subject=gettext("Public notice ended: %(call)s") % values, body=body, target=plan,
            url=reverse("funding:plan", args=[plan.call_id]))

"""What waits in the funding plans (M17, M05, M20): plans to approve (never by their proposer: four eyes), open
objections to the public notice, notices that ended and wait for 立项; a co-owning department's confirmation of a
proposed plan; a district's special funds to commit to its organisations' funded lines."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_department_officer, is_district_officer, is_staff_officer
from minsheng.funding.models import CoFunding, Confirmation, Objection, PlanLine
from minsheng.funding.queries import plans_for
from minsheng.funding.services import DISTRICT_SOURCE
from minsheng.funding.states import State

OPEN_FOR_COFUNDING = (State.DRAFT, State.PROPOSED)


def _officer(user) -> list[WaitingItem]:
    plans = plans_for(user)
    now = clock.now()
    proposed = plans.filter(state=State.PROPOSED).exclude(proposed_by=user)
    objections = Objection.objects.filter(plan__in=plans.filter(state=State.NOTICE), state=Objection.State.OPEN)
    # ended with every objection handled: 立项 can be decided now (an open objection is the row above)
    open_objection = Objection.objects.filter(plan=OuterRef("pk"), state=Objection.State.OPEN)
    ended = plans.filter(state=State.NOTICE, notice_ends_at__lte=now).exclude(Exists(open_objection))
    return [
        item("funding.approve", _("Funding plans to approve"), tally(proposed, target="call_id"),
             many="funding:call_list", one="funding:plan", query="state=proposed"),
        item("funding.objections", _("Objections to handle"),
             tally(objections, target="plan__call_id", deadline="plan__notice_ends_at"),
             many="funding:call_list", one="funding:plan", query="state=notice"),
        item("funding.decide", _("Notice periods ended, awaiting 立项"),
             tally(ended, target="call_id", deadline="notice_ends_at"),
             many="funding:call_list", one="funding:plan", query="state=notice"),
    ]


def _department(user) -> list[WaitingItem]:
    confirmed = Confirmation.objects.filter(plan=OuterRef("pk"), department_id=user.department_id)
    waiting = (plans_for(user).filter(state=State.PROPOSED, call__co_owners=user.department_id)
               .exclude(Exists(confirmed)))
    return [item("funding.confirm", _("Funding plans to confirm"), tally(waiting, target="call_id"),
                 many="funding:call_list", one="funding:plan", query="state=proposed", clause="M05")]


def _district(user) -> list[WaitingItem]:
    committed = CoFunding.objects.filter(line=OuterRef("pk"), source__code=DISTRICT_SOURCE)
    lines = (PlanLine.objects.filter(plan__in=plans_for(user).filter(state__in=OPEN_FOR_COFUNDING),
                                     application__organisation__district_id=user.district_id,
                                     grant__gt=0, withdrawn=False)
             .exclude(Exists(committed)))
    return [item("funding.cofund", _("District co-funding to commit"), tally(lines, target="plan__call_id"),
                 many="funding:call_list", one="funding:plan", clause="M20")]


def waiting_for(user) -> list[WaitingItem]:
    if is_staff_officer(user):
        return _officer(user)
    if is_department_officer(user) and user.department_id:
        return _department(user)
    if is_district_officer(user) and user.district_id:
        return _district(user)
    return []

"""Every write of a funding plan (资助方案), its co-funding, notice, objections and the approval of projects (立项).

Each function is one transaction with one audit event citing its clause (M17 for the plan and the decision, M20 for
co-funding); state moves go through core.workflow.move with the table in states.py (a conditional update), so
double clicks and races leave one winner. Amounts are Decimal yuan.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minsheng.applications.models import Application
from minsheng.applications.models import FundingLine as ApplicationFunding
from minsheng.calls.models import Call
from minsheng.core import audit, clock, workflow
from minsheng.core.money import wan
from minsheng.core.permissions import require, user_of
from minsheng.core.roles import Role
from minsheng.funding import calendar, queries, rules
from minsheng.funding.models import (
    CoFunding,
    Confirmation,
    FundingPlan,
    Objection,
    PlanLine,
    Project,
    ProjectFunding,
)
from minsheng.notifications import services as notifications
from minsheng.policy.models import FundingSource

S = FundingPlan.State
REASON_MAX = 2000
DISTRICT_SOURCE = "district"
# The suggestion does not fund a remainder below this share of the request: a project given a fraction of its
# budget cannot deliver what it promised, so the money goes on down the ranking instead.
MIN_PARTIAL_SHARE = Decimal("0.5")


def _record(action: str, by, target, reason: str, *, clause: str = "M17", old=None, new=None) -> None:
    audit.record(action=f"funding.{action}", by=by, target=target, old=old or {}, new=new or {}, clause=clause,
                 reason=reason)


def _lock(plan: FundingPlan) -> FundingPlan:
    return FundingPlan.objects.select_for_update(of=("self",)).select_related("call__programme__source").get(
        pk=plan.pk)


def _text(value: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message)
    if len(text) > REASON_MAX:
        raise ValidationError(_("At most %(n)s characters.") % {"n": REASON_MAX})
    return text


# --- Reads the services share -----------------------------------------------------------------------------------

def frozen_ranking(call) -> list[dict] | None:
    """The review panel's frozen final list of the call, or None while there is no frozen panel."""
    from minsheng.review.models import Panel

    panel = Panel.objects.filter(call=call, state=Panel.State.FROZEN).first()
    return list(panel.final_list) if panel is not None else None


def checks_pending(call) -> int:
    """Applications of the call whose formal check is not over (submitted, in check, returned for correction)."""
    return Application.objects.filter(call=call, state__in=[
        Application.State.SUBMITTED, Application.State.IN_CHECK, Application.State.RETURNED]).count()


def plan_basis(call) -> list[dict] | None:
    """What a plan starts from, as [{"application", "rank", "final"}], or None while it is not ready: the frozen
    ranking of a competitive call; for stable support, the applications that passed the formal check, by number,
    once no check is pending."""
    if not call.is_stable_support:
        return frozen_ranking(call)
    if checks_pending(call):
        return None
    passed = Application.objects.filter(call=call, state=Application.State.PASSED).order_by("number")
    return [{"application": pk, "rank": rank, "final": 0}
            for rank, pk in enumerate(passed.values_list("pk", flat=True), start=1)]


def not_ready_message(call) -> str:
    """Why `plan_basis` has nothing yet, in the user's language."""
    if not call.is_stable_support:
        return _("The review panel's ranking of this call must be frozen before a funding plan can be made.")
    pending = checks_pending(call)
    if pending:
        return ngettext("%(n)s application is still in the formal check; a stable-support plan is made once every "
                        "check is over.", "%(n)s applications are still in the formal check; a stable-support "
                        "plan is made once every check is over.", pending) % {"n": pending}
    return _("No application of this call has passed the formal check.")


def requested_grant(application: Application, call) -> Decimal:
    """What the application asks of the call's own source (the programme's); if none, of all government sources."""
    lines = ApplicationFunding.objects.filter(application=application)
    own = lines.filter(source_id=call.programme.source_id).aggregate(s=Sum("amount"))["s"]
    if own:
        return own
    return lines.filter(source__is_government=True).aggregate(s=Sum("amount"))["s"] or Decimal("0")


def funded_total(lines) -> Decimal:
    return sum((line.grant for line in lines if line.funded), Decimal("0"))


def check_lines(plan: FundingPlan, lines: list[PlanLine]) -> dict[int, str]:
    """Every rule a line breaks, by line id: maximum grant, the request, a cut without its reason, partial funding.
    The envelope is checked on the total (key 0)."""
    call = plan.call
    errors: dict[int, str] = {}
    for line in lines:
        if line.grant < 0:
            errors[line.pk] = _("A grant cannot be negative.")
        elif line.grant > call.max_grant:
            errors[line.pk] = _("%(grant)s 万元 is more than the call's maximum grant of %(max)s 万元.") % {
                "grant": wan(line.grant, exact=True), "max": wan(call.max_grant, exact=True)}
        elif line.grant > line.requested:
            errors[line.pk] = _("%(grant)s 万元 is more than the %(requested)s 万元 requested.") % {
                "grant": wan(line.grant, exact=True), "requested": wan(line.requested, exact=True)}
        elif line.is_cut and not call.allow_partial_funding:
            errors[line.pk] = _("This call does not allow partial funding: fund the request in full or not at all.")
        elif line.is_cut and not line.cut_reason.strip():
            errors[line.pk] = _("Give the reason for cutting the requested %(requested)s 万元 to %(grant)s 万元.") % {
                "grant": wan(line.grant, exact=True), "requested": wan(line.requested, exact=True)}
    total = funded_total(lines)
    if total > call.budget:
        errors[0] = _("The plan grants %(total)s 万元 in all, more than the call's envelope of %(envelope)s 万元.") % {
            "total": wan(total, exact=True), "envelope": wan(call.budget, exact=True)}
    return errors


def suggestion(plan: FundingPlan, lines: list[PlanLine]) -> dict[int, tuple[Decimal, str]]:
    """Fill the envelope in rank order: each gets its request, capped at the maximum grant and at what is left.
    What is left goes to a line only where the call allows partial funding and only if it is at least
    MIN_PARTIAL_SHARE of the request; otherwise the line gets nothing and the money goes on down the ranking."""
    call = plan.call
    left = call.budget
    out: dict[int, tuple[Decimal, str]] = {}
    for line in sorted(lines, key=lambda x: (x.rank, x.pk)):
        wanted = min(line.requested, call.max_grant)
        if line.withdrawn or wanted <= 0 or (wanted < line.requested and not call.allow_partial_funding):
            grant = Decimal("0")
        elif wanted <= left:
            grant = wanted
        elif call.allow_partial_funding and left >= line.requested * MIN_PARTIAL_SHARE:
            grant = left
        else:
            grant = Decimal("0")
        reason = ""
        if 0 < grant < line.requested:
            reason = (_("Capped at the call's maximum grant.") if grant == call.max_grant and grant < left
                      else _("Funded with what was left of the envelope."))
        out[line.pk] = (grant, reason)
        left -= grant
    return out


def cutoff_rank(lines: list[PlanLine]) -> int | None:
    """The rank of the last funded line: the cut-off line is drawn below it."""
    funded = [line.rank for line in lines if line.funded]
    return max(funded) if funded else None


# --- The plan ------------------------------------------------------------------------------------------------

@transaction.atomic
def create_plan(call, *, by) -> FundingPlan:
    """Start the call's plan from its basis (`plan_basis`); each application gets a line with its request."""
    require(by, "funding.manage_plan")
    call = Call.objects.select_for_update().select_related("support_type").get(pk=call.pk)
    if FundingPlan.objects.filter(call=call).exists():
        raise ValidationError(_("This call already has a funding plan."))
    ranking = plan_basis(call)
    if not ranking:
        raise ValidationError(not_ready_message(call))
    plan = FundingPlan.objects.create(call=call, created_by=user_of(by))
    applications = Application.objects.in_bulk([entry["application"] for entry in ranking])
    for entry in ranking:
        application = applications.get(entry["application"])
        if application is None or application.state != Application.State.PASSED:
            continue
        PlanLine.objects.create(plan=plan, application=application, rank=entry["rank"],
                                final_score=Decimal(str(entry["final"])).quantize(Decimal("0.001")),
                                requested=requested_grant(application, call))
    _record("plan.create", by, plan, _("Funding plan started from the applications that passed the formal check "
                                       "(stable support)") if call.is_stable_support
            else _("Funding plan started from the frozen ranking"),
            new={"call": call.pk, "lines": plan.lines.count(), "support_type": call.support_type.code})
    return plan


@transaction.atomic
def update_plan(plan: FundingPlan, *, by, grants: dict[int, tuple[Decimal, str]], notice_days: int | None = None,
                reason: str = "") -> FundingPlan:
    """Set the grants (and cut reasons) of a draft plan; all or nothing: any broken rule refuses the whole change."""
    require(by, "funding.manage_plan")
    plan = _lock(plan)
    if plan.state != S.DRAFT:
        raise ValidationError(_("Only a draft plan can be changed; this one is “%(state)s”.")
                              % {"state": plan.get_state_display()})
    if notice_days is not None:
        if not 1 <= notice_days <= 30:
            raise ValidationError(_("The notice lasts between 1 and 30 working days."))
        plan.notice_days = notice_days
    lines = list(plan.lines.select_related("application"))
    before = {line.pk: (line.grant, line.cut_reason) for line in lines}
    for line in lines:
        if line.pk in grants:
            grant, cut = grants[line.pk]
            line.grant = (grant or Decimal("0")).quantize(Decimal("0.01"))
            line.cut_reason = (cut or "").strip()[:REASON_MAX] if 0 < line.grant < line.requested else ""
    errors = check_lines(plan, lines)
    if errors:
        raise ValidationError({str(k): [v] for k, v in errors.items()})
    changed = {}
    for line in lines:
        if before[line.pk] != (line.grant, line.cut_reason):
            line.save(update_fields=["grant", "cut_reason"])
            changed[line.application.number] = {"grant": line.grant, "cut_reason": line.cut_reason,
                                                "was": before[line.pk][0]}
    FundingPlan.objects.filter(pk=plan.pk).update(notice_days=plan.notice_days)
    _record("plan.update", by, plan, reason or _("Funding plan changed"),
            new={"lines": changed, "notice_days": plan.notice_days,
                 "total": funded_total(lines)})
    return plan


def apply_suggestion(plan: FundingPlan, *, by) -> FundingPlan:
    """Fill the envelope in rank order (see `suggestion`) and save it as the draft."""
    lines = list(plan.lines.all())
    return update_plan(plan, by=by, grants=suggestion(plan, lines),
                       reason=_("Envelope filled in rank order (suggestion)"))


@transaction.atomic
def propose(plan: FundingPlan, *, by, reason: str = "") -> FundingPlan:
    require(by, "funding.manage_plan")
    plan = _lock(plan)
    lines = list(plan.lines.all())
    errors = check_lines(plan, lines)
    if errors:
        raise ValidationError(list(errors.values()))
    if not any(line.funded for line in lines):
        raise ValidationError(_("The plan funds no application yet."))
    workflow.move(plan, "propose", by=by, reason=reason or _("Funding plan proposed"),
                  new={"total": funded_total(lines), "funded": [line.application_id for line in lines if line.funded]},
                  proposed_by=user_of(by), proposed_at=clock.now())
    _notify_proposed(plan, [line for line in lines if line.funded])
    return plan


def _notify_proposed(plan: FundingPlan, funded: list[PlanLine]) -> None:
    """Tell the co-owning departments that the plan waits for their confirmation (M05), and the districts whose
    organisations it funds that district co-funding may now be committed (M20)."""
    users = get_user_model().objects.filter(is_active=True)
    call = plan.call
    url = reverse("funding:plan", args=[call.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Funding plan to confirm: %(call)s") % {"call": call.title_zh}
        body = _("The funding plan of the call “%(call)s” was proposed. As a co-owning department, confirm your "
                 "part of it on the plan's page.") % {"call": call.title_zh}
    notifications.notify(users.filter(role=Role.DEPARTMENT_OFFICER, department__in=call.co_owners.all()),
                         "funding.plan_to_confirm", subject, body, target=plan, url=url)
    districts = set(Application.objects.filter(pk__in=[line.application_id for line in funded])
                    .values_list("organisation__district_id", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Funding plan proposed in your district: %(call)s") % {"call": call.title_zh}
        body = _("The funding plan of the call “%(call)s” funds organisations of your district. District "
                 "co-funding can be committed on the plan's page until the plan is approved.") % {
            "call": call.title_zh}
    notifications.notify(users.filter(role=Role.DISTRICT_OFFICER, district__in=districts - {None}),
                         "funding.plan_in_district", subject, body, target=plan, url=url)


@transaction.atomic
def return_plan(plan: FundingPlan, *, by, reason: str) -> FundingPlan:
    """Send a proposed plan back to draft, with the reason; the departments' confirmations lapse."""
    require(by, "funding.return_plan")
    reason = _text(reason, _("Give the reason for returning the plan."))
    plan = _lock(plan)
    lapsed = list(plan.confirmations.values_list("department_id", flat=True))
    workflow.move(plan, "return", by=by, reason=reason, old={"confirmations": lapsed}, proposed_by=None,
                  proposed_at=None)
    plan.confirmations.all().delete()
    return plan


@transaction.atomic
def confirm(plan: FundingPlan, *, by, note: str = "") -> Confirmation:
    """A co-owning department confirms its part of the proposed plan."""
    require(by, "funding.confirm_plan", plan)
    if not by.department_id or not plan.call.co_owners.filter(pk=by.department_id).exists():
        raise PermissionDenied("funding.confirm_plan")    # only a co-owning department's officer, never an admin
    plan = _lock(plan)
    if plan.state != S.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be confirmed."))
    if Confirmation.objects.filter(plan=plan, department_id=by.department_id).exists():
        raise ValidationError(_("Your department has already confirmed this plan."))
    item = Confirmation.objects.create(plan=plan, department_id=by.department_id, confirmed_by=by,
                                       confirmed_at=clock.now(), note=(note or "").strip()[:REASON_MAX])
    _record("plan.confirm", by, plan, item.note or _("Department confirmed its part of the plan"), clause="M05",
            new={"department": by.department_id})
    return item


def missing_confirmations(plan: FundingPlan):
    return queries.missing_confirmations(plan)


def notice_period(start: datetime, days: int) -> tuple[datetime, bool]:
    """When a notice published at `start` ends: midnight (Asia/Shanghai) after its last working day."""
    local = timezone.localtime(start)
    last, fallback = calendar.notice_end(local.date(), days)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=local.tzinfo)
    return end, fallback


@transaction.atomic
def approve(plan: FundingPlan, *, by, reason: str) -> FundingPlan:
    """The second officer approves the proposed plan, which publishes it for public notice (公示)."""
    require(by, "funding.approve_plan")
    reason = _text(reason, _("Give the reason for the approval."))
    plan = _lock(plan)
    if plan.state == S.PROPOSED:    # any other state: the move refuses it as a lost race
        refusal = rules.approval_refusal(user_of(by), plan)
        if refusal:
            raise ValidationError(refusal, code="approval_refused")
    now = clock.now()
    ends, fallback = notice_period(now, plan.notice_days)
    workflow.move(plan, "approve", by=by, reason=reason,
                  new={"notice_starts_at": now, "notice_ends_at": ends, "weekday_fallback": fallback},
                  approved_by=user_of(by), approved_at=now, approval_reason=reason, notice_starts_at=now,
                  notice_ends_at=ends, notice_fallback=fallback)
    return plan


# --- Co-funding ------------------------------------------------------------------------------------------------

@transaction.atomic
def add_cofunding(line: PlanLine, *, by, source: FundingSource, provider: str, amount: Decimal) -> CoFunding:
    """Record money from another source for a funded line: district officers commit their district's special
    funds to their district's organisations; officers record every other source except the call's own."""
    line = PlanLine.objects.select_related("application__organisation", "plan__call__programme").get(pk=line.pk)
    if source.code == DISTRICT_SOURCE:
        require(by, "funding.commit_district_funds", line)
    else:
        require(by, "funding.record_cofunding")
        if source.pk == line.plan.call.programme.source_id:
            raise ValidationError(_("The call's own source is the grant itself; set it in the plan."))
    plan = _lock(line.plan)
    if plan.state not in (S.DRAFT, S.PROPOSED):
        raise ValidationError(_("Co-funding can be recorded only before the plan is approved."))
    if not line.funded:
        raise ValidationError(_("Co-funding can be recorded only for an application the plan funds."))
    provider = _text(provider, _("Name the provider of the money."))[:200]
    if amount is None or amount <= 0:
        raise ValidationError(_("Enter an amount above zero."))
    item = CoFunding.objects.create(line=line, source=source, provider=provider, amount=amount.quantize(
        Decimal("0.01")), recorded_by=user_of(by), recorded_at=clock.now())
    _record("cofunding.add", by, plan, _("Co-funding recorded"), clause="M20",
            new={"application": line.application.number, "source": source.code, "provider": provider,
                 "amount": item.amount})
    return item


@transaction.atomic
def remove_cofunding(item: CoFunding, *, by) -> None:
    item = CoFunding.objects.select_related("line__application__organisation", "line__plan", "source").get(
        pk=item.pk)
    if item.source.code == DISTRICT_SOURCE:
        require(by, "funding.commit_district_funds", item.line)
    else:
        require(by, "funding.record_cofunding")
    plan = _lock(item.line.plan)
    if plan.state not in (S.DRAFT, S.PROPOSED):
        raise ValidationError(_("Co-funding can be changed only before the plan is approved."))
    _record("cofunding.remove", by, plan, _("Co-funding removed"), clause="M20",
            old={"application": item.line.application.number, "source": item.source.code,
                 "provider": item.provider, "amount": item.amount})
    item.delete()


# --- Notice and objections -----------------------------------------------------------------------------------------

def notice_open(plan: FundingPlan, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return plan.state == S.NOTICE and plan.notice_ends_at is not None and now < plan.notice_ends_at


@transaction.atomic
def lodge_objection(plan: FundingPlan, *, contact: str, text: str, name: str = "",
                    line: PlanLine | None = None) -> Objection:
    """Anyone may object while the notice runs (server clock); the contact is required."""
    plan = _lock(plan)
    if not notice_open(plan):
        raise ValidationError(_("The public notice of this plan is over; objections are no longer accepted."))
    contact = _text(contact, _("Leave a telephone number or e-mail address so that we can answer you."))[:200]
    text = _text(text, _("Write what your objection is."))
    if line is not None and (line.plan_id != plan.pk or not line.funded):
        raise ValidationError(_("Choose a project of this notice."))
    item = Objection.objects.create(plan=plan, line=line, name=(name or "").strip()[:100], contact=contact,
                                    text=text, lodged_at=clock.now())
    _record("objection.lodge", None, item, _("Objection lodged during the public notice"),
            new={"plan": plan.pk, "line": line.pk if line else None})
    return item


@transaction.atomic
def handle_objection(objection: Objection, *, by, handling: str, withdraw: bool = False) -> Objection:
    """Record how an objection was handled; optionally withdraw its project from the plan."""
    require(by, "funding.handle_objection", objection)
    handling = _text(handling, _("Write how the objection was handled."))
    plan = _lock(objection.plan)
    if plan.state != S.NOTICE:
        raise ValidationError(_("Objections are handled while the plan is in public notice."))
    if withdraw and objection.line_id is None:
        raise ValidationError(_("This objection names no project to withdraw."))
    withdrawn = objection.line.application.number if withdraw else None
    workflow.move(objection, "handle", by=by, reason=handling, new={"withdrawn": withdrawn}, handling=handling,
                  handled_by=user_of(by), handled_at=clock.now())
    if withdraw:
        PlanLine.objects.filter(pk=objection.line_id).update(withdrawn=True, withdrawn_reason=handling)
    return objection


@transaction.atomic
def withdraw_line(line: PlanLine, *, by, reason: str) -> PlanLine:
    """Take a project off a plan in notice (after an objection, or a fact found meanwhile)."""
    require(by, "funding.handle_objection")
    reason = _text(reason, _("Give the reason for withdrawing the project."))
    plan = _lock(line.plan)
    if plan.state != S.NOTICE:
        raise ValidationError(_("A project can be withdrawn only while the plan is in public notice."))
    if not PlanLine.objects.filter(pk=line.pk, withdrawn=False).update(withdrawn=True, withdrawn_reason=reason):
        raise ValidationError(_("This project was already withdrawn."))
    line.refresh_from_db()
    _record("plan.withdraw", by, plan, reason, old={"withdrawn": False},
            new={"application": line.application.number, "withdrawn": True})
    return line


# --- Approval of the projects (立项) --------------------------------------------------------------------------------

def project_number(call, year: int, index: int) -> str:
    return f"XM{year}-{call.pk:04d}-{index:03d}"


@transaction.atomic
def decide(plan: FundingPlan, *, by, reason: str = "", notify: bool = True) -> list[Project]:
    """After the notice, with no open objection: each funded line becomes a numbered Project with its money."""
    require(by, "funding.decide")
    plan = _lock(plan)
    if plan.state != S.NOTICE:
        raise ValidationError(_("Projects are approved after the public notice of an approved plan."))
    now = clock.now()
    if now < plan.notice_ends_at:
        raise ValidationError(_("The public notice runs until %(when)s; approve the projects after it.")
                              % {"when": timezone.localtime(plan.notice_ends_at).strftime("%Y-%m-%d %H:%M")})
    open_count = plan.objections.filter(state=Objection.State.OPEN).count()
    if open_count:
        raise ValidationError(_("%(n)s objection(s) are still open: record how each was handled first.")
                              % {"n": open_count})
    call = plan.call
    year = timezone.localtime(now).year
    source = call.programme.source
    lines = [line for line in plan.lines.select_related("application__organisation", "application__lead")
             .prefetch_related("cofunding__source") if line.funded]
    projects = []
    for index, line in enumerate(lines, start=1):
        app = line.application
        government = line.grant + sum((c.amount for c in line.cofunding.all() if c.source.is_government),
                                      Decimal("0"))
        project = Project.objects.create(
            application=app, call=call, organisation=app.organisation, lead=app.lead,
            number=project_number(call, year, index), title=app.title[:200], grant=government,
            approved_at=now, approved_by=user_of(by))
        ProjectFunding.objects.create(project=project, source=source, provider=call.programme.name_zh[:200],
                                      amount=line.grant)
        for item in line.cofunding.all():
            ProjectFunding.objects.create(project=project, source=item.source, provider=item.provider,
                                          amount=item.amount)
        projects.append(project)
    # The move comes last so that its event names the projects; the plan stays locked since _lock above.
    workflow.move(plan, "decide", by=by, reason=reason or _("Projects approved after the public notice"),
                  new={"projects": {p.number: p.application_id for p in projects}}, decided_by=user_of(by),
                  decided_at=now)
    if notify:
        for project in projects:
            notify_decision(project)
    return projects


def notify_decision(project: Project) -> int:
    """Tell the organisation's applicant users that their project was approved, with its number and grant."""
    recipients = project.organisation.users.filter(role=Role.APPLICANT, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Project approved: %(number)s") % {"number": project.number}
        body = render_to_string("funding/decision_mail.txt",
                                {"project": project, "grant": wan(project.grant, exact=True)})
    return notifications.notify(recipients, "funding.project_approved", subject, body, target=project,
                                url=reverse("funding:project_detail", args=[project.pk]))

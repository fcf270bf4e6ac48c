"""Assigning experts to a call's applications (M17): run the solver, adjust by hand, publish, accept or decline,
replace decliners and overdue reviewers. Every write is one transaction, audited with clause M17; an
assignment's state changes only by the steps of states.ASSIGNMENT (publishing and expiring move a call's pairs
together with `workflow.move_many`, one event per pair).

Who is assigned: the call's applications that passed the formal check, and the pool's active experts
(queries.active_experts). Affinity comes from review/affinity.py, conflicts from review/conflicts.py, the
assignment from review/solver.py (exact min-cost flow). Existing assignments that are published, accepted or
completed are kept as fixed pairs; a declined or expired pair is forbidden; proposed pairs are replaced.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Floor, Least
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.core import audit, clock, jobs, mail, progress, workflow
from minsheng.core.models import JobProgress
from minsheng.core.permissions import SYSTEM, allowed, is_system, require, user_of
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.notifications import services as notifications
from minsheng.review import queries, solver, work_rules  # noqa: F401  (work_rules registers the permissions)
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import Assignment, AssignmentRun, ExpertProfile

CLAUSE = "M17"
S = Assignment.State
KEPT = (S.PUBLISHED, S.ACCEPTED, S.COMPLETED)        # fixed pairs in every run
LIVE = (S.PROPOSED, *KEPT)                            # pairs that count towards k and the load
GONE = (S.DECLINED, S.EXPIRED)                        # pairs never proposed again
REPLACEMENT_DAYS = 7                                  # a replacement reviewer's time when the deadline has passed
logger = logging.getLogger(__name__)


def applications_of(call):
    return list(Application.objects.filter(call=call, state=Application.State.PASSED)
                .select_related("organisation", "domain", "focus_direction").order_by("number"))


def _record(action: str, by, target, reason: str, new: dict | None = None, old: dict | None = None) -> None:
    audit.record(action=f"review.assignment.{action}", by=by, target=target, new=new or {}, old=old or {},
                 clause=CLAUSE, reason=reason)


def _message(explanation: solver.Explanation, applications) -> str:
    """The solver's explanation in Chinese, naming the application by its number."""
    number = applications[explanation.proposal].number
    if explanation.kind == "few_experts":
        return gettext("%(number)s can get only %(assigned)s of %(needed)s reviewers: too few experts are free of "
                       "conflicts and have places left.") % {"number": number, "assigned": explanation.assigned,
                                                             "needed": explanation.needed}
    if explanation.kind == "capacity":
        return gettext("%(number)s gets %(assigned)s of %(needed)s reviewers: the experts' load limits add up to "
                       "fewer reviews than the call needs.") % {"number": number, "assigned": explanation.assigned,
                                                                "needed": explanation.needed}
    others = ", ".join(applications[i].number for i in explanation.group[:8] if i != explanation.proposal)
    return gettext("%(number)s gets %(assigned)s of %(needed)s reviewers: the experts open to it are already full "
                   "with other applications (%(others)s).") % {"number": number, "assigned": explanation.assigned,
                                                                "needed": explanation.needed, "others": others or "—"}


@dataclass
class Inputs:
    """What a run reads before it solves: the applications and experts, their conflicts and their affinity (the
    long part: every text of the call against every expert's). Read outside the run's transaction, so the call is
    not locked while they are computed and the run's progress can be seen."""

    applications: list
    experts: list
    conflicts: object
    affinity: np.ndarray

    def matches(self, applications, experts) -> bool:
        return ([a.pk for a in applications] == [a.pk for a in self.applications]
                and [e.pk for e in experts] == [e.pk for e in self.experts])


def _no_progress(done: int, phase: str) -> None:
    return None


def _inputs(call, applications=None, experts=None, report=_no_progress) -> Inputs:
    applications = applications_of(call) if applications is None else applications
    experts = list(queries.active_experts()) if experts is None else experts
    report(1, gettext("Checking conflicts of interest"))
    conflicts = find_conflicts(applications, experts)
    report(2, gettext("Computing the affinity of every application with every expert"))
    A = queries.call_affinity(applications, experts).scores
    return Inputs(applications, experts, conflicts,
                  np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=np.float64))


def _solve(call, by, *, affected: set[int] | None, reason: str, due_at=None,
           prepared: Inputs | None = None) -> AssignmentRun:
    """Run the solver for the call and store its proposed pairs. `affected`: application pks to complete (None =
    every application: proposed pairs are recomputed). `prepared`: the inputs read before the lock, used when the
    applications and experts are still the same. Must run inside a transaction holding the call's lock."""
    applications = applications_of(call)
    if not applications:
        raise ValidationError(_("No application of this call has passed the formal check: nothing to assign."))
    experts = list(queries.active_experts())
    k = call.reviewers_per_proposal
    if len(experts) < k:
        raise ValidationError(_("The call needs %(k)s reviewers per application but the pool has only %(n)s active "
                                "experts. Approve more experts first.") % {"k": k, "n": len(experts)})
    if affected is None:
        Assignment.objects.filter(application__call=call, state=S.PROPOSED).delete()
    inputs = prepared if prepared is not None and prepared.matches(applications, experts) else \
        _inputs(call, applications, experts)
    applications, experts, conflicts, A = inputs.applications, inputs.experts, inputs.conflicts, inputs.affinity
    row = {a.pk: i for i, a in enumerate(applications)}
    col = {e.pk: j for j, e in enumerate(experts)}
    C = conflicts.matrix.copy()
    fixed, have = [], np.zeros(len(applications), dtype=np.int64)
    for app_id, expert_id, state in Assignment.objects.filter(application__call=call).values_list(
            "application_id", "expert_id", "state"):
        i, j = row.get(app_id), col.get(expert_id)
        if i is None:
            continue
        if state in GONE:
            if j is not None:
                C[i, j] = True
        elif j is not None and not C[i, j]:
            fixed.append((i, j))
            have[i] += 1
    wanted = np.full(len(applications), k, dtype=np.int64)
    if affected is not None:
        wanted = np.where([a.pk in affected for a in applications], np.maximum(have, k), have)
    lmax = np.array([e.max_load for e in experts], dtype=np.int64)
    load = np.bincount([j for _i, j in fixed], minlength=len(experts)) if fixed else np.zeros(len(experts), int)
    lmax = np.maximum(lmax, load)   # a load limit lowered below what the expert already holds keeps those
    try:
        result = solver.solve(A, C, wanted, lmax, fixed=np.array(fixed, dtype=np.int64).reshape(-1, 2))
    except solver.InstanceError as error:
        raise ValidationError(_("The assignment cannot be computed: %(error)s") % {"error": error}) from error
    fixed_set = set(fixed)
    created = []
    for i, j in result.pairs.tolist():
        if (i, j) in fixed_set:
            continue
        created.append(Assignment(application=applications[i], expert=experts[j], state=S.PROPOSED,
                                  affinity=float(A[i, j]), due_at=due_at))
    Assignment.objects.bulk_create(created)
    explanations = [{"application": applications[e.proposal].pk, "number": applications[e.proposal].number,
                     "kind": e.kind, "assigned": e.assigned, "needed": e.needed,
                     "message": _message(e, applications)} for e in result.infeasible if e.proposal is not None]
    live = Assignment.objects.filter(application__call=call, state__in=LIVE)
    per_app = {a.pk: 0.0 for a in applications}
    for app_id, value in live.values_list("application_id", "affinity"):
        per_app[app_id] = per_app.get(app_id, 0.0) + value
    run = AssignmentRun.objects.create(
        call=call, run_by=user_of(by), reason=reason, total=round(sum(per_app.values()), 6),
        worst=round(min(per_app.values()), 6), optimal=bool(result.optimal), complete=result.complete,
        conflicts_avoided=int(conflicts.matrix.sum()), seconds=round(result.seconds, 4), explanations=explanations)
    _record("run", by, call, reason, new={
        "run": run.pk, "proposed": len(created), "total": run.total, "worst": run.worst, "optimal": run.optimal,
        "complete": run.complete, "short": [e["number"] for e in explanations]})
    return run


def _lock_call(call):
    from minsheng.calls.models import Call

    return Call.objects.select_for_update().get(pk=call.pk)


def _runnable(call) -> None:
    if call.is_stable_support:
        raise ValidationError(_("Stable-support calls are not selected by expert review (M17); their funding plan "
                                "starts from the applications that passed the formal check."))


# The run's steps, as its progress shows them: reading, conflicts, affinity, the solver with storing its pairs.
RUN_STEPS = 4


def run(call, *, by, report=_no_progress) -> AssignmentRun:
    """Compute a fresh proposal for the whole call, keeping everything already published.

    The conflicts and the affinity are read first, outside the transaction; the solver then runs and stores its
    pairs in one transaction holding the call's lock, reading again what a concurrent change may have moved.
    `report(done, phase)` is told each step (of RUN_STEPS)."""
    require(by, "review.assign")
    _runnable(call)
    report(0, gettext("Reading the applications and the experts"))
    applications = applications_of(call)
    if not applications:
        raise ValidationError(_("No application of this call has passed the formal check: nothing to assign."))
    prepared = _inputs(call, applications, report=report)
    report(3, gettext("Finding the best assignment and storing it"))
    with transaction.atomic():
        call = _lock_call(call)
        _runnable(call)
        return _solve(call, by, affected=None, reason=gettext("Assignment run by the officer"), prepared=prepared)


# --- The run as a background job: the officer sees its progress, then its result --------------------------

RUN_JOB = "review.assignment"


def run_subject(call) -> str:
    return f"call:{call.pk}"


@transaction.atomic
def start_run(call, *, by) -> JobProgress:
    """Queue the run of the call's assignment as a background job; refused while one is queued or running for the
    same call (two clicks, or two officers at once, start one run)."""
    require(by, "review.assign")
    call = _lock_call(call)
    _runnable(call)
    if not Application.objects.filter(call=call, state=Application.State.PASSED).exists():
        raise ValidationError(_("No application of this call has passed the formal check: nothing to assign."))
    started = progress.start(RUN_JOB, run_subject(call), by=by, total=RUN_STEPS, phase=gettext("Waiting to start"),
                             refusal=_("An assignment run for this call is already under way; its progress is "
                                       "shown on the page."))
    _record("start", by, call, gettext("Assignment run started by the officer"), new={"job": started.pk})
    jobs.later(run_job, call.pk, started.pk)
    return started


def latest_job(call) -> JobProgress | None:
    return progress.latest(RUN_JOB, run_subject(call))


def _failure(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


@jobs.job(retries=(), label=_("Reviewer assignment run"))
def run_job(call_pk: int, progress_pk: int) -> None:
    """The background run the officer started (start_run): its steps are recorded on its JobProgress row; a
    refusal ends it with the reason, an unexpected error with a message saying so (and the job failed, listed for
    administrators on the operations page)."""
    from minsheng.calls.models import Call

    with translation.override(settings.LANGUAGE_CODE):
        started = JobProgress.objects.filter(pk=progress_pk).select_related("started_by").first()
        call = Call.objects.filter(pk=call_pk).first()
        if started is None or not progress.resume(progress_pk):
            logger.warning("assignment run %s: its progress record is gone or another run has started; nothing "
                           "to do", progress_pk)
            return
        if call is None:
            progress.fail(progress_pk, gettext("The call no longer exists; nothing was assigned."))
            return
        by = started.started_by if started.started_by is not None else SYSTEM

        def report(done: int, phase: str) -> None:
            progress.step(progress_pk, done, phase)

        try:
            result = run(call, by=by, report=report)
        except (ValidationError, PermissionDenied) as error:
            message = _failure(error) if isinstance(error, ValidationError) else \
                gettext("You may no longer run the assignment of this call.")
            progress.fail(progress_pk, message)
            return
        except Exception:
            progress.fail(progress_pk, gettext("The assignment run failed unexpectedly; nothing was changed. Try "
                                               "again; if it fails again, an administrator finds the error on the "
                                               "background jobs page."))
            raise
        progress.finish(progress_pk, result={"run": result.pk, "complete": result.complete},
                        message=gettext("Assignment computed: every application has its reviewers. Check it, then "
                                        "publish.") if result.complete else
                        gettext("No complete assignment exists; the best partial one is proposed. See why below."))


def latest_run(call) -> AssignmentRun | None:
    return AssignmentRun.objects.filter(call=call).first()


@transaction.atomic
def swap(assignment: Assignment, expert: ExpertProfile, *, by) -> Assignment:
    """Replace the expert of a proposed pair by hand; a conflicted or full expert is refused with the reason."""
    require(by, "review.assign")
    call = _lock_call(assignment.application.call)
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if current.state != S.PROPOSED:
        raise ValidationError(_("Only a proposed assignment can be changed; this one is already %(state)s.")
                              % {"state": current.get_state_display()})
    if not queries.active_experts().filter(pk=expert.pk).exists():
        raise ValidationError(_("%(name)s is not an active expert.") % {"name": expert.person.name})
    if Assignment.objects.filter(application=current.application, expert=expert).exists():
        raise ValidationError(_("%(name)s is already assigned to (or declined) this application.")
                              % {"name": expert.person.name})
    reasons = find_conflicts([current.application], [expert]).reasons.get((0, 0), [])
    if reasons:
        raise ValidationError(_("%(name)s cannot review this application (M17): %(reasons)s")
                              % {"name": expert.person.name, "reasons": "；".join(r.text for r in reasons)})
    load = Assignment.objects.filter(application__call=call, expert=expert, state__in=LIVE).count()
    if load >= expert.max_load:
        raise ValidationError(_("%(name)s already has %(load)s applications in this call, the maximum load.")
                              % {"name": expert.person.name, "load": load})
    old_expert = current.expert
    applications = applications_of(call)
    index = next((i for i, a in enumerate(applications) if a.pk == current.application_id), 0)
    value = float(queries.call_affinity(applications, [expert]).scores[index, 0])
    current.expert, current.affinity = expert, value
    current.save(update_fields=["expert", "affinity"])
    _record("swap", by, current, gettext("Changed by hand by the officer"),
            old={"expert": old_expert.pk}, new={"expert": expert.pk, "affinity": value})
    return current


def _notify(assignments) -> None:
    """One message per expert naming only the titles of its own applications (never the applicant's reviewers):
    a notification to the expert's account, linking to the invitation (or to the list, for several), and a mail
    as the expert chose; an expert without an account is mailed at the pool's address."""
    by_expert: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_expert.setdefault(a.expert_id, []).append(a)
    accounts = {user.person_id: user for user in get_user_model().objects.filter(
        person_id__in=[items[0].expert.person_id for items in by_expert.values()], role=Role.EXPERT,
        is_active=True)}
    for items in by_expert.values():
        expert = items[0].expert
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Review invitation")
            lines = [gettext("You are invited to review these applications:")]
            for a in items:
                due = timezone.localtime(a.due_at).strftime("%Y-%m-%d %H:%M") if a.due_at else ""
                lines.append(gettext("- %(title)s (review due %(due)s)") % {"title": a.application.title, "due": due})
            lines += ["", gettext("Please accept or decline in your review workspace on the platform.")]
        account = accounts.get(expert.person_id)
        if account is None:
            mail.send_later([(subject, "\n".join(lines), [expert.person.email])])
            continue
        url = reverse("review:my_assignments")
        target = expert if len(items) > 1 else items[0]
        if len(items) == 1:
            url += f"#assignment-{items[0].pk}"
        notifications.notify([account], "review.invitation", subject, "\n".join(lines), target=target, url=url)


@transaction.atomic
def publish(call, *, by) -> int:
    """Publish every proposed pair of the call: the experts are told and may accept or decline."""
    require(by, "review.assign")
    call = _lock_call(call)
    return _publish(call, by, gettext("Assignment published by the officer"))


def _publish(call, by, reason: str, applications: set[int] | None = None) -> int:
    proposed = Assignment.objects.filter(application__call=call, state=S.PROPOSED)
    if applications is not None:    # a re-solve publishes only its own replacements
        proposed = proposed.filter(application__in=applications)
    if not proposed.exists():
        raise ValidationError(_("There is no proposed assignment to publish. Run the assignment first."))
    # A pair without its own due time is due at the call's review end (a replacement brings its own).
    published = workflow.move_many(proposed.select_related("application", "expert__person"), "publish", by=by,
                                   reason=reason, due_at=Coalesce("due_at", Value(call.review_ends_at)))
    AssignmentRun.objects.filter(call=call, published_at__isnull=True).update(published_at=clock.now())
    _notify(Assignment.objects.filter(pk__in=[a.pk for a in published])   # as published: with their due times
            .select_related("application", "expert__person").order_by("expert_id", "application_id"))
    return len(published)


def my_assignment(user, pk: int) -> Assignment:
    """The expert's own assignment; anybody else's answers 404."""
    from django.http import Http404

    profile = queries.own_profile(user)
    assignment = Assignment.objects.filter(pk=pk, expert=profile).select_related("application__call").first() \
        if profile else None
    if assignment is None:
        raise Http404
    return assignment


@transaction.atomic
def respond(assignment: Assignment, *, by, accept: bool, reason: str = "") -> Assignment:
    """The expert accepts or declines (with a reason); a decline re-solves that application at once."""
    require(by, "review.respond")
    call = _lock_call(assignment.application.call)
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not is_system(by) and current.expert.person_id != by.person_id:
        raise PermissionDenied
    if current.state != S.PUBLISHED:
        raise TransitionRefused(_("This invitation was already answered (%(state)s).")
                                % {"state": current.get_state_display()}, code="stale")
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(_("Say why you decline, so that the officer can find a replacement."))
    workflow.move(current, "accept" if accept else "decline", by=by, reason=reason or gettext("Accepted"),
                  declined_reason="" if accept else reason[:1000], responded_at=clock.now())
    if not accept:
        _replace(call, by, {current.application_id}, gettext("Re-solve after a decline"), current.due_at)
    return current


def _replace(call, by, affected: set[int], reason: str, due_at) -> AssignmentRun | None:
    """Find replacements for the affected applications, keeping every other pair, and publish them."""
    now = clock.now()
    if due_at is None or due_at <= now:
        due_at = now + timedelta(days=REPLACEMENT_DAYS)
    try:
        with transaction.atomic():
            result = _solve(call, by, affected=affected, reason=reason, due_at=due_at)
            if Assignment.objects.filter(application__call=call, state=S.PROPOSED,
                                         application__in=affected).exists():
                # Publishing is the officer's step; a re-solve after an expert's decline is the platform's.
                _publish(call, by if allowed(by, "review.assign") else SYSTEM, reason, affected)
    except ValidationError:
        logger.warning("no replacement could be computed for call %s", call.pk)
        return None
    return result


def overdue(call):
    """Accepted or published pairs whose deadline has passed without a submitted review."""
    return (Assignment.objects.filter(application__call=call, state__in=(S.PUBLISHED, S.ACCEPTED),
                                      due_at__lt=clock.now())
            .exclude(review__state="submitted"))


@transaction.atomic
def replace_overdue(call, *, by) -> int:
    """Expire every overdue pair of the call and re-solve those applications, keeping everyone else."""
    require(by, "review.assign")
    call = _lock_call(call)
    if not overdue(call).exists():
        raise ValidationError(_("No review of this call is overdue."))
    late = workflow.move_many(overdue(call).select_related("application", "expert__person"), "expire", by=by,
                              reason=gettext("Review overdue: replaced"))
    _replace(call, by, {a.application_id for a in late}, gettext("Re-solve after an overdue review"), None)
    return len(late)


# --- Quality of the current assignment, for the officer's page --------------------------------------

def assignment_rows(call) -> QuerySet[Application]:
    """The call's applications that passed the formal check, each with `reviewers` (its live pairs), `affinity`
    (their sum) and `short` (fewer reviewers than the call asks), computed in the database."""
    live = Assignment.objects.filter(application=OuterRef("pk"), state__in=LIVE).order_by().values("application")
    return (Application.objects.filter(call=call, state=Application.State.PASSED)
            .annotate(reviewers=Coalesce(Subquery(live.annotate(n=Count("pk")).values("n")), 0),
                      affinity=Coalesce(Subquery(live.annotate(t=Sum("affinity")).values("t")), 0.0))
            .annotate(short=ExpressionWrapper(Q(reviewers__lt=call.reviewers_per_proposal),
                                              output_field=BooleanField())))


BANDS = 10     # bars of the affinity chart


def quality(call) -> dict:
    """The assignment's quality from aggregates in the database: total and worst affinity per application, how
    many applications are short of reviewers, pairs per state, the histogram of experts' loads and the number of
    applications per band of affinity. Its cost does not grow with the rows it counts."""
    rows = assignment_rows(call)
    totals = rows.aggregate(total=Sum("affinity"), worst=Min("affinity"), applications=Count("pk"),
                            short=Count("pk", filter=Q(reviewers__lt=call.reviewers_per_proposal)))
    live = Assignment.objects.filter(application__call=call, state__in=LIVE)
    per_expert = list(live.order_by().values("expert_id").annotate(n=Count("pk")).values_list("n", flat=True))
    loads = Counter(per_expert)
    experts = queries.active_experts().count()
    loads[0] = max(experts - len(per_expert), 0)
    pairs = dict(Assignment.objects.filter(application__call=call).order_by().values_list("state")
                 .annotate(n=Count("pk")))
    width = max(call.reviewers_per_proposal, 1) / BANDS     # a pair's affinity is between 0 and 1
    band = Least(Cast(Floor(F("affinity") / width), IntegerField()), Value(BANDS - 1))
    bands = {int(b): n for b, n in rows.annotate(band=band).order_by().values_list("band").annotate(n=Count("pk"))}
    return {"histogram": sorted(loads.items()), "total": totals["total"] or 0.0, "worst": totals["worst"] or 0.0,
            "applications": totals["applications"], "short": totals["short"], "pairs": pairs, "experts": experts,
            "proposed": pairs.get(S.PROPOSED, 0),
            "distribution": [[f"{band * width:.1f}–{(band + 1) * width:.1f}", bands.get(band, 0)]
                             for band in range(BANDS)]}

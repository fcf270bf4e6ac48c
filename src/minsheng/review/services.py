"""Every write to the expert pool, avoidance requests and conflict declarations: one transaction, one audit
event, clause M17 (competitive merit selection: who may judge an application)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.core import audit, workflow
from minsheng.core.permissions import allowed, require, user_of
from minsheng.core.services import create_audited, delete_audited, update_audited
from minsheng.registry.models import Organisation, Person
from minsheng.review.models import (
    Availability,
    AvoidanceRequest,
    ConflictDeclaration,
    ExpertProfile,
    PastEmployer,
)

CLAUSE = "M17"
MAX_AVOIDANCE = 3
# An applicant names experts to avoid while it prepares or has just submitted the application: before the
# formal check starts, so the list is fixed before anyone computes conflicts or assigns experts. Later changes
# would let an applicant steer the assignment once it could guess who is being considered.
AVOIDANCE_STATES = frozenset({Application.State.DRAFT, Application.State.SUBMITTED, Application.State.RETURNED})
# What the expert may change in its own profile (the state is the officers').
PROFILE_FIELDS = frozenset({"keywords", "description", "max_load", "willingness", "domains", "focus_directions"})


def _own(by, profile: ExpertProfile) -> None:
    """The expert edits only its own profile; officers manage every profile."""
    if allowed(by, "review.manage_pool"):
        return
    if not (allowed(by, "review.change_own_profile") and by.person_id == profile.person_id):
        raise PermissionDenied("review.change_own_profile")


# --- The pool --------------------------------------------------------------------------------------

def invite_expert(*, person: Person, by, reason: str = "") -> ExpertProfile:
    """Invite a registry person into the pool; the profile starts from the person's keywords and domains."""
    require(by, "review.manage_pool")
    duplicate = ValidationError(_("%(name)s already has an expert profile.") % {"name": person.name},
                                code="duplicate")
    if ExpertProfile.objects.filter(person=person).exists():
        raise duplicate
    profile = ExpertProfile(person=person, keywords=person.expertise, invited_by=user_of(by),
                            state=ExpertProfile.State.INVITED)
    try:
        with transaction.atomic():
            create_audited(profile, by=by, clause=CLAUSE, reason=reason,
                           many_to_many={"domains": list(person.domains.all())})
            if not person.in_expert_pool:
                update_audited(person, by=by, changes={"in_expert_pool": True}, clause=CLAUSE, reason=reason)
            return profile
    except IntegrityError as exc:   # two officers inviting the same person at once
        raise duplicate from exc


@transaction.atomic
def transition(*, profile: ExpertProfile, step: str, by, reason: str = "") -> ExpertProfile:
    """Approve, suspend or reinstate an expert (a step of states.EXPERT); of two officers at once, one wins.
    The registry's `in_expert_pool` flag stays set: a suspended expert is still a member, not assignable."""
    require(by, "review.manage_pool", profile)
    reason = (reason or "").strip()
    if step == "suspend" and not reason:
        raise ValidationError({"reason": [_("Give the reason for suspending the expert.")]})
    workflow.move(profile, step, by=by, reason=reason, new={"state_reason": reason}, state_reason=reason)
    return profile


def update_profile(*, profile: ExpertProfile, by, changes: dict) -> ExpertProfile:
    _own(by, profile)
    if changes.keys() - PROFILE_FIELDS:
        raise PermissionDenied(f"may not change {sorted(changes.keys() - PROFILE_FIELDS)}")
    return update_audited(profile, by=by, changes=changes, clause=CLAUSE)


def add_past_employer(*, profile: ExpertProfile, by, organisation: Organisation | None = None, name: str = "",
                      from_year: int, to_year: int) -> PastEmployer:
    _own(by, profile)
    return create_audited(PastEmployer(profile=profile, organisation=organisation, name=(name or "").strip(),
                                       from_year=from_year, to_year=to_year), by=by, clause=CLAUSE)


def remove_past_employer(*, employer: PastEmployer, by) -> None:
    _own(by, employer.profile)
    delete_audited(employer, by=by, clause=CLAUSE)


def add_availability(*, profile: ExpertProfile, by, starts_on, ends_on) -> Availability:
    _own(by, profile)
    return create_audited(Availability(profile=profile, starts_on=starts_on, ends_on=ends_on), by=by)


def remove_availability(*, window: Availability, by) -> None:
    _own(by, window.profile)
    delete_audited(window, by=by)


def declare_conflict(*, profile: ExpertProfile, by, reason: str, organisation: Organisation | None = None,
                     application: Application | None = None) -> ConflictDeclaration:
    """The expert declares a conflict; it takes effect at once in every conflict check."""
    _own(by, profile)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what the conflict is.")]})
    return create_audited(ConflictDeclaration(expert=profile, organisation=organisation, application=application,
                                              reason=reason.strip()), by=by, clause=CLAUSE, reason=reason.strip())


# --- Avoidance requests (回避申请) -------------------------------------------------------------------

def request_avoidance(*, application: Application, person: Person, reason: str, by) -> AvoidanceRequest:
    """Name an expert who should not review this application: at most three, with a reason.

    The application row is locked first, so two requests sent at once are counted one after the other and the
    fourth is refused on both databases.
    """
    require(by, "review.request_avoidance", application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason why this expert should not review the application.")]})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state not in AVOIDANCE_STATES:
            raise ValidationError(
                _("Experts to avoid can be named only until the formal check starts; this application is now "
                  "“%(state)s”.") % {"state": locked.get_state_display()}, code="state")
        if AvoidanceRequest.objects.filter(application=locked, person=person).exists():
            raise ValidationError({"person": [_("This expert is already named.")]})
        if AvoidanceRequest.objects.filter(application=locked).count() >= MAX_AVOIDANCE:
            raise ValidationError(_("At most %(max)d experts can be named for one application.")
                                  % {"max": MAX_AVOIDANCE}, code="limit")
        avoidance = AvoidanceRequest(application=locked, person=person, reason=reason, requested_by=user_of(by))
        return create_audited(avoidance, by=by, clause=CLAUSE, reason=reason)


def withdraw_avoidance(*, request: AvoidanceRequest, by) -> None:
    require(by, "review.request_avoidance", request.application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=request.application_id)
        if locked.state not in AVOIDANCE_STATES:
            raise ValidationError(_("The list of experts to avoid is fixed once the formal check starts."),
                                  code="state")
        delete_audited(request, by=by, clause=CLAUSE)


# --- Exports ---------------------------------------------------------------------------------------

@transaction.atomic
def record_export(*, by, filters: dict, rows: int) -> None:
    audit.record(action="review.expertprofile.export", by=by, target_label=str(ExpertProfile._meta.verbose_name_plural),
                 new={"filters": filters, "rows": rows}, clause=CLAUSE)


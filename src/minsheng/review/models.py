"""The expert pool (专家库), avoidance requests (回避申请), declared conflicts and assignments (M17)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.core.models import TimeStampedModel
from minsheng.engines.keywords import split_keywords
from minsheng.policy.models import Domain, FocusDirection
from minsheng.registry.models import Organisation, Person

YEAR = [MinValueValidator(1950), MaxValueValidator(2100)]


class ExpertProfile(TimeStampedModel):
    """A registry person in the expert pool: what they know, when they can review, how much."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class Willingness(models.TextChoices):
        ACTIVE = "active", _("Willing to review")
        PAUSED = "paused", _("Paused")

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                                  related_name="expert_profile")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.INVITED, db_index=True)
    state_reason = models.TextField(_("reason"), blank=True)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), blank=True, related_name="expert_profiles")
    focus_directions = models.ManyToManyField(FocusDirection, verbose_name=_("focus directions"), blank=True,
                                              related_name="expert_profiles")
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Separate keywords with commas or 、"))
    description = models.TextField(_("description of expertise"), blank=True)
    max_load = models.PositiveSmallIntegerField(_("maximum proposals per round"), default=10,
                                                validators=[MinValueValidator(1), MaxValueValidator(100)])
    willingness = models.CharField(_("willingness"), max_length=10, choices=Willingness.choices,
                                   default=Willingness.ACTIVE)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person__name", "pk"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return str(self.person)

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)

    @property
    def employer(self):
        return self.person.organisation


class PastEmployer(models.Model):
    """Where the expert worked before: a registered organisation, or a name when it is not registered."""

    profile = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE,
                                related_name="past_employers")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="former_experts")
    name = models.CharField(_("name (if not registered)"), max_length=200, blank=True)
    from_year = models.PositiveSmallIntegerField(_("from (year)"), validators=YEAR)
    to_year = models.PositiveSmallIntegerField(_("to (year)"), validators=YEAR)

    class Meta:
        ordering = ["profile", "-to_year", "pk"]
        verbose_name = _("past employer")
        verbose_name_plural = _("past employers")
        constraints = [
            models.CheckConstraint(condition=Q(organisation__isnull=False) | ~Q(name=""),
                                   name="past_employer_names_one",
                                   violation_error_message=_("Choose an organisation or type its name.")),
            models.CheckConstraint(condition=Q(to_year__gte=models.F("from_year")), name="past_employer_years_ordered",
                                   violation_error_message=_("The end year cannot be before the start year.")),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or self.name} {self.from_year}–{self.to_year}"

    @property
    def label(self) -> str:
        return self.organisation.name_zh if self.organisation_id else self.name


class Availability(models.Model):
    """A period in which the expert can review."""

    profile = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE,
                                related_name="availability")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["profile", "starts_on", "pk"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="availability_ordered",
                                   violation_error_message=_("The end date cannot be before the start date.")),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class AvoidanceRequest(models.Model):
    """An applicant asks that an expert not review its application (回避申请), at most three per application."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="avoidance_requests")
    person = models.ForeignKey(Person, verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="avoidance_requests")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("avoidance request")
        verbose_name_plural = _("avoidance requests")
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="avoidance_once",
                                               violation_error_message=_("This expert is already named."))]

    def __str__(self) -> str:
        return f"{self.application.number} ≠ {self.person}"


class ConflictDeclaration(models.Model):
    """The expert declares a conflict with an organisation or with one application."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE,
                               related_name="declarations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="declared_conflicts")
    application = models.ForeignKey(Application, verbose_name=_("application"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="declared_conflicts")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["expert", "-created_at", "pk"]
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")
        constraints = [
            models.CheckConstraint(condition=Q(organisation__isnull=False) | Q(application__isnull=False),
                                   name="declaration_names_something",
                                   violation_error_message=_("Name an organisation or an application.")),
        ]

    def __str__(self) -> str:
        return f"{self.expert} ≠ {self.organisation or self.application}"


class Assignment(models.Model):
    """An expert asked to review an application. The assignment pages come with the solver's integration."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Overdue, replaced")

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="assignments")
    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="assignments")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    affinity = models.FloatField(_("affinity"), default=0)
    due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    declined_reason = models.TextField(_("reason for declining"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    # The states in which the expert works on the application (and may open it).
    VISIBLE = frozenset({State.PUBLISHED, State.ACCEPTED, State.COMPLETED})

    class Meta:
        ordering = ["application", "expert", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.application.number} → {self.expert}"


class AssignmentRun(models.Model):
    """One run of the solver for a call: its quality, kept so the officer can judge it before publishing (M17)."""

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="assignment_runs")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True)   # None: the platform itself (demo data, a scheduled re-solve)
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    reason = models.CharField(_("why"), max_length=200, blank=True)
    total = models.FloatField(_("total affinity"), default=0)
    worst = models.FloatField(_("worst proposal's affinity"), default=0)
    optimal = models.BooleanField(_("proven optimal"), default=False)
    complete = models.BooleanField(_("complete"), default=False)
    conflicts_avoided = models.PositiveIntegerField(_("conflicted pairs avoided"), default=0)
    seconds = models.FloatField(default=0)
    explanations = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["call", "-created_at", "-pk"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")

    def __str__(self) -> str:
        return f"{self.call.code} @ {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class Review(models.Model):
    """An expert's written review of one application, following the call's rubric (评审意见)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Recommendation(models.TextChoices):
        FUND = "fund", _("Fund")
        FUND_WITH_CHANGES = "changes", _("Fund with changes")
        DO_NOT_FUND = "reject", _("Do not fund")

    assignment = models.OneToOneField(Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
                                      related_name="review")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)   # criterion pk (as text) -> score
    comments = models.TextField(_("comments"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices,
                                      blank=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["assignment", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.assignment)


# --- The review panel (会评) -------------------------------------------------------------------------------

PANEL_SCALE = (0, 100)   # written scores and panel adjustments share the 0–100 scale of scoring.weighted_score


class Panel(models.Model):
    """The panel meeting of a call after the written round (会评, M17): members vote and adjust, the officer
    records the minutes and freezes the final ranked list, which is kept as it was at that moment."""

    class State(models.TextChoices):
        CONVENED = "convened", _("Convened")
        IN_SESSION = "session", _("In session")
        FROZEN = "frozen", _("Frozen")

    call = models.OneToOneField("calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="panel")
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("convened by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField(_("convened at"))
    meets_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CONVENED,
                             db_index=True)
    minutes = models.TextField(_("minutes"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # The final ranked list as it was frozen: [{rank, tie, application, number, title, written, adjustment,
    # adjusted_by, final, votes: {fund, reserve, reject}}, ...]. Written once, by the freeze.
    final_list = models.JSONField(_("frozen ranking"), default=list, blank=True)

    class Meta:
        ordering = ["-convened_at", "pk"]
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")

    def __str__(self) -> str:
        return self.call.code


class PanelMember(models.Model):
    """An expert of the pool sitting on a panel. A member conflicted with an application never sees it."""

    panel = models.ForeignKey(Panel, verbose_name=_("review panel"), on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="panel_seats")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["panel", "pk"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["panel", "expert"], name="panel_member_once",
                                               violation_error_message=_("This expert is already a member."))]

    def __str__(self) -> str:
        return f"{self.panel.call.code}: {self.expert}"


class PanelVote(models.Model):
    """A member's vote on one application, with an optional adjusted score; editable until the panel is frozen."""

    class Vote(models.TextChoices):
        FUND = "fund", _("Fund")
        RESERVE = "reserve", _("Reserve")
        DO_NOT_FUND = "reject", _("Do not fund")

    panel = models.ForeignKey(Panel, verbose_name=_("review panel"), on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(PanelMember, verbose_name=_("panel member"), on_delete=models.CASCADE,
                               related_name="votes")
    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="panel_votes")
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    adjusted_score = models.DecimalField(_("adjusted score"), max_digits=5, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(PANEL_SCALE[0]),
                                                                 MaxValueValidator(PANEL_SCALE[1])])
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        ordering = ["panel", "application", "member", "pk"]
        verbose_name = _("panel vote")
        verbose_name_plural = _("panel votes")
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="panel_vote_once"),
            models.CheckConstraint(condition=Q(adjusted_score__isnull=True)
                                   | Q(adjusted_score__gte=PANEL_SCALE[0], adjusted_score__lte=PANEL_SCALE[1]),
                                   name="panel_vote_score_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number}: {self.member.expert}"

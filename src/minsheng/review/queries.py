"""Reads of the expert pool and of review data, scoped to what the user may see."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_date

from minsheng.applications.models import Application
from minsheng.core.roles import is_applicant, is_expert, is_government, is_staff_officer
from minsheng.engines.keywords import split_keywords
from minsheng.review import affinity
from minsheng.review.models import Assignment, Availability, ExpertProfile

PAGE_SIZE = 25
MIN_DOCS_FOR_MAX_DF = 40
SEARCH_MAX_LENGTH = 100
# The applications of a call that reach review: everything except drafts and those taken out of the race.
NOT_REVIEWED = (Application.State.DRAFT, Application.State.WITHDRAWN, Application.State.REJECTED)


# --- Scopes ----------------------------------------------------------------------------------------

def pool_for(user) -> QuerySet[ExpertProfile]:
    """Government roles read the whole pool; nobody else reads it (an expert has its own page)."""
    if not is_government(user):
        return ExpertProfile.objects.none()
    # The load is a subquery per row shown, not a join and GROUP BY over every assignment: the page's COUNT then
    # counts profiles alone (Django drops an annotation the count does not need).
    assigned = (Assignment.objects.filter(expert=OuterRef("pk"), state__in=Assignment.VISIBLE).order_by()
                .values("expert").annotate(n=Count("pk")).values("n"))
    return (ExpertProfile.objects.select_related("person", "person__organisation", "person__organisation__district")
            .prefetch_related("domains", "focus_directions")
            .annotate(assigned=Coalesce(Subquery(assigned), 0)))


def own_profile(user) -> ExpertProfile | None:
    if not is_expert(user) or not user.person_id:
        return None
    return (ExpertProfile.objects.select_related("person", "person__organisation")
            .prefetch_related("domains", "focus_directions").filter(person_id=user.person_id).first())


def applications_for_applicant(user) -> QuerySet[Application]:
    """The applications an applicant's organisation owns; nothing for anyone else."""
    if is_applicant(user) and user.organisation_id:
        return Application.objects.filter(organisation_id=user.organisation_id).select_related("call")
    return Application.objects.none()


def calls_for_officer(user):
    from minsheng.calls.models import Call

    return Call.objects.all() if is_staff_officer(user) else Call.objects.none()


def active_experts() -> QuerySet[ExpertProfile]:
    """The experts who may be assigned: approved, not suspended, willing."""
    return (ExpertProfile.objects.filter(state=ExpertProfile.State.ACTIVE, willingness=ExpertProfile.Willingness.ACTIVE)
            .select_related("person", "person__organisation").prefetch_related("domains", "focus_directions")
            .order_by("pk"))


def call_applications(call) -> QuerySet[Application]:
    return (Application.objects.filter(call=call).exclude(state__in=NOT_REVIEWED)
            .select_related("organisation", "domain", "focus_direction").order_by("number"))


def applications_visible_to_expert(user) -> QuerySet[Application]:
    """The one scope for what an expert may open: assigned (and published to them) and not conflicted.

    A conflict found after the assignment was made (a new declaration, a past employer added) hides the
    application at once, even though the assignment row still exists. Suspended experts see nothing.
    """
    from minsheng.review.conflicts import find_conflicts

    profile = own_profile(user)
    if profile is None or profile.state != ExpertProfile.State.ACTIVE:
        return Application.objects.none()
    assigned = list(Application.objects.filter(assignments__expert=profile,
                                               assignments__state__in=Assignment.VISIBLE))
    result = find_conflicts(assigned, [profile])
    clean = [a.pk for i, a in enumerate(result.applications) if not result.matrix[i, 0]]
    return Application.objects.filter(pk__in=clean)


# --- The pool list: search and filters -------------------------------------------------------------

@dataclass
class PoolFilters:
    q: str = ""
    domain: str = ""
    state: str = ""
    load: int | None = None             # at least this maximum load
    available_on: datetime.date | None = None

    @property
    def active(self) -> dict:
        values = {"q": self.q, "domain": self.domain, "state": self.state, "load": self.load,
                  "available_on": self.available_on.isoformat() if self.available_on else ""}
        return {k: v for k, v in values.items() if v not in ("", None)}


def parse_pool_filters(params) -> PoolFilters:
    load = params.get("load", "").strip()
    return PoolFilters(
        q=" ".join(params.get("q", "").split())[:SEARCH_MAX_LENGTH],
        domain=params.get("domain", "").strip()[:8],
        state=params.get("state", "") if params.get("state", "") in ExpertProfile.State.values else "",
        load=int(load) if load.isdigit() and int(load) < 1000 else None,
        available_on=parse_date_safe(params.get("available_on", "")),
    )


def parse_date_safe(value: str):
    try:
        return parse_date(value.strip()) if value else None
    except ValueError:
        return None


def filter_pool(queryset: QuerySet[ExpertProfile], filters: PoolFilters) -> QuerySet[ExpertProfile]:
    for term in filters.q.split()[:5]:
        queryset = queryset.filter(Q(person__name__icontains=term) | Q(keywords__icontains=term)
                                   | Q(description__icontains=term) | Q(person__organisation__name_zh__icontains=term))
    if filters.domain:
        # EXISTS rather than a join, so that no row comes twice and the list needs no DISTINCT over the pool.
        queryset = queryset.filter(Exists(ExpertProfile.domains.through.objects.filter(
            expertprofile=OuterRef("pk"), domain__code=filters.domain)))
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.load is not None:
        queryset = queryset.filter(max_load__gte=filters.load)
    if filters.available_on:
        queryset = queryset.filter(Exists(Availability.objects.filter(
            profile=OuterRef("pk"), starts_on__lte=filters.available_on, ends_on__gte=filters.available_on)))
    return queryset.order_by("person__name", "pk")


# --- Affinity of a call's applications with the experts --------------------------------------------

def call_affinity(applications: list[Application], experts: list[ExpertProfile]) -> affinity.Affinity:
    """Affinity scores from the applications' title, summary, keywords, domain and focus direction and the
    experts' keywords, description, domains and focus directions (see review/affinity.py)."""
    proposals = [affinity.ProposalText(title=a.title, summary=a.summary, keywords=split_keywords(a.keywords),
                                       domain=a.domain.code if a.domain_id else None,
                                       focus=str(a.focus_direction_id) if a.focus_direction_id else None)
                 for a in applications]
    profiles = [affinity.ExpertProfile(keywords=e.keyword_list, description=e.description,
                                       domains=[d.code for d in e.domains.all()],
                                       focus=[str(f.pk) for f in e.focus_directions.all()])
                for e in experts]
    # Dropping the words found in over half of all texts helps only with enough texts to tell; in a small call
    # it would drop exactly the words that make a match.
    max_df = 0.5 if len(proposals) + len(profiles) >= MIN_DOCS_FOR_MAX_DF else 1.0
    return affinity.compute(proposals, profiles, max_df=max_df)

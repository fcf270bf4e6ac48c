"""Reads of the registry, scoped to what the user may see, and the search, filters and sorting that the
list pages, their Excel exports and the API share."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.core.roles import is_applicant, is_expert, is_government
from minsheng.policy.models import District, Domain
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Level,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
    TalentTag,
)

PAGE_SIZE = 25
SEARCH_MAX_TERMS = 5
SEARCH_MAX_LENGTH = 100


# --- Scopes: what each user may see --------------------------------------------------------------

def organisations_for(user) -> QuerySet[Organisation]:
    """Government roles see every organisation; an applicant only its own; anyone else none."""
    queryset = Organisation.objects.select_related("district")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(pk=user.organisation_id)
    return queryset.none()


def people_for(user) -> QuerySet[Person]:
    """Government roles see everyone; an applicant the people of its organisation; an expert only itself."""
    queryset = (Person.objects.select_related("organisation", "organisation__district")
                .prefetch_related("domains", "talent_tags"))
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    if is_expert(user) and user.person_id:
        return queryset.filter(pk=user.person_id)
    return queryset.none()


def carriers_for(user) -> QuerySet[InnovationCarrier]:
    """A public directory: everyone sees every carrier."""
    return InnovationCarrier.objects.select_related("host", "host__district", "domain")


def service_institutions_for(user) -> QuerySet[ServiceInstitution]:
    """A public directory."""
    return (ServiceInstitution.objects.select_related("organisation", "organisation__district")
            .prefetch_related("domains"))


def facilities_for(user) -> QuerySet[SharedFacility]:
    """A public directory."""
    return SharedFacility.objects.select_related("host", "host__district", "domain")


def partners_for(user) -> QuerySet[CooperationPartner]:
    """Government roles and applicants see the partners; the links to organisations are counted here and
    shown only to government roles (rules: registry.view_cooperationpartner_links)."""
    if is_government(user) or is_applicant(user):
        return CooperationPartner.objects.annotate(organisation_count=Count("partners_with", distinct=True))
    return CooperationPartner.objects.none()


def organisation_choices_for(user) -> QuerySet[Organisation]:
    """The organisations a user may attach a person, carrier or facility to."""
    if is_applicant(user):
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.select_related("district")


def organisation_related(organisation: Organisation, user) -> dict:
    """What an organisation's page shows beside its fields, each scoped to the user."""
    people = people_for(user).filter(organisation=organisation)
    partners = partners_for(user).filter(partners_with=organisation)
    return {
        "people": people,
        "carriers": carriers_for(user).filter(host=organisation),
        "facilities": facilities_for(user).filter(host=organisation),
        "partners": partners,
        "service_institution": service_institutions_for(user).filter(organisation=organisation).first(),
    }


# --- Listing: search, filters, facets, sorting ---------------------------------------------------

def _choices_of(text_choices) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(value), str(label)) for value, label in text_choices.choices]


def _districts() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in District.objects.all()]


def _domains() -> list[tuple[str, str]]:
    return [(d.code, str(d)) for d in Domain.objects.all()]


def _talent_tags() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in TalentTag.objects.all()]


def _yes_no() -> list[tuple[str, str]]:
    return [("yes", str(_("Yes"))), ("no", str(_("No")))]


@dataclass(frozen=True)
class Filter:
    name: str                                   # the query parameter
    label: str | Promise
    lookup: str                                 # the ORM lookup the value is matched against
    choices: Callable[[], list[tuple[str, str]]]
    boolean: bool = False                       # values yes/no map to True/False

    def condition(self, value: str) -> Q:
        if self.boolean:
            return Q(**{self.lookup: value == "yes"})
        return Q(**{self.lookup: value})


@dataclass(frozen=True)
class Listing:
    kind: str
    search: tuple[str, ...]
    filters: tuple[Filter, ...]
    sorts: Mapping[str, tuple[str, ...]]        # sort key -> order_by fields (the tie-breaker pk is added)
    default_sort: str
    facet: str = ""                             # the filter whose options show counts
    distinct: bool = False                      # a filter or search crosses a many-to-many relation


@dataclass
class ListState:
    """A parsed list request: what was searched, filtered and sorted, with the choices to show."""

    listing: Listing
    q: str = ""
    values: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def active(self) -> dict:
        """The search, filters and sort in effect, for the export's audit event."""
        state = {"q": self.q, **self.values}
        if self.sort != self.listing.default_sort:
            state["sort"] = self.sort
        return {k: v for k, v in state.items() if v}


ORGANISATIONS = Listing(
    kind="organisation",
    search=("name_zh", "name_en", "credit_code", "address"),
    filters=(
        Filter("kind", _("type"), "kind", _choices_of(Organisation.Kind)),
        Filter("district", _("district"), "district__code", _districts),
        Filter("state", _("verification"), "state", _choices_of(Organisation.State)),
        Filter("size", _("size"), "size", _choices_of(Organisation.Size)),
    ),
    sorts={"name": ("name_zh",), "credit_code": ("credit_code",), "kind": ("kind",),
           "district": ("district__order",), "state": ("state",), "updated": ("updated_at",)},
    default_sort="name",
    facet="state",
)

PEOPLE = Listing(
    kind="person",
    search=("name", "name_en", "expertise", "position", "organisation__name_zh", "organisation__credit_code"),
    filters=(
        Filter("title", _("professional title"), "title", _choices_of(Person.Title)),
        Filter("domain", _("domain"), "domains__code", _domains),
        Filter("talent", _("talent tag"), "talent_tags__code", _talent_tags),
        Filter("district", _("district"), "organisation__district__code", _districts),
        Filter("expert", _("in the expert pool"), "in_expert_pool", _yes_no, boolean=True),
    ),
    sorts={"name": ("name",), "organisation": ("organisation__name_zh",), "title": ("title",),
           "updated": ("updated_at",)},
    default_sort="name",
    facet="title",
    distinct=True,
)

CARRIERS = Listing(
    kind="carrier",
    search=("name_zh", "name_en", "description", "host__name_zh", "host__credit_code"),
    filters=(
        Filter("kind", _("kind"), "kind", _choices_of(InnovationCarrier.Kind)),
        Filter("level", _("level"), "level", _choices_of(Level)),
        Filter("domain", _("domain"), "domain__code", _domains),
        Filter("district", _("district"), "host__district__code", _districts),
    ),
    sorts={"name": ("name_zh",), "kind": ("kind",), "level": ("level",), "domain": ("domain__code",),
           "host": ("host__name_zh",), "year": ("approved_year",)},
    default_sort="name",
    facet="level",
)

SERVICE_INSTITUTIONS = Listing(
    kind="service",
    search=("organisation__name_zh", "organisation__name_en", "organisation__credit_code", "description"),
    filters=(
        Filter("service", _("service"), "service", _choices_of(ServiceInstitution.Service)),
        Filter("level", _("level"), "level", _choices_of(Level)),
        Filter("domain", _("domain"), "domains__code", _domains),
        Filter("district", _("district"), "organisation__district__code", _districts),
    ),
    sorts={"name": ("organisation__name_zh",), "service": ("service",), "level": ("level",),
           "district": ("organisation__district__order",)},
    default_sort="name",
    facet="service",
    distinct=True,
)

FACILITIES = Listing(
    kind="facility",
    search=("name_zh", "name_en", "description", "host__name_zh", "host__credit_code"),
    filters=(
        Filter("kind", _("kind"), "kind", _choices_of(SharedFacility.Kind)),
        Filter("domain", _("domain"), "domain__code", _domains),
        Filter("district", _("district"), "host__district__code", _districts),
        Filter("open", _("open to outside users"), "open_to_public", _yes_no, boolean=True),
    ),
    sorts={"name": ("name_zh",), "kind": ("kind",), "domain": ("domain__code",), "host": ("host__name_zh",)},
    default_sort="name",
    facet="kind",
)

PARTNERS = Listing(
    kind="partner",
    search=("name_zh", "name_en", "country", "description"),
    filters=(
        Filter("region", _("region"), "region", _choices_of(CooperationPartner.Region)),
        Filter("kind", _("kind"), "kind", _choices_of(CooperationPartner.Kind)),
    ),
    sorts={"name": ("name_zh",), "region": ("region",), "kind": ("kind",), "country": ("country",)},
    default_sort="region",
    facet="region",
)

LISTINGS = {listing.kind: listing for listing in
            (ORGANISATIONS, PEOPLE, CARRIERS, SERVICE_INSTITUTIONS, FACILITIES, PARTNERS)}


def parse(listing: Listing, params: Mapping[str, str], defaults: Mapping[str, str] | None = None) -> ListState:
    """Read q, the filters and sort from request parameters; values that are not offered are ignored.

    `defaults` pre-selects a filter when its parameter is absent (a district officer starts on the
    district); an empty parameter (`district=`) means all.
    """
    state = ListState(listing=listing)
    state.q = " ".join(str(params.get("q", "")).split())[:SEARCH_MAX_LENGTH]
    for flt in listing.filters:
        options = flt.choices()
        state.choices[flt.name] = options
        raw = params.get(flt.name)
        if raw is None and defaults:
            raw = defaults.get(flt.name)
        value = str(raw or "")
        if value and value in {code for code, _label in options}:
            state.values[flt.name] = value
    sort = str(params.get("sort", "") or "")
    state.sort = sort if sort.lstrip("-") in listing.sorts else listing.default_sort
    return state


def _search(queryset: QuerySet, listing: Listing, q: str) -> QuerySet:
    for term in q.split()[:SEARCH_MAX_TERMS]:
        condition = Q()
        for name in listing.search:
            condition |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


def _filtered(queryset: QuerySet, state: ListState, skip: str = "") -> QuerySet:
    listing = state.listing
    queryset = _search(queryset, listing, state.q)
    for flt in listing.filters:
        value = state.values.get(flt.name)
        if value and flt.name != skip:
            queryset = queryset.filter(flt.condition(value))
    return queryset


def apply(queryset: QuerySet, state: ListState, *, with_counts: bool = False) -> QuerySet:
    """The queryset searched, filtered and sorted as the state says (pk as tie-breaker, for stable pages).

    With `with_counts`, the facet filter's options are counted over the rows the other filters leave.
    """
    listing = state.listing
    if with_counts and listing.facet:
        facet = next(f for f in listing.filters if f.name == listing.facet)
        base = _filtered(queryset.order_by(), state, skip=facet.name)
        rows = base.values(facet.lookup).annotate(n=Count("pk", distinct=listing.distinct)).order_by()
        state.counts = {str(row[facet.lookup]): row["n"] for row in rows}
    result = _filtered(queryset, state)
    if listing.distinct and (state.q or any(state.values.values())):
        result = result.distinct()
    descending = state.sort.startswith("-")
    fields = listing.sorts[state.sort.lstrip("-")]
    order = [f"-{name}" if descending else name for name in fields]
    return result.order_by(*order, "-pk" if descending else "pk")

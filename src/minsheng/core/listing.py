"""Lists: the search, filters, facet counts, sorting and pages that every list page, its Excel export and its API
list share (docs/architecture.md, "Lists"; docs/decisions.md says why this module and not django-filter and
django-tables2).

An app describes a list once, as a `Listing` in its queries module; its page, its export and its API read the
same request parameters through `parse` and `apply`:

- `q`: up to five terms of at most 100 characters in all, each found (icontains) in one of the search fields;
- one parameter per `Filter`, whose value must be one of the filter's choices (anything else is ignored);
- `sort`: a key of `sorts`, descending with a leading `-` (anything else is the default sort); the primary key
  breaks ties, so pages are stable;
- `page`: the page of `PAGE_SIZE` rows (Django's `Paginator.get_page`: out of range is the last page).

The page renders `core/list.html` with the context `page_context` builds, and the API documents the parameters
with `list_parameters`.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

PAGE_SIZE = 25
SEARCH_MAX_TERMS = 5
SEARCH_MAX_LENGTH = 100

Choices = Callable[[], list[tuple[str, str]]]


# --- Choices -------------------------------------------------------------------------------------

def choices_of(text_choices) -> Choices:
    """A filter's choices from a model's TextChoices, labelled in the language of the request."""
    return lambda: [(str(value), str(label)) for value, label in text_choices.choices]


def yes_no() -> list[tuple[str, str]]:
    return [("yes", str(_("Yes"))), ("no", str(_("No")))]


# --- What a list is ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    name: str                                   # the query parameter
    label: str | Promise
    lookup: str                                 # the ORM lookup the value is matched against
    choices: Choices
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


# --- Reading a request and applying it -----------------------------------------------------------

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


def listed(queryset: QuerySet, listing: Listing, params: Mapping[str, str]) -> QuerySet:
    """The queryset as a list request's parameters ask (the API lists and the exports: no facet counts)."""
    return apply(queryset, parse(listing, params))


# --- The list page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    label: str | Promise
    sort: str = ""                              # the sort key a click on the heading sorts by; "" for none


@dataclass(frozen=True)
class ListPage:
    """What the list template (core/list.html) needs to know about a list beside its rows."""

    slug: str                                   # data-ms-list, for the pages' tests and scripts
    title: str | Promise
    listing: Listing
    columns: tuple[Column, ...]
    row_template: str                           # one <tr> per object, the object as `object`
    clauses: tuple[str, ...] = ()               # the measures the list serves, shown as badges
    search_hint: str | Promise = ""


def column_links(columns: Iterable[Column], state: ListState) -> list[dict]:
    """The headings: a sortable one links to its key, or to the key descending when it is the sort in effect."""
    current = state.sort.lstrip("-")
    descending = state.sort.startswith("-")
    links = []
    for column in columns:
        entry = {"label": column.label, "target": "", "active": False, "descending": False}
        if column.sort:
            active = column.sort == current
            target = f"-{column.sort}" if active and not descending else column.sort
            entry.update(target=target, active=active, descending=active and descending)
        links.append(entry)
    return links


def filter_widgets(state: ListState) -> list[dict]:
    """The filters' selects: every choice, the one in effect selected, the facet's options with their counts."""
    widgets = []
    listing = state.listing
    for flt in listing.filters:
        counted = flt.name == listing.facet
        options = [{"value": value, "label": label, "selected": state.values.get(flt.name) == value,
                    "count": state.counts.get(value, 0) if counted else None}
                   for value, label in state.choices[flt.name]]
        widgets.append({"name": flt.name, "label": flt.label, "options": options})
    return widgets


def with_parameters(request, url: str) -> str:
    """`url` with the list's parameters, without the page number (the export of what the list shows)."""
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return url + (f"?{query}" if query else "")


def page_of(request, queryset: QuerySet | Sequence, size: int = PAGE_SIZE) -> Page:
    """The requested page of a queryset, or of a list ranked in Python (a call's ranking)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


class CountedPaginator(Paginator):
    """A paginator told its count instead of asking the database (a count known otherwise, or bounded)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def page_context(request, page: ListPage, queryset: QuerySet, state: ListState, *, export_url: str) -> dict:
    """The context of core/list.html: `page` a ListPage (or anything with its attributes, as the registry's kinds),
    `queryset` what the user may see, `state` what the request asks; the facet counts are read here. Add the create
    button's `create_url` and `can_add`, and what the rows need."""
    rows = apply(queryset, state, with_counts=True)
    return {
        "kind": page,
        "state": state,
        "page_obj": page_of(request, rows),
        "columns": column_links(page.columns, state),
        "filters": filter_widgets(state),
        "export_url": with_parameters(request, export_url),
    }


# --- The API -------------------------------------------------------------------------------------

def list_parameters(listing: Listing) -> list[OpenApiParameter]:
    """The list's parameters in the API schema (the API list reads them with `listed`)."""
    parameters = [
        OpenApiParameter("q", OpenApiTypes.STR, description="Search: " + ", ".join(listing.search)),
        OpenApiParameter("sort", OpenApiTypes.STR, enum=sorted([*listing.sorts, *[f"-{s}" for s in listing.sorts]]),
                         description="Sort key; a leading '-' sorts descending"),
    ]
    for flt in listing.filters:
        parameters.append(OpenApiParameter(flt.name, OpenApiTypes.STR,
                                           description=f"Filter on {flt.lookup}; unknown values are ignored"))
    return parameters

"""core.listing: one list description serves the search, filters, facet counts, sorting, pages and API parameters of
every list (registry, livelihood problems, IP assets)."""

import pytest
from django.test import RequestFactory

from minsheng.core import listing
from minsheng.core.listing import Column, Filter, Listing, choices_of, yes_no
from minsheng.policy.models import District
from minsheng.policy.queries import district_choices, domain_choices
from minsheng.registry.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory, domain

pytestmark = pytest.mark.django_db

ORGANISATIONS = Listing(
    kind="organisation",
    search=("name_zh", "credit_code", "address"),
    filters=(
        Filter("kind", "type", "kind", choices_of(Organisation.Kind)),
        Filter("district", "district", "district__code", district_choices),
        Filter("state", "verification", "state", choices_of(Organisation.State)),
    ),
    sorts={"name": ("name_zh",), "district": ("district__order",)},
    default_sort="name",
    facet="state",
)

PEOPLE = Listing(
    kind="person",
    search=("name", "domains__name_zh"),
    filters=(Filter("domain", "domain", "domains__code", domain_choices),
             Filter("expert", "expert", "in_expert_pool", yes_no, boolean=True)),
    sorts={"name": ("name",)},
    default_sort="name",
    facet="domain",
    distinct=True,
)


@pytest.fixture
def two_districts():
    first, second = District.objects.order_by("order", "code")[:2]
    return first, second


@pytest.fixture
def organisations(two_districts):
    first, second = two_districts
    make = OrganisationFactory
    return {
        "a": make(name_zh="甲光明科技有限公司", kind="enterprise", state="verified", district=first),
        "b": make(name_zh="乙光明科技有限公司", kind="enterprise", state="pending", district=first),
        "c": make(name_zh="丙光明研究院", kind="institute", state="verified", district=first),
        "d": make(name_zh="丁光明科技有限公司", kind="enterprise", state="verified", district=second),
        "e": make(name_zh="戊暗影科技有限公司", kind="enterprise", state="verified", district=first),
    }


def _names(queryset) -> list[str]:
    return [o.name_zh for o in queryset]


def test_search_filters_sort_and_facet_counts_in_one_queryset(organisations, two_districts,
                                                               django_assert_num_queries):
    first, _second = two_districts
    state = listing.parse(ORGANISATIONS, {"q": "  光明   科技 ", "kind": "enterprise", "district": first.code,
                                          "state": "verified", "sort": "-name"})
    assert state.q == "光明 科技"
    assert state.values == {"kind": "enterprise", "district": first.code, "state": "verified"}
    with django_assert_num_queries(2):            # the facet counts, then the rows
        rows = _names(listing.apply(Organisation.objects.all(), state, with_counts=True))
    # Every term found somewhere, every filter met, sorted by name descending.
    assert rows == ["甲光明科技有限公司"]
    # The facet counts ignore the facet's own filter and honour the others: a (verified) and b (pending).
    assert state.counts == {"verified": 1, "pending": 1}
    assert state.active == {"q": "光明 科技", "kind": "enterprise", "district": first.code, "state": "verified",
                            "sort": "-name"}


def test_the_primary_key_breaks_ties_in_both_directions(organisations):
    state = listing.parse(ORGANISATIONS, {"sort": "district"})
    ascending = list(listing.apply(Organisation.objects.all(), state).values_list("district__order", "pk"))
    assert ascending == sorted(ascending)
    state = listing.parse(ORGANISATIONS, {"sort": "-district"})
    descending = list(listing.apply(Organisation.objects.all(), state).values_list("district__order", "pk"))
    assert descending == sorted(ascending, reverse=True)


def test_unknown_filter_values_and_sort_keys_are_ignored(organisations):
    state = listing.parse(ORGANISATIONS, {"kind": "castle", "state": "verified'; --", "district": "atlantis",
                                          "sort": "-password", "colour": "red"})
    assert state.values == {}
    assert state.sort == "name"
    assert listing.apply(Organisation.objects.all(), state).count() == len(organisations)


def test_search_is_cut_to_its_length_and_terms():
    state = listing.parse(ORGANISATIONS, {"q": "x" * 300})
    assert state.q == "x" * listing.SEARCH_MAX_LENGTH
    many = " ".join(f"t{i}" for i in range(8))
    sql = str(listing.apply(Organisation.objects.all(), listing.parse(ORGANISATIONS, {"q": many})).query)
    assert "t4" in sql and "t5" not in sql


def test_a_default_applies_only_when_the_parameter_is_absent(organisations, two_districts):
    first, second = two_districts
    defaults = {"district": second.code}
    assert listing.parse(ORGANISATIONS, {}, defaults).values == {"district": second.code}
    assert listing.parse(ORGANISATIONS, {"district": first.code}, defaults).values == {"district": first.code}
    assert listing.parse(ORGANISATIONS, {"district": ""}, defaults).values == {}     # empty means all


def test_many_to_many_filters_and_search_count_each_row_once():
    person = PersonFactory(name="多领域专家", in_expert_pool=True)
    person.domains.add(domain("D01"), domain("D02"))
    PersonFactory(name="单领域专家", in_expert_pool=False).domains.add(domain("D01"))
    state = listing.parse(PEOPLE, {"q": "领域", "expert": "yes"})
    rows = list(listing.apply(Person.objects.all(), state, with_counts=True))
    assert rows == [person]
    assert state.counts == {"D01": 1, "D02": 1}
    state = listing.parse(PEOPLE, {"domain": "D01"})
    assert listing.apply(Person.objects.all(), state).count() == 2


def test_page_context_headings_filters_export_and_page(organisations):
    request = RequestFactory().get("/list/", {"state": "verified", "sort": "name", "page": "1"})
    page = listing.ListPage(slug="organisation", title="organisations", listing=ORGANISATIONS,
                            columns=(Column("name", "name"), Column("code"), Column("district", "district")),
                            row_template="registry/rows/organisation.html")
    state = listing.parse(ORGANISATIONS, request.GET)
    context = listing.page_context(request, page, Organisation.objects.all(), state, export_url="/export/")
    assert context["export_url"] == "/export/?state=verified&sort=name"
    assert [o.name_zh for o in context["page_obj"].object_list] == sorted(
        o.name_zh for o in organisations.values() if o.state == "verified")
    name, code, district = context["columns"]
    assert (name["target"], name["active"], name["descending"]) == ("-name", True, False)
    assert code["target"] == "" and (district["target"], district["active"]) == ("district", False)
    state_filter = next(w for w in context["filters"] if w["name"] == "state")
    assert {o["value"]: (o["count"], o["selected"]) for o in state_filter["options"]} == {
        "pending": (1, False), "verified": (4, True), "rejected": (0, False)}
    kind_filter = next(w for w in context["filters"] if w["name"] == "kind")
    assert all(o["count"] is None for o in kind_filter["options"])       # counts only on the facet
    assert listing.with_parameters(RequestFactory().get("/list/", {"page": "2"}), "/export/") == "/export/"


def test_api_parameters_name_the_search_sorts_and_filters():
    parameters = {p.name: p for p in listing.list_parameters(ORGANISATIONS)}
    assert set(parameters) == {"q", "sort", "kind", "district", "state"}
    assert parameters["sort"].enum == ["-district", "-name", "district", "name"]

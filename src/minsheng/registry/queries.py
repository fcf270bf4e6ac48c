"""Reads of the registry, scoped to what the user may see, and each list's search, filters and sorting (a
core.listing.Listing) that the list pages, their Excel exports and the API share."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.core.listing import Filter, Listing, choices_of, yes_no
from minsheng.core.roles import is_applicant, is_expert, is_government
from minsheng.policy.queries import district_choices, domain_choices
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


# --- Lists: what each list searches, filters and sorts (core.listing) ------------------------------

def _talent_tags() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in TalentTag.objects.all()]


ORGANISATIONS = Listing(
    kind="organisation",
    search=("name_zh", "name_en", "credit_code", "address"),
    filters=(
        Filter("kind", _("type"), "kind", choices_of(Organisation.Kind)),
        Filter("district", _("district"), "district__code", district_choices),
        Filter("state", _("verification"), "state", choices_of(Organisation.State)),
        Filter("size", _("size"), "size", choices_of(Organisation.Size)),
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
        Filter("title", _("professional title"), "title", choices_of(Person.Title)),
        Filter("domain", _("domain"), "domains__code", domain_choices),
        Filter("talent", _("talent tag"), "talent_tags__code", _talent_tags),
        Filter("district", _("district"), "organisation__district__code", district_choices),
        Filter("expert", _("in the expert pool"), "in_expert_pool", yes_no, boolean=True),
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
        Filter("kind", _("kind"), "kind", choices_of(InnovationCarrier.Kind)),
        Filter("level", _("level"), "level", choices_of(Level)),
        Filter("domain", _("domain"), "domain__code", domain_choices),
        Filter("district", _("district"), "host__district__code", district_choices),
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
        Filter("service", _("service"), "service", choices_of(ServiceInstitution.Service)),
        Filter("level", _("level"), "level", choices_of(Level)),
        Filter("domain", _("domain"), "domains__code", domain_choices),
        Filter("district", _("district"), "organisation__district__code", district_choices),
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
        Filter("kind", _("kind"), "kind", choices_of(SharedFacility.Kind)),
        Filter("domain", _("domain"), "domain__code", domain_choices),
        Filter("district", _("district"), "host__district__code", district_choices),
        Filter("open", _("open to outside users"), "open_to_public", yes_no, boolean=True),
    ),
    sorts={"name": ("name_zh",), "kind": ("kind",), "domain": ("domain__code",), "host": ("host__name_zh",)},
    default_sort="name",
    facet="kind",
)

PARTNERS = Listing(
    kind="partner",
    search=("name_zh", "name_en", "country", "description"),
    filters=(
        Filter("region", _("region"), "region", choices_of(CooperationPartner.Region)),
        Filter("kind", _("kind"), "kind", choices_of(CooperationPartner.Kind)),
    ),
    sorts={"name": ("name_zh",), "region": ("region",), "kind": ("kind",), "country": ("country",)},
    default_sort="region",
    facet="region",
)

LISTINGS = {listing.kind: listing for listing in
            (ORGANISATIONS, PEOPLE, CARRIERS, SERVICE_INSTITUTIONS, FACILITIES, PARTNERS)}


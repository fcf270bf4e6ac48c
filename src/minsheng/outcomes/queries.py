"""Reads of IP assets, scoped to what the user may see, and the list's search, filters and sorting (shared by
the list page, its Excel export and the API)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.core.listing import Filter, Listing, choices_of
from minsheng.core.roles import is_applicant, is_government
from minsheng.outcomes.models import IPAsset
from minsheng.policy.queries import district_choices, domain_choices
from minsheng.registry.models import Organisation


def ip_assets_for(user) -> QuerySet[IPAsset]:
    """Government roles see every asset; an applicant its own organisation's; anyone else none."""
    queryset = IPAsset.objects.select_related("owner", "owner__district", "domain")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(owner_id=user.organisation_id)
    return queryset.none()


def owner_choices_for(user) -> QuerySet[Organisation]:
    if is_applicant(user):
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.order_by("name_zh")


IP_ASSETS = Listing(
    kind="ip",
    search=("title", "number", "owner__name_zh", "owner__credit_code"),
    filters=(
        Filter("kind", _("kind"), "kind", choices_of(IPAsset.Kind)),
        Filter("status", _("status"), "status", choices_of(IPAsset.Status)),
        Filter("domain", _("domain"), "domain__code", domain_choices),
        Filter("district", _("district"), "owner__district__code", district_choices),
    ),
    sorts={"title": ("title",), "number": ("number",), "kind": ("kind",), "owner": ("owner__name_zh",),
           "status": ("status",), "granted": ("granted_on",), "fee": ("next_fee_due",)},
    default_sort="title",
    facet="status",
)

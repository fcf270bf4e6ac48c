"""Gather, in a few queries, everything the eligibility rules look at (see eligibility.Facts)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from minsheng.applications.eligibility import Facts
from minsheng.applications.models import Application
from minsheng.core import clock
from minsheng.outcomes.models import IPAsset
from minsheng.policy.models import FundingSource
from minsheng.registry.models import Debarment, Organisation


def _in_force(today):
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def gather(application: Application) -> Facts:
    organisation = application.organisation
    call = application.call
    lead = application.lead
    today = clock.today()          # Asia/Shanghai (TIME_ZONE)

    granted = defaultdict(int)
    for row in (IPAsset.objects.filter(owner=organisation, status=IPAsset.Status.GRANTED)
                .values("kind", "domain__code").annotate(n=Count("pk"))):
        granted[(row["kind"], row["domain__code"] or "")] += row["n"]

    funding = defaultdict(lambda: Decimal("0"))
    for source_code, amount in application.funding_lines.values_list("source__code", "amount"):
        funding[source_code] += amount

    debarred = Debarment.objects.filter(_in_force(today))
    lead_age = None
    if lead is not None and lead.birth_year:
        lead_age = timezone.localtime(call.closes_at).year - lead.birth_year

    return Facts(
        organisation_kind=organisation.kind,
        credit_code=organisation.credit_code,
        organisation_verified=organisation.state == Organisation.State.VERIFIED,
        granted_ip=dict(granted),
        funding_by_source=dict(funding),
        government_sources=frozenset(FundingSource.objects.filter(is_government=True).values_list("code", flat=True)),
        lead_title=lead.title if lead is not None else "",
        lead_birth_year=lead.birth_year if lead is not None else None,
        lead_age=lead_age,
        # Until projects exist (they are made at approval, 立项), a project "under way" is another application of
        # the same lead that passed the formal check.
        lead_projects_under_way=(Application.objects.filter(lead=lead, state=Application.State.PASSED)
                                 .exclude(pk=application.pk).count() if lead is not None else 0),
        organisation_other_applications=(Application.objects.filter(call=call, organisation=organisation)
                                         .exclude(state=Application.State.WITHDRAWN)
                                         .exclude(pk=application.pk).count()),
        partner_regions=tuple(application.partners.values_list("partner__region", flat=True)),
        organisation_debarred=debarred.filter(organisation=organisation).exists(),
        lead_debarred=lead is not None and debarred.filter(person=lead).exists(),
        call_domains=tuple(call.domains.order_by("code").values_list("code", flat=True)),
        application_domain=application.domain.code if application.domain_id else "",
        today=today,
    )

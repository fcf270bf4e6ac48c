"""Applications with their budget and funding lines. Shared by every area: extend, don't replace."""

from decimal import Decimal

import factory
from django.utils import timezone

from minsheng.applications.models import Application, FundingLine
from minsheng.policy.models import FundingSource
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, domain
from tests.factories.calls import CallFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with a lead from the applicant organisation; `funding={"city_rd": 1_000_000, "own": 1_500_000}`
    adds funding lines (yuan)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    lead = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    number = factory.Sequence(lambda n: f"SQ2026{n:06d}")
    title = factory.Sequence(lambda n: f"社区慢病远程管理平台{n:03d}")
    domain = factory.LazyFunction(lambda: domain("D01"))
    summary = "以社区卫生服务中心为节点，建设慢病远程管理平台。"
    created_by = factory.SubFactory(UserFactory, role="applicant", organisation=factory.SelfAttribute(
        "..organisation"))

    @factory.post_generation
    def funding(obj, create, extracted, **kwargs):
        if create and extracted:
            for code, amount in extracted.items():
                FundingLine.objects.create(application=obj, source=FundingSource.objects.get(code=code),
                                           amount=Decimal(str(amount)))


class SubmittedApplicationFactory(ApplicationFactory):
    state = Application.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

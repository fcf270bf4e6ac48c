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


def complete_application(application: Application, *, own_share: Decimal = Decimal("0.6"),
                         total: Decimal = Decimal("2000000")) -> Application:
    """Fill every section of a draft so that it is complete: text, period, indicators, a team with one lead,
    a budget whose totals agree (city grant + own money, `own_share` of `total` yuan), one promised IP and
    one milestone inside the period."""
    from datetime import date

    from minsheng.applications.models import BudgetLine, IPClaim, Milestone, TeamMember

    app = application
    app.title = app.title or "社区慢病远程管理平台"
    app.summary = "以社区卫生服务中心为节点，建设高血压、糖尿病远程管理平台，覆盖南山区十个社区。"
    app.keywords = "慢病管理, 远程医疗, 社区卫生"
    app.objectives = "建立覆盖十个社区的慢病远程管理体系，服务患者两万人。"
    app.technical_route = "可穿戴设备采集血压血糖数据，边缘网关上传，云端风险模型分级预警，家庭医生随访。"
    app.starts_on, app.ends_on = date(2027, 1, 1), date(2028, 12, 31)
    app.expected_patents, app.expected_people_served = 2, 20000
    if app.call.topics.exists() and not app.topic_id:
        app.topic = app.call.topics.first()
    lead = app.lead or PersonFactory(organisation=app.organisation)
    app.lead = lead
    app.save()
    TeamMember.objects.get_or_create(application=app, person=lead,
                                     defaults={"role": TeamMember.Role.LEAD, "time_share": 60})
    own = (total * own_share).quantize(Decimal("0.01"))
    app.budget_lines.all().delete()
    app.funding_lines.all().delete()
    BudgetLine.objects.create(application=app, category=BudgetLine.Category.EQUIPMENT, amount=total / 2)
    BudgetLine.objects.create(application=app, category=BudgetLine.Category.LABOUR, amount=total - total / 2)
    FundingLine.objects.create(application=app, source=FundingSource.objects.get(code="city_rd"), amount=total - own)
    FundingLine.objects.create(application=app, source=FundingSource.objects.get(code="own"), amount=own)
    IPClaim.objects.create(application=app, kind=IPClaim.Kind.PROMISED, ip_kind="invention_patent", count=2,
                           description="远程血压管理方法")
    Milestone.objects.create(application=app, title="平台上线", due_on=date(2027, 12, 31), deliverable="系统")
    return app


def copies(application: Application, n: int) -> list[Application]:
    """`n` copies of an application in the same call, written in bulk (a call at scale for the page tests): each
    with its own number, the original's rule results, and its assignments with their reviews."""
    from minsheng.applications.models import RuleResult
    from minsheng.review.models import Assignment, Review

    base = Application.objects.get(pk=application.pk)
    made, start = [], Application.objects.filter(number__startswith=f"{base.number}C").count()
    for i in range(start, start + n):
        copy = Application.objects.get(pk=base.pk)
        copy.pk = copy.id = None
        copy.number = f"{base.number}C{i:04d}"
        made.append(copy)
    made = Application.objects.bulk_create(made)
    results = list(RuleResult.objects.filter(application=base))
    RuleResult.objects.bulk_create([RuleResult(**{**_fields(r), "application_id": a.pk})
                                    for a in made for r in results])
    pairs = list(Assignment.objects.filter(application=base).select_related("review"))
    for a in made:
        for pair in pairs:
            review = getattr(pair, "review", None)
            new = Assignment.objects.create(**{**_fields(pair), "application_id": a.pk})
            if review is not None:
                Review.objects.create(**{**_fields(review), "assignment_id": new.pk})
    return made


def _fields(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}

"""Programmes, calls and call rules. Shared by every area that needs a call: extend, don't replace."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from minsheng.calls.models import Call, CallRule, Programme, RubricCriterion, Topic
from minsheng.policy.models import FundingMode, FundingSource, RuleTemplate, SupportType
from tests.factories import UserFactory, domain


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    year = 2026
    source = factory.LazyFunction(lambda: FundingSource.objects.get(code="city_rd"))
    name_zh = factory.Sequence(lambda n: f"民生科技专项{n:03d}")
    name_en = factory.Sequence(lambda n: f"Livelihood S&T programme {n:03d}")
    budget = Decimal("50000000")


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open now (opened ten days ago, closes in ten days); pass `domains=[...]` to set them."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"MS2026-{n:04d}")
    title_zh = factory.Sequence(lambda n: f"智慧医疗示范应用{n:03d}")
    title_en = factory.Sequence(lambda n: f"Smart health demonstration {n:03d}")
    description = "面向基层医疗的远程诊疗示范。"
    funding_mode = factory.LazyFunction(lambda: FundingMode.objects.get(code="demonstration"))
    support_type = factory.LazyFunction(lambda: SupportType.objects.get(code="competitive"))
    budget = Decimal("10000000")
    max_grant = Decimal("2000000")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    review_ends_at = factory.LazyAttribute(lambda o: o.closes_at + timedelta(days=30))
    notice_at = factory.LazyAttribute(lambda o: o.review_ends_at + timedelta(days=7))
    state = Call.State.PUBLISHED
    drafted_by = factory.SubFactory(UserFactory)

    class Params:
        # Traits: CallFactory(draft=True), (in_review=True), (closed=True), (upcoming=True)
        draft = factory.Trait(state=Call.State.DRAFT)
        in_review = factory.Trait(state=Call.State.IN_REVIEW)
        closed = factory.Trait(opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
                               closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=3)))
        upcoming = factory.Trait(opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=5)),
                                 closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=40)))

    @factory.post_generation
    def domains(obj, create, extracted, **kwargs):
        if create:
            obj.domains.set(extracted if extracted is not None else [domain("D01")])

    @factory.post_generation
    def co_owners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_owners.set(extracted)


def add_rule(call, code: str, order: int | None = None, **params) -> CallRule:
    """Attach the rule template `code` to the call with these parameters."""
    order = order if order is not None else call.rules.count()
    return CallRule.objects.create(call=call, template=RuleTemplate.objects.get(code=code), params=params,
                                   order=order)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"基层慢病远程管理{n:03d}")
    description = "社区随访与远程监测。"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    call = factory.SubFactory(CallFactory)
    name_zh = factory.Sequence(lambda n: f"创新性{n}")
    weight = Decimal("100")


def complete(call) -> Call:
    """Give a call what approval needs: one topic and a rubric whose weights add up to 100."""
    TopicFactory(call=call)
    CriterionFactory(call=call, name_zh="创新性", weight=Decimal("60"))
    CriterionFactory(call=call, name_zh="可行性", weight=Decimal("40"))
    return call

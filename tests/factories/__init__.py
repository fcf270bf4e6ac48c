"""Factories for real rows. Reference data (districts, domains, departments) comes from the policy
data migration; the factories fetch those rows by code rather than inventing new ones."""

import random

import factory
from django.contrib.auth import get_user_model

from minsheng.core.identifiers import make_credit_code
from minsheng.core.roles import Role
from minsheng.policy.models import Department, District, Domain
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)

PASSWORD = "Correct-Horse-42"
_rng = random.Random(20121102)


def district(code="nanshan"):
    return District.objects.get(code=code)


def department(code="sti"):
    return Department.objects.get(code=code)


def domain(code="D01"):
    return Domain.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    credit_code = factory.LazyFunction(lambda: make_credit_code(_rng, division="440305"))
    name_zh = factory.Sequence(lambda n: f"深圳市测试科技有限公司{n:04d}")
    name_en = factory.Sequence(lambda n: f"Shenzhen Test Technology Co., Ltd. {n:04d}")
    kind = Organisation.Kind.ENTERPRISE
    district = factory.LazyFunction(district)
    address = "深圳市南山区科技园"
    contact_name = "张三"
    contact_phone = "0755-26000000"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.cn")
    state = Organisation.State.VERIFIED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试{n:03d}")
    title = Person.Title.ASSOCIATE
    birth_year = 1980
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.cn")
    expertise = "慢性病管理, 远程医疗"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"测{n}")
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_for_role(role: str, **extra):
    """A user of the given role with the scope that role needs."""
    scope = {}
    if role == Role.APPLICANT:
        scope["organisation"] = extra.pop("organisation", None) or OrganisationFactory()
    elif role == Role.DEPARTMENT_OFFICER:
        scope["department"] = extra.pop("department", None) or department("health")
    elif role == Role.DISTRICT_OFFICER:
        scope["district"] = extra.pop("district", None) or district("nanshan")
    elif role == Role.ADMIN:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
    return UserFactory(role=role, **scope, **extra)


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InnovationCarrier

    name_zh = factory.Sequence(lambda n: f"深圳市民生健康工程实验室{n}")
    name_en = factory.Sequence(lambda n: f"Shenzhen Livelihood Health Engineering Lab {n}")
    kind = InnovationCarrier.Kind.ENGINEERING_LAB
    level = "municipal"
    domain = factory.LazyFunction(domain)
    host = factory.SubFactory(OrganisationFactory)


class ServiceInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceInstitution

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.SERVICE)
    service = ServiceInstitution.Service.TRANSFER


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedFacility

    name_zh = factory.Sequence(lambda n: f"高分辨质谱仪{n}")
    name_en = factory.Sequence(lambda n: f"High-resolution mass spectrometer {n}")
    kind = SharedFacility.Kind.INSTRUMENT
    host = factory.SubFactory(OrganisationFactory)
    domain = factory.LazyFunction(domain)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationPartner

    name_zh = factory.Sequence(lambda n: f"香港测试大学{n}")
    name_en = factory.Sequence(lambda n: f"Hong Kong Test University {n}")
    region = CooperationPartner.Region.HONG_KONG
    kind = CooperationPartner.Kind.UNIVERSITY


def sign_in_past_second_factor(client, user):
    """Sign in as `user` as the second-factor page does: with a confirmed authenticator and the session marked as
    having passed the step.

    `client.force_login` alone gives a session that never passed the step: while SECOND_FACTOR_REQUIRED is on, the
    platform ends such a session of an officer, auditor or admin at its first request.
    """
    import pyotp
    from django.utils import timezone

    from minsheng.accounts import second_factor
    from minsheng.accounts.models import SecondFactor

    device, _created = SecondFactor.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "confirmed_at": timezone.now()})
    client.force_login(user)
    session = client.session
    session[second_factor.PASSED_KEY] = {"user": user.pk, "device": device.pk}
    session.save()
    return device

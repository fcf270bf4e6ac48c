"""IP assets (M19) with valid numbers. Shared by every area that needs an organisation's IP."""

import datetime

import factory

from minsheng.outcomes.models import IPAsset
from minsheng.outcomes.numbers import patent_check_character
from tests.factories import OrganisationFactory, domain


def patent_number(serial: int, *, year: int = 2021, type_digit: str = "1") -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_character(digits)}"


class IPAssetFactory(factory.django.DjangoModelFactory):
    """A granted invention patent in D01, filed 2021."""

    class Meta:
        model = IPAsset

    kind = IPAsset.Kind.INVENTION_PATENT
    number = factory.Sequence(lambda n: patent_number(n + 1))
    title = factory.Sequence(lambda n: f"一种慢病管理方法{n}")
    owner = factory.SubFactory(OrganisationFactory)
    domain = factory.LazyFunction(domain)
    status = IPAsset.Status.GRANTED
    filed_on = datetime.date(2021, 3, 1)
    granted_on = datetime.date(2023, 6, 1)

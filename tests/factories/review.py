"""Expert profiles and the rows around them. Shared by every review test: extend, don't replace."""

import factory

from minsheng.core.roles import Role
from minsheng.review.models import ExpertProfile
from tests.factories import PersonFactory, UserFactory


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    """An active expert of a new organisation; pass `domains=[...]` to set the domains."""

    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory, in_expert_pool=True)
    state = ExpertProfile.State.ACTIVE
    keywords = "慢性病管理、远程医疗"
    description = "长期从事社区慢性病管理与远程医疗平台研究。"
    max_load = 10

    @factory.post_generation
    def domains(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.domains.set(extracted)


def expert_user(profile: ExpertProfile, **extra):
    """The expert account linked to the profile's person."""
    return UserFactory(role=Role.EXPERT, person=profile.person, **extra)

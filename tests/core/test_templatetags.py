"""The shared template tags: an object's own history, 万元 display, the kind of a record."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from minsheng.core import services
from minsheng.core.roles import Role
from minsheng.core.templatetags.minsheng import model_label, yuan_to_wan
from tests.factories import OrganisationFactory, user_for_role


@pytest.mark.django_db
def test_audit_history_shows_the_objects_own_events_newest_first():
    officer = user_for_role(Role.OFFICER, username="officer_zhao")
    mine = services.create_audited(OrganisationFactory.build(), by=officer)
    services.create_audited(OrganisationFactory.build(), by=officer)  # another object's event
    services.update_audited(mine, by=officer, changes={"address": "深圳市福田区"}, verb="verify", clause="M03",
                            reason="核验通过")
    with translation.override("zh-hans"):
        html = Template("{% load minsheng %}{% audit_history obj %}").render(Context({"obj": mine}))
    assert html.count("<li data-ms-event=") == 2
    assert html.index("registry.organisation.verify") < html.index("registry.organisation.create")
    assert "核验通过" in html and "M03" in html and str(officer) in html
    assert "变更记录" in html
    assert f"{officer} 将地址从「深圳市南山区科技园」改为「深圳市福田区」" in html


@pytest.mark.django_db
def test_audit_history_of_an_object_without_events():
    organisation = OrganisationFactory()
    with translation.override("en"):
        html = Template("{% load minsheng %}{% audit_history obj %}").render(Context({"obj": organisation}))
    assert "No recorded changes yet." in html


@pytest.mark.parametrize(("yuan", "wan"), [(Decimal("1234567.89"), "123.46"), ("50000", "5.00"), (0, "0.00"),
                                           (None, ""), ("", ""), (Decimal("123456789012"), "12,345,678.90")])
def test_yuan_to_wan(yuan, wan):
    assert yuan_to_wan(yuan) == wan


def test_model_label():
    with translation.override("zh-hans"):
        assert model_label("core.auditevent") == "审计日志"
    assert model_label("nosuch.model") == "nosuch.model"
    assert model_label("") == ""

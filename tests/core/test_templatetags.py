"""The shared template tags: an object's own history, 万元 display, audit change rows."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from minsheng.accounts.roles import Role
from minsheng.core import services
from minsheng.core.models import AuditEvent
from minsheng.core.templatetags.minsheng import audit_changes, model_label, yuan_to_wan
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
    assert "核验通过" in html and "M03" in html and "officer_zhao" in html
    assert "变更记录" in html


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


def test_audit_changes_pairs_old_and_new_values():
    event = AuditEvent(old={"state": "pending", "tags": ["a"]}, new={"state": "verified", "note": None})
    assert audit_changes(event) == [
        {"field": "note", "old": "", "new": ""},
        {"field": "state", "old": "pending", "new": "verified"},
        {"field": "tags", "old": '["a"]', "new": ""},
    ]
    assert audit_changes(AuditEvent(old=None, new=None)) == []
    assert audit_changes(AuditEvent(new=[1, 2])) == [{"field": "", "old": "", "new": "[1, 2]"}]


def test_model_label():
    with translation.override("zh-hans"):
        assert model_label("core.auditevent") == "审计日志"
    assert model_label("nosuch.model") == "nosuch.model"
    assert model_label("") == ""

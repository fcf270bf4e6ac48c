"""The demo's funding decisions: an earlier call run through check, review and a frozen panel to a plan proposed
and approved by two officers, noticed with one handled objection, and at least six numbered projects with their
co-funding; a second run writes nothing."""

import io

import pytest
from django.core.management import call_command

from minsheng.core.audit import AuditEvent
from minsheng.demo.funding import early_call
from minsheng.funding import queries
from minsheng.funding.models import FundingPlan, Objection, Project

pytestmark = pytest.mark.django_db


def test_demo_has_funded_projects():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    call = early_call()
    plan = FundingPlan.objects.get(call=call)
    assert plan.state == FundingPlan.State.DECIDED
    assert plan.proposed_by.username == "officer" and plan.approved_by.username == "officer2"
    assert plan.confirmations.get().confirmed_by.username == "dept_health"
    objection = Objection.objects.get(plan=plan)
    assert objection.state == Objection.State.HANDLED and objection.handling
    projects = list(Project.objects.filter(call=call))
    assert len(projects) >= 6
    assert all(p.number.startswith("XM2026-") for p in projects)
    assert all(p.funding_lines.exists() for p in projects)
    view = queries.plan_view(plan)
    assert view.total <= call.budget and view.money.ratio is not None and view.money.ratio > 0
    assert {c.source.code for line, _m in view.rows for c in line.cofunding.all()} >= {"district", "own"}
    events = AuditEvent.objects.count()
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert AuditEvent.objects.count() == events

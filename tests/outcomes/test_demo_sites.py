"""The demo part "sites": several verified and unverified demonstration sites in several districts of several
kinds, each with its people served per quarter (one going down with its reason), and the demo problem traced end to
end: its public tracking page shows its call, the project funded on it, a verified achievement and a verified site
with people served. A second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from minsheng.core.models import AuditEvent
from minsheng.demo.funding import TRACED_PROBLEM
from minsheng.demo.sites import traced_project
from minsheng.outcomes.models import DemonstrationSite, SiteReport
from minsheng.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_the_demo_has_sites_and_traces_a_problem_to_its_results(client):
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    sites = DemonstrationSite.objects.all()
    assert sites.count() >= 5
    assert len(set(sites.values_list("district", flat=True))) >= 4
    assert len(set(sites.values_list("kind", flat=True))) >= 4
    assert set(sites.values_list("state", flat=True)) == {"verified", "unverified"}
    assert all(site.reports.exists() for site in sites)
    assert SiteReport.objects.exclude(decrease_reason="").count() >= 1
    assert SiteReport.objects.count() >= 10

    project = traced_project()
    problem = Problem.objects.get(title=TRACED_PROBLEM)
    site = project.demonstration_sites.get(state="verified")
    html = client.get(reverse("problems:track"), {"code": problem.tracking_code}).content.decode()
    assert project.call.code in html and project.title in html and site.name in html
    assert project.achievements.filter(state="verified").first().title in html
    assert str(site.reports.order_by("-year", "-quarter").first().people_served) in html

    counts = (sites.count(), SiteReport.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (DemonstrationSite.objects.count(), SiteReport.objects.count(), AuditEvent.objects.count()) == counts

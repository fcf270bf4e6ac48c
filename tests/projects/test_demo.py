"""The demo part "progress": on the first batch's projects under way (monthly reports, a mid-term check), reports
accepted on time, one project late, one report returned with comments, one waiting, and a mid-term check of each
result; never in the future; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from minsheng.core import clock
from minsheng.funding.models import Project
from minsheng.projects import queries
from minsheng.projects.models import MidtermCheck, ProgressReport

pytestmark = pytest.mark.django_db


def test_the_demo_tells_each_story_once():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    reports = ProgressReport.objects.all()
    assert reports.filter(state=ProgressReport.State.ACCEPTED).count() >= 4
    assert all(r.on_time for r in reports.filter(state=ProgressReport.State.ACCEPTED))
    assert reports.filter(state=ProgressReport.State.RETURNED).exclude(comments="").count() == 1
    assert set(MidtermCheck.objects.values_list("result", flat=True)) == set(MidtermCheck.Result.values)
    assert not reports.filter(submitted_at__gt=clock.now()).exists()
    under_way = Project.objects.filter(state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
    late = {p.number: queries.late_count(p) for p in under_way}
    assert any(late.values())
    terminated = MidtermCheck.objects.get(result=MidtermCheck.Result.TERMINATE).project
    assert late[terminated.number] >= 1 and not terminated.progress_reports.filter(period=2).exists()
    counts = (reports.count(), MidtermCheck.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (ProgressReport.objects.count(), MidtermCheck.objects.count()) == counts

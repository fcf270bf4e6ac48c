"""The demo part "progress": on the first batch's projects under way (monthly reports, a mid-term check), reports
accepted on time, one project late, one report returned with comments, one waiting, and a mid-term check of each
result; never in the future; a second run adds nothing. A demo project's timeline finds every stage's events as the
real services recorded them, and the applicant's names no reviewer."""

import io

import pytest
from django.core.management import call_command

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import queries, timeline
from minsheng.projects.models import MidtermCheck, ProgressReport
from minsheng.review.models import Assignment
from tests.factories import user_for_role

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
    _the_timeline_reads_a_demo_projects_life()
    counts = (reports.count(), MidtermCheck.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (ProgressReport.objects.count(), MidtermCheck.objects.count()) == counts


def _the_timeline_reads_a_demo_projects_life():
    project = (Project.objects.filter(state=Project.State.UNDER_WAY, progress_reports__state="accepted")
               .select_related("application").distinct().first())
    entries = timeline.entries(project, user_for_role(Role.OFFICER))
    stages = {entry.stage for entry in entries}
    assert {"application", "review", "decision", "contract", "execution"} <= stages, stages
    assert all(entry.label != entry.action for entry in entries if entry.action)        # every code is labelled
    mine = timeline.entries(project, user_for_role(Role.APPLICANT, organisation=project.organisation))
    assert all(e.action == "review.panel.freeze" for e in mine if e.stage == "review")
    experts = {str(a.expert.person.name) for a in Assignment.objects.filter(application=project.application)
               .select_related("expert__person")}
    shown = " ".join(f"{e.actor} {e.reason} {e.target}" for e in mine)
    assert experts and not any(name in shown for name in experts)
    finance = timeline.entries(project, user_for_role(Role.FINANCE))
    assert finance and {e.stage for e in finance} <= {"money", "decision", "contract", "execution"}

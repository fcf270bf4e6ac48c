"""Late reports are flagged in the applicant's workspace with a link to file them (M17): the home page lists the
organisation's late and due reports, late first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.contracts.models import TaskBook
from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


def begun(project, days):
    today = timezone.localdate()
    TaskBook.objects.filter(project=project, state=TaskBook.State.SIGNED).update(
        starts_on=today - timedelta(days=days), ends_on=today + timedelta(days=700 - days))


def test_the_applicants_home_flags_the_late_report_with_a_link_to_file_it(client, project, applicant):
    begun(project, 240)
    client.force_login(applicant)
    page = client.get(reverse("accounts:home")).content.decode()
    assert 'data-ms-home-late="1"' in page
    assert f'data-ms-due="{project.number}-1"' in page and f'data-ms-due="{project.number}-2"' not in page
    assert reverse("projects:file", args=[project.pk, 1]) in page


def test_a_period_just_ended_is_due_not_late(client, project, applicant):
    begun(project, 190)           # period 1 ended about ten days ago: within its fifteen days' grace
    client.force_login(applicant)
    page = client.get(reverse("accounts:home")).content.decode()
    assert f'data-ms-due="{project.number}-1"' in page and "data-ms-home-late" not in page


def test_nothing_to_file_shows_nothing(client, project, applicant):
    client.force_login(applicant)
    assert "data-ms-reports-due" not in client.get(reverse("accounts:home")).content.decode()


def test_another_organisation_does_not_see_them(client, project):
    begun(project, 240)
    from tests.factories.contracts import approved_project
    other = approved_project()
    client.force_login(user_for_role(Role.APPLICANT, organisation=other.organisation))
    assert "data-ms-reports-due" not in client.get(reverse("accounts:home")).content.decode()

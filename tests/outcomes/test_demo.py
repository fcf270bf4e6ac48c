"""The demo part "achievements": every kind of achievement for the projects under way, half verified, one
verification taken back, IP linked to its projects, a lapse recorded with its reason and warnings before fees and
expiries; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from minsheng.core.models import AuditEvent
from minsheng.outcomes import queries
from minsheng.outcomes.models import Achievement, IPAsset

pytestmark = pytest.mark.django_db


def test_the_demo_has_achievements_of_every_kind_once():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    achievements = Achievement.objects.all()
    assert set(achievements.values_list("kind", flat=True)) == set(Achievement.Kind.values)
    assert set(achievements.values_list("state", flat=True)) == set(Achievement.State.values)
    for achievement in achievements:
        projects = list(achievement.projects.all())
        assert projects and all(p.organisation_id == achievement.organisation_id for p in projects)
        assert achievement.identifier or achievement.link or achievement.evidence
    ip = achievements.filter(kind__in=queries.ACHIEVEMENT_IP_KINDS)
    assert ip.count() == 4 and all(a.ip_asset and a.identifier == a.ip_asset.number for a in ip)
    assert AuditEvent.objects.filter(action="outcomes.achievement.unverify").exclude(reason="").count() == 1
    lapsed = IPAsset.objects.get(lapsed_on__isnull=False)
    assert lapsed.status == IPAsset.Status.LAPSED and lapsed.lapse_reason
    assert IPAsset.objects.filter(projects__isnull=False).exists()
    warnings = queries.ip_warnings(IPAsset.objects.all())
    assert {"fee", "expiry"} <= {w.what for w in warnings if not w.overdue}
    counts = (achievements.count(), IPAsset.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (Achievement.objects.count(), IPAsset.objects.count(), AuditEvent.objects.count()) == counts

"""The transfer rate (M18) is one function (outcomes/transfer_rate.py): property-based tests against a plain
reference count. Never above 1 nor below 0; each project once however many transfers it has; the period is
respected (a project accepted outside it, or a transfer signed after its end, does not count); an empty set is
"no data", never a division by zero; the slices add up to the total."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.funding.models import Project
from minsheng.outcomes import transfer_rate
from minsheng.outcomes.transfer_rate import Rate, compute, rate_of
from minsheng.policy.indicators import TRANSFER_RATE
from tests.factories.outcomes import accepted_project, achievement_of, transfer_of

pytestmark = pytest.mark.django_db
ACCEPTED_ON = [datetime.date(2023, 5, 1), datetime.date(2024, 3, 1), datetime.date(2024, 11, 30),
               datetime.date(2025, 6, 1)]
YEARS = st.integers(2022, 2026)


@pytest.fixture(scope="module")
def pool(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        projects = [accepted_project(on=day) for day in ACCEPTED_ON]
        yield projects
        transaction.set_rollback(True)


achievement_plans = st.lists(st.tuples(st.sampled_from(["standard", "paper", "software"]), st.booleans()),
                             max_size=3)
transfer_plans = st.lists(st.tuples(st.integers(0, 3), st.lists(st.integers(0, 2), min_size=1, max_size=3),
                                    st.dates(datetime.date(2022, 1, 1), datetime.date(2026, 12, 31)),
                                    st.booleans(), st.integers(0, 10**7)), max_size=6)


def reference(pool, achievements, transfers, start, end) -> Rate:
    accepted = [p for p, day in zip(pool, ACCEPTED_ON, strict=True) if start <= day <= end]
    counted = [t for t in transfers if t.state == "verified" and t.contract_on <= end]
    ids = {p.pk for p in accepted}
    mine = [a for a in achievements if a.projects.get().pk in ids]
    transferable = [a for a in mine if a.state == "verified" and a.kind != "paper"]
    transferred = [a for a in transferable if any(a in t.achievements.all() for t in counted)]
    with_transfer = {a.projects.get().pk for t in counted for a in t.achievements.all()} & ids
    touching = [t for t in counted if any(a.projects.get().pk in ids for a in t.achievements.all())]
    return Rate(projects_accepted=len(accepted), projects_with_transfer=len(with_transfer),
                achievements_transferable=len(transferable), achievements_transferred=len(transferred),
                contract_value=sum((t.value for t in touching), Decimal("0")),
                received=sum((r.amount for t in touching for r in t.receipts.all() if r.received_on <= end),
                             Decimal("0")),
                government_money=sum((p.grant for p in accepted), Decimal("0")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(achievements=st.lists(achievement_plans, min_size=4, max_size=4), transfers=transfer_plans,
       first=YEARS, last=YEARS)
def test_the_rate_is_the_plain_count(pool, achievements, transfers, first, last):
    start, end = datetime.date(min(first, last), 1, 1), datetime.date(max(first, last), 12, 31)
    with transaction.atomic():
        made = []
        for project, plans in zip(pool, achievements, strict=True):
            made.append([achievement_of(project, kind=kind, verified=verified) for kind, verified in plans])
        rows = []
        for index, picks, day, verified, value in transfers:
            chosen = {made[index][i % len(made[index])] for i in picks} if made[index] else set()
            if chosen:
                rows.append(transfer_of(chosen, on=day, value=value, verified=verified,
                                        received=[(day, 1000)] if value >= 1000 else []))
        projects = Project.objects.filter(pk__in=[p.pk for p in pool])
        got = rate_of(projects, start, end)
        want = reference(pool, [a for group in made for a in group], rows, start, end)
        assert got == want
        for figure in (got.rate, got.project_share):
            assert figure is None or Decimal(0) <= figure <= Decimal(1)
        if not got.has_data:
            assert got.rate is None and got.project_share is None and got.value_per_wan is None
        by_year = compute(projects, start, end, "year")
        assert sum(r.projects_accepted for r in by_year.values()) == got.projects_accepted
        assert sum(r.projects_with_transfer for r in by_year.values()) == got.projects_with_transfer
        by_call = compute(projects, start, end, "call")
        assert sum(r.achievements_transferable for r in by_call.values()) == got.achievements_transferable
        transaction.set_rollback(True)


def test_a_project_counts_once_however_many_transfers(pool):
    project = pool[1]
    standard = achievement_of(project)
    for day in (datetime.date(2024, 1, 5), datetime.date(2024, 2, 5), datetime.date(2024, 4, 5)):
        transfer_of([standard], on=day)
    rate = rate_of(Project.objects.filter(pk=project.pk), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert (rate.projects_accepted, rate.projects_with_transfer) == (1, 1)
    assert (rate.achievements_transferable, rate.achievements_transferred) == (1, 1)
    assert rate.project_share == 1 and rate.rate == 1


def test_the_period_is_respected(pool):
    inside, outside = pool[1], pool[0]     # accepted 2024-03-01 and 2023-05-01
    transfer_of([achievement_of(inside)], on=datetime.date(2025, 1, 2))    # signed after the period
    transfer_of([achievement_of(outside)], on=datetime.date(2024, 5, 1))   # project accepted before it
    projects = Project.objects.filter(pk__in=[inside.pk, outside.pk])
    rate = rate_of(projects, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert (rate.projects_accepted, rate.projects_with_transfer, rate.achievements_transferred) == (1, 0, 0)
    assert rate.rate == 0
    later = rate_of(projects, datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    assert (later.projects_accepted, later.projects_with_transfer) == (1, 1)


def test_no_project_is_no_data_not_a_division_by_zero(pool):
    rate = rate_of(Project.objects.none(), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert not rate.has_data
    assert (rate.rate, rate.project_share, rate.value_per_wan, rate.received_per_wan) == (None, None, None, None)
    assert compute(Project.objects.none(), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), "domain") == {}


def test_value_per_wan_of_government_money(pool):
    project = pool[2]      # 800,000 yuan of city R&D money, 80 万元
    transfer_of([achievement_of(project)], on=datetime.date(2024, 6, 1), value=1_600_000,
                received=[(datetime.date(2024, 7, 1), 400_000), (datetime.date(2025, 7, 1), 400_000)])
    rate = rate_of(Project.objects.filter(pk=project.pk), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert rate.value_per_wan == Decimal("2.00")
    assert rate.received_per_wan == Decimal("0.50")     # the 2025 payment is after the period


def test_the_definition_is_the_catalogues(pool):
    assert transfer_rate.DEFINITION is TRANSFER_RATE
    assert TRANSFER_RATE.clause == "M18"
    assert "÷" in TRANSFER_RATE.text_zh and "÷" in TRANSFER_RATE.text_en

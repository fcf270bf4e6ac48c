"""What one call's officer pages cost at a city's size: the reviewer assignment, the formal check and the ranking.

    .venv/bin/python bench/call_pages.py [--applications 2000] [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_minsheng .venv/bin/python bench/call_pages.py

Builds, with bulk writes in a scratch database (SQLite in memory by default, PostgreSQL with DATABASE_URL), one
call with `--applications` applications that passed the formal check (plus a tenth more that were returned,
rejected or are still in the check), four eligibility and priority rules with a result per application (some
failing, some overridden, some in a second round), 3 reviewers per application from a pool of active experts,
most of them with a submitted review and some still proposed, one assignment run. Then an officer requests each
page with the Django test client: warm-up, then `--requests` requests of the first page, and a few filtered,
sorted and later pages. Prints per page the median and p95 time, the queries and the HTML size beside the target
(p95 under 300 ms), and the time of each export (every row). Never passes or fails on time.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from pages import settle

TARGET_MS = 300
K = 3                      # reviewers per application
MAX_LOAD = 20              # applications per expert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="minsheng-bench-")
    os.environ.setdefault("MINSHENG_VAR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    os.environ["SECOND_FACTOR_REQUIRED"] = "0"    # the officer is signed in with force_login
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The pages are rendered without collectstatic, as in the tests.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)     # not one request log line per request
    from django.core.management import call_command
    from django.db import connection

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        officer, call = build(args.applications, random.Random(args.seed))
        if connection.vendor == "postgresql":     # planner statistics, as a database in use has them
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        settle()    # the builder's objects out of the collector's full passes, as a server's start-up (pages.py)
        print(f"database: {connection.vendor} ({test_db}); one call, {args.applications} passed applications "
              f"(+{args.applications // 10} in other states); {args.requests} requests a page")
        measure(officer, call, args.requests)
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


def build(n: int, rng: random.Random):
    """The call and its rows, written in bulk; returns the officer and the call."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from tqdm import tqdm

    from minsheng.accounts.models import User
    from minsheng.applications.models import Application, RuleResult
    from minsheng.calls.models import Call, CallRule, Programme, RubricCriterion
    from minsheng.core.identifiers import make_credit_code
    from minsheng.policy.models import District, Domain, FundingMode, FundingSource, RuleTemplate, SupportType
    from minsheng.registry.models import Organisation, Person
    from minsheng.review.models import Assignment, AssignmentRun, ExpertProfile, Review

    S = Application.State
    now = timezone.now()
    others = n // 10
    total = n + others
    n_experts = -(-n * K // MAX_LOAD) + 20
    with tqdm(total=8, desc="building the call", unit="step", file=sys.stderr) as bar:
        officer = User.objects.create_user("bench_officer", "officer@example.cn", role="officer", last_name="张",
                                           first_name="三")
        programme = Programme.objects.create(year=2026, source=FundingSource.objects.get(code="city_rd"),
                                             name_zh="民生科技专项（基准）", budget=Decimal("500000000"))
        call = Call.objects.create(
            programme=programme, code="BENCH-2026-01", title_zh="智慧医疗示范应用（基准）", description="基准",
            funding_mode=FundingMode.objects.get(code="demonstration"),
            support_type=SupportType.objects.get(code="competitive"), budget=Decimal("100000000"),
            max_grant=Decimal("2000000"), opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30),
            review_ends_at=now + timedelta(days=10), notice_at=now + timedelta(days=20),
            state=Call.State.IN_REVIEW, reviewers_per_proposal=K, drafted_by=officer)
        call.domains.set([Domain.objects.get(code="D01")])
        rules = [CallRule.objects.create(call=call, template=RuleTemplate.objects.get(code=code), params=params,
                                         order=i)
                 for i, (code, params) in enumerate([
                     ("verified_organisation", {}),
                     ("ip_in_domain", {"min_count": 1, "ip_kinds": ["invention_patent"]}),
                     ("own_funding_share", {"min_percent": 50}),
                     ("ip_bonus", {})])]
        criteria = [RubricCriterion.objects.create(call=call, name_zh="创新性", weight=Decimal("60"), order=0),
                    RubricCriterion.objects.create(call=call, name_zh="可行性", weight=Decimal("40"), order=1)]
        bar.update()

        districts = list(District.objects.all())
        words = ["科技", "智能", "生物", "医疗", "材料", "电子", "健康", "信息"]
        Organisation.objects.bulk_create([
            Organisation(credit_code=make_credit_code(rng),
                         name_zh=f"深圳{rng.choice(words)}{rng.choice(words)}单位{i:05d}", kind="enterprise",
                         state="verified", address=f"深圳市科技路{i}号", district=rng.choice(districts))
            for i in range(total + n_experts)], batch_size=500)
        organisations = list(Organisation.objects.order_by("pk"))
        applicant = User.objects.create_user("bench_applicant", "applicant@example.cn", role="applicant",
                                             organisation=organisations[0])
        Person.objects.bulk_create([
            Person(name=f"{'王李张刘陈杨'[i % 6]}{i:05d}", organisation=organisations[i], birth_year=1975,
                   email=f"person{i}@example.cn", expertise="慢性病管理, 远程医疗", in_expert_pool=i >= total)
            for i in range(total + n_experts)], batch_size=500)
        people = list(Person.objects.order_by("pk"))
        bar.update()

        states = [S.PASSED] * n + [rng.choice([S.RETURNED, S.REJECTED, S.IN_CHECK, S.SUBMITTED])
                                   for _ in range(others)]
        Application.objects.bulk_create([
            Application(call=call, organisation=organisations[i], lead=people[i], number=f"BENCH2026{i:06d}",
                        state=states[i], title=f"社区{rng.choice(words)}慢病远程管理平台{i:05d}",
                        domain_id=call.domains.first().pk, keywords="慢病管理, 远程医疗", created_by=applicant,
                        submitted_at=now - timedelta(days=31, minutes=i),
                        correction_deadline=now + timedelta(days=7) if states[i] == S.RETURNED else None)
            for i in range(total)], batch_size=500)
        applications = list(Application.objects.filter(call=call).order_by("number"))
        bar.update()

        results = []
        for application in applications:
            rounds = 2 if application.state == S.PASSED and rng.random() < 0.1 else 1
            for rnd in range(1, rounds + 1):
                for rule in rules:
                    bonus_rule = rule.template.code == "ip_bonus"
                    fails = not bonus_rule and rng.random() < (0.3 if rnd == 1 and rounds == 2 else 0.06)
                    overridden = fails and application.state == S.PASSED
                    bonus = Decimal(rng.choice(["0", "0", "1", "2"])) if bonus_rule else Decimal("0")
                    results.append(RuleResult(
                        application=application, rule=rule, round=rnd, passed=not fails,
                        clause_code=rule.template.clause_code, explanation_zh=f"{rule.template.clause_code}：基准说明",
                        explanation_en="Bench explanation", bonus=bonus,
                        overridden_by=officer if overridden and rnd == rounds else None,
                        override_reason="已补充材料" if overridden and rnd == rounds else ""))
        RuleResult.objects.bulk_create(results, batch_size=1000)
        bar.update()

        ExpertProfile.objects.bulk_create([
            ExpertProfile(person=person, state=ExpertProfile.State.ACTIVE, keywords="慢性病管理、远程医疗",
                          max_load=MAX_LOAD) for person in people[total:]], batch_size=500)
        experts = list(ExpertProfile.objects.order_by("pk"))
        bar.update()

        passed = [a for a in applications if a.state == S.PASSED]
        pairs, slot = [], 0
        for i, application in enumerate(passed):
            chosen = {experts[(slot + j) % len(experts)].pk for j in range(K)}
            slot += K
            for j, expert_id in enumerate(sorted(chosen)):
                if i % 20 == 0 and j == 0:      # a replacement not yet published after a decline
                    state = Assignment.State.PROPOSED
                elif i % 7 == 0 and j == 1:     # invited, not answered yet
                    state = Assignment.State.PUBLISHED
                else:
                    state = Assignment.State.COMPLETED
                pairs.append(Assignment(application=application, expert_id=expert_id, state=state,
                                        affinity=round(rng.uniform(0.2, 0.9), 4), due_at=call.review_ends_at))
        Assignment.objects.bulk_create(pairs, batch_size=1000)
        bar.update()

        c1, c2 = (str(c.pk) for c in criteria)
        Review.objects.bulk_create([
            Review(assignment=pair, state=Review.State.SUBMITTED,
                   scores={c1: rng.randint(2, 10), c2: rng.randint(2, 10)}, recommendation="fund", comments="意见",
                   submitted_at=now)
            for pair in Assignment.objects.filter(application__call=call, state=Assignment.State.COMPLETED)],
            batch_size=1000)
        bar.update()

        AssignmentRun.objects.create(call=call, run_by=officer, reason="基准", total=0, worst=0, optimal=True,
                                     complete=True, seconds=1.0, published_at=now)
        bar.update()
    return officer, call


def measure(officer, call, requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(officer)
    first_rule = call.rules.order_by("order", "pk").first().pk
    pages = {
        "assignment": (reverse("review:call_assignment", kwargs={"call_pk": call.pk}),
                       [{"page": "7"}, {"sort": "-affinity"}, {"pair": "proposed"}, {"short": "yes"}]),
        "formal check": (reverse("checks:call_table", args=[call.pk]),
                         [{"page": "7"}, {"state": "returned"}, {"rule": str(first_rule)}, {"sort": "-failed"}]),
        "ranking": (reverse("review:ranking", kwargs={"call_pk": call.pk}),
                    [{"page": "7"}, {"flag": "disagreement"}, {"sort": "number"}, {"sort": "-final"}]),
    }
    exports = {"formal check": reverse("checks:call_export", args=[call.pk]),
               "ranking": reverse("review:ranking_export", kwargs={"call_pk": call.pk})}

    def get(url, params=None):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params or {})
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, params, response.status_code)
        return elapsed * 1000, len(captured), len(response.content)

    print(f"{'page':14s} {'median':>9s} {'p95':>9s} {'queries':>8s} {'HTML':>10s}   target p95 < {TARGET_MS} ms")
    for name, (url, variants) in pages.items():
        get(url)                                           # warm-up
        times, queries, size = [], 0, 0
        for _ in range(requests):
            elapsed, count, size = get(url)
            times.append(elapsed)
            queries = max(queries, count)
        for params in variants:                            # filtered, sorted and later pages count too
            elapsed, count, _size = get(url, params)
            times.append(elapsed)
            queries = max(queries, count)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        verdict = "meets" if p95 < TARGET_MS else "misses"
        print(f"{name:14s} {statistics.median(times):7.0f} ms {p95:7.0f} ms {queries:8d} {size / 1024:8.0f} KB"
              f"   {verdict} the target")
    for name, url in exports.items():
        elapsed, count, size = get(url)
        print(f"export {name:14s} {elapsed:7.0f} ms, {count} queries, {size / 1024:.0f} KB (every row)")


if __name__ == "__main__":
    main()

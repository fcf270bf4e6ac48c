"""A city's ten years of the programme on top of the demo (`minsheng demo --scale city`): the data a city of some
millions has after a decade, so that lists, filters, facets and counts are measured at the size they will run at.

Unlike the demo, which goes through the services step by step, this writes with bulk_create in batches: a service
call per row would take hours for 20,000 applications. What bypassing the services leaves out is written directly:
the audit trail gets one event per step a row went through, appended to the chain in order with the chain's own
hash (core.audit.compute_hash), so that `minsheng audit verify` passes. The rows carry their historic times
(submitted, decided, approved, the audit events' times) spread over the ten years 2016–2025, before the demo's
2026 round. Idempotent: a second run finds the city's programmes and adds nothing. Seeded: the same data every
time for the same factor.
"""

import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from minsheng.applications.models import Application
from minsheng.calls.models import Call, Programme
from minsheng.checks.models import CheckDecision
from minsheng.core import audit
from minsheng.core.identifiers import make_credit_code, mask_identity_number
from minsheng.core.models import AuditChainHead, AuditEvent
from minsheng.core.money import WAN
from minsheng.core.roles import Role
from minsheng.demo import data
from minsheng.demo.builder import PASSWORD, SEED
from minsheng.funding.models import Project
from minsheng.policy.models import District, Domain, FundingMode, FundingSource, SupportType
from minsheng.registry.models import Organisation, Person
from minsheng.review.models import ExpertProfile

# What a city of some millions gathers in ten years (issue 16): the sizes at factor 1.
SIZES = {"organisations": 2000, "experts": 2000, "applications": 20000, "projects": 5000, "audit_events": 200000}
YEARS = range(2016, 2026)
END = datetime(YEARS[-1], 12, 31, 8, tzinfo=UTC)   # the decade ends before the demo's 2026 round
CALLS_PER_YEAR = 8
PROGRAMME_NAME = "{year}年市民生科技专项（城市规模数据）"
BATCH = 2000
CITY_ACCOUNT_PREFIX = "city_applicant_"   # apart from the demo's accounts, which `minsheng demo` lists

KIND_WEIGHTS = {"enterprise": 70, "university": 4, "institute": 8, "hospital": 8, "public": 4, "service": 4,
                "other": 2}
KIND_WORDS = {"enterprise": ["科技有限公司", "生物科技有限公司", "信息技术有限公司", "医疗器械有限公司",
                             "环保科技有限公司"],
              "university": ["大学", "学院", "职业技术学院"],
              "institute": ["研究院", "研究所", "技术研究中心"],
              "hospital": ["医院", "人民医院", "中医院", "社区健康服务中心"],
              "public": ["服务中心", "信息中心"],
              "service": ["技术转移中心", "孵化器有限公司", "知识产权服务有限公司"], "other": ["促进会", "协会"]}
NAME_WORDS = ["鹏城", "深蓝", "华康", "安泰", "智联", "明德", "前湾", "海岸", "绿源", "启航", "睿达", "恒信",
              "南岭", "银湖", "梧桐", "凤凰", "东湖", "西丽", "观澜", "沙井", "福永", "龙城", "坂田", "蛇口",
              "大浪", "石岩", "坪地", "葵涌"]
DISTRICT_WEIGHTS = {"nanshan": 20, "futian": 15, "longgang": 14, "baoan": 14, "longhua": 11, "luohu": 8,
                    "guangming": 6, "pingshan": 5, "yantian": 4, "dapeng": 3}
# Where an application of a closed round ends (the last round keeps work in progress).
PAST_STATES = {"passed": 55, "rejected": 18, "withdrawn": 10, "returned": 5, "draft": 12}
RECENT_STATES = {"passed": 30, "rejected": 8, "withdrawn": 5, "returned": 10, "in_check": 12, "submitted": 20,
                 "draft": 15}
TITLE_WORDS = ["智能", "社区", "精准", "绿色", "低碳", "远程", "数字化", "一体化", "便携式", "无创", "快速", "开放共享"]
TITLE_ENDS = ["关键技术研究与示范", "平台研发与应用", "装备研制与推广", "服务体系构建", "集成示范"]


def sizes(factor: float = 1.0) -> dict[str, int]:
    return {key: max(1, round(value * factor)) for key, value in SIZES.items()}


def total_steps(factor: float = 1.0) -> int:
    """Progress steps: one per row of the sizes (organisations, experts, applications, projects, audit events)."""
    return sum(sizes(factor).values())


def built() -> bool:
    return Programme.objects.filter(year=YEARS[0], name_zh=PROGRAMME_NAME.format(year=YEARS[0])).exists()


@contextmanager
def historic_times(*models):
    """Let bulk_create keep the times set on the rows: auto_now/auto_now_add would stamp ten years' rows today."""
    fields = [field for model in models for field in model._meta.concrete_fields
              if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@dataclass
class Event:
    """One audit event to append, before its place in the chain is known."""
    at: datetime
    action: str
    target: object
    new: dict
    actor: object = None
    reason: str = ""
    clause: str = ""


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(rng: random.Random, year: int, start_month: int = 1, end_month: int = 12) -> datetime:
    day = date(year, start_month, 1) + timedelta(days=rng.randint(0, 30 * (end_month - start_month) + 27))
    return datetime(day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59),
                    rng.randint(0, 999999), tzinfo=UTC)


class CityBuilder:
    def __init__(self, factor: float = 1.0, progress: Callable[[int], object] = lambda n: None):
        self.rng = random.Random(SEED + 1600)
        self.size = sizes(factor)
        self.progress = progress
        self.events: list[Event] = []
        self.districts = {d.code: d for d in District.objects.all()}
        self.domains = list(Domain.objects.order_by("code"))
        User = get_user_model()
        self.officer = User.objects.get(username="officer")
        self.officer2 = User.objects.get(username="officer2")

    def build(self) -> dict[str, int]:
        """Everything in one transaction: a city half built is not left behind by an interrupted run."""
        if built():
            return {}
        with transaction.atomic(), historic_times(Organisation, Person, ExpertProfile, Programme, Call, Application,
                                                  CheckDecision, Project):
            organisations = self.organisations()
            leads = self.people(organisations)
            accounts = self.accounts(organisations)
            calls = self.calls()
            applications = self.applications(calls, organisations, leads, accounts)
            decisions = self.decisions(applications)
            projects = self.projects(applications)
            events = self.audit_trail()
        return {"organisations": len(organisations), "experts": self.size["experts"],
                "applications": len(applications), "check_decisions": decisions, "projects": len(projects),
                "audit_events": events}

    def _bulk(self, model, rows: list, progress: bool = True) -> list:
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start:start + BATCH])
            if progress:
                self.progress(len(rows[start:start + BATCH]))
        return rows

    def organisations(self) -> list[Organisation]:
        rng, rows, names, codes = self.rng, [], set(), set()
        existing = set(Organisation.objects.values_list("credit_code", flat=True))
        for index in range(self.size["organisations"]):
            kind = _weighted(rng, KIND_WEIGHTS)
            district = self.districts[_weighted(rng, DISTRICT_WEIGHTS)]
            name = f"深圳{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{rng.choice(KIND_WORDS[kind])}"
            if name in names:
                name = name.replace("深圳", f"深圳{district.name_zh}", 1)
            if name in names:
                name = f"{name[:-2]}{index:04d}{name[-2:]}"
            names.add(name)
            code = make_credit_code(rng, division=district.division_code or "440300", registrar=data.REGISTRAR[kind])
            while code in codes or code in existing:
                code = make_credit_code(rng, division=district.division_code or "440300",
                                        registrar=data.REGISTRAR[kind])
            codes.add(code)
            year = rng.choice(YEARS)
            registered = _moment(rng, year)
            state = _weighted(rng, {"verified": 88, "pending": 8, "rejected": 4})
            verified = registered + timedelta(days=rng.randint(2, 20)) if state == "verified" else None
            rows.append(Organisation(
                credit_code=code, name_zh=name, kind=kind, district=district,
                size=(_weighted(rng, {"micro": 25, "small": 40, "medium": 25, "large": 10}) if kind == "enterprise"
                      else "medium" if kind == "service" else "na"),
                address=f"深圳市{district.name_zh}{rng.choice(['科技园', '高新区', '中心区', '产业园'])}"
                        f"{rng.randint(1, 299)}号",
                contact_name=self._name(), contact_phone=f"0755-{rng.randint(20000000, 89999999)}",
                contact_email=f"city{index:04d}@demo.minsheng.cn", state=state,
                state_reason="统一社会信用代码与营业执照不符。" if state == "rejected" else "",
                verified_by=self.officer if verified else None, verified_at=verified,
                created_at=registered, updated_at=verified or registered))
        self._bulk(Organisation, rows)
        for row in rows:
            self.events.append(Event(row.created_at, "registry.organisation.create", row,
                                     {"name_zh": row.name_zh, "kind": row.kind, "district": row.district_id}))
            if row.verified_at:
                self.events.append(Event(row.verified_at, "registry.organisation.verify", row,
                                         {"state": "verified"}, actor=self.officer, clause="M17"))
        return rows

    def _name(self) -> str:
        return self.rng.choice(data.SURNAMES) + "".join(self.rng.choice(data.GIVEN)
                                                        for _ in range(self.rng.choice([1, 2])))

    def people(self, organisations: list[Organisation]) -> dict[int, list[Person]]:
        """The expert pool (from research organisations mostly) and two project leads per verified organisation."""
        rng = self.rng
        verified = [o for o in organisations if o.state == "verified"]
        research = [o for o in verified if o.kind in {"university", "institute", "hospital"}] or verified
        titles = [Person.Title.SENIOR, Person.Title.ASSOCIATE, Person.Title.INTERMEDIATE, Person.Title.JUNIOR]
        experts, leads, links = [], [], []
        for index in range(self.size["experts"]):
            organisation = rng.choice(research if rng.random() < 0.8 else verified)
            experts.append(self._person(organisation, f"x{index:05d}", titles[0] if rng.random() < 0.6
                                        else rng.choice(titles[:3]), expert=True))
        for organisation in verified:
            for number in range(2):
                leads.append(self._person(organisation, f"l{organisation.pk}-{number}", rng.choice(titles)))
        Link = Person.domains.through
        self._bulk(Person, experts)
        self._bulk(Person, leads, progress=False)
        profiles, profile_links = [], []
        ProfileLink = ExpertProfile.domains.through
        for person in experts:
            domains = rng.sample(self.domains, k=rng.choice([1, 1, 2, 3]))
            links += [Link(person_id=person.pk, domain_id=domain.pk) for domain in domains]
            state = _weighted(rng, {"active": 85, "invited": 10, "suspended": 5})
            profiles.append(ExpertProfile(
                person=person, keywords=person.expertise, description=f"长期从事{domains[0].name_zh}领域的研究与应用。",
                state=state, state_reason="连续两轮未按时提交评审意见。" if state == "suspended" else "",
                max_load=rng.choice([6, 8, 10, 12]), willingness=_weighted(rng, {"active": 9, "paused": 1}),
                invited_by=self.officer, created_at=person.created_at, updated_at=person.created_at))
            profiles[-1].city_domains = domains
        self._bulk(Link, links, progress=False)
        self._bulk(ExpertProfile, profiles, progress=False)
        for profile in profiles:
            profile_links += [ProfileLink(expertprofile_id=profile.pk, domain_id=domain.pk)
                              for domain in profile.city_domains]
        self._bulk(ProfileLink, profile_links, progress=False)
        for profile in profiles:
            self.events.append(Event(profile.created_at, "review.expertprofile.create", profile,
                                     {"state": profile.state, "max_load": profile.max_load}, actor=self.officer))
        by_organisation: dict[int, list[Person]] = {}
        for person in leads:
            by_organisation.setdefault(person.organisation_id, []).append(person)
        return by_organisation

    def _person(self, organisation: Organisation, key: str, title: str, expert: bool = False) -> Person:
        rng = self.rng
        birth_year = rng.randint(1960, 1995)
        number = (f"4403{rng.randint(1, 9):02d}{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                  f"{rng.randint(0, 9999):04d}")
        at = organisation.created_at + timedelta(days=rng.randint(1, 400))
        domain = rng.choice(self.domains)
        return Person(name=self._name(), id_number_masked=mask_identity_number(number),
                      gender=rng.choice(["F", "M"]), birth_year=birth_year, title=title,
                      position=rng.choice(data.POSITIONS), organisation=organisation,
                      email=f"{key}@city.demo.minsheng.cn", phone=f"13{rng.randint(100000000, 999999999)}",
                      expertise="、".join(rng.sample(data.EXPERTISE.get(domain.code, ["民生科技"] * 3), k=3)),
                      in_expert_pool=expert, created_at=at, updated_at=at)

    def accounts(self, organisations: list[Organisation]) -> dict[int, object]:
        """One applicant account per verified organisation, all with the demo password (hashed once)."""
        User = get_user_model()
        password = make_password(PASSWORD)
        users = [User(username=f"{CITY_ACCOUNT_PREFIX}{index:04d}", email=f"city{index:04d}@demo.minsheng.cn",
                      role=Role.APPLICANT, organisation=organisation, password=password,
                      last_name=self.rng.choice(data.SURNAMES), first_name=self.rng.choice(data.GIVEN),
                      date_joined=organisation.created_at)
                 for index, organisation in enumerate(organisations) if organisation.state == "verified"]
        self._bulk(User, users, progress=False)
        return {user.organisation_id: user for user in users}

    def calls(self) -> list[Call]:
        rng = self.rng
        sources = {s.code: s for s in FundingSource.objects.all()}
        mode = FundingMode.objects.order_by("order").first()
        support = SupportType.objects.exclude(code="stable").order_by("order").first()
        programmes, calls, links, domain_of = [], [], [], {}
        for year in YEARS:
            at = datetime(year - 1, 12, 1, 9, tzinfo=UTC)
            programmes.append(Programme(year=year, source=sources.get("city_rd") or next(iter(sources.values())),
                                        name_zh=PROGRAMME_NAME.format(year=year),
                                        name_en=f"{year} Livelihood S&T programme (city)",
                                        budget=Decimal(rng.randrange(15000, 30000, 500)) * WAN,
                                        description="城市规模数据：十年的民生科技专项。", created_at=at, updated_at=at))
        self._bulk(Programme, programmes, progress=False)
        for programme in programmes:
            year = programme.year
            for number in range(1, CALLS_PER_YEAR + 1):
                domain = self.domains[(year + number) % len(self.domains)]
                opens = datetime(year, 2 + number // 2, 1, 9, tzinfo=UTC)
                closes = opens + timedelta(days=45)
                domain_of[f"MSZN-{year}-{number:03d}"] = domain
                calls.append(Call(
                    programme=programme, code=f"MSZN-{year}-{number:03d}",
                    title_zh=f"{year}年{domain.name_zh}民生科技专项（第{number}批）",
                    title_en=f"{year} {domain.name_en} (round {number})",
                    description=f"面向{domain.name_zh}领域民生需求的{year}年度项目征集。", funding_mode=mode,
                    support_type=support, budget=programme.budget / CALLS_PER_YEAR,
                    max_grant=Decimal(rng.choice([100, 200, 300, 500])) * WAN, opens_at=opens, closes_at=closes,
                    review_ends_at=closes + timedelta(days=45), notice_at=closes + timedelta(days=60),
                    state=Call.State.PUBLISHED, drafted_by=self.officer, approved_by=self.officer2,
                    published_at=opens - timedelta(days=7), created_at=opens - timedelta(days=20),
                    updated_at=opens - timedelta(days=7)))
        self._bulk(Call, calls, progress=False)
        self.call_domains = domain_of
        Link = Call.domains.through
        for call in calls:
            links.append(Link(call_id=call.pk, domain_id=domain_of[call.code].pk))
        self._bulk(Link, links, progress=False)
        for call in calls:
            self.events.append(Event(call.published_at, "calls.call.publish", call, {"state": "published"},
                                     actor=self.officer2, clause="M05"))
        return calls

    def applications(self, calls, organisations, leads, accounts) -> list[Application]:
        rng = self.rng
        verified = [o for o in organisations if o.state == "verified"]
        rows, sequence = [], {}
        for index in range(self.size["applications"]):
            call = calls[index % len(calls)] if index < len(calls) else rng.choice(calls)
            organisation = rng.choice(verified)
            year = call.opens_at.year
            state = _weighted(rng, RECENT_STATES if year == YEARS[-1] else PAST_STATES)
            sequence[call.pk] = sequence.get(call.pk, 0) + 1
            started = call.opens_at + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 10))
            submitted = None if state == "draft" else min(started + timedelta(days=rng.randint(1, 14)),
                                                          call.closes_at - timedelta(hours=1))
            domain = self.call_domains[call.code]
            starts = date(year + 1, 1, 1)
            rows.append(Application(
                call=call, organisation=organisation, lead=rng.choice(leads[organisation.pk]),
                number=f"{call.code}-{sequence[call.pk]:04d}", state=state,
                title=f"{rng.choice(TITLE_WORDS)}{domain.name_zh}{rng.choice(TITLE_ENDS)}", domain=domain,
                summary=f"针对{domain.name_zh}领域的民生需求开展研究与示范。", keywords=domain.name_zh,
                starts_on=starts, ends_on=starts + timedelta(days=365 * rng.choice([2, 3])),
                expected_patents=rng.randint(0, 5), expected_sites=rng.randint(0, 8),
                expected_people_served=rng.randrange(0, 200000, 500),
                expected_revenue=Decimal(rng.randrange(0, 5000)) * WAN,
                created_by=accounts[organisation.pk], submitted_at=submitted,
                state_reason="申报材料不完整。" if state in {"returned", "rejected"} else "",
                created_at=started, updated_at=submitted or started))
        self._bulk(Application, rows)
        for row in rows:
            self.events.append(Event(row.created_at, "applications.application.create", row,
                                     {"number": row.number, "title": row.title}, actor=row.created_by))
            if row.submitted_at:
                self.events.append(Event(row.submitted_at, "applications.application.submit", row,
                                         {"state": "submitted"}, actor=row.created_by, clause="M05"))
        return rows

    def decisions(self, applications: list[Application]) -> int:
        """The formal check's decisions: one per checked application, a return before some passes."""
        rng, rows = self.rng, []
        outcome = {"passed": "pass", "rejected": "reject", "returned": "return"}
        for application in applications:
            if application.state not in outcome:
                continue
            decided = application.submitted_at + timedelta(days=rng.randint(3, 20))
            if application.state == "passed" and rng.random() < 0.15:
                rows.append(CheckDecision(application=application, decision="return", reason="请补充合作协议。",
                                          deadline=decided + timedelta(days=5), decided_by=self.officer,
                                          decided_at=decided - timedelta(days=7)))
            rows.append(CheckDecision(application=application, decision=outcome[application.state],
                                      reason=application.state_reason,
                                      deadline=decided + timedelta(days=5) if application.state == "returned"
                                      else None, decided_by=self.officer, decided_at=decided))
        self._bulk(CheckDecision, rows, progress=False)
        for row in rows:
            self.events.append(Event(row.decided_at, f"applications.application.check_{row.decision}",
                                     row.application, {"decision": row.decision}, actor=self.officer,
                                     reason=row.reason, clause="M06"))
        return len(rows)

    def projects(self, applications: list[Application]) -> list[Project]:
        rng = self.rng
        funded = [a for a in applications if a.state == "passed" and a.call.opens_at.year < YEARS[-1]]
        funded = rng.sample(funded, k=min(self.size["projects"], len(funded)))
        funded.sort(key=lambda a: a.number)
        rows, numbers = [], {}
        for application in funded:
            call, year = application.call, application.call.opens_at.year
            numbers[call.pk] = numbers.get(call.pk, 0) + 1
            age = YEARS[-1] - year
            state = (_weighted(rng, {"accepted": 80, "failed": 6, "terminated": 6, "under_way": 8}) if age >= 4
                     else _weighted(rng, {"under_way": 70, "accepted": 10, "terminated": 5, "approved": 15})
                     if age >= 2 else _weighted(rng, {"approved": 40, "under_way": 60}))
            approved = call.notice_at + timedelta(days=rng.randint(10, 40))
            rows.append(Project(application=application, call=call, organisation_id=application.organisation_id,
                                lead_id=application.lead_id, number=f"XM{year}-{call.pk:04d}-{numbers[call.pk]:03d}",
                                title=application.title, state=state, approved_at=approved, approved_by=self.officer2,
                                grant=min(call.max_grant, Decimal(rng.randrange(20, 500)) * WAN),
                                created_at=approved, updated_at=min(approved + timedelta(days=rng.randint(0, 900)),
                                                                    END)))
        self._bulk(Project, rows)
        for row in rows:
            self.events.append(Event(row.approved_at, "funding.project.create", row,
                                     {"number": row.number, "grant": str(row.grant)}, actor=self.officer2,
                                     clause="M17"))
            if row.state != "approved":
                self.events.append(Event(row.updated_at, f"funding.project.{row.state}", row, {"state": row.state},
                                         actor=self.officer))
        return rows

    def audit_trail(self) -> int:
        """The events of every step above, then the ten years' saves of drafts and sections up to the trail's size,
        appended in time order to the chain under its head's lock, each hashed as core.audit hashes it."""
        rng, events = self.rng, self.events
        drafts = [e for e in events if e.action == "applications.application.create"]
        sections = ["team", "budget", "plan", "ip", "partners", "basics"]
        while len(events) < self.size["audit_events"] and drafts:
            created = rng.choice(drafts)
            events.append(Event(created.at + timedelta(hours=rng.randint(1, 300), seconds=rng.randint(0, 3599)),
                                f"applications.application.section.{rng.choice(sections)}", created.target,
                                {"saved": True}, actor=created.actor))
        events = sorted(events, key=lambda e: e.at)[:self.size["audit_events"]]
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0,
                                                                                           "hash": audit.GENESIS})
        seq, previous = head.seq, head.hash
        for start in range(0, len(events), BATCH):
            rows = []
            for event in events[start:start + BATCH]:
                seq += 1
                target, actor = event.target, event.actor
                row = AuditEvent(seq=seq, created_at=event.at, actor=actor,
                                 actor_label=actor.get_username() if actor else "",
                                 action=event.action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                 target_label=str(target)[:300], old=None, new=audit.to_json_value(event.new),
                                 reason=event.reason, clause=event.clause, prev_hash=previous)
                row.hash = previous = audit.compute_hash(row)
                rows.append(row)
            AuditEvent.objects.bulk_create(rows)
            self.progress(len(rows))
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
        return len(events)

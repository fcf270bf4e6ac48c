"""Builds the demo world: idempotent (natural keys), seeded (same data every time), audited like any write."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import ric

from minsheng.core import clock
from minsheng.core.identifiers import make_credit_code, mask_identity_number
from minsheng.core.roles import Role
from minsheng.core.services import create_audited
from minsheng.demo import data
from minsheng.policy.models import Department, District, Domain
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
    TalentTag,
)

SEED = 20121102
PASSWORD = "Minsheng@2026"  # noqa: S105 (printed demo password, by design)
REASON = "demo data"
PEOPLE = 200
EXPERTS = 60
LEVEL_WORDS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}

# The later stages of the programme loop each add their demo data in minsheng/demo/<part>.py: a module with
# STEPS (progress steps it reports) and build(builder), run in this order, each building on those before.
# A part draws from its own random.Random(SEED + n), so adding a part leaves the others' data unchanged.
PARTS: list[str] = ["problems", "ip", "calls", "applications", "checks", "experts", "reviews", "panel", "funding",
                    "contracts", "second_round", "stable_support", "progress", "changes",
                    "acceptance", "achievements", "transfers", "termination", "sites", "notifications"]


def _parts():
    return [import_module(f"minsheng.demo.{name}") for name in PARTS]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    description: str


ACCOUNTS = [
    DemoAccount("applicant", Role.APPLICANT, "深圳智慧慢病管理科技有限公司 项目负责人"),
    DemoAccount("expert", Role.EXPERT, "评审专家（专家库成员）"),
    DemoAccount("officer", Role.OFFICER, "市科技部门 项目主管"),
    DemoAccount("officer2", Role.OFFICER, "市科技部门 复核人"),
    DemoAccount("dept_health", Role.DEPARTMENT_OFFICER, "市卫生人口计生部门"),
    DemoAccount("dept_civil", Role.DEPARTMENT_OFFICER, "市民政部门"),
    DemoAccount("district_nanshan", Role.DISTRICT_OFFICER, "南山区科技局"),
    DemoAccount("finance", Role.FINANCE, "财务"),
    DemoAccount("auditor", Role.AUDITOR, "审计 / 监督"),
    DemoAccount("admin", Role.ADMIN, "系统管理员"),
]


class DemoBuilder:
    def __init__(self, progress: Callable[[int], object] = lambda n: None):
        self.rng = random.Random(SEED)
        self.progress = progress
        self.created = 0
        self.districts = {d.code: d for d in District.objects.all()}
        self.domains = {d.code: d for d in Domain.objects.all()}
        if len(self.districts) < 10 or len(self.domains) < 10:
            raise RuntimeError("the policy reference data is missing: run `minsheng migrate` first")

    # One step per object, so the progress bar moves evenly.
    @staticmethod
    def total_steps() -> int:
        return (len(data.ORGANISATIONS) + len(data.PENDING) + PEOPLE + len(data.CARRIERS)
                + len(data.SERVICE_INSTITUTIONS) + len(data.FACILITIES) + len(data.PARTNERS) + len(ACCOUNTS)
                + sum(part.STEPS for part in _parts()))

    def _ensure(self, model, lookup: dict, build: Callable[[], object], many_to_many=None):
        existing = model.objects.filter(**lookup).first()
        self.progress(1)
        if existing is not None:
            return existing
        instance = build()
        create_audited(instance, by=None, reason=REASON, many_to_many=many_to_many)
        self.created += 1
        return instance

    def build(self) -> int:
        with transaction.atomic():
            organisations = self.organisations()
            people = self.people(organisations)
            self.carriers(organisations)
            self.service_institutions(organisations)
            self.facilities(organisations)
            self.partners(organisations)
            self.accounts(organisations, people)
            self.organisation_list, self.person_list = organisations, people
            for part in _parts():
                part.build(self)
        return self.created

    def organisations(self) -> list[Organisation]:
        result = []
        rows = [(row, Organisation.State.VERIFIED) for row in data.ORGANISATIONS]
        rows += [(row, Organisation.State.PENDING) for row in data.PENDING]
        for index, ((name_zh, name_en, kind, district, size), state) in enumerate(rows):
            division = self.districts[district].division_code or "440300"
            code = make_credit_code(random.Random(SEED + index), division=division, registrar=data.REGISTRAR[kind])
            result.append(self._ensure(Organisation, {"name_zh": name_zh}, lambda n=name_zh, e=name_en, k=kind,
                                       d=district, s=size, c=code, st=state: Organisation(
                credit_code=c, name_zh=n, name_en=e, kind=k, size=s, district=self.districts[d],
                address=f"深圳市{self.districts[d].name_zh}{self.rng.choice(['科技园', '高新区', '中心区', '产业园'])}"
                        f"{self.rng.randint(1, 99)}号",
                contact_name=self._name(), contact_phone=f"0755-{self.rng.randint(20000000, 89999999)}",
                contact_email=f"contact{len(result):02d}@demo.minsheng.cn", state=st,
                verified_at=self._verified_on(len(result)) if st == Organisation.State.VERIFIED else None)))
        return result

    @staticmethod
    def _verified_on(index: int):
        """Demo organisations were verified over the year before the demo's calls, a few days apart."""
        return clock.now() - timedelta(days=400 - 7 * index)

    def _name(self) -> str:
        return self.rng.choice(data.SURNAMES) + "".join(self.rng.choice(data.GIVEN)
                                                       for _ in range(self.rng.choice([1, 2])))

    def _identity_number(self, birth_year: int) -> str:
        body = (f"4403{self.rng.choice(['03', '04', '05', '06', '07'])}{birth_year}"
                f"{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}{self.rng.randint(0, 999):03d}")
        return body + ric.calc_check_digit(body)

    def people(self, organisations: list[Organisation]) -> list[Person]:
        research = [o for o in organisations if o.kind in {"university", "institute", "hospital"}]
        verified = [o for o in organisations if o.state == Organisation.State.VERIFIED]
        tags = list(TalentTag.objects.all())
        titles = [Person.Title.SENIOR, Person.Title.ASSOCIATE, Person.Title.INTERMEDIATE, Person.Title.JUNIOR]
        result = []
        for index in range(PEOPLE):
            expert = index < EXPERTS
            organisation = self.rng.choice(research if expert else verified)
            domain_codes = self.rng.sample(sorted(self.domains), k=self.rng.choice([1, 1, 2]))
            keywords = self.rng.sample(data.EXPERTISE[domain_codes[0]], k=3)
            birth_year = self.rng.randint(1960, 1995)
            name = self._name()
            person_tags = self.rng.sample(tags, k=1) if tags and self.rng.random() < 0.2 else []
            email = f"p{index:03d}@demo.minsheng.cn"
            result.append(self._ensure(
                Person, {"email": email},
                lambda name=name, o=organisation, k=keywords, y=birth_year, e=email, x=expert: Person(
                    name=name, id_number_masked=mask_identity_number(self._identity_number(y)),
                    gender=self.rng.choice(["F", "M"]), birth_year=y,
                    title=titles[0] if x and self.rng.random() < 0.6 else self.rng.choice(titles),
                    position=self.rng.choice(data.POSITIONS), organisation=o, email=e,
                    phone=f"13{self.rng.randint(100000000, 999999999)}", expertise="、".join(k),
                    in_expert_pool=x),
                many_to_many={"domains": [self.domains[c] for c in domain_codes], "talent_tags": person_tags}))
        return result

    def carriers(self, organisations):
        for name_zh, name_en, kind, level, domain, host, year in data.CARRIERS:
            self._ensure(InnovationCarrier, {"name_zh": name_zh}, lambda n=name_zh, e=name_en, k=kind, lv=level,
                         d=domain, h=host, y=year: InnovationCarrier(
                name_zh=n, name_en=e, kind=k, level=lv, domain=self.domains[d], host=organisations[h],
                approved_year=y, governance=self.rng.choice(["legal_person", "hosted", "council"]),
                last_evaluation_year=2025, last_evaluation_grade=self.rng.choice(["优秀", "良好", "合格"]),
                description=f"面向{self.domains[d].name_zh}领域的{LEVEL_WORDS[lv]}创新载体。"))

    def service_institutions(self, organisations):
        for host, service, level, domains, description in data.SERVICE_INSTITUTIONS:
            self._ensure(ServiceInstitution, {"organisation": organisations[host]},
                         lambda h=host, s=service, lv=level, d=description: ServiceInstitution(
                             organisation=organisations[h], service=s, level=lv, description=d),
                         many_to_many={"domains": [self.domains[c] for c in domains]})

    def facilities(self, organisations):
        for name_zh, name_en, kind, host, domain, contact in data.FACILITIES:
            self._ensure(SharedFacility, {"name_zh": name_zh}, lambda n=name_zh, e=name_en, k=kind, h=host,
                         d=domain, c=contact: SharedFacility(
                name_zh=n, name_en=e, kind=k, host=organisations[h], domain=self.domains[d], open_to_public=True,
                booking_contact=c, description=f"{n}，对全市企业、高校和科研机构开放共享。"))

    def partners(self, organisations):
        for name_zh, name_en, region, country, kind, linked, description in data.PARTNERS:
            self._ensure(CooperationPartner, {"name_zh": name_zh}, lambda n=name_zh, e=name_en, r=region, c=country,
                         k=kind, d=description: CooperationPartner(
                name_zh=n, name_en=e, region=r, country=c, kind=k, description=d),
                many_to_many={"partners_with": [organisations[i] for i in linked]})

    def accounts(self, organisations, people):
        User = get_user_model()
        applicant_org = next(o for o in organisations if o.name_zh == "深圳智慧慢病管理科技有限公司")
        applicant_person = next((p for p in people if p.organisation_id == applicant_org.pk), None)
        expert_person = next(p for p in people if p.in_expert_pool)
        scope = {
            "applicant": {"organisation": applicant_org, "person": applicant_person},
            "expert": {"person": expert_person},
            "dept_health": {"department": Department.objects.get(code="health")},
            "dept_civil": {"department": Department.objects.get(code="civil_affairs")},
            "district_nanshan": {"district": self.districts["nanshan"]},
            "admin": {"is_staff": True, "is_superuser": True},
        }
        for account in ACCOUNTS:
            def build(account=account):
                user = User(username=account.username, email=f"{account.username}@demo.minsheng.cn",
                            role=account.role, last_name=self.rng.choice(data.SURNAMES),
                            first_name=self.rng.choice(data.GIVEN) + self.rng.choice(data.GIVEN),
                            **scope.get(account.username, {}))
                user.set_password(PASSWORD)
                return user

            self._ensure(User, {"username": account.username}, build)

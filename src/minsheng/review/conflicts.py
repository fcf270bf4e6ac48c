"""Conflicts of interest between applications and experts, each with its reasons (M17).

One function, `find_conflicts`, answers for every (application, expert) pair at once with a fixed number of
queries (eleven at most, whatever the number of pairs), and writes nothing. It returns a boolean matrix for the
solver (`True` = conflicted) and, per conflicted pair, the reasons, each with a code and a Chinese and an
English explanation. The reasons:

- ``same_organisation``: the expert works for the applicant organisation now;
- ``former_organisation``: the expert worked there in the last N years (past employers, by organisation or by
  its registered name);
- ``team_member``: the expert is the lead or a team member of this application;
- ``collaborator``: in the last N years the expert was on the team of another application of the applicant
  organisation, or of one that shares a team member with this application;
- ``named_by_applicant``: the applicant asked for the expert to be avoided (回避申请);
- ``declared``: the expert declared a conflict with the application or with the applicant organisation;
- ``same_district``: the call asks for it and the expert's organisation is in the applicant's district.

N is the setting ``REVIEW_CONFLICT_YEARS`` (default 3). "In the last N years" counts calendar years: with N = 3
in 2026, a job that ended in 2023 still conflicts, one that ended in 2022 no longer does.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from minsheng.applications.models import Application, TeamMember
from minsheng.core import clock
from minsheng.registry.models import Organisation
from minsheng.review.models import AvoidanceRequest, ConflictDeclaration, ExpertProfile, PastEmployer

CLAUSE = "M17"
DEFAULT_YEARS = 3

# code -> (Chinese label, English label), in the order the officer's summary lists them
CODES = {
    "same_organisation": ("同单位", "Same organisation"),
    "former_organisation": ("近年曾在申报单位任职", "Former employer"),
    "team_member": ("本项目团队成员", "Team member"),
    "collaborator": ("近年合作者", "Recent collaborator"),
    "named_by_applicant": ("申报单位申请回避", "Named by the applicant"),
    "declared": ("专家主动申报", "Declared by the expert"),
    "same_district": ("同区回避", "Same district"),
}


def conflict_years() -> int:
    return int(getattr(settings, "REVIEW_CONFLICT_YEARS", DEFAULT_YEARS))


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str
    clause: str = CLAUSE

    @property
    def label(self) -> str:
        zh, en = CODES[self.code]
        return en if (get_language() or "").startswith("en") else zh

    @property
    def text(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


@dataclass
class ConflictMatrix:
    applications: list[Application]
    experts: list[ExpertProfile]
    matrix: np.ndarray                                   # bool, applications × experts, True = conflicted
    reasons: dict[tuple[int, int], list[Reason]] = field(default_factory=dict)   # (row, column) -> reasons
    years: int = DEFAULT_YEARS

    def counts(self) -> dict[str, int]:
        """Conflicted pairs per reason code (a pair with two reasons counts under both)."""
        counter = Counter(r.code for reasons in self.reasons.values() for r in reasons)
        return {code: counter.get(code, 0) for code in CODES}

    def pairs(self) -> list[tuple[Application, ExpertProfile, list[Reason]]]:
        return [(self.applications[i], self.experts[j], reasons) for (i, j), reasons in sorted(self.reasons.items())]

    def reasons_for(self, application_pk: int, expert_pk: int) -> list[Reason]:
        i = next((n for n, a in enumerate(self.applications) if a.pk == application_pk), None)
        j = next((n for n, e in enumerate(self.experts) if e.pk == expert_pk), None)
        return [] if i is None or j is None else self.reasons.get((i, j), [])


def _year(application_row: dict) -> int:
    when = application_row["submitted_at"] or application_row["created_at"]
    return timezone.localtime(when).year


def find_conflicts(applications: Iterable[Application], experts: Iterable[ExpertProfile], *,
                   years: int | None = None, today=None) -> ConflictMatrix:
    """Every conflict between these applications and these experts, with its reasons (see the module docstring)."""
    applications, experts = list(applications), list(experts)
    years = conflict_years() if years is None else years
    this_year = (today or clock.today()).year
    since = this_year - years
    matrix = np.zeros((len(applications), len(experts)), dtype=bool)
    result = ConflictMatrix(applications, experts, matrix, years=years)
    if not applications or not experts:
        return result

    app_pks = [a.pk for a in applications]
    expert_pks = [e.pk for e in experts]
    person_of, person_org = {}, {}
    for pk, person_id, org_id in ExpertProfile.objects.filter(pk__in=expert_pks).values_list(
            "pk", "person_id", "person__organisation_id"):
        person_of[pk], person_org[person_id] = person_id, org_id
    apps = {row["pk"]: row for row in Application.objects.filter(pk__in=app_pks).values(
        "pk", "organisation_id", "lead_id", "number", "call__avoid_same_district")}
    org_ids = {r["organisation_id"] for r in apps.values()} | {o for o in person_org.values() if o}
    orgs = {row["pk"]: row for row in Organisation.objects.filter(pk__in=org_ids).values(
        "pk", "name_zh", "name_en", "district_id", "district__name_zh", "district__name_en")}
    name_to_org = {}
    for org in orgs.values():
        for name in (org["name_zh"], org["name_en"]):
            if name:
                name_to_org[name.strip().lower()] = org["pk"]

    # This application's team: its lead and its members.
    team = defaultdict(set)
    for app in apps.values():
        if app["lead_id"]:
            team[app["pk"]].add(app["lead_id"])
    for app_id, person_id in TeamMember.objects.filter(application__in=app_pks).values_list("application_id",
                                                                                             "person_id"):
        team[app_id].add(person_id)

    # Past employers still inside the window, by organisation id (names matched to registered organisations).
    former = defaultdict(list)   # expert pk -> [(organisation id, from, to)]
    for row in PastEmployer.objects.filter(profile__in=expert_pks, to_year__gte=since).values(
            "profile_id", "organisation_id", "name", "from_year", "to_year"):
        org_id = row["organisation_id"] or name_to_org.get(row["name"].strip().lower())
        if org_id:
            former[row["profile_id"]].append((org_id, row["from_year"], row["to_year"]))

    # The experts' own projects in the window (as lead or team member), with those projects' teams.
    persons = set(person_of.values())
    history = defaultdict(set)   # person -> {application ids}
    for app_id, person_id in TeamMember.objects.filter(person__in=persons).values_list("application_id", "person_id"):
        history[person_id].add(app_id)
    for app_id, lead_id in Application.objects.filter(lead__in=persons).values_list("pk", "lead_id"):
        history[lead_id].add(app_id)
    past_ids = {a for ids in history.values() for a in ids} - set(app_pks)
    past = {}
    past_team = defaultdict(set)
    if past_ids:
        for row in Application.objects.filter(pk__in=past_ids).values(
                "pk", "organisation_id", "lead_id", "number", "created_at", "submitted_at"):
            if _year(row) >= since:
                past[row["pk"]] = row
                if row["lead_id"]:
                    past_team[row["pk"]].add(row["lead_id"])
        for app_id, person_id in TeamMember.objects.filter(application__in=past).values_list("application_id",
                                                                                             "person_id"):
            past_team[app_id].add(person_id)

    named = defaultdict(list)
    for app_id, person_id, reason in AvoidanceRequest.objects.filter(
            application__in=app_pks, person__in=persons).values_list("application_id", "person_id", "reason"):
        named[(app_id, person_id)].append(reason)
    declared = defaultdict(list)
    app_orgs = {r["organisation_id"] for r in apps.values()}
    for row in ConflictDeclaration.objects.filter(expert__in=expert_pks).filter(
            Q(application__in=app_pks) | Q(organisation__in=app_orgs)).values(
            "expert_id", "application_id", "organisation_id", "reason"):
        declared[row["expert_id"]].append(row)

    # Only the experts a rule can name are weighed against each application: the work grows with the conflicts,
    # not with applications × experts (a city's call against a pool of 2,000).
    column = defaultdict(list)                                  # expert pk -> its columns
    for j, expert in enumerate(experts):
        column[expert.pk].append(j)
    experts_of = defaultdict(set)                               # person -> expert pks
    for pk, person in person_of.items():
        experts_of[person].add(pk)
    by_org, by_district, by_former = defaultdict(set), defaultdict(set), defaultdict(set)
    for pk, person in person_of.items():
        expert_org = person_org.get(person)
        if expert_org:
            by_org[expert_org].add(pk)
            by_district[orgs[expert_org]["district_id"]].add(pk)
    for pk, jobs in former.items():
        for org_id, _start, _end in jobs:
            by_former[org_id].add(pk)
    collaborated_with_org, collaborated_with_person = defaultdict(set), defaultdict(set)
    for person, ids in history.items():
        for past_id in ids & past.keys():
            collaborated_with_org[past[past_id]["organisation_id"]] |= experts_of[person]
            for other in past_team[past_id] - {person}:
                collaborated_with_person[other] |= experts_of[person]
    by_named = defaultdict(set)
    for app_id, person in named:
        by_named[app_id] |= experts_of[person]

    for i, application in enumerate(applications):
        app = apps.get(application.pk)
        if app is None:
            continue
        org = orgs[app["organisation_id"]]
        candidates = by_org[org["pk"]] | by_former[org["pk"]] | collaborated_with_org[org["pk"]] | by_named[app["pk"]]
        candidates |= declared.keys()
        for member in team[app["pk"]]:
            candidates |= experts_of[member] | collaborated_with_person[member]
        if app["call__avoid_same_district"] and org["district_id"]:
            candidates |= by_district[org["district_id"]]
        for j in sorted(j for pk in candidates for j in column[pk]):
            expert = experts[j]
            person = person_of.get(expert.pk)
            reasons = _reasons(app, org, expert.pk, person, person_org.get(person), orgs, team[app["pk"]], former,
                               history, past, past_team, named, declared, app["call__avoid_same_district"], years)
            if reasons:
                matrix[i, j] = True
                result.reasons[(i, j)] = reasons
    return result


def _reasons(app, org, expert_pk, person, expert_org, orgs, team, former, history, past, past_team, named, declared,
             avoid_district, years) -> list[Reason]:
    reasons = []
    name_zh, name_en = org["name_zh"], org["name_en"] or org["name_zh"]
    if expert_org and expert_org == org["pk"]:
        reasons.append(Reason("same_organisation", f"专家现就职于申报单位（{name_zh}）。",
                              f"The expert works for the applicant organisation ({name_en})."))
    for org_id, start, end in former.get(expert_pk, ()):
        if org_id == org["pk"]:
            reasons.append(Reason(
                "former_organisation",
                f"专家{start}–{end}年曾在申报单位（{name_zh}）任职，在{years}年回避期内。",
                f"The expert worked for the applicant organisation ({name_en}) in {start}–{end}, within the "
                f"last {years} years."))
    if person in team:
        reasons.append(Reason("team_member", "专家是本申报项目的负责人或团队成员。",
                              "The expert is the lead or a member of this application's team."))
    for past_id in sorted(history.get(person, ())):
        row = past.get(past_id)
        if row is None:
            continue
        same_org = row["organisation_id"] == org["pk"]
        shared = (past_team[past_id] - {person}) & team
        if same_org or shared:
            with_whom_zh = "申报单位" if same_org else "本项目团队成员"
            with_whom_en = "the applicant organisation" if same_org else "a member of this application's team"
            reasons.append(Reason(
                "collaborator",
                f"专家{_year(row)}年与{with_whom_zh}共同参与项目 {row['number']}（{years}年内）。",
                f"In {_year(row)} the expert worked with {with_whom_en} on application {row['number']} "
                f"(within the last {years} years)."))
    for text in named.get((app["pk"], person), ()):
        reasons.append(Reason("named_by_applicant", f"申报单位申请该专家回避：{text}",
                              f"The applicant asked for this expert to be avoided: {text}"))
    for row in declared.get(expert_pk, ()):
        if row["application_id"] == app["pk"] or row["organisation_id"] == org["pk"]:
            what_zh = "本申报项目" if row["application_id"] == app["pk"] else f"申报单位（{name_zh}）"
            what_en = "this application" if row["application_id"] == app["pk"] else f"the applicant ({name_en})"
            reasons.append(Reason("declared", f"专家本人申报与{what_zh}存在利益冲突：{row['reason']}",
                                  f"The expert declared a conflict with {what_en}: {row['reason']}"))
    if avoid_district and expert_org and org["district_id"]:
        expert_district = orgs[expert_org]["district_id"]
        if expert_district == org["district_id"]:
            district_zh = org["district__name_zh"]
            district_en = org["district__name_en"] or district_zh
            reasons.append(Reason("same_district", f"本指南要求同区回避：专家单位与申报单位同在{district_zh}。",
                                  f"The call asks for it: the expert's organisation and the applicant are both in "
                                  f"{district_en}."))
    return reasons


def conflicts_for_call(call, experts: Iterable[ExpertProfile] | None = None, **kwargs) -> ConflictMatrix:
    """The conflicts of a call's applications under review with the pool's active experts (or those given)."""
    from minsheng.review.queries import active_experts, call_applications

    applications = call_applications(call)
    return find_conflicts(applications, active_experts() if experts is None else experts, **kwargs)


def is_conflicted(application: Application, expert: ExpertProfile) -> bool:
    return bool(find_conflicts([application], [expert]).matrix[0, 0])

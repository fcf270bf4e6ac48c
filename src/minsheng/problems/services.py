"""Livelihood problems (需求征集, M05): tracking codes, submission, triage and similar-problem suggestions.

Every write runs in one transaction with its audit event (clause M05) and a public step on the submitter's
tracking page; a submitter who left an e-mail address is told of each step after the commit.

Triage is the transition table in `problems/states.py`: a received or accepted problem may be accepted, merged
into another, rejected with a reason, or turned into a topic of a draft call; merged, rejected and topic are final.
Each step moves from the state the officer saw (`workflow.move(..., seen=…)`), so two officers deciding at once
leave exactly one winner; the other gets a clear message and nothing changes.

Merging keeps one invariant: `merged_into` always points at a problem that is not itself merged (a root).
Merging into a merged problem goes to its root; merging a problem that others were merged into moves them
along to the new root. A merge that would end at the problem itself is refused.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_37_36

from minsheng.calls.models import Call, Topic
from minsheng.core import audit, clock, mail, workflow
from minsheng.core.listing import Filter, Listing, choices_of
from minsheng.core.permissions import require
from minsheng.core.roles import is_auditor, is_department_officer, is_district_officer, is_staff_officer
from minsheng.core.services import create_audited
from minsheng.core.workflow import TransitionRefused
from minsheng.engines.text import term_counts, tfidf, tokens
from minsheng.notifications import services as notifications
from minsheng.policy.models import Department
from minsheng.policy.queries import district_choices, domain_choices
from minsheng.problems import (
    rules,  # noqa: F401  (registers the problem permissions)
    states,
)
from minsheng.problems.models import Problem, ProblemStep

CLAUSE = "M05"
State = Problem.State

# Problems another may be merged into, and that the similarity suggestions offer.
MERGE_TARGET_STATES = (State.NEW, State.ACCEPTED, State.TOPIC)


# --- Tracking codes --------------------------------------------------------------------------------
# MS-<year>-<6 random characters><1 check character>, e.g. MS-2026-K7QM4ZX. The random part avoids I and O;
# the check character (ISO 7064 MOD 37-36 over year and random part) catches a mistyped or swapped character.
# 34^6 ≈ 1.5 billion codes per year, and lookups are rate-limited, so codes cannot be enumerated.

CODE_PREFIX = "MS"
CODE_RANDOM = 6
_RANDOM_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_AMBIGUOUS = {"I", "O"}


def _check_character(body: str) -> str:
    return mod_37_36.calc_check_digit(body)


def make_tracking_code(year: int | None = None, *, rng=None) -> str:
    """A fresh code; `rng` (a seeded random.Random) only for demo data, which must come out the same each time."""
    year = year or clock.today().year
    choice = rng.choice if rng is not None else secrets.choice
    while True:
        body = f"{year}" + "".join(choice(_RANDOM_ALPHABET) for _ in range(CODE_RANDOM))
        check = _check_character(body)
        if check not in _AMBIGUOUS:  # every printed code is free of I and O, so typing 0 or 1 for them is safe
            return f"{CODE_PREFIX}-{body[:4]}-{body[4:]}{check}"


def normalise_tracking_code(value: str) -> str:
    """The code in its printed form, or a ValidationError saying what is wrong with what was typed."""
    text = "".join(str(value or "").split()).upper().replace("O", "0").replace("I", "1")
    text = text.replace("-", "").replace("_", "")
    if text.startswith(CODE_PREFIX):
        text = text[len(CODE_PREFIX):]
    if len(text) != 4 + CODE_RANDOM + 1 or not text[:4].isdigit() or not text.isalnum() or not text.isascii():
        raise ValidationError(_("A tracking code looks like MS-2026-K7QM4ZX: MS, the year and seven letters or "
                                "digits."), code="format")
    if _check_character(text[:-1]) != text[-1]:
        raise ValidationError(_("This tracking code is not valid (its last character does not match). Please "
                                "check it for a typo."), code="checksum")
    return f"{CODE_PREFIX}-{text[:4]}-{text[4:]}"


def find_by_code(value: str) -> Problem:
    """The problem with this code; a ValidationError with a clear message when the code is wrong or unknown."""
    code = normalise_tracking_code(value)
    problem = Problem.objects.select_related("merged_into").filter(tracking_code=code).first()
    if problem is None:
        raise ValidationError(_("No problem has this tracking code. Please check the code you were given."),
                              code="unknown")
    return problem


# --- Text and similarity ---------------------------------------------------------------------------

def tokens_of(title: str, description: str) -> str:
    """The content words of a problem (the platform's one segmentation, engines.text), space-joined."""
    return " ".join(tokens(f"{title}\n{description}"))


def rank_similar(query: list[str], candidates: list[list[str]], *, limit: int = 5,
                 threshold: float = 0.05) -> list[tuple[int, float]]:
    """(index, cosine) of the candidates most similar to the query, best first.

    TF-IDF over the query and the candidates together (sublinear tf, smoothed idf, L2 norm: the vectoriser the
    review affinity uses too); no document-frequency cut, since a handful of problems is a normal corpus here.
    """
    if not candidates or not query:
        return []
    docs = term_counts([query, *candidates], [()] * (len(candidates) + 1), 0.0)
    matrix, _vocabulary = tfidf(docs, {}, max_df=1.0)
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    order = sorted(range(len(candidates)), key=lambda i: (-float(scores[i]), i))
    return [(i, round(float(scores[i]), 4)) for i in order[:limit] if scores[i] >= threshold]


def similar_problems(problem: Problem, *, queryset=None, limit: int = 5) -> list[tuple[Problem, float]]:
    """Open problems most like this one (merge candidates), with their similarity, best first."""
    pool = (queryset if queryset is not None else Problem.objects.all())
    pool = list(pool.filter(state__in=MERGE_TARGET_STATES).exclude(pk=problem.pk)
                .select_related("domain", "district").order_by("pk"))
    query = (problem.search_tokens or tokens_of(problem.title, problem.description)).split()
    ranked = rank_similar(query, [p.search_tokens.split() for p in pool], limit=limit)
    return [(pool[i], score) for i, score in ranked]


# --- Writes --------------------------------------------------------------------------------------


PUBLIC_FIELDS = ("title", "description", "domain", "district", "affected", "contact_name", "contact_phone",
                 "contact_email")


@transaction.atomic
def submit_problem(*, by, values: dict, rng=None) -> Problem:
    """Record a reported problem with a fresh tracking code. `by` is the signed-in user or None (the public).

    A department officer's report is marked as the department's (M05).
    """
    values = {k: v for k, v in values.items() if k in PUBLIC_FIELDS}
    for name in ("title", "affected", "contact_name", "contact_phone"):
        values[name] = " ".join(str(values.get(name) or "").split())
    values["description"] = str(values.get("description") or "").strip()
    values["contact_email"] = str(values.get("contact_email") or "").strip()
    problem = Problem(**values)
    user = by if by is not None and by.is_authenticated else None
    if user is not None:
        problem.submitted_by = user
        if user.role == "department_officer" and user.department_id:
            problem.source = Problem.Source.DEPARTMENT
            problem.department_id = user.department_id
    problem.search_tokens = tokens_of(problem.title, problem.description)
    for _attempt in range(5):
        problem.tracking_code = make_tracking_code(rng=rng)
        try:
            with transaction.atomic():
                create_audited(problem, by=user, clause=CLAUSE, reason="problem submitted")
        except IntegrityError:  # the same code drawn twice: draw again
            problem.pk = None
            continue
        break
    else:  # pragma: no cover - five collisions in a row in 1.5 billion codes
        raise ValidationError(_("Could not issue a tracking code; please send the form again."))
    ProblemStep.objects.create(problem=problem, state=State.NEW)
    _notify(problem, State.NEW)
    return problem


def _locked(pks) -> dict[int, Problem]:
    """Lock the rows in primary-key order (two officers locking the same pair cannot deadlock)."""
    rows = Problem.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {p.pk: p for p in rows}


def _move(problem: Problem, step: str, *, by, reason: str = "", note: str = "", extra: dict | None = None) -> Problem:
    """Take the triage step from the state the officer saw (`problem.state`, from the page), with its public step
    and mail: if the row has moved on since, whoever moved it won and this step is refused, even where the table
    would allow it from the new state."""
    target = states.WORKFLOW[step].target
    new = {**({"state_reason": reason} if reason else {}),
           **{k: (v.pk if hasattr(v, "pk") else v) for k, v in (extra or {}).items()}}
    workflow.move(problem, step, by=by, seen=problem.state, reason=reason or note, new=new,
                  state_reason=reason, updated_at=clock.now(), **(extra or {}))
    ProblemStep.objects.create(problem=problem, state=target, note=note)
    _notify(problem, target)
    return problem


@transaction.atomic
def accept_problem(*, problem: Problem, by, note: str = "", domain=None) -> Problem:
    """Take the problem up for consideration, tagging it with its domain; `note` is shown to the submitter."""
    require(by, states.TRIAGE, problem)
    extra = {"domain": domain} if domain is not None and domain.pk != problem.domain_id else {}
    return _move(problem, "accept", by=by, note=(note or "").strip(), extra=extra)


@transaction.atomic
def reject_problem(*, problem: Problem, by, reason: str) -> Problem:
    """Decline the problem with a reason the submitter reads on the tracking page."""
    require(by, states.TRIAGE, problem)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason; the submitter reads it on the tracking page.")]})
    return _move(problem, "reject", by=by, reason=reason, note=reason)


def merge_root(problem: Problem) -> Problem:
    """The problem a merged one now lives on in (itself when not merged)."""
    seen = set()
    while problem.merged_into_id and problem.pk not in seen:
        seen.add(problem.pk)
        problem = Problem.objects.get(pk=problem.merged_into_id)
    return problem


@transaction.atomic
def merge_problem(*, problem: Problem, into: Problem, by, note: str = "") -> Problem:
    """Merge a duplicate into another problem (into its root, when that one was merged itself)."""
    require(by, states.TRIAGE, problem)
    root = merge_root(into)
    if root.pk == problem.pk:
        raise ValidationError({"into": [_("A problem cannot be merged into itself (nor into a problem that was "
                                          "merged into it).")]})
    rows = _locked([problem.pk, root.pk])
    root = rows[root.pk]
    if root.merged_into_id or root.state not in MERGE_TARGET_STATES:
        raise TransitionRefused(
            _("Problem %(code)s is now “%(state)s” and can no longer take merged problems. Nothing was changed.")
            % {"code": root.tracking_code, "state": root.get_state_display()}, code="stale")
    problem = _move(problem, "merge", by=by, note=(note or "").strip(), extra={"merged_into": root})
    # Those merged into this problem before move along, so that every merged problem points at a root.
    followers = list(Problem.objects.filter(merged_into=problem).values_list("pk", flat=True))
    if followers:
        Problem.objects.filter(pk__in=followers).update(merged_into=root, updated_at=clock.now())
        audit.record(action="calls.problem.merge_followers", by=by, target=root,
                     new={"moved": followers, "from": problem.pk}, clause=CLAUSE,
                     reason=gettext("merged problems follow the problem they were merged into"))
    return problem


def draft_calls():
    """The calls a problem may become a topic of: only drafts (a published call's topics are fixed)."""
    return Call.objects.filter(state=Call.State.DRAFT).order_by("-created_at")


@transaction.atomic
def turn_into_topic(*, problem: Problem, by, call: Call, title: str, description: str = "") -> Topic:
    """Create a topic of a draft call that answers the problem (M05 feeds M17)."""
    require(by, states.TRIAGE, problem)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": [_("Give the topic a title.")]})
    locked = Call.objects.select_for_update().filter(pk=call.pk).first()
    if locked is None or locked.state != Call.State.DRAFT:
        raise TransitionRefused({"call": [_("Topics can be added only to a call that is still a draft; this call "
                                            "has moved on. Nothing was changed.")]}, code="stale")
    order = (locked.topics.aggregate(n=Max("order"))["n"] or 0) + 1
    problem = _move(problem, "topic", by=by)
    topic = Topic(call=locked, title=title, description=(description or "").strip(), order=order)
    create_audited(topic, by=by, clause=CLAUSE, reason=gettext("topic answering problem %(code)s")
                   % {"code": problem.tracking_code}, many_to_many={"problems": [problem]})
    return topic


# --- Public words and mail -----------------------------------------------------------------------

def public_step_text(state: str) -> str:
    """What a step means, in the words the submitter reads (no internal names)."""
    texts = {
        State.NEW: _("Your problem was received. The S&T department and its partner departments will look at it."),
        State.ACCEPTED: _("Your problem was accepted for consideration when the next calls for proposals are "
                          "prepared."),
        State.MERGED: _("Your problem describes the same need as another reported problem; the two are now "
                        "handled together. Its progress is shown below."),
        State.REJECTED: _("Your problem was not taken up."),
        State.TOPIC: _("Your problem became a topic of a call for proposals being prepared: organisations will be "
                       "invited to propose solutions."),
    }
    return str(texts[state])


def _notify(problem: Problem, state: str) -> None:
    """Tell whoever reported the problem its public step, in the step's transaction: a signed-in submitter by a
    notification (and a mail, as they chose), the contact address given on the form by mail only (a citizen has
    no account), unless it is the submitter's own address."""
    submitter = problem.submitted_by if problem.submitted_by_id and problem.submitted_by.is_active else None
    if submitter is None and not problem.contact_email:
        return
    step = problem.steps.filter(state=state).last()
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Your livelihood problem %(code)s") % {"code": problem.tracking_code}
        lines = [gettext("Problem: %(title)s") % {"title": problem.title}, "", public_step_text(state)]
        if step is not None and step.note:
            lines.append(gettext("Note: %(note)s") % {"note": step.note})
        lines += ["", gettext("Follow it with your tracking code %(code)s on the tracking page of the platform.")
                  % {"code": problem.tracking_code}]
    body = "\n".join(lines)
    if submitter is not None:
        notifications.notify([submitter], "problems.step", subject, body, target=problem,
                             url=reverse("problems:track") + "?" + urlencode({"code": problem.tracking_code}))
    if problem.contact_email and (submitter is None
                                  or problem.contact_email.casefold() != submitter.email.casefold()):
        mail.send_later([(notifications.prefixed(subject), body, [problem.contact_email])])


# --- Reads: scope and the triage list ------------------------------------------------------------

def public_topic_problems() -> QuerySet[Problem]:
    """The problems that topics of published calls answer (M05), newest first, for the public "from problem to
    result" page: only their public fields are shown there. A problem a call's topic names when the call is
    drafted counts as much as one turned into a topic later; a rejected or merged one does not."""
    return (Problem.objects.filter(topics__call__state="published")
            .exclude(state__in=[Problem.State.REJECTED, Problem.State.MERGED]).distinct()
            .select_related("domain", "district").prefetch_related("topics__call").order_by("-created_at", "pk"))


def problems_for(user) -> QuerySet[Problem]:
    """The problems a user may read (rules.py says why); none for roles without a list."""
    queryset = Problem.objects.select_related("domain", "district", "department", "merged_into")
    if is_staff_officer(user) or is_auditor(user):
        return queryset
    if is_department_officer(user) and user.department_id:
        return queryset.filter(Q(department_id=user.department_id) | Q(submitted_by_id=user.pk)
                               | Q(domain__lead_department_id=user.department_id))
    if is_district_officer(user) and user.district_id:
        return queryset.filter(district_id=user.district_id)
    return queryset.none()


def _departments() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in Department.objects.order_by("order", "code")]


PROBLEMS = Listing(
    kind="problem",
    search=("tracking_code", "title", "description", "affected", "search_tokens"),
    filters=(
        Filter("state", _("state"), "state", choices_of(Problem.State)),
        Filter("domain", _("domain"), "domain__code", domain_choices),
        Filter("district", _("district"), "district__code", district_choices),
        Filter("source", _("source"), "source", choices_of(Problem.Source)),
        Filter("department", _("reporting department"), "department__code", _departments),
    ),
    sorts={"created": ("created_at",), "title": ("title",), "state": ("state",), "domain": ("domain__code",),
           "district": ("district__order",)},
    default_sort="-created",
    facet="state",
)

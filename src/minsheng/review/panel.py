"""The review panel of a call (会评, M17): convene, members, session, votes and adjusted scores, minutes, freeze.

Every write is one transaction with one audit event citing M17. State moves (convened → in session → frozen) are
steps of the table states.PANEL taken with `core.workflow.move`, a conditional update, so of two clicks or two
officers exactly one wins and the other gets a clear message.

* Members are active experts of the pool. A member conflicted with an application of the call (review/conflicts.py)
  stays a member but never sees, votes on or adjusts that application: `visible_applications` leaves it out.
* A vote is fund / reserve / do not fund, optionally with an adjusted score on the written scale (0–100, the scale
  of the merit score before priority bonuses). A reason is required when the member adjusts the score or votes
  against the written reviews' recommendation (most reviewers for funding: a vote not to fund; most reviewers
  against: a vote to fund). Votes can be changed until the panel is frozen.
* Freezing computes the final list once: the written final score plus the mean adjustment (adjusted score minus
  the written merit score) of the members who adjusted; equal final scores share a rank and are marked as ties.
  The list is stored on the panel and in the audit event; after that nothing on the panel changes.
"""

from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.core import audit, clock, workflow
from minsheng.core.permissions import is_system, require, user_of
from minsheng.core.workflow import TransitionRefused
from minsheng.review import queries, reviewing, scoring, work_rules  # noqa: F401  (registers the permissions)
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import PANEL_SCALE, ExpertProfile, Panel, PanelMember, PanelVote, Review

CLAUSE = "M17"
S = Panel.State
V = PanelVote.Vote
MINUTES_MAX = 20000
REASON_MAX = 2000


def _record(action: str, by, target, reason: str, new: dict | None = None, old: dict | None = None) -> None:
    audit.record(action=f"review.panel.{action}", by=by, target=target, new=new or {}, old=old or {},
                 clause=CLAUSE, reason=reason)


def _lock(panel: Panel) -> Panel:
    return Panel.objects.select_for_update().get(pk=panel.pk)


def _not_frozen(panel: Panel) -> None:
    if panel.state == S.FROZEN:
        raise ValidationError(_("The panel's ranking was frozen on %(when)s; nothing can be changed any more.")
                              % {"when": timezone.localtime(panel.frozen_at).strftime("%Y-%m-%d %H:%M")})


# --- Reads --------------------------------------------------------------------------------------------------

def panel_of(call) -> Panel | None:
    return Panel.objects.filter(call=call).select_related("convened_by", "frozen_by").first()


def member_of(panel: Panel | None, user) -> PanelMember | None:
    """The user's seat on the panel, if the user is an active expert named on it."""
    if panel is None or not user.is_authenticated or not user.person_id:
        return None
    member = (PanelMember.objects.filter(panel=panel, expert__person_id=user.person_id)
              .select_related("expert__person").first())
    if member is None or member.expert.state != ExpertProfile.State.ACTIVE:
        return None
    return member


def ranked_rows(call) -> list[reviewing.RankingRow]:
    """The written ranking's rows that have a score: what the panel discusses."""
    rows, _result = reviewing.ranking(call)
    return [row for row in rows if row.result.final is not None]


def visible_applications(member: PanelMember, rows: list[reviewing.RankingRow]) -> list[reviewing.RankingRow]:
    """The rows the member may see: every application of the written ranking except those it is conflicted with."""
    if not rows:
        return []
    found = find_conflicts([row.application for row in rows], [member.expert])
    conflicted = {a.pk for i, a in enumerate(found.applications) if found.matrix[i, 0]}
    return [row for row in rows if row.application.pk not in conflicted]


def written_verdict(reviews: list[Review]) -> str | None:
    """What most written reviews recommend: V.FUND (fund, or fund with changes), V.DO_NOT_FUND, or None if split."""
    if not reviews:
        return None
    against = sum(1 for r in reviews if r.recommendation == Review.Recommendation.DO_NOT_FUND)
    if against * 2 > len(reviews):
        return V.DO_NOT_FUND
    if (len(reviews) - against) * 2 > len(reviews):
        return V.FUND
    return None


def against_written(vote: str, verdict: str | None) -> bool:
    return (vote == V.FUND and verdict == V.DO_NOT_FUND) or (vote == V.DO_NOT_FUND and verdict == V.FUND)


# --- Convening and members ------------------------------------------------------------------------------------

@transaction.atomic
def convene(call, *, by, meets_at=None) -> Panel:
    """Convene the call's panel; the written round must have produced a ranking (submitted reviews)."""
    from minsheng.review.assignment import _lock_call

    require(by, "review.manage_panel")
    call = _lock_call(call)
    existing = Panel.objects.filter(call=call).first()
    if existing is not None:
        raise ValidationError(_("This call's panel was already convened on %(when)s.")
                              % {"when": timezone.localtime(existing.convened_at).strftime("%Y-%m-%d %H:%M")})
    if not ranked_rows(call):
        raise ValidationError(_("No application of this call has a submitted review yet: there is no ranking for a "
                                "panel to discuss."))
    panel = Panel.objects.create(call=call, convened_by=user_of(by),
                                 convened_at=clock.now(), meets_at=meets_at)
    _record("convene", by, panel, gettext("Panel convened"), new=audit.snapshot(panel))
    return panel


@transaction.atomic
def add_member(panel: Panel, expert: ExpertProfile, *, by) -> PanelMember:
    require(by, "review.manage_panel")
    panel = _lock(panel)
    _not_frozen(panel)
    if not queries.active_experts().filter(pk=expert.pk).exists():
        raise ValidationError(_("%(name)s is not an active expert of the pool.") % {"name": expert.person.name})
    if PanelMember.objects.filter(panel=panel, expert=expert).exists():
        raise ValidationError(_("%(name)s is already a member of the panel.") % {"name": expert.person.name})
    member = PanelMember.objects.create(panel=panel, expert=expert)
    _record("member_add", by, member, gettext("Member added to the panel"),
            new={"panel": panel.pk, "expert": expert.pk})
    return member


@transaction.atomic
def remove_member(member: PanelMember, *, by) -> None:
    """Take a member off the panel before it is frozen; the member's votes go with it (they stay in the audit)."""
    require(by, "review.manage_panel")
    panel = _lock(member.panel)
    _not_frozen(panel)
    votes = list(PanelVote.objects.filter(member=member).values_list("application_id", flat=True))
    old = {"panel": panel.pk, "expert": member.expert_id, "votes_removed": votes}
    _record("member_remove", by, member, gettext("Member removed from the panel"), old=old)
    member.delete()


@transaction.atomic
def open_session(panel: Panel, *, by) -> Panel:
    require(by, "review.manage_panel")
    current = _lock(panel)
    _not_frozen(current)
    if current.state != S.CONVENED:
        raise TransitionRefused(_("The session is already open."), code="stale")
    if not PanelMember.objects.filter(panel=current).exists():
        raise ValidationError(_("Add the panel's members before opening the session."))
    workflow.move(panel, "open", by=by, reason=gettext("Panel session opened"))
    return panel


# --- Votes and minutes ---------------------------------------------------------------------------------------

def parse_score(raw) -> Decimal | None:
    """A blank means no adjustment; anything else must be a number on the written scale (0–100)."""
    text = str(raw if raw is not None else "").strip()
    if text == "":
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ArithmeticError):
        value = None
    if value is None or not value.is_finite() or not PANEL_SCALE[0] <= value <= PANEL_SCALE[1]:
        raise ValidationError(_("The adjusted score must be a number between %(low)s and %(high)s (the scale of "
                                "the written scores).") % {"low": PANEL_SCALE[0], "high": PANEL_SCALE[1]})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def vote(panel: Panel, *, by, application: Application, choice: str, adjusted_score=None,
         reason: str = "", member: PanelMember | None = None) -> PanelVote:
    """A member's vote on one application (created or changed); only while the panel is in session.
    `by` is the member's account; only the platform itself (by=SYSTEM, demo data) names the `member` instead."""
    require(by, "review.sit_on_panel")
    panel = _lock(panel)
    if not is_system(by):
        member = member_of(panel, by)
    elif member is not None and member.panel_id != panel.pk:
        member = None
    if member is None:
        raise PermissionDenied
    _not_frozen(panel)
    if panel.state != S.IN_SESSION:
        raise ValidationError(_("Votes can be cast only while the panel is in session."))
    row = next((r for r in visible_applications(member, ranked_rows(panel.call))
                if r.application.pk == application.pk), None)
    if row is None:      # not in this call's ranking, or the member is conflicted with it: it does not exist
        raise Http404
    if choice not in V.values:
        raise ValidationError(_("Choose a vote: fund, reserve or do not fund."))
    score = parse_score(adjusted_score)
    reason = (reason or "").strip()[:REASON_MAX]
    if score is not None and not reason:
        raise ValidationError(_("Give the reason for adjusting the score."))
    if against_written(choice, written_verdict(row.reviews)) and not reason:
        raise ValidationError(_("Your vote goes against the written reviews' recommendation: give the reason."))
    current = PanelVote.objects.select_for_update().filter(member=member, application=application).first()
    created = current is None
    old = {} if created else audit.snapshot(current, ["vote", "adjusted_score", "reason"])
    current = current or PanelVote(panel=panel, member=member, application=application)
    current.vote, current.adjusted_score, current.reason = choice, score, reason
    current.save()
    new = audit.snapshot(current, ["vote", "adjusted_score", "reason"])
    if not created:
        old, new = audit.changes(old, new)
    _record("vote" if created else "vote_change", by, current, reason or gettext("Panel vote"), old=old,
            new={"application": application.pk, **new})
    return current


@transaction.atomic
def record_minutes(panel: Panel, *, by, minutes: str) -> Panel:
    require(by, "review.manage_panel")
    panel = _lock(panel)
    _not_frozen(panel)
    text = (minutes or "").strip()
    if len(text) > MINUTES_MAX:
        raise ValidationError(_("The minutes are limited to %(n)s characters.") % {"n": MINUTES_MAX})
    if text == panel.minutes:
        return panel
    old = panel.minutes
    Panel.objects.filter(pk=panel.pk).update(minutes=text)
    panel.minutes = text
    _record("minutes", by, panel, gettext("Panel minutes recorded"), old={"minutes": old}, new={"minutes": text})
    return panel


# --- Freezing -----------------------------------------------------------------------------------------------

def tallies(panel: Panel) -> dict[int, dict]:
    """Per application: the votes' tally, the adjustments with their reasons (for the officer's page)."""
    out: dict[int, dict] = {}
    for v in PanelVote.objects.filter(panel=panel).select_related("member__expert__person").order_by("member", "pk"):
        item = out.setdefault(v.application_id, {"tally": Counter(), "votes": []})
        item["tally"][v.vote] += 1
        item["votes"].append(v)
    return out


def final_list(rows: list[reviewing.RankingRow], votes: list[PanelVote]) -> list[dict]:
    """The final ranked list: written final score + mean adjustment of the members who adjusted; ties marked."""
    by_app: dict[int, list[PanelVote]] = {}
    for v in votes:
        by_app.setdefault(v.application_id, []).append(v)
    entries = []
    for row in rows:
        own = by_app.get(row.application.pk, [])
        merit = row.result.normalised_mean
        deltas = [float(v.adjusted_score) - merit for v in own if v.adjusted_score is not None]
        adjustment = sum(deltas) / len(deltas) if deltas else 0.0
        tally = Counter(v.vote for v in own)
        entries.append({
            "application": row.application.pk, "number": row.application.number, "title": row.application.title,
            "written": round(row.result.final, scoring.ROUND), "written_rank": row.result.rank,
            "adjustment": round(adjustment, scoring.ROUND), "adjusted_by": len(deltas),
            "final": round(row.result.final + adjustment, scoring.ROUND),
            "votes": {choice: tally.get(choice, 0) for choice in V.values},
        })
    entries.sort(key=lambda e: (-e["final"], -e["written"], e["number"]))
    previous = None
    for position, entry in enumerate(entries, start=1):
        entry["tie"] = False
        if previous is not None and entry["final"] == previous["final"]:
            entry["rank"] = previous["rank"]
            entry["tie"] = previous["tie"] = True
        else:
            entry["rank"] = position
        previous = entry
    return entries


@transaction.atomic
def freeze(panel: Panel, *, by) -> Panel:
    """Freeze the final ranked list once; a second freeze, or one outside the session, is refused."""
    require(by, "review.manage_panel")
    current = _lock(panel)
    _not_frozen(current)
    if current.state != S.IN_SESSION:
        raise TransitionRefused(_("Open the session and let the members vote before freezing the ranking."),
                                code="stale")
    if not current.minutes.strip():
        raise ValidationError(_("Record the minutes of the meeting before freezing the ranking."))
    entries = final_list(ranked_rows(current.call), list(PanelVote.objects.filter(panel=current)))
    actor = by if getattr(by, "is_authenticated", False) else None
    workflow.move(current, "freeze", by=by, reason=gettext("Final ranking frozen"),
                  new={"final_list": entries, "minutes": current.minutes},
                  frozen_at=clock.now(), frozen_by=actor, final_list=entries)
    return current

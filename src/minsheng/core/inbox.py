"""The to-do inbox (待办, M17): what waits for this person now, gathered from every app's `waiting.py`.

Each app answers "what waits for this actor" within the actor's own scope, in a module of its own
(`<app>/waiting.py`, function `waiting_for(user) -> list[WaitingItem]`); settings.INBOX_SOURCES lists them, so a
new capability adds one line there and its rows appear on every workbench and in the menu's counts. Every row is a
count read by one aggregate query (`tally`), never the rows themselves; the inbox is read once per request
(`for_request`) and shared by the menu and the workbench.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

REQUEST_ATTRIBUTE = "_minsheng_inbox"


@dataclass(frozen=True)
class WaitingItem:
    key: str                                  # stable name of the row, e.g. "contracts.countersign"
    label: str | Promise                      # what waits, in the user's language
    count: int
    url: str                                  # one click from the action: the object itself, or a filtered list
    clause: str = "M17"                       # the measure the step serves
    deadline: datetime.datetime | datetime.date | None = None   # the earliest deadline among the rows
    overdue: int = 0                          # how many of the rows are past their deadline

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0

    @property
    def deadline_has_time(self) -> bool:
        return isinstance(self.deadline, datetime.datetime)

    def sort_key(self):
        deadline = self.deadline
        if isinstance(deadline, datetime.datetime):
            deadline = timezone.localtime(deadline).date()
        return (not self.is_overdue, deadline is None, deadline or datetime.date.max, str(self.key))


@dataclass(frozen=True)
class Tally:
    """One aggregate over the rows that wait: how many, the one object when there is exactly one target, the
    earliest deadline and how many are overdue."""

    count: int
    targets: int
    first: int | None
    deadline: datetime.datetime | datetime.date | None
    overdue: int


def tally(queryset: QuerySet, *, target: str = "pk", deadline=None, overdue: Q | None = None) -> Tally:
    """Count the rows that wait in one query. `target` names what a single click opens (the row itself, or its
    call, its project …): when every row shares one target, `first` is it. `deadline` is a field name or an
    expression; `overdue` the condition of a row past it."""
    aggregates = {"n": Count("pk", distinct=True), "targets": Count(target, distinct=True), "first": Min(target)}
    if deadline:
        aggregates["deadline"] = Min(deadline)
    if overdue is not None:
        aggregates["late"] = Count("pk", filter=overdue, distinct=True)
    row = queryset.order_by().aggregate(**aggregates)
    return Tally(count=row["n"] or 0, targets=row["targets"] or 0, first=row["first"],
                 deadline=row.get("deadline"), overdue=row.get("late") or 0)


def item(key: str, label, counted: Tally, *, many: str, one: str | None = None, clause: str = "M17",
         query: str = "", one_query: str = "") -> WaitingItem | None:
    """A row from its tally: `one` (a URL name taking the target's id) when all rows share a target, else `many`
    (a list URL name, with `query` to filter it to exactly those rows; `one_query` filters the single target's
    page). None when nothing waits."""
    if not counted.count:
        return None
    if one and counted.targets == 1 and counted.first is not None:
        url = reverse(one, args=[counted.first]) + (f"?{one_query}" if one_query else "")
    else:
        url = reverse(many) + (f"?{query}" if query else "")
    return WaitingItem(key=key, label=label, count=counted.count, url=url, clause=clause,
                       deadline=counted.deadline, overdue=counted.overdue)


def sources() -> list:
    return [import_string(f"{path}.waiting_for") for path in settings.INBOX_SOURCES]


def waiting_for(user) -> list[WaitingItem]:
    """Everything that waits for the user, overdue first, then by the nearest deadline; empty rows dropped."""
    if user is None or not user.is_authenticated or not getattr(user, "role", ""):
        return []
    items = [row for source in sources() for row in source(user) if row is not None and row.count > 0]
    return sorted(items, key=WaitingItem.sort_key)


def for_request(request) -> list[WaitingItem]:
    """The inbox of the request's user, read once per request (the menu's counts and the workbench share it)."""
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached is None:
        cached = waiting_for(getattr(request, "user", None))
        setattr(request, REQUEST_ATTRIBUTE, cached)
    return cached

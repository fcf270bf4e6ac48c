"""The transition engine: the one way a state changes.

Each model with states declares its table in its app's `states.py`: a `Workflow` of named `Transition`s (source
states, target, permission, clause, four eyes), registered here. `move(obj, name, by=…)` then

1. locks the row and reads its state; a state the transition does not start from is refused (someone else moved
   it first, or the step does not apply);
2. asks the permission boundary (`core.permissions.require`) with the transition's permission;
3. refuses four eyes: the person named in the transition's `four_eyes` field (who took the step before) may not
   take this one;
4. moves with a conditional UPDATE (`WHERE state IN sources`), so two clicks or two officers leave one winner and
   the loser is refused with nothing changed;
5. writes exactly one audit event, `<prefix>.<transition name>`, with the old and new state and the clause.

`move_many(queryset, name, by=…)` takes the same step on every row of a queryset that is in a source state (a
call's assignments published at once): one locking read, one conditional UPDATE, one audit event per row.

Every refusal of a step is a `TransitionRefused` (a ValidationError, so pages and the API show its message); a
missing permission is PermissionDenied, as everywhere else.

Registering a table also adds, for each step, a django-rules permission named like its audit action
(`funding.plan.approve`): with an object, true when the object is in a state the step starts from, the actor holds
the step's permission and four eyes lets them take it; without one, whether the actor's role may take the step at
all. Pages ask it for their buttons (`user.has_perm("funding.plan.approve", plan)`), so the state condition lives
in the table, not beside `has_perm` in a view. Call `move` inside the service's transaction, after the
service's own checks, so that the event joins the service's other writes or none of them happens.
"""

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import rules
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.core import audit, labels
from minsheng.core.permissions import allowed, require

STALE = gettext_lazy("This is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload the "
                     "page to see its current state.")


class TransitionRefused(ValidationError):
    """The step does not apply to the object's state now (or breaks four eyes); nothing was changed."""


@dataclass(frozen=True)
class Transition:
    name: str                   # the verb of the audit action: `<prefix>.<name>`
    sources: frozenset          # the states it may start from
    target: str
    permission: str             # a django-rules permission, asked through core.permissions
    clause: str = ""            # the policy clause (M01–M24) the step implements, recorded with the event
    four_eyes: str = ""         # a field naming who took the step before: that person may not take this one

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


class Workflow:
    """The transition table of one model."""

    def __init__(self, model: type[models.Model], transitions: Iterable[Transition], *, prefix: str = "",
                 stale=STALE, permission_object: Callable | None = None, versioned: bool = False,
                 field: str = "state"):
        self.model = model
        self.transitions = {t.name: t for t in transitions}
        self.prefix = prefix or labels.action_prefix(model)
        self.stale = stale                          # the refusal, with %(state)s, %(target)s and %(object)s
        self.permission_object = permission_object or (lambda obj: obj)
        self.versioned = versioned                  # raise `version`, so a form made before the move cannot save
        self.field = field
        for transition in self.transitions.values():
            if not transition.permission:
                raise ValueError(f"{self.prefix}.{transition.name} names no permission")

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    def action(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def actions(self) -> set[str]:
        return {self.action(name) for name in self.transitions}

    def states(self) -> set[str]:
        """Every state the table mentions."""
        return {s for t in self for s in t.sources} | {t.target for t in self}

    def can(self, obj: models.Model, name: str) -> bool:
        """Whether the step applies to the object's state as loaded (the permission is the rules' business)."""
        transition = self.transitions.get(name)
        return transition is not None and getattr(obj, self.field) in transition.sources

    def four_eyes_refuses(self, obj: models.Model, name: str, actor) -> bool:
        """Whether four eyes refuses `actor` this step: they took the step before it (as `obj` is loaded)."""
        field = self.transitions[name].four_eyes
        earlier = getattr(obj, f"{field}_id", None) if field else None
        return earlier is not None and earlier == getattr(actor, "pk", None)

    def may(self, actor, name: str, obj: models.Model | None = None) -> bool:
        """Whether `actor` may take the step on `obj` now (state, permission, four eyes); without `obj`, whether
        the actor's role may take it at all. The rule behind the step's permission `<prefix>.<name>`."""
        transition = self.transitions[name]
        if obj is None:
            return allowed(actor, transition.permission)
        return (self.can(obj, name) and allowed(actor, transition.permission, self.permission_object(obj))
                and not self.four_eyes_refuses(obj, name, actor))

    def steps_for(self, actor, obj: models.Model) -> dict[str, bool]:
        """Each step's name → whether `actor` may take it on `obj` now: what a page's buttons ask."""
        return {name: allowed(actor, self.action(name), obj) for name in self.transitions}

    def refusal(self, obj: models.Model, target: str, code: str = "stale") -> TransitionRefused:
        label = self.model._meta.get_field(self.field).flatchoices
        return TransitionRefused(
            self.stale % {"state": dict(label).get(getattr(obj, self.field), getattr(obj, self.field)),
                          "target": dict(label).get(target, target), "object": obj},
            code=code)


_WORKFLOWS: dict[type, Workflow] = {}


def _load_states(app: str) -> None:
    try:
        importlib.import_module(f"{app}.states")
    except ModuleNotFoundError as error:    # an app without states
        if error.name != f"{app}.states":
            raise


def register(workflow: Workflow) -> Workflow:
    """Register the table, and a rules permission per step named like its audit action (see the module's doc)."""
    _WORKFLOWS[workflow.model] = workflow
    for name in workflow.transitions:
        rules.set_perm(workflow.action(name), _step_rule(workflow, name))
    return workflow


def _step_rule(workflow: Workflow, name: str) -> rules.Predicate:
    def may_take(user, obj=None) -> bool:
        return workflow.may(user, name, obj)

    return rules.predicate(may_take, name=workflow.action(name))


def workflow_of(obj_or_model) -> Workflow:
    """The model's table; its app's `states.py` is imported on first use, which registers it."""
    model = (obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model))._meta.concrete_model
    if model not in _WORKFLOWS:
        _load_states(model._meta.app_config.name)
    try:
        return _WORKFLOWS[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no transition table in its app's states.py") from None


def registered() -> list[Workflow]:
    """Every table of the project's apps (each app's states.py is imported, which registers its tables)."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("minsheng."):
            _load_states(config.name)
    return list(_WORKFLOWS.values())


def move(obj: models.Model, name: str, *, by, reason: str = "", old: dict | None = None, new: dict | None = None,
         clause: str = "", seen: str | None = None, **fields) -> str:
    """Take the step `name` on `obj` (setting `fields` with it); return the state it left.

    `old` and `new` add details to the audit event beside the state; `clause` replaces the transition's clause
    when the actor decides which one the step serves (a co-owning department approving a call acts under M05).
    `seen` is the state the person saw when they chose the step (the page's): a row that has moved on since is
    refused even where the step would apply to its new state, since they decided on what they saw.
    Refuses with TransitionRefused, or PermissionDenied when `by` may not take the step; either way nothing is
    written."""
    workflow = workflow_of(obj)
    transition = workflow.transitions.get(name)
    if transition is None:
        raise TransitionRefused(_("This step does not exist."), code="invalid")
    model, field = workflow.model, workflow.field
    sources = transition.sources if seen is None else transition.sources & {seen}
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=obj.pk).values_list(field, flat=True).first()
        if current not in sources:
            obj.refresh_from_db()
            raise workflow.refusal(obj, transition.target)
        require(by, transition.permission, workflow.permission_object(obj))
        if transition.four_eyes:
            obj.refresh_from_db(fields=[transition.four_eyes])
            if workflow.four_eyes_refuses(obj, name, by):
                raise TransitionRefused(_("You took the step before this one, so another person must take this "
                                          "one (four eyes)."), code="four_eyes")
        values = {field: transition.target, **fields}
        if workflow.versioned:
            values["version"] = F("version") + 1
        if not model.objects.filter(pk=obj.pk, **{f"{field}__in": sources}).update(**values):
            obj.refresh_from_db()
            raise workflow.refusal(obj, transition.target)
        obj.refresh_from_db()
        audit.record(action=workflow.action(name), by=by, target=obj,
                     old={field: current, **(old or {})}, new={field: transition.target, **(new or {})},
                     reason=reason, clause=clause or transition.clause)
    return current


def move_many(queryset: models.QuerySet, name: str, *, by, reason: str = "", **fields) -> list[models.Model]:
    """Take the step `name` on every row of `queryset` that is in one of its source states (the others are left
    as they are), with one conditional UPDATE setting `fields` (values or expressions, the same for every row);
    return the rows moved, as they were before the move, in primary-key order.

    The permission and four eyes are asked per row, as `move` does, before anything is written; one audit event
    per row follows, in primary-key order. Rows locked by the read cannot be moved by anyone else meanwhile, so
    the UPDATE moving fewer rows than it locked (a database that does not lock rows) refuses the whole step."""
    workflow = workflow_of(queryset.model)
    transition = workflow.transitions.get(name)
    if transition is None:
        raise TransitionRefused(_("This step does not exist."), code="invalid")
    model, field = workflow.model, workflow.field
    with transaction.atomic():
        rows = list(queryset.filter(**{f"{field}__in": transition.sources}).select_for_update(of=("self",))
                    .order_by("pk"))
        for row in rows:
            require(by, transition.permission, workflow.permission_object(row))
            if workflow.four_eyes_refuses(row, name, by):
                raise TransitionRefused(_("You took the step before this one, so another person must take this "
                                          "one (four eyes)."), code="four_eyes")
        if not rows:
            return []
        values = {field: transition.target, **fields}
        if workflow.versioned:
            values["version"] = F("version") + 1
        pks = [row.pk for row in rows]
        if model.objects.filter(pk__in=pks, **{f"{field}__in": transition.sources}).update(**values) != len(rows):
            raise workflow.refusal(model.objects.filter(pk__in=pks).exclude(
                **{f"{field}__in": transition.sources}).first() or rows[0], transition.target)
        audit.record_many(dict(action=workflow.action(name), by=by, target=row, old={field: getattr(row, field)},
                               new={field: transition.target}, reason=reason, clause=transition.clause)
                          for row in rows)
    return rows

"""The audit trail as people read it: actions, targets and values in the page's language.

`read(events)` turns events into `Readable`s: the action's label (core/vocabulary.py), the actor's name, the kind
of record and its label, each recorded value under its field's verbose name with choice labels instead of codes,
money in 万元, times in Asia/Shanghai and referenced records by name, and one short sentence per change
("张三 将状态从「已收到」改为「已受理」"). People's contact details never show (core/personal.py): not as tokens,
and not as the clear values that events written before tokens may hold. The platform's own bookkeeping (ids,
search tokens, hashes) is left out.

Records that values refer to are fetched once per kind for all the events read together, so a page of fifty
events costs a handful of queries, not fifty.
"""

import datetime
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from minsheng.core import labels, money, personal, vocabulary
from minsheng.core.vocabulary import Value

# A list longer than this reads as a count ("50 items"), not as fifty names.
LIST_SHOWN = 10
TEXT_SHOWN = 300
_UNIT = re.compile(r"\s*[（(](?:yuan|元)[)）]\s*$")


def is_money(model_field) -> bool:
    """Money is Decimal yuan with 14 digits and 2 places (calls.models.MONEY); scores and shares are not."""
    return (isinstance(model_field, models.DecimalField) and model_field.max_digits == 14
            and model_field.decimal_places == 2)


def _model(label: str):
    return labels.model_of(label)


def _split_path(path: str) -> tuple[str, str]:
    """"app.model.field" → ("app.model", "field")."""
    model, _dot, name = path.rpartition(".")
    return model, name


def _field_value(model_field) -> Value:
    """How a value of one of the target's own fields reads."""
    label = str(model_field.verbose_name)
    if model_field.many_to_many or model_field.many_to_one or model_field.one_to_one:
        return Value(label, "ref", model_field.related_model._meta.label_lower)
    if model_field.choices:
        return Value(label, "choice", choices=tuple(model_field.flatchoices))
    if isinstance(model_field, models.BooleanField):
        return Value(label, "bool")
    if is_money(model_field):
        return Value(_UNIT.sub("", label), "money")
    if isinstance(model_field, models.DateTimeField):
        return Value(label, "datetime")
    if isinstance(model_field, models.DateField):
        return Value(label, "date")
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        return Value(label, "number")
    if isinstance(model_field, models.JSONField):
        return Value(label, "mapping")
    return Value(label, "text")


def spec_of(action: str, target_type: str, key: str) -> Value | None:
    """How one recorded key reads: the target's field if it has one, else the vocabulary; None if unknown."""
    return _spec(get_language(), action, target_type, key)


@functools.lru_cache(maxsize=8192)
def _spec(language: str, action: str, target_type: str, key: str) -> Value | None:
    """spec_of, remembered per language: labels are translated when the spec is made, models do not change."""
    model = _model(target_type) if target_type else None
    if model is not None and (action, key) not in vocabulary.VALUES_BY_ACTION:
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and not model_field.auto_created and (model_field.concrete
                                                                          or model_field.many_to_many):
            return _field_value(model_field)
    return vocabulary.value_of(action, key)


@dataclass
class Change:
    key: str
    label: str
    old: str | None           # None: the event recorded no old value for this key
    new: str | None
    personal: bool = False
    changed: bool = True      # the recorded values differ (a personal detail reads the same on both sides)


@dataclass
class Readable:
    event: object
    action: str
    actor: str
    kind: str
    target: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """Who did what, for an event with no change to tell sentence by sentence."""
        return _("%(actor)s: %(action)s") % {"actor": self.actor, "action": self.action}


class _Lookups:
    """Names of the records that values refer to, fetched once per model for everything read together."""

    def __init__(self):
        self.wanted: dict[str, set] = defaultdict(set)
        self.found: dict[str, dict] = {}

    def want(self, spec: Value, value) -> None:
        if spec.kind == "money_by" and isinstance(value, dict) and not _choices_of(spec):
            spec, value = Value("", "code", spec.model), list(value)
        if spec.kind not in ("ref", "code") or value in (None, "", []):
            return
        values = value if isinstance(value, list) else [value]
        if len(values) > LIST_SHOWN:
            return
        if spec.kind == "code" or all(isinstance(v, int) for v in values):
            self.wanted[(spec.kind, spec.model)].update(v for v in values if isinstance(v, int | str))

    def fetch(self) -> None:
        for (kind, path), keys in self.wanted.items():
            if kind == "ref":
                model, name = _model(path), "pk"
            else:
                label, name = _split_path(path)
                model = _model(label)
            if model is None:
                continue
            rows = model._default_manager.filter(**{f"{name}__in": keys})
            self.found[(kind, path)] = {getattr(row, name if name != "pk" else "pk"): str(row) for row in rows}

    def name(self, spec: Value, value) -> str:
        """The record's name; a number stands for itself (a key, like an application number, already a name)."""
        fallback = f"#{value}" if spec.kind == "ref" and isinstance(value, int) else value
        return self.found.get((spec.kind, spec.model), {}).get(value, fallback)


def _choices_of(spec: Value) -> dict:
    """Code → label, from the spec's own choices or from the choices of the field it names (empty if none)."""
    return _choices(get_language(), spec)


@functools.lru_cache(maxsize=1024)
def _choices(language: str, spec: Value) -> dict:
    if spec.choices:
        return {str(k): str(v) for k, v in spec.choices}
    label, name = _split_path(spec.model)
    model = _model(label) if spec.model.count(".") == 2 else None
    if model is None:
        return {}
    try:
        return {str(k): str(v) for k, v in model._meta.get_field(name).flatchoices}
    except FieldDoesNotExist:
        return {}


def _local(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        return moment.strftime("%Y-%m-%d %H:%M")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _scalar(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}"
    return personal.hide(str(value))


def _names(values) -> str:
    """A list of names in the page's language ("甲、乙" / "A, B")."""
    return pgettext("list of names", ", ").join(values)


def _values(values, nested: bool = False) -> str:
    """Labelled values one after another ("资助金额 1.00 万元；核减理由 —"); inside brackets, a lighter separator."""
    return (pgettext("values in brackets", ", ") if nested else pgettext("list of values", "; ")).join(values)


def _items(count: int) -> str:
    return ngettext("%(count)s item", "%(count)s items", count) % {"count": count}


def _short(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 1] + "…"


def _mapping(action: str, value, lookups: _Lookups, depth: int = 0) -> str:
    """A nested value: known keys under their labels, other keys (numbers, codes) as they are; a mapping inside
    a mapping in brackets ("MSZN-2026-005-0002（资助金额 199.00 万元，核减理由 —）", in English with ", ")."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if key in vocabulary.HIDDEN:
                continue
            spec = vocabulary.value_of(action, key)
            if spec is not None:
                parts.append(f"{spec.label} {_show(action, spec, item, lookups, depth + 1)}")
            elif isinstance(item, dict):
                parts.append(pgettext("values in brackets", "%(name)s (%(values)s)") % {
                    "name": personal.hide(str(key)), "values": _mapping(action, item, lookups, depth + 1)})
            else:
                parts.append(f"{personal.hide(str(key))} {_mapping(action, item, lookups, depth + 1)}")
        return _values(parts, nested=bool(depth)) or "—"
    if isinstance(value, list):
        if len(value) > LIST_SHOWN or any(isinstance(v, dict | list) for v in value):
            return _items(len(value))
        return _names(_scalar(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return _scalar(value)


def _show(action: str, spec: Value, value, lookups: _Lookups, depth: int = 0) -> str:
    """One recorded value as text in the page's language."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    kind = spec.kind
    if kind == "money":
        return money.wan(value, unit=True)
    if kind == "bool":
        return _scalar(bool(value))
    if kind == "datetime":
        return _local(value)
    if kind == "choice":
        choices = _choices_of(spec)
        values = value if isinstance(value, list) else [value]
        return _names(choices.get(str(v), personal.hide(str(v))) for v in values)
    if kind in ("ref", "code"):
        values = value if isinstance(value, list) else [value]
        if len(values) > LIST_SHOWN:
            return _items(len(values))
        return _names(personal.hide(str(lookups.name(spec, v))) for v in values)
    if kind == "count":
        return _items(len(value)) if isinstance(value, list | dict) else _scalar(value)
    if kind == "keys":
        keys = list(value) if isinstance(value, dict | list) else [value]
        return _names(personal.hide(str(k)) for k in keys) if len(keys) <= LIST_SHOWN else _items(len(keys))
    if kind == "money_by":
        if not isinstance(value, dict):
            return _mapping(action, value, lookups, depth)
        names = _choices_of(spec) or {k: lookups.name(Value("", "code", spec.model), k) for k in value}
        return _values(f"{personal.hide(str(names.get(k, k)))} {money.wan(v, unit=True)}" for k, v in value.items())
    if kind == "fields":
        return _names(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "action":
        return vocabulary.group_label(str(value))
    if kind == "kind":
        model = _model(str(value))
        return str(capfirst(model._meta.verbose_name)) if model is not None else str(value)
    if kind == "mapping":
        return _mapping(action, value, lookups, depth)
    if isinstance(value, dict | list):
        return _mapping(action, value, lookups, depth)
    return _short(_scalar(value))


def _actor_names(events) -> dict:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return {user.pk: str(user) for user in get_user_model()._default_manager.filter(pk__in=ids)}


def _actor(event, names: dict) -> str:
    if event.actor_id:
        return names.get(event.actor_id) or event.actor_label
    # Nobody signed in: a visitor's request has an address, a command or scheduled task has none.
    return _("a member of the public") if event.address else _("the system")


def _kind(target_type: str) -> str:
    model = _model(target_type) if target_type else None
    return str(capfirst(model._meta.verbose_name)) if model is not None else target_type


def _sentence(actor: str, change: Change) -> str:
    words = {"actor": actor, "field": change.label}
    if change.personal:
        if change.old in (None, "—"):
            return _("%(actor)s entered the %(field)s") % words
        if change.new in (None, "—"):
            return _("%(actor)s removed the %(field)s") % words
        return _("%(actor)s changed the %(field)s") % words
    words.update(old=change.old, new=change.new)
    if change.old in (None, "—"):
        return _("%(actor)s set the %(field)s to “%(new)s”") % words
    if change.new in (None, "—"):
        return _("%(actor)s cleared the %(field)s (it was “%(old)s”)") % words
    return _("%(actor)s changed the %(field)s from “%(old)s” to “%(new)s”") % words


def _erased_fields(event) -> list[str]:
    model = _model(event.target_type)
    names = (event.new or {}).get("erased", []) if isinstance(event.new, dict) else []
    if model is None:
        return names
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field since removed
            labels.append(name)
    return labels


def read(events) -> list[Readable]:
    """Events as people read them, in the order given."""
    events = list(events)
    names = _actor_names(events)
    lookups = _Lookups()
    plans = []
    for event in events:
        model = _model(event.target_type) if event.target_type else None
        old = event.old if isinstance(event.old, dict) else ({} if event.old is None else {"": event.old})
        new = event.new if isinstance(event.new, dict) else ({} if event.new is None else {"": event.new})
        rows = []
        for key in list(dict.fromkeys([*old, *new])):
            if vocabulary.is_hidden(event.target_type, key):
                continue
            spec = spec_of(event.action, event.target_type, key) or Value(key, "text")
            for side in (old, new):
                if key in side:
                    lookups.want(spec, side[key])
            rows.append((key, spec, personal.is_personal(model, key)))
        plans.append((event, old, new, rows))
    lookups.fetch()

    result = []
    for event, old, new, rows in plans:
        actor = _actor(event, names)
        changes = []
        for key, spec, is_personal in rows:
            shown = {}
            for name, side in (("old", old), ("new", new)):
                if key not in side:
                    shown[name] = None
                elif is_personal:
                    shown[name] = "—" if side[key] in (None, "") else str(personal.PLACEHOLDER)
                else:
                    shown[name] = _show(event.action, spec, side[key], lookups)
            changes.append(Change(key, str(spec.label), shown["old"], shown["new"], is_personal,
                                  changed=old.get(key) != new.get(key)))
        if event.action.endswith(".erase"):
            sentences = [_("%(actor)s erased the personal data on request: %(fields)s")
                         % {"actor": actor, "fields": _names(_erased_fields(event))}]
        elif event.old is None or event.new is None:
            # A creation, a deletion or a record of something done: its values are a snapshot, not changes.
            sentences = []
        else:
            # Keys recorded only on the old side are context (the rule a result was about), not removals.
            sentences = [_sentence(actor, c) for c in changes
                         if c.label and c.new is not None and c.changed and not (c.old in (None, "—")
                                                                                 and c.new == "—")]
        result.append(Readable(
            event=event, action=vocabulary.action_text(event.action), actor=actor, kind=_kind(event.target_type),
            target=personal.hide(event.target_label), reason=personal.hide(vocabulary.reason_text(event.reason)),
            changes=changes,
            sentences=sentences))
    return result

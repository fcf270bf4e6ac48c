"""A model's labels: the one it has now and the one it had before it moved to another app.

What the platform recorded about a record names it by its model's label (`app.model`): the audit trail's
`target_type`, personal-data keys, the start of action codes (`calls.problem.create`). The audit trail is
hash-chained and never rewritten, so when a model moves to another app its old records keep the old label. A
model that moved says so with `former_label = "<old app>.<model>"`; every reader asks this module for all of a
model's labels, and action codes keep the former prefix, so a record's history reads as one.
"""

from functools import cache

from django.apps import apps
from django.db import models


@cache
def _moved() -> dict[str, str]:
    """former label → label of today, for every model that declares where it was."""
    return {model.former_label: model._meta.label_lower for model in apps.get_models()
            if getattr(model, "former_label", "")}


def current(label: str) -> str:
    """Today's label for a label recorded at any time (`calls.problem` → `problems.problem`)."""
    label = (label or "").lower()
    return _moved().get(label, label)


def labels_of(model_or_label: type[models.Model] | models.Model | str) -> tuple[str, ...]:
    """Every label a model's records may carry: today's first, then the one it had before it moved."""
    if isinstance(model_or_label, str):
        label = current(model_or_label)
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return (label,)
    else:
        model, label = model_or_label, model_or_label._meta.label_lower
    former = getattr(model, "former_label", "")
    return (label, former) if former else (label,)


def model_of(label: str) -> type[models.Model] | None:
    """The model a recorded label names, wherever it lives today; None for a label no model answers to."""
    try:
        return apps.get_model(current(label))
    except (LookupError, ValueError):
        return None


def action_prefix(model: type[models.Model] | models.Model) -> str:
    """The start of a model's audit action codes: the label its first events were recorded under."""
    return getattr(model, "former_label", "") or model._meta.label_lower

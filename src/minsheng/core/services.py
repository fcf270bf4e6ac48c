"""Audited writes shared by every app: create or change a model instance and record it, in one transaction."""

from django.db import models, transaction

from minsheng.core import audit


def _action(instance: models.Model, verb: str) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}.{verb}"


@transaction.atomic
def create_audited(instance: models.Model, *, by, clause: str = "", reason: str = "",
                   many_to_many: dict | None = None) -> models.Model:
    """Save a new instance (full_clean first), set its many-to-many values, record `<app>.<model>.create`."""
    instance.full_clean()
    instance.save(force_insert=True)
    for name, values in (many_to_many or {}).items():
        getattr(instance, name).set(values)
    audit.record(action=_action(instance, "create"), by=by, target=instance, new=audit.snapshot(instance),
                 clause=clause, reason=reason)
    return instance


@transaction.atomic
def update_audited(instance: models.Model, *, by, changes: dict, clause: str = "", reason: str = "",
                   verb: str = "update") -> models.Model:
    """Apply field changes (many-to-many values included), validate, save, record only what changed.

    The row is locked first so that two people saving the same object queue instead of
    overwriting each other half-way.
    """
    model = type(instance)
    locked = model.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(locked)
    m2m_names = {f.name for f in model._meta.many_to_many}
    for name, value in changes.items():
        if name not in m2m_names:
            setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    for name, value in changes.items():
        if name in m2m_names:
            getattr(locked, name).set(value)
    old, new = audit.changes(before, audit.snapshot(locked))
    if new:
        audit.record(action=_action(locked, verb), by=by, target=locked, old=old, new=new,
                     clause=clause, reason=reason)
    instance.refresh_from_db()
    return locked


@transaction.atomic
def delete_audited(instance: models.Model, *, by, reason: str = "", clause: str = "") -> None:
    audit.record(action=_action(instance, "delete"), by=by, target=instance, old=audit.snapshot(instance),
                 clause=clause, reason=reason)
    instance.delete()

"""Audited writes shared by every app: create or change a model instance and record it, in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from minsheng.core import audit, labels, personal
from minsheng.core.models import PersonalDataKey


def _action(instance: models.Model, verb: str) -> str:
    return f"{labels.action_prefix(instance)}.{verb}"


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


@transaction.atomic
def erase_personal_data(instance: models.Model, *, by, reason: str) -> list[str]:
    """Erase a record's personal contact details on request (PIPL art. 47), keeping the audit chain whole.

    The declared fields (`personal_fields`) are blanked in the live row and the record's personal-data key is
    deleted, so the tokens that stand for those details in the audit trail can no longer be tested against a
    guess. The erasure itself is recorded: who, when, why and which fields, never their values. Returns the names
    of the fields that held something.
    """
    model = type(instance)
    if by is None or not by.has_perm("core.erase_personal_data"):
        raise PermissionDenied("core.erase_personal_data")
    if not personal.erasable(model):
        raise ValidationError(_("%(kind)s records hold no personal data that can be erased here.")
                              % {"kind": capfirst(model._meta.verbose_name_plural)}, code="not_erasable")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Say whose request this is and how it reached you; the reason is kept with the "
                                "erasure."), code="reason")
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    filled = [name for name in personal.fields_of(model) if getattr(locked, name) not in ("", None)]
    key = PersonalDataKey.objects.filter(subject_type__in=labels.labels_of(model), subject_id=str(locked.pk))
    if not filled and not key.exists():
        raise ValidationError(_("%(record)s holds no personal data any more; nothing was changed.")
                              % {"record": capfirst(model._meta.verbose_name)}, code="nothing")
    for name in filled:
        setattr(locked, name, None if model._meta.get_field(name).null else "")
    stamped = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.concrete_fields) else []
    locked.save(update_fields=filled + stamped)
    key.delete()
    audit.record(action=_action(locked, "erase"), by=by, target=locked, new={"erased": filled}, reason=reason)
    instance.refresh_from_db()
    return filled

"""Writes on applications: start, save a section, attachments, submit, withdraw. Each runs in one
transaction with its audit event (M17; the budget M20, IP M19, partners M22); state changes go through
core.workflow.move (the table is in states.py), a conditional update, so a double click or a race cannot apply a
step twice."""

import hashlib
import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.applications import rule_rounds, states
from minsheng.applications import sections as s
from minsheng.applications.models import Application, Attachment
from minsheng.calls.models import Call
from minsheng.core import audit, clock, concurrency, workflow
from minsheng.core.permissions import require
from minsheng.core.workflow import TransitionRefused
from minsheng.registry.models import Organisation

State = Application.State


# --- Starting ------------------------------------------------------------------------------------

def call_is_open(call: Call, at=None) -> bool:
    """Open from opens_at (inclusive) to closes_at (exclusive): at 23:59:59 on a call closing at 23:59:59 it
    is already closed. The server's clock decides (Asia/Shanghai), never the browser's."""
    at = at or clock.now()
    return call.state == Call.State.PUBLISHED and call.opens_at <= at < call.closes_at


def can_start(user, call: Call) -> str:
    """Empty when the user may start an application for the call; otherwise why not."""
    organisation = user.organisation
    if organisation is None or organisation.state != Organisation.State.VERIFIED:
        return _("Only a verified organisation can apply. Your organisation is not verified yet (M17).")
    if not call_is_open(call):
        return _("This call is not open for applications now.")
    return ""


def _next_number(call: Call) -> str:
    """Call code + a 4-digit sequence, under a lock on the call row, so two starts never share a number."""
    Call.objects.select_for_update().filter(pk=call.pk).exists()
    prefix = f"{call.code}-"
    last = (Application.objects.filter(call=call, number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    sequence = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def start(call: Call, *, by, title: str = "", topic=None) -> Application:
    reason = can_start(by, call)
    if reason:
        raise ValidationError(reason, code="not_allowed")
    application = Application(call=call, organisation=by.organisation, created_by=by, title=title[:200],
                              topic=topic, number=_next_number(call))
    if call.domains.count() == 1:
        application.domain = call.domains.first()
    try:
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError as error:
        raise ValidationError(_("Another application took this number at the same moment; please try again."),
                              code="number") from error
    audit.record(action="applications.application.create", by=by, target=application,
                 new=audit.snapshot(application), clause="M17", reason=_("Application started"))
    return application


# --- Saving sections -----------------------------------------------------------------------------

def _lock_editable(application: Application, version: int) -> Application:
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if locked.state not in states.EDITABLE:
        raise ValidationError(_("This application is “%(state)s” and can no longer be edited.")
                              % {"state": locked.get_state_display()}, code="not_editable")
    concurrency.check_version(locked, version, _(
        "%(who)s changed this application at %(when)s, after you opened it. Nothing of yours was saved, and "
        "nothing of theirs was overwritten: copy your text if you need it, reload the page, and make your "
        "change again."))
    return locked


@transaction.atomic
def save_section(application: Application, key: str, data, *, version: int, by) -> s.Bundle:
    """Validate the section's data and write it, if the version is still the one the form was made from.

    Returns the bound bundle: invalid, nothing is written (the caller shows its errors). Raises StaleVersion
    when someone else saved first, naming them and when.
    """
    section = s.BY_KEY[key]
    locked = _lock_editable(application, version)
    before = section.snapshot(locked)  # before validation: a model form writes onto its instance as it cleans
    bundle = section.bind(locked, data)
    if not bundle.is_valid():
        return bundle
    section.apply(locked, bundle)
    concurrency.bump(locked, updated_at=clock.now())
    locked.refresh_from_db()
    old, new = audit.changes(before, section.snapshot(locked))
    audit.record(action=f"applications.application.section.{key}", by=by, target=locked, old=old, new=new,
                 clause=section.clause, reason=str(section.label))
    application.refresh_from_db()
    return bundle


# --- Attachments ---------------------------------------------------------------------------------

@transaction.atomic
def add_attachment(application: Application, *, kind: str, upload, content_type: str, version: int,
                   by) -> Attachment:
    locked = _lock_editable(application, version)
    upload.seek(0)
    content = upload.read()
    extension = os.path.splitext(upload.name)[1].lower()
    attachment = Attachment(application=locked, kind=kind, original_name=os.path.basename(upload.name)[:200],
                            content_type=content_type, size=len(content), uploaded_by=by,
                            sha256=hashlib.sha256(content).hexdigest())
    attachment.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
    attachment.save()
    concurrency.bump(locked, updated_at=clock.now())
    audit.record(action="applications.attachment.create", by=by, target=locked,
                 new={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
                 clause="M17", reason=attachment.get_kind_display())
    application.refresh_from_db()
    return attachment


@transaction.atomic
def delete_attachment(attachment: Attachment, *, version: int, by) -> None:
    locked = _lock_editable(attachment.application, version)
    audit.record(action="applications.attachment.delete", by=by, target=locked,
                 old={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
                 clause="M17")
    name = attachment.file.name
    attachment.delete()
    concurrency.bump(locked, updated_at=clock.now())
    transaction.on_commit(lambda: attachment.file.storage.delete(name))


# --- Submission and withdrawal -------------------------------------------------------------------

def submit_refusal(application: Application, at=None) -> str:
    """Why the application cannot be submitted now; empty when it can."""
    at = at or clock.now()
    if application.state == State.RETURNED:
        deadline = application.correction_deadline
        if deadline is not None and at >= deadline:
            return _("The correction deadline, %(deadline)s, has passed; the application can no longer be "
                     "resubmitted.") % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M:%S")}
    elif application.state == State.DRAFT:
        if not call_is_open(application.call, at):
            return _("The call closed at %(closes)s (Beijing time); applications are no longer accepted.") % {
                "closes": timezone.localtime(application.call.closes_at).strftime("%Y-%m-%d %H:%M:%S")}
    else:
        return _("This application is “%(state)s” and cannot be submitted.") % {
            "state": application.get_state_display()}
    missing = [p for p in s.completeness(application) if not p.done]
    if missing:
        return _("The application is incomplete: %(sections)s. See the completeness list.") % {
            "sections": "、".join(str(p.section.label) for p in missing)}
    return ""


@transaction.atomic
def submit(application: Application, *, by) -> bool:
    """Submit (or resubmit a correction). Returns False when it had already been submitted (a double click):
    the caller answers as for a success, and nothing happens twice."""
    require(by, states.SUBMIT, application)
    locked = Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    if locked.state == State.SUBMITTED:
        application.refresh_from_db()
        return False
    reason = submit_refusal(locked)
    if reason:
        raise ValidationError(reason, code="refused")
    resubmission = locked.state == State.RETURNED
    # The formal check's verdicts do not depend on the application's state: evaluated before the audit chain is
    # locked (on PostgreSQL its head row stays locked from the first event to the commit, for every writer).
    outcomes = rule_rounds.preview(locked)
    now = clock.now()
    try:
        workflow.move(locked, "submit", by=by, new={"submitted_at": now}, submitted_at=now,
                      reason=_("Resubmitted after correction") if resubmission else _("Submitted"))
    except TransitionRefused:
        locked.refresh_from_db()
        if locked.state == State.SUBMITTED:  # the other click won the race
            application.refresh_from_db()
            return False
        raise
    rule_rounds.record_submission(locked, by=by, outcomes=outcomes)
    application.refresh_from_db()
    return True


@transaction.atomic
def withdraw(application: Application, *, by, reason: str) -> None:
    """Take back a submitted application (or one returned for correction) before its formal check starts."""
    require(by, states.WITHDRAW, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give a reason for withdrawing."), code="reason")
    if Application.objects.select_for_update().filter(pk=application.pk, state=State.DRAFT).exists():
        raise ValidationError(_("A draft has not been submitted, so there is nothing to withdraw; discard the draft "
                                "instead."), code="draft")
    workflow.move(application, "withdraw", by=by, reason=reason, state_reason=reason)


@transaction.atomic
def discard_draft(application: Application, *, by) -> None:
    """Give up a draft that will not be submitted: it stops counting as one of the organisation's applications to
    the call and can no longer be edited. Its state is “withdrawn”, with the reason saying it was a draft."""
    require(by, states.WITHDRAW, application)
    if not Application.objects.select_for_update().filter(pk=application.pk, state=State.DRAFT).exists():
        application.refresh_from_db()
        raise ValidationError(_("This application is no longer a draft (it is “%(state)s”), so it cannot be "
                                "discarded. Nothing was changed.") % {"state": application.get_state_display()},
                              code="stale")
    reason = _("Draft discarded before it was submitted")
    workflow.move(application, "discard", by=by, reason=reason, state_reason=reason)

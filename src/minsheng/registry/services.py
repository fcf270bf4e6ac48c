"""Every write to the registry: one transaction, one audit event, the clause it serves where one applies.

`by` is the acting user, or `core.permissions.SYSTEM` for the platform itself (data loading). An organisation's
verification state changes only through its table (registry/states.py).
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from minsheng.core import clock, workflow
from minsheng.core.identifiers import clean_credit_code, clean_identity_number, mask_identity_number
from minsheng.core.permissions import allowed, require, user_of
from minsheng.core.roles import Role
from minsheng.core.services import create_audited, update_audited
from minsheng.notifications import services as notifications
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)

# Fields an applicant may change on its own organisation's profile. The credit code and the verification
# state are the officers'; the registered Chinese name only while the organisation is not yet verified.
APPLICANT_ORGANISATION_FIELDS = frozenset({
    "name_en", "kind", "size", "district", "address", "contact_name", "contact_phone", "contact_email", "website",
})
STATE_FIELDS = frozenset({"state", "state_reason", "verified_by", "verified_at"})

CLAUSE_INFRASTRUCTURE = "M01"
CLAUSE_CARRIER = "M02"
CLAUSE_SERVICES = "M03"
CLAUSE_TALENT = "M21"
CLAUSE_PARTNERS = "M22"


@contextmanager
def _duplicate_guard(message):
    """Turn a unique-constraint race (two identical forms sent at once) into a validation message."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError(message, code="duplicate") from exc


def _create(instance: models.Model, *, by, clause: str = "", many_to_many: dict | None = None,
            duplicate_message=None) -> models.Model:
    with _duplicate_guard(duplicate_message or _("This record already exists.")):
        return create_audited(instance, by=by, clause=clause, many_to_many=many_to_many)


def _update(instance: models.Model, *, by, changes: dict, clause: str = "", duplicate_message=None):
    with _duplicate_guard(duplicate_message or _("This record already exists.")):
        return update_audited(instance, by=by, changes=changes, clause=clause)


def _clean_code(values: dict) -> dict:
    if "credit_code" in values:
        try:
            values["credit_code"] = clean_credit_code(values["credit_code"])
        except ValidationError as exc:
            raise ValidationError({"credit_code": exc.messages}) from exc
    return values


# --- Organisations --------------------------------------------------------------------------------

def create_organisation(*, by, values: dict) -> Organisation:
    """Register an organisation; it waits for an officer's verification."""
    require(by, "registry.add_organisation")
    values = _clean_code({k: v for k, v in values.items() if k not in STATE_FIELDS})
    organisation = Organisation(**values, state=Organisation.State.PENDING)
    return _create(organisation, by=by,
                   duplicate_message=_("An organisation with this credit code or name is already registered."))


def update_organisation(*, organisation: Organisation, by, changes: dict) -> Organisation:
    """Change an organisation's profile. The verification state changes only through verify/reject."""
    require(by, "registry.change_organisation", organisation)
    if STATE_FIELDS & changes.keys():
        raise PermissionDenied("the verification state changes only through verify or reject")
    if not allowed(by, "registry.change_organisation_identity", organisation):
        open_fields = set(APPLICANT_ORGANISATION_FIELDS)
        if organisation.state != Organisation.State.VERIFIED:
            open_fields.add("name_zh")
        if changes.keys() - open_fields:
            raise PermissionDenied(f"may not change {sorted(changes.keys() - open_fields)}")
    changes = _clean_code(dict(changes))
    return _update(organisation, by=by, changes=changes,
                   duplicate_message=_("An organisation with this credit code or name is already registered."))


def _decide(organisation: Organisation, name: str, *, by, reason: str = "", **fields) -> Organisation:
    """Take the step `name` of the verification table (registry/states.py); the applicants are notified (and
    mailed, as each chose) in the same transaction."""
    now = clock.now()
    workflow.move(organisation, name, by=by, reason=reason, new={"state_reason": reason}, state_reason=reason,
                  updated_at=now, **fields)
    _notify_decision(organisation)
    return organisation


@transaction.atomic
def verify_organisation(*, organisation: Organisation, by) -> Organisation:
    """Confirm a pending organisation; its applicants are notified."""
    require(by, "registry.verify_organisation", organisation)
    return _decide(organisation, "verify", by=by, verified_by=user_of(by), verified_at=clock.now())


@transaction.atomic
def reject_organisation(*, organisation: Organisation, by, reason: str) -> Organisation:
    """Refuse a pending organisation with a reason its applicants are notified of."""
    require(by, "registry.reject_organisation", organisation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for rejecting, so the organisation can correct it.")]})
    return _decide(organisation, "reject", by=by, reason=reason)


def _notify_decision(organisation: Organisation) -> int:
    """Tell the organisation's applicant accounts what was decided."""
    recipients = organisation.users.filter(role=Role.APPLICANT, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        if organisation.state == Organisation.State.VERIFIED:
            subject = gettext("Your organisation has been verified")
            body = gettext("%(name)s (unified social credit code %(code)s) has been verified by the S&T department. "
                           "You can now apply to calls for proposals.")
        else:
            subject = gettext("Your organisation's registration was not accepted")
            body = gettext("%(name)s (unified social credit code %(code)s) was not verified by the S&T department.\n"
                           "Reason: %(reason)s\nPlease correct the registration and contact the department.")
        body = body % {"name": organisation.name_zh, "code": organisation.credit_code,
                       "reason": organisation.state_reason}
    return notifications.notify(recipients, "registry.organisation_decision", subject, body, target=organisation,
                                url=reverse("registry:organisation_detail", args=[organisation.pk]))



def announce_registration(organisation: Organisation) -> int:
    """Tell the staff officers who verify organisations that one registered and waits (in the inbox too; no mail
    unless they choose it)."""
    recipients = get_user_model().objects.filter(role__in=[Role.OFFICER, Role.ADMIN], is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Organisation to verify: %(name)s") % {"name": organisation.name_zh}
        body = gettext("%(name)s (unified social credit code %(code)s) registered and waits for verification.") % {
            "name": organisation.name_zh, "code": organisation.credit_code}
    return notifications.notify(recipients, "registry.organisation_to_verify", subject, body, target=organisation,
                                url=reverse("registry:organisation_detail", args=[organisation.pk]))

# --- People (M21 talent tags) ----------------------------------------------------------------------

def _identity(values: dict, identity_number: str) -> dict:
    """Check a typed identity number, keep only its masked form; fill or check year of birth and gender."""
    if not identity_number:
        return values
    try:
        number = clean_identity_number(identity_number)
    except ValidationError as exc:
        raise ValidationError({"identity_number": exc.messages}) from exc
    birth_year = ric.get_birth_date(number).year
    gender = Person.Gender.MALE if int(number[16]) % 2 else Person.Gender.FEMALE
    errors = {}
    if values.get("birth_year") and values["birth_year"] != birth_year:
        errors["birth_year"] = [_("The year of birth does not match the identity number (%(year)s).")
                                % {"year": birth_year}]
    if values.get("gender") and values["gender"] != gender:
        errors["gender"] = [_("The gender does not match the identity number.")]
    if errors:
        raise ValidationError(errors)
    values["birth_year"] = values.get("birth_year") or birth_year
    values["gender"] = values.get("gender") or gender
    values["id_number_masked"] = mask_identity_number(number)
    return values


def _check_person_scope(by, person: Person) -> None:
    require(by, "registry.change_person", person)


PERSON_DUPLICATE = _("This person (same name and identity number) is already registered in this organisation.")


def create_person(*, by, values: dict, domains: Iterable = (), talent_tags: Iterable = (),
                  identity_number: str = "") -> Person:
    """Register a person. A typed identity number is checked, then only its masked form is kept."""
    require(by, "registry.add_person")
    values = _identity({k: v for k, v in values.items() if k != "id_number_masked"}, identity_number)
    person = Person(**values)
    _check_person_scope(by, person)
    talent_tags = list(talent_tags)
    return _create(person, by=by, clause=CLAUSE_TALENT if talent_tags else "",
                   many_to_many={"domains": list(domains), "talent_tags": talent_tags},
                   duplicate_message=PERSON_DUPLICATE)


def update_person(*, person: Person, by, changes: dict, identity_number: str = "") -> Person:
    """Change a person's record; a newly typed identity number replaces the masked one."""
    _check_person_scope(by, person)
    changes = {k: v for k, v in changes.items() if k != "id_number_masked"}
    if identity_number:
        values = {"birth_year": changes.get("birth_year", person.birth_year),
                  "gender": changes.get("gender", person.gender)}
        changes.update(_identity(values, identity_number))
    if "organisation" in changes:
        moved = Person(organisation=changes["organisation"])
        _check_person_scope(by, moved)
    clause = ""
    if "talent_tags" in changes:
        current = set(person.talent_tags.values_list("pk", flat=True))
        if current != {getattr(t, "pk", t) for t in changes["talent_tags"]}:
            clause = CLAUSE_TALENT
    return _update(person, by=by, changes=changes, clause=clause, duplicate_message=PERSON_DUPLICATE)


# --- Innovation carriers and infrastructure (M01, M02, M04) -----------------------------------------

def _carrier_clause(kind: str) -> str:
    return CLAUSE_INFRASTRUCTURE if kind == InnovationCarrier.Kind.INFRASTRUCTURE else CLAUSE_CARRIER


CARRIER_DUPLICATE = _("An innovation carrier with this Chinese name is already registered.")


def create_carrier(*, by, values: dict) -> InnovationCarrier:
    """Register an innovation carrier (M02) or infrastructure (M01), with its governance (M04)."""
    require(by, "registry.add_innovationcarrier")
    carrier = InnovationCarrier(**values)
    require(by, "registry.change_innovationcarrier", carrier)
    return _create(carrier, by=by, clause=_carrier_clause(carrier.kind), duplicate_message=CARRIER_DUPLICATE)


def update_carrier(*, carrier: InnovationCarrier, by, changes: dict) -> InnovationCarrier:
    require(by, "registry.change_innovationcarrier", carrier)
    if "host" in changes:
        require(by, "registry.change_innovationcarrier", InnovationCarrier(host=changes["host"]))
    kind = changes.get("kind", carrier.kind)
    return _update(carrier, by=by, changes=changes, clause=_carrier_clause(kind),
                   duplicate_message=CARRIER_DUPLICATE)


# --- Service institutions and shared facilities (M03) -----------------------------------------------

SERVICE_DUPLICATE = _("This organisation is already registered as a service institution.")


def create_service_institution(*, by, values: dict, domains: Iterable = ()) -> ServiceInstitution:
    require(by, "registry.add_serviceinstitution")
    institution = ServiceInstitution(**values)
    return _create(institution, by=by, clause=CLAUSE_SERVICES, many_to_many={"domains": list(domains)},
                   duplicate_message=SERVICE_DUPLICATE)


def update_service_institution(*, institution: ServiceInstitution, by, changes: dict) -> ServiceInstitution:
    require(by, "registry.change_serviceinstitution", institution)
    return _update(institution, by=by, changes=changes, clause=CLAUSE_SERVICES, duplicate_message=SERVICE_DUPLICATE)


FACILITY_DUPLICATE = _("This organisation already has a shared facility with this Chinese name.")


def create_facility(*, by, values: dict) -> SharedFacility:
    require(by, "registry.add_sharedfacility")
    facility = SharedFacility(**values)
    require(by, "registry.change_sharedfacility", facility)
    return _create(facility, by=by, clause=CLAUSE_SERVICES, duplicate_message=FACILITY_DUPLICATE)


def update_facility(*, facility: SharedFacility, by, changes: dict) -> SharedFacility:
    require(by, "registry.change_sharedfacility", facility)
    if "host" in changes:
        require(by, "registry.change_sharedfacility", SharedFacility(host=changes["host"]))
    return _update(facility, by=by, changes=changes, clause=CLAUSE_SERVICES, duplicate_message=FACILITY_DUPLICATE)


# --- Cooperation partners (M22) -------------------------------------------------------------------

PARTNER_DUPLICATE = _("A cooperation partner with this Chinese name is already registered.")


def create_partner(*, by, values: dict, partners_with: Iterable = ()) -> CooperationPartner:
    require(by, "registry.add_cooperationpartner")
    partner = CooperationPartner(**values)
    return _create(partner, by=by, clause=CLAUSE_PARTNERS, many_to_many={"partners_with": list(partners_with)},
                   duplicate_message=PARTNER_DUPLICATE)


def update_partner(*, partner: CooperationPartner, by, changes: dict) -> CooperationPartner:
    require(by, "registry.change_cooperationpartner", partner)
    return _update(partner, by=by, changes=changes, clause=CLAUSE_PARTNERS, duplicate_message=PARTNER_DUPLICATE)

"""Every write to the IP register (M19): one transaction, one audit event citing M19.

An applicant registers and edits its own organisation's assets only; officers any. Numbers are cleaned to one
canonical form (numbers.py) so that (kind, number) is unique however it was typed; two people registering the
same number at once: the unique constraint lets one in, the other gets the same clear message.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from minsheng.core.permissions import allowed, require
from minsheng.core.services import create_audited, update_audited
from minsheng.outcomes import numbers
from minsheng.outcomes import rules as _rules  # noqa: F401  (registers the permissions)
from minsheng.outcomes.models import IPAsset

CLAUSE = "M19"
DUPLICATE = _("An IP asset of this kind with this number is already registered.")

NUMBER_MESSAGES = {
    "patent_format": _("A Chinese patent number has 12 digits and a check character, e.g. ZL202310123456.7 (or 8 "
                       "digits and a check character before 2003)."),
    "patent_year": _("The year in this patent number (%(year)s) is not possible."),
    "patent_type": _("The type digit of this patent number (%(type_digit)s) does not match the kind: 1 or 8 for an "
                     "invention patent, 2 or 9 for a utility model, 3 for a design."),
    "patent_check": _("The check character of this patent number is wrong; please check it for a typo."),
    "software_format": _("A software copyright registration number looks like 2023SR0123456."),
    "standard_format": _("A standard's number looks like GB/T 12345-2023 or T/SZAS 12-2023."),
    "empty": _("Give the number."),
}


def clean_values(values: dict) -> dict:
    """The number in canonical form and the dates and status checked against each other."""
    values = dict(values)
    errors: dict[str, list] = {}
    kind = values.get("kind")
    if kind and "number" in values:
        try:
            values["number"] = numbers.clean_number(values["number"], kind)
        except numbers.NumberError as exc:
            errors.setdefault("number", []).append(NUMBER_MESSAGES[exc.code] % exc.params
                                                   if exc.params else NUMBER_MESSAGES[exc.code])
    filed, granted, expires = values.get("filed_on"), values.get("granted_on"), values.get("expires_on")
    status = values.get("status")
    if status == IPAsset.Status.GRANTED and not granted:
        errors.setdefault("granted_on", []).append(_("A granted asset needs its grant date."))
    if status == IPAsset.Status.FILED and granted:
        errors.setdefault("granted_on", []).append(_("An asset that is only filed has no grant date yet."))
    if filed and granted and granted < filed:
        errors.setdefault("granted_on", []).append(_("The grant date is before the filing date."))
    if expires and (granted or filed) and expires <= (granted or filed):
        errors.setdefault("expires_on", []).append(_("The expiry date must be after the filing and grant dates."))
    if (kind in numbers.PATENT_TYPES and filed and "number" not in errors and values.get("number")
            and numbers.patent_year(values["number"]) != filed.year):
        errors.setdefault("filed_on", []).append(
            _("The patent number says it was filed in %(year)s, the filing date says %(filed)s.")
            % {"year": numbers.patent_year(values["number"]), "filed": filed.year})
    if errors:
        raise ValidationError(errors)
    return values


def _guard(callable_):
    try:
        with transaction.atomic():
            return callable_()
    except IntegrityError as exc:
        raise ValidationError({"number": [DUPLICATE]}, code="duplicate") from exc


def _check_duplicate(values: dict, exclude_pk=None) -> None:
    """The friendly answer before the write; the unique constraint stays the judge of a race."""
    if values.get("kind") and values.get("number"):
        clash = IPAsset.objects.filter(kind=values["kind"], number=values["number"])
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ValidationError({"number": [DUPLICATE]}, code="duplicate")


def create_ip_asset(*, by, values: dict) -> IPAsset:
    """Register an asset. An applicant's asset always belongs to its own organisation."""
    require(by, "outcomes.add_ipasset")
    values = clean_values(values)
    if not allowed(by, "outcomes.change_ipasset_owner"):
        values["owner"] = by.organisation
    _check_duplicate(values)
    asset = IPAsset(**values)
    return _guard(lambda: create_audited(asset, by=by, clause=CLAUSE))


def update_ip_asset(*, asset: IPAsset, by, changes: dict) -> IPAsset:
    require(by, "outcomes.change_ipasset", asset)
    changes = dict(changes)
    if not allowed(by, "outcomes.change_ipasset_owner"):
        if changes.get("owner", asset.owner) != asset.owner:
            raise PermissionDenied("may not move an asset to another organisation")
        changes.pop("owner", None)
    merged = {name: getattr(asset, name) for name in ("kind", "number", "status", "filed_on", "granted_on",
                                                       "expires_on")}
    merged.update(changes)
    cleaned = clean_values(merged)
    changes.update({k: cleaned[k] for k in changes if k in cleaned})
    if "number" in changes or "kind" in changes:
        changes["number"] = cleaned["number"]
    _check_duplicate({**merged, "number": cleaned["number"]}, exclude_pk=asset.pk)
    return _guard(lambda: update_audited(asset, by=by, changes=changes, clause=CLAUSE))

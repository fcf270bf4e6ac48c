from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from minsheng.core import services

# What a request names the record by: the kind of record and the field that identifies it.
KINDS = {
    "problem": ("problems.problem", "tracking_code"),
    "person": ("registry.person", "pk"),
    "organisation": ("registry.organisation", "credit_code"),
    "objection": ("funding.objection", "pk"),
}


class Command(BaseCommand):
    help = ("Erase a record's personal contact details on request (PIPL): the submitter of a livelihood problem "
            "(by tracking code), a person (by id), an organisation's contact person (by credit code) or an "
            "objector (by id). The erasure is recorded in the audit trail, with the reason, not the details.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("identifier", help="tracking code, credit code or id")
        parser.add_argument("--reason", required=True, help="whose request this is and how it reached you")
        parser.add_argument("--by", required=True, help="the user name of the administrator erasing the data")

    def handle(self, *args, kind, identifier, reason, by, **options):
        label, key = KINDS[kind]
        model = apps.get_model(label)
        user = get_user_model()._default_manager.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {by!r}")
        value = identifier.strip()
        if kind == "problem":
            value = value.upper()
        try:
            instance = model._default_manager.get(**{key: value})
        except (model.DoesNotExist, ValueError):
            raise CommandError(f"no {kind} with {key} {identifier!r}") from None
        with translation.override("zh-hans"):
            try:
                erased = services.erase_personal_data(instance, by=user, reason=reason)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            except services.PermissionDenied:
                raise CommandError(f"{by} may not erase personal data (administrators only)") from None
        names = ", ".join(erased) or "nothing left in the record; its audit tokens can no longer be matched"
        self.stdout.write(self.style.SUCCESS(f"{kind} {identifier}: erased {names}"))

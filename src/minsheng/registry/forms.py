"""The registry's forms. They validate and explain; the services (services.py) write."""


from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.identifiers import clean_credit_code, clean_identity_number
from minsheng.core.roles import is_applicant
from minsheng.core.widgets import ORGANISATION, SearchSelect
from minsheng.registry import queries
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)
from minsheng.registry.services import APPLICANT_ORGANISATION_FIELDS

FIRST_YEAR = 1949


class StyledMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the fields that failed."""

    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                if self._errors and name in self._errors:  # never trigger validation from here
                    css += " is-invalid"
                widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        self._style()


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)
    if hasattr(form, "_style"):
        form._style()


def _year_field(label, help_text=""):
    return forms.IntegerField(label=label, required=False, min_value=FIRST_YEAR,
                              max_value=clock.today().year, help_text=help_text)


# --- Organisations --------------------------------------------------------------------------------

ORGANISATION_MESSAGES = {
    "credit_code": {"unique": _("An organisation with this unified social credit code is already registered.")},
    "name_zh": {"unique": _("An organisation with this Chinese name is already registered.")},
}


class OrganisationForm(StyledMixin, forms.ModelForm):
    """What an officer fills in to register or correct an organisation."""

    website = forms.URLField(label=_("website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["credit_code", "name_zh", "name_en", "kind", "size", "district", "address", "contact_name",
                  "contact_phone", "contact_email", "website"]
        error_messages = ORGANISATION_MESSAGES
        help_texts = {"credit_code": _("18 characters, as printed on the business licence.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].required = True
        self._style()

    def clean_credit_code(self):
        value = (self.cleaned_data.get("credit_code") or "").strip().upper().replace(" ", "")
        return clean_credit_code(value)

    def clean_name_zh(self):
        return (self.cleaned_data.get("name_zh") or "").strip()


class OrganisationProfileForm(OrganisationForm):
    """What an applicant may change on its own organisation: not the credit code, not the state, and the
    registered Chinese name only before verification."""

    class Meta(OrganisationForm.Meta):
        fields = ["name_zh", *[f for f in OrganisationForm.Meta.fields if f in APPLICANT_ORGANISATION_FIELDS]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.state == Organisation.State.VERIFIED:
            del self.fields["name_zh"]


class RejectForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The organisation's applicants receive this reason in their notification."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for rejecting, so the organisation can correct it."))
        return reason


# --- People ---------------------------------------------------------------------------------------

class PersonForm(StyledMixin, forms.ModelForm):
    identity_number = forms.CharField(
        label=_("resident identity number"), required=False, max_length=18, min_length=18,
        strip=True, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Checked when you save; only the masked form (region and last four characters) is kept."),
        error_messages={"min_length": _("A resident identity number has 18 characters."),
                        "max_length": _("A resident identity number has 18 characters.")},
    )

    class Meta:
        model = Person
        fields = ["name", "name_en", "identity_number", "gender", "birth_year", "title", "position",
                  "organisation", "email", "phone", "expertise", "domains", "talent_tags", "in_expert_pool"]
        widgets = {"domains": forms.CheckboxSelectMultiple, "talent_tags": forms.CheckboxSelectMultiple,
                   "organisation": SearchSelect(ORGANISATION)}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"] = _year_field(_("year of birth"))
        if self.instance.pk and self.instance.id_number_masked:
            self.fields["identity_number"].help_text = _(
                "On record: %(masked)s. Leave empty to keep it; type the full number to replace it."
            ) % {"masked": self.instance.id_number_masked}
        if user is not None and is_applicant(user):
            # An applicant registers people of its own organisation; the expert pool is the officers'.
            del self.fields["organisation"]
            del self.fields["in_expert_pool"]
        else:
            self.fields["organisation"].queryset = queries.organisation_choices_for(user)
            self.fields["organisation"].required = True
        self._style()

    def clean_identity_number(self):
        value = (self.cleaned_data.get("identity_number") or "").strip().upper()
        if value:
            value = clean_identity_number(value)
        return value

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()


# --- Innovation carriers (M01, M02, M04) ----------------------------------------------------------

class HostedMixin:
    """The host choice: an applicant may pick only its own organisation."""

    def _limit_host(self, user):
        self.fields["host"].queryset = queries.organisation_choices_for(user)
        if user is not None and is_applicant(user):
            self.fields["host"].initial = user.organisation_id
            self.fields["host"].empty_label = None


class CarrierForm(StyledMixin, HostedMixin, forms.ModelForm):
    class Meta:
        model = InnovationCarrier
        fields = ["name_zh", "name_en", "kind", "level", "domain", "host", "approved_year", "governance",
                  "last_evaluation_year", "last_evaluation_grade", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "host": SearchSelect(ORGANISATION)}
        help_texts = {
            "kind": _("S&T infrastructure falls under M01; laboratories and centres under M02."),
            "governance": _("How the carrier is run (M04)."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_year"] = _year_field(_("year approved"))
        self.fields["last_evaluation_year"] = _year_field(_("last evaluated"),
                                                          _("Year of the latest evaluation (M04)."))
        self._limit_host(user)
        self._style()

    def clean_name_zh(self):
        return (self.cleaned_data.get("name_zh") or "").strip()

    def clean(self):
        data = super().clean()
        approved, evaluated = data.get("approved_year"), data.get("last_evaluation_year")
        if approved and evaluated and evaluated < approved:
            self.add_error("last_evaluation_year", _("The evaluation cannot come before the year of approval."))
        if data.get("last_evaluation_grade") and not evaluated:
            self.add_error("last_evaluation_year", _("Give the year of the evaluation whose grade you entered."))
        return data


# --- Service institutions and shared facilities (M03) ---------------------------------------------

class ServiceInstitutionForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = ServiceInstitution
        fields = ["organisation", "service", "level", "domains", "description"]
        widgets = {"domains": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4}),
                   "organisation": SearchSelect(ORGANISATION)}
        error_messages = {"organisation": {
            "unique": _("This organisation is already registered as a service institution.")}}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        free = Q(service_institution__isnull=True)
        if self.instance.pk:
            free |= Q(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = queries.organisation_choices_for(user).filter(free)
        self._style()


class FacilityForm(StyledMixin, HostedMixin, forms.ModelForm):
    class Meta:
        model = SharedFacility
        fields = ["name_zh", "name_en", "kind", "host", "domain", "open_to_public", "booking_contact", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "host": SearchSelect(ORGANISATION)}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_host(user)
        self._style()

    def clean_name_zh(self):
        return (self.cleaned_data.get("name_zh") or "").strip()


# --- Cooperation partners (M22) -------------------------------------------------------------------

class PartnerForm(StyledMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = CooperationPartner
        fields = ["name_zh", "name_en", "region", "country", "kind", "website", "partners_with", "description"]
        widgets = {"partners_with": SearchSelect(ORGANISATION, multiple=True),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners_with"].queryset = queries.organisation_choices_for(user)
        self._style()

    def clean_name_zh(self):
        return (self.cleaned_data.get("name_zh") or "").strip()

    def clean(self):
        data = super().clean()
        region = data.get("region")
        country = (data.get("country") or "").strip()
        if region == CooperationPartner.Region.ABROAD and not country:
            self.add_error("country", _("Give the country of a partner abroad."))
        elif region and region != CooperationPartner.Region.ABROAD:
            data["country"] = ""
        return data


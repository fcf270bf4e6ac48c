"""Forms of the expert pool and conflicts. They validate and explain; services.py writes."""


from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.widgets import PERSON, SearchSelect
from minsheng.policy.models import FocusDirection
from minsheng.registry.forms import StyledMixin, apply_service_errors  # noqa: F401 (used by the views)
from minsheng.registry.models import Organisation, Person
from minsheng.review.models import ExpertProfile

FIRST_YEAR = 1950


class Styled(StyledMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProfileForm(Styled, forms.ModelForm):
    class Meta:
        model = ExpertProfile
        fields = ["domains", "focus_directions", "keywords", "description", "max_load", "willingness"]
        widgets = {
            "domains": forms.CheckboxSelectMultiple,
            "focus_directions": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "description": _("What you have worked on and can judge, in a few sentences. Proposals are matched "
                             "to you by these words."),
            "focus_directions": _("Hold Ctrl (⌘ on a Mac) to choose several."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_directions"].queryset = FocusDirection.objects.select_related("domain")
        self.fields["focus_directions"].label_from_instance = lambda f: f"{f.domain.code} · {f.name}"

    def clean(self):
        data = super().clean()
        domains = set(data.get("domains") or ())
        stray = [f for f in data.get("focus_directions") or () if f.domain not in domains]
        if domains and stray:
            self.add_error("focus_directions", _("Each focus direction must belong to one of the chosen domains: "
                                                 "%(names)s does not.") % {"names": "、".join(f.name for f in stray)})
        return data


def _organisation_by_name_or_code(text: str) -> Organisation | None:
    text = (text or "").strip()
    if not text:
        return None
    return Organisation.objects.filter(Q(name_zh=text) | Q(credit_code=text.upper())).first()


class PastEmployerForm(Styled, forms.Form):
    employer = forms.CharField(label=_("Organisation"), max_length=200,
                               help_text=_("Its full registered name or unified social credit code. An "
                                           "organisation not on the platform is kept by its name."))
    from_year = forms.IntegerField(label=_("From (year)"), min_value=FIRST_YEAR)
    to_year = forms.IntegerField(label=_("To (year)"), min_value=FIRST_YEAR)

    def clean(self):
        data = super().clean()
        this_year = clock.today().year
        if data.get("to_year") and data["to_year"] > this_year:
            self.add_error("to_year", _("The end year cannot be in the future."))
        if data.get("from_year") and data.get("to_year") and data["to_year"] < data["from_year"]:
            self.add_error("to_year", _("The end year cannot be before the start year."))
        data["organisation"] = _organisation_by_name_or_code(data.get("employer", ""))
        return data


class AvailabilityForm(Styled, forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class DeclarationForm(Styled, forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False,
                                   help_text=_("Its full registered name or unified social credit code."))
    application = forms.ModelChoiceField(label=_("Or one application assigned to you"), queryset=None,
                                         required=False)
    reason = forms.CharField(label=_("What is the conflict?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.number} {a.title}"

    def clean(self):
        data = super().clean()
        text = data.get("organisation", "")
        data["organisation"] = _organisation_by_name_or_code(text)
        if text and data["organisation"] is None:
            self.add_error("organisation", _("No registered organisation has this name or credit code."))
        elif not data["organisation"] and not data.get("application"):
            raise ValidationError(_("Name an organisation or choose an application."))
        return data


class InviteForm(Styled, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, widget=SearchSelect(PERSON),
                                    help_text=_("People in the registry who are not yet in the expert pool."))
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (Person.objects.filter(expert_profile__isnull=True)
                                          .select_related("organisation").order_by("name", "pk"))
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.organisation or '—'}）"


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AvoidanceForm(Styled, forms.Form):
    name = forms.CharField(label=_("Expert's full name"), max_length=60)
    organisation = forms.CharField(label=_("Expert's organisation"), max_length=200,
                                   help_text=_("Its full registered name."))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("organisation"):
            person = (Person.objects.filter(name=data["name"].strip(),
                                            organisation__name_zh=data["organisation"].strip())
                      .order_by("pk").first())
            if person is None:
                raise ValidationError(_("No person of this name is registered at this organisation. Check the full "
                                        "name and the organisation's registered name."))
            data["person"] = person
        return data

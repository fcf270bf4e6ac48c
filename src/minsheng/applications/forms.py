"""The forms of an application's sections. They validate and explain; sections.py writes what they cleaned.

Money is typed in 万元 and stored in 元 (core.money.WanField converts). An amount that looks typed in 元 where 万元
is expected is refused with a message proposing the figure the applicant probably meant (core.money.too_large).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application, Attachment, BudgetLine, IPClaim, TeamMember
from minsheng.core import uploads
from minsheng.core.forms import DateInput
from minsheng.core.money import WanField, too_large, wan
from minsheng.core.widgets import PARTNER, PERSON, SearchSelect
from minsheng.engines.keywords import join_keywords
from minsheng.outcomes.models import IPAsset
from minsheng.policy.models import FundingSource
from minsheng.registry.forms import StyledMixin
from minsheng.registry.models import CooperationPartner, Person


class SectionForm(StyledMixin, forms.Form):
    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self._style()


# --- Field sections --------------------------------------------------------------------------------

class SummaryForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "topic", "domain", "focus_direction", "summary", "keywords", "starts_on", "ends_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}), "starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"keywords": _("3 to 5 keywords, separated by commas (，or ,), semicolons (；) or 、; they are "
                                    "saved separated by 、.")}

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        call = application.call
        self.fields["topic"].queryset = call.topics.all()
        self.fields["domain"].queryset = call.domains.all()
        self.fields["focus_direction"].queryset = call.focus_directions.all()
        self._style()

    def clean_keywords(self):
        return join_keywords(self.cleaned_data["keywords"])

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The project must end after it starts."))
        return data


class ObjectivesForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["objectives"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        self._style()


class RouteForm(ObjectivesForm):
    class Meta:
        model = Application
        fields = ["technical_route"]
        widgets = {"technical_route": forms.Textarea(attrs={"rows": 12})}


class IndicatorsForm(StyledMixin, forms.ModelForm):
    revenue = WanField(label=_("Revenue (万元)"))

    class Meta:
        model = Application
        fields = ["expected_patents", "expected_standards", "expected_products", "expected_sites",
                  "expected_people_served"]

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        self.fields["revenue"].initial = wan(application.expected_revenue, exact=True)
        self._style()

    def clean_revenue(self):
        return self.cleaned_data.get("revenue") or Decimal("0")

    def save(self, commit=True):
        self.instance.expected_revenue = self.cleaned_data["revenue"]
        return super().save(commit)


# --- Row sections ----------------------------------------------------------------------------------

class RowForm(StyledMixin, forms.Form):
    """One row of a list section; a row left entirely blank is ignored."""

    def __init__(self, *args, application: Application = None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self._style()


class TeamRowForm(RowForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(), widget=SearchSelect(PERSON))
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER)
    task = forms.CharField(label=_("Task in the project"), max_length=200, required=False)
    time_share = forms.IntegerField(label=_("Time share (%)"), min_value=1, max_value=100, initial=20)

    def __init__(self, *args, application: Application = None, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        field = self.fields["person"]
        field.queryset = team_people(application)
        field.label_from_instance = lambda p: f"{p.name} · {p.organisation.name_zh if p.organisation else ''}"


def team_people(application: Application):
    """The registry's people of the applicant organisation and of its cooperation partners' organisations.

    Partners in the registry are not organisations with people, so the team comes from the applicant's own
    registry only; partner organisations' staff are added by the organisation that employs them.
    """
    return Person.objects.filter(organisation=application.organisation).select_related("organisation")


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        kwargs.setdefault("form_kwargs", {})["application"] = application
        super().__init__(*args, **kwargs)

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class TeamFormSet(BaseRowFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        people = [row["person"].pk for row in rows]
        if len(people) != len(set(people)):
            raise ValidationError(_("Each person can be in the team only once."))
        leads = [row for row in rows if row["role"] == TeamMember.Role.LEAD]
        if len(leads) > 1:
            raise ValidationError(_("The team has %(count)s project leads; there must be exactly one.")
                                  % {"count": len(leads)})


class IPPromisedRowForm(RowForm):
    ip_kind = forms.ChoiceField(label=_("IP kind"), choices=IPAsset.Kind.choices)
    count = forms.IntegerField(label=_("Number promised"), min_value=1, max_value=999, initial=1)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class PartnerRowForm(RowForm):
    partner = forms.ModelChoiceField(label=_("Cooperation partner"), queryset=CooperationPartner.objects.all(),
                                     widget=SearchSelect(PARTNER))
    contribution = forms.CharField(label=_("Contribution"), max_length=300, required=False)


class PartnerFormSet(BaseRowFormSet):
    def clean(self):
        if any(self.errors):
            return
        partners = [row["partner"].pk for row in self.rows()]
        if len(partners) != len(set(partners)):
            raise ValidationError(_("Each partner can be listed only once."))


class MilestoneRowForm(RowForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    deliverable = forms.CharField(label=_("Deliverable"), max_length=300, required=False)

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        app = self.application
        if not (app.starts_on and app.ends_on):
            raise ValidationError(_("Set the project period in the summary section first."))
        if not app.starts_on <= due <= app.ends_on:
            raise ValidationError(_("%(due)s lies outside the project period %(start)s to %(end)s.")
                                  % {"due": due, "start": app.starts_on, "end": app.ends_on})
        return due


def row_formset(form, formset=BaseRowFormSet):
    return forms.formset_factory(form, formset=formset, extra=2, can_delete=True, max_num=60,
                                 validate_max=True)


TeamRows = row_formset(TeamRowForm, TeamFormSet)
PromisedRows = row_formset(IPPromisedRowForm)
PartnerRows = row_formset(PartnerRowForm, PartnerFormSet)
MilestoneRows = row_formset(MilestoneRowForm)


# --- Budget ------------------------------------------------------------------------------------------

class BudgetForm(SectionForm):
    """Expenditure by category and money by source, both in 万元: one field per category and per source."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        lines = {line.category: line for line in application.budget_lines.all()}
        funds = {line.source_id: line for line in application.funding_lines.all()}
        for value, label in BudgetLine.Category.choices:
            line = lines.get(value)
            self.fields[f"budget_{value}"] = WanField(label=label, initial=wan(line.amount, exact=True) if line else "")
            self.fields[f"note_{value}"] = forms.CharField(label=_("Explanation"), max_length=300, required=False,
                                                           initial=line.note if line else "")
        self.sources = list(FundingSource.objects.all())
        for source in self.sources:
            line = funds.get(source.pk)
            self.fields[f"fund_{source.code}"] = WanField(label=source.name,
                                                          initial=wan(line.amount, exact=True) if line else "")
            self.fields[f"provider_{source.code}"] = forms.CharField(
                label=_("Provider"), max_length=200, required=False, initial=line.provider if line else "")
        self._style()

    def category_rows(self):
        return [(self[f"budget_{value}"], self[f"note_{value}"]) for value, _label in BudgetLine.Category.choices]

    def source_rows(self):
        return [(source, self[f"fund_{source.code}"], self[f"provider_{source.code}"]) for source in self.sources]

    def clean(self):
        data = super().clean()
        envelope = self.application.call.budget
        flagged = False
        for name, amount in list(data.items()):
            if name.startswith(("budget_", "fund_")) and amount:
                message = too_large(amount, envelope)
                if message:
                    self.add_error(name, message)
                    flagged = True
        for prefix, label in (("budget_", _("The budget by category")), ("fund_", _("The funding by source"))):
            total = sum((v for k, v in data.items() if k.startswith(prefix) and v), Decimal("0"))
            if not flagged and too_large(total, envelope):
                self.add_error(None, _("%(what)s totals %(total)s 万元, more than the call's whole budget envelope "
                                       "of %(envelope)s 万元. Amounts are entered in 万元 (10,000 yuan).")
                               % {"what": label, "total": wan(total, exact=True),
                                  "envelope": wan(envelope, exact=True)})
        return data

    def budget(self) -> dict[str, tuple[Decimal, str]]:
        return {value: (self.cleaned_data[f"budget_{value}"], self.cleaned_data[f"note_{value}"])
                for value, _label in BudgetLine.Category.choices if self.cleaned_data.get(f"budget_{value}")}

    def funding(self) -> dict:
        return {source: (self.cleaned_data[f"fund_{source.code}"], self.cleaned_data[f"provider_{source.code}"])
                for source in self.sources if self.cleaned_data.get(f"fund_{source.code}")}


# --- IP held -----------------------------------------------------------------------------------------

class IPHeldForm(SectionForm):
    held = forms.ModelMultipleChoiceField(label=_("IP your organisation holds"), queryset=IPAsset.objects.none(),
                                          required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        field = self.fields["held"]
        field.queryset = IPAsset.objects.filter(owner=application.organisation).exclude(status=IPAsset.Status.LAPSED)
        field.initial = [c.asset_id for c in application.ip_claims.all() if c.kind == IPClaim.Kind.HELD]
        field.label_from_instance = (
            lambda a: f"{a.get_kind_display()} · {a.title} ({a.number}, {a.get_status_display()})")
        self._style()


# --- Attachments -----------------------------------------------------------------------------------

class AttachmentForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.OTHER)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG, at most 10 MB"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content_type"] = uploads.checked_content_type(upload)
        return upload


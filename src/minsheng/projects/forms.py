from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import BudgetLine
from minsheng.core.forms import DateInput
from minsheng.core.money import WanField, wan
from minsheng.core.widgets import PARTNER, PERSON, SearchSelect
from minsheng.outcomes.forms import AchievementsField
from minsheng.projects.models import ChangeRequest, MidtermCheck, Termination
from minsheng.registry.models import CooperationPartner, Person


class Styled:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.RadioSelect):
                continue
            field.widget.attrs.setdefault("class", css)


class DecisionForm(Styled, forms.Form):
    comments = forms.CharField(label=_("Comments"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when the report goes back to the organisation."))


class MidtermForm(Styled, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=MidtermCheck.Result.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("Corrective actions"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required for a pass with corrective actions, with their deadline."))
    actions_due_on = forms.DateField(label=_("Corrective actions due"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason for proposing termination"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when the check proposes termination."))


# --- Change requests: one form per kind; each gives the service the proposal as projects/changes.py reads it ---

class _ChangeForm(Styled, forms.Form):
    """The reason every kind asks for; each kind's form adds its fields and `proposal()`, the change as data."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What happened and why the task book must change; the officers decide on "
                                         "it and it stays on the record."))

    def __init__(self, *args, project, book, **kwargs):
        self.project, self.book = project, book
        super().__init__(*args, **kwargs)


class BudgetChangeForm(_ChangeForm):
    source = forms.ChoiceField(label=_("Move money from"))
    target = forms.ChoiceField(label=_("Move it to"), choices=BudgetLine.Category.choices)
    amount = WanField(label=_("Amount (万元)"), required=True)
    field_order = ["source", "target", "amount", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(line.category, f"{line.get_category_display()} · {wan(line.amount)} 万元")
                                         for line in self.book.budget_lines.all()]

    def proposal(self) -> dict:
        data = self.cleaned_data
        return {"from": data["source"], "to": data["target"], "amount": str(data["amount"])}


class ExtensionForm(_ChangeForm):
    ends_on = forms.DateField(label=_("New end date"), widget=DateInput())
    field_order = ["ends_on", "reason"]

    def proposal(self) -> dict:
        return {"ends_on": self.cleaned_data["ends_on"].isoformat()}


class IndicatorChangeForm(_ChangeForm):
    code = forms.ChoiceField(label=_("Indicator"))
    target = forms.DecimalField(label=_("New target"), min_value=0, max_digits=16, decimal_places=2)
    field_order = ["code", "target", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(i.code, f"{i.name} · {i.target.normalize()} {i.unit}")
                                       for i in self.book.indicators.all()]

    def proposal(self) -> dict:
        return {"code": self.cleaned_data["code"], "target": str(self.cleaned_data["target"])}


class TeamChangeForm(_ChangeForm):
    replace = forms.ChoiceField(label=_("Team member leaving"))
    person = forms.ModelChoiceField(label=_("Newcomer (from the registry)"), queryset=Person.objects.none(),
                                    widget=SearchSelect(PERSON))
    field_order = ["replace", "person", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replace"].choices = [(m.get("name"), f"{m.get('name')} · {m.get('role', '')}")
                                          for m in self.book.team]
        self.fields["person"].queryset = Person.objects.filter(
            organisation_id=self.project.organisation_id).order_by("name")

    def proposal(self) -> dict:
        return {"replace": self.cleaned_data["replace"], "person": self.cleaned_data["person"].pk}


class PartnerChangeForm(_ChangeForm):
    remove = forms.ChoiceField(label=_("Partner leaving"), required=False)
    add = forms.ModelChoiceField(label=_("Partner joining (from the registry)"), required=False,
                                 queryset=CooperationPartner.objects.order_by("region", "name_zh"),
                                 widget=SearchSelect(PARTNER))
    contribution = forms.CharField(label=_("The joining partner's contribution"), required=False, max_length=300)
    field_order = ["remove", "add", "contribution", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [("", "—")] + [(str(p.get("partner")), p.get("name", ""))
                                                       for p in self.book.partners]

    def proposal(self) -> dict:
        data = self.cleaned_data
        return {"remove": data["remove"] or None, "add": data["add"].pk if data["add"] else None,
                "contribution": data["contribution"]}


CHANGE_FORMS = {
    ChangeRequest.Kind.BUDGET: BudgetChangeForm,
    ChangeRequest.Kind.EXTENSION: ExtensionForm,
    ChangeRequest.Kind.INDICATOR: IndicatorChangeForm,
    ChangeRequest.Kind.TEAM: TeamChangeForm,
    ChangeRequest.Kind.PARTNER: PartnerChangeForm,
}


class ChangeDecisionForm(Styled, forms.Form):
    comments = forms.CharField(label=_("Comments"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when the change is rejected: the organisation reads it."))


# --- Termination and recovery of funds (终止与经费追回) ---

MISUSED_LINES = 3     # the proposal form's rows for misused amounts


class TerminationRequestForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Why the organisation asks for termination"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(Styled, forms.Form):
    """An officer's proposal (or review of a request): the grounds, the reason and the misused amounts."""

    grounds = forms.ChoiceField(label=_("Grounds"), choices=Termination.Grounds.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, with_reason=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_reason:
            self.fields["reason"].required = False
            self.fields["reason"].label = _("Review")
        for n in range(1, MISUSED_LINES + 1):
            self.fields[f"misused_{n}"] = WanField(label=_("Misused amount %(n)s (万元)") % {"n": n})
            self.fields[f"misused_{n}"].widget.attrs["class"] = "form-control"
            self.fields[f"misused_{n}_reason"] = forms.CharField(
                label=_("Why amount %(n)s counts as misused") % {"n": n}, required=False, max_length=500)
            self.fields[f"misused_{n}_reason"].widget.attrs["class"] = "form-control"

    def misused_rows(self):
        return [(self[f"misused_{n}"], self[f"misused_{n}_reason"]) for n in range(1, MISUSED_LINES + 1)]

    def misused(self):
        """The rows filled in, as (amount in yuan, reason); a reason without an amount counts as an amount of 0,
        which the service refuses by name."""
        lines = []
        for n in range(1, MISUSED_LINES + 1):
            amount, reason = self.cleaned_data.get(f"misused_{n}"), self.cleaned_data.get(f"misused_{n}_reason", "")
            if amount is not None or (reason or "").strip():
                lines.append((amount if amount is not None else Decimal("0"), reason))
        return lines


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ApprovalForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Reason for approving"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Money to be paid back by"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             help_text=_("Required when money is to be paid back."))
    debar_organisation = forms.BooleanField(label=_("Debar the organisation"), required=False)
    debar_lead = forms.BooleanField(label=_("Debar the project lead"), required=False)
    debar_reason = forms.CharField(label=_("Reason for the debarment"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    debar_until = forms.DateField(label=_("Debarred until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("Empty: until lifted"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("debar_organisation", "debar_lead"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class ReceiptForm(Styled, forms.Form):
    amount = WanField(label=_("Amount received (万元)"), required=True)
    received_on = forms.DateField(label=_("Received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=60)


class CitationsForm(forms.Form):
    """The register's achievements of the project a progress report or an acceptance file cites (M18), as
    checkboxes; the service checks each one belongs to the organisation and the project."""

    def __init__(self, project, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievements"] = AchievementsField(project, label=_("Achievements cited from the register"))

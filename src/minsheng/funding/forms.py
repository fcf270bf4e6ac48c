"""Forms of the funding pages. Money is typed in 万元 (WanField) and stored in 元; an amount that looks typed in 元
is refused with the figure probably meant."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core.money import WanField, too_large, wan
from minsheng.policy.models import FundingSource
from minsheng.registry.forms import StyledMixin


class PlanForm(StyledMixin, forms.Form):
    """The grant (万元) and, for a cut, the reason of every line; the plan's notice period.

    Its fields sit in the plan table's rows, beside each line's own co-funding form; forms cannot nest (a browser
    drops the inner one), so every field names its form by the `form` attribute instead of sitting inside it."""

    html_id = "ms-plan-form"

    notice_days = forms.IntegerField(label=_("Notice period (working days)"), min_value=1, max_value=30)

    def __init__(self, *args, plan, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.lines = plan, lines
        self.fields["notice_days"].initial = plan.notice_days
        for line in lines:
            self.fields[f"grant_{line.pk}"] = WanField(label=_("Grant (万元)"), initial=wan(line.grant, exact=True))
            self.fields[f"reason_{line.pk}"] = forms.CharField(label=_("Reason for the cut"), required=False,
                                                               max_length=2000, initial=line.cut_reason)
        self._style()
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id

    def rows(self):
        return [(line, self[f"grant_{line.pk}"], self[f"reason_{line.pk}"]) for line in self.lines]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            amount = data.get(f"grant_{line.pk}")
            message = too_large(amount, self.plan.call.budget) if amount else None
            if message:
                self.add_error(f"grant_{line.pk}", message)
        return data

    def grants(self):
        return {line.pk: (self.cleaned_data.get(f"grant_{line.pk}") or 0, self.cleaned_data.get(f"reason_{line.pk}"))
                for line in self.lines}


class CoFundingForm(StyledMixin, forms.Form):
    source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.none())
    provider = forms.CharField(label=_("Provider"), max_length=200)
    amount = WanField(label=_("Amount (万元)"), required=True)

    def __init__(self, *args, sources, envelope, **kwargs):
        super().__init__(*args, **kwargs)
        self.envelope = envelope
        self.fields["source"].queryset = sources
        self._style()

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError(_("Enter an amount above zero."))
        message = too_large(amount, self.envelope)
        if message:
            raise forms.ValidationError(message)
        return amount


class ReasonForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class HandleForm(StyledMixin, forms.Form):
    handling = forms.CharField(label=_("How it was handled"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    withdraw = forms.BooleanField(label=_("Withdraw the project from the plan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ObjectionForm(StyledMixin, forms.Form):
    """The public objection form of a notice (异议): the contact is required, the project optional."""

    line = forms.TypedChoiceField(label=_("Project"), required=False, coerce=int, empty_value=None)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact = forms.CharField(label=_("Telephone or e-mail"), max_length=200)
    text = forms.CharField(label=_("Your objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("The plan as a whole"))] + [
            (line.pk, f"{line.application.title} · {line.application.organisation.name_zh}") for line in lines]
        self._style()

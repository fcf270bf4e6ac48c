"""Forms of the task book and disbursement pages. Money is typed in 万元 and stored in 元 (core.money.WanField)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import BudgetLine
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.forms import DateInput
from minsheng.core.money import WanField, too_large, wan
from minsheng.registry.forms import StyledMixin


class RevisionForm(StyledMixin, forms.Form):
    """Carries the revision the user read; a change since then is refused by the service."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BudgetForm(RevisionForm):
    def __init__(self, *args, task_book: TaskBook, **kwargs):
        super().__init__(*args, **kwargs)
        amounts = {line.category: line.amount for line in task_book.budget_lines.all()}
        for value, label in BudgetLine.Category.choices:
            self.fields[value] = WanField(label=label, initial=wan(amounts.get(value, 0), exact=True))
        self.fields["revision"].initial = task_book.revision
        self._style()

    def amounts(self) -> dict:
        return {value: self.cleaned_data.get(value) or 0 for value in BudgetLine.Category.values}


class SplitForm(RevisionForm):
    def __init__(self, *args, task_book: TaskBook, **kwargs):
        super().__init__(*args, **kwargs)
        current = {part["condition"]: part["percent"] for part in task_book.split}
        for value, label in Tranche.Condition.choices:
            self.fields[value] = forms.IntegerField(label=label, min_value=0, max_value=100, required=False,
                                                    initial=current.get(value, 0))
        self.fields["revision"].initial = task_book.revision
        self._style()

    def percents(self) -> dict:
        return {value: self.cleaned_data.get(value) or 0 for value in Tranche.Condition.values}


class ReviseForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the new version"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RequestForm(StyledMixin, forms.Form):
    note = forms.CharField(label=_("Basis of the request"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PaymentForm(StyledMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Bank reference"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReturnForm(StyledMixin, forms.Form):
    """Finance sends a requested tranche back to the officer; the reason is required."""

    reason = forms.CharField(label=_("Reason for the return"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ExpenditureForm(StyledMixin, forms.Form):
    """Money spent in one budget category, typed in 万元; an amount over the call's whole envelope is most likely
    元 typed in the 万元 field and is refused with the figure probably meant."""

    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ChoiceField(label=_("Budget category"))
    amount = WanField(label=_("Amount (万元)"), required=True, min_value=Decimal("0.0001"))
    description = forms.CharField(label=_("Spent on"), max_length=300)
    voucher = forms.CharField(label=_("Voucher reference"), max_length=60, required=False)

    def __init__(self, *args, project, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.envelope = project.call.budget
        self.fields["category"].choices = categories
        self._style()

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        message = too_large(amount, self.envelope) if amount else None
        if message:
            raise forms.ValidationError(message, code="too_large")
        return amount


class ReverseForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

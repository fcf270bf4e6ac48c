from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core import queries


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    """The filters of the audit trail. Every field is optional; an empty form shows everything."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150,
                            help_text=_("User name, or part of it"))
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80,
                             help_text=_("For example registry.organisation"))
    target_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    target_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    clause = forms.ChoiceField(label=_("Clause"), required=False)
    q = forms.CharField(label=_("Target or reason contains"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["target_type"].choices = everything + queries.target_type_choices()
        self.fields["clause"].choices = everything + [(c, c) for c in queries.clause_codes()]
        for field in self.fields.values():
            kind = "select" if isinstance(field, forms.ChoiceField) else "control"
            field.widget.attrs.setdefault("class", f"form-{kind} form-{kind}-sm")
        self.fields["action"].widget.attrs["list"] = "audit-actions"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        for name in ("actor", "action", "target_id", "q"):
            if name in data:
                data[name] = data[name].strip()
        return data

    def active_filters(self) -> dict:
        """The filters in use, as plain values (what an export records in the audit trail)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in ("", None)}

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core import queries, vocabulary


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def action_choices(codes: list[str]) -> list:
    """The recorded actions grouped by app, in the page's language. The filter matches the beginning of the code,
    so an app's option selects all its actions and a kind of record's option all the actions on it."""
    groups: dict[str, dict] = {}
    for code in sorted(codes):
        app = code.split(".")[0]
        options = groups.setdefault(app, {app: _("All of %(group)s") % {"group": vocabulary.group_label(app) or app}})
        parent = ".".join(code.split(".")[:2])
        parent_label = vocabulary.group_label(parent) if parent != code else None
        if parent_label and parent not in options:
            options[parent] = parent_label
        label = vocabulary.action_text(code)
        options[code] = f"{parent_label} › {label}" if parent_label and parent_label != label else label
    return [(vocabulary.group_label(app) or app, list(options.items())) for app, options in groups.items()]


class ActionPrefixField(forms.ChoiceField):
    """The select of recorded actions, which also takes the beginning of any recorded code (older links)."""

    codes: list[str] = []

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or any(code.startswith(value) for code in self.codes)


class AuditFilterForm(forms.Form):
    """The filters of the audit trail. Every field is optional; an empty form shows everything."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150,
                            help_text=_("User name, or part of it"))
    action = ActionPrefixField(label=pgettext_lazy("audit", "Action"), required=False)
    target_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    target_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    clause = forms.ChoiceField(label=_("Clause"), required=False)
    q = forms.CharField(label=_("Target or reason contains"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["target_type"].choices = everything + queries.target_type_choices()
        self.fields["clause"].choices = everything + [(c, c) for c in queries.clause_codes()]
        codes = queries.recorded_actions()
        self.fields["action"].codes = codes
        self.fields["action"].choices = everything + action_choices(codes)
        for field in self.fields.values():
            kind = "select" if isinstance(field, forms.ChoiceField) else "control"
            field.widget.attrs.setdefault("class", f"form-{kind} form-{kind}-sm")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        for name in ("actor", "target_id", "q"):
            if name in data:
                data[name] = data[name].strip()
        return data

    def active_filters(self) -> dict:
        """The filters in use, as plain values (what an export records in the audit trail)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in ("", None)}

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.projects.models import MidtermCheck


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

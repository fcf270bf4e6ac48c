"""Forms of the formal check: the decision (with one override reason per failed rule) and a comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.checks.models import CheckDecision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=CheckDecision.Decision.choices,
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             help_text=_("Required to return or reject; the applicant reads it."))
    deadline = forms.DateTimeField(label=_("correction deadline"), required=False,
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local",
                                                                     "class": "form-control"}),
                                   help_text=_("Required to return for correction (Beijing time)."))

    def __init__(self, *args, failed_results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_results = list(failed_results)
        for result in self.failed_results:
            self.fields[f"override_{result.pk}"] = forms.CharField(
                label=_("Reason to override %(clause)s %(rule)s") % {"clause": result.clause_code,
                                                                     "rule": result.rule.template.name},
                required=False, max_length=2000, help_text=result.explanation,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def override_fields(self):
        return [self[f"override_{r.pk}"] for r in self.failed_results]

    def overrides(self) -> dict[int, str]:
        return {r.pk: self.cleaned_data.get(f"override_{r.pk}", "") for r in self.failed_results}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

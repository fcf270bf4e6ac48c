"""Forms of the livelihood-problem pages (M05). They validate and explain; services.py writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _

from minsheng.policy.models import Domain
from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from minsheng.registry.forms import StyledMixin


class ProblemForm(StyledMixin, forms.ModelForm):
    """The public form (and the department officer's): contact details are optional."""

    class Meta:
        model = Problem
        fields = list(problems.PUBLIC_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
            "affected": forms.TextInput(attrs={"placeholder": _("e.g. elderly people living alone in old estates")}),
        }
        help_texts = {
            "description": _("What happens, where and how often, and what has been tried. Please leave out other "
                             "people's personal details."),
            "contact_email": _("Optional. If you leave an address, we e-mail you at each step."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].empty_label = _("Not sure")
        self.fields["district"].empty_label = _("Citywide or not sure")
        self.fields["title"].validators.append(MinLengthValidator(4))
        self.fields["description"].validators += [MinLengthValidator(10), MaxLengthValidator(5000)]
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.setdefault("contact_name", user.get_full_name() or user.get_username())
            self.initial.setdefault("contact_email", user.email)


class TrackForm(StyledMixin, forms.Form):
    code = forms.CharField(label=_("tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"placeholder": "MS-2026-K7QM4ZX", "autocomplete": "off"}))

    def clean_code(self):
        return problems.normalise_tracking_code(self.cleaned_data["code"])


class AcceptForm(StyledMixin, forms.Form):
    domain = forms.ModelChoiceField(label=_("domain"), queryset=Domain.objects.all(), required=False,
                                    help_text=_("Tag the problem with its domain if it has none or the wrong one."))
    note = forms.CharField(label=_("note to the submitter"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(StyledMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown to the submitter on the tracking page; write it for the public."))


class MergeForm(StyledMixin, forms.Form):
    into = forms.CharField(label=_("merge into (tracking code)"), max_length=40)
    note = forms.CharField(label=_("note to the submitter"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def clean_into(self):
        code = problems.normalise_tracking_code(self.cleaned_data["into"])
        target = self.scope.filter(tracking_code=code).first() if self.scope is not None else None
        if target is None:
            raise ValidationError(_("No problem you can see has this tracking code."))
        return target


class TopicForm(StyledMixin, forms.Form):
    call = forms.ModelChoiceField(label=_("draft call"), queryset=problems.draft_calls(),
                                  help_text=_("Only calls that are still drafts take new topics."))
    title = forms.CharField(label=_("topic title"), max_length=200)
    description = forms.CharField(label=_("topic description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = problems.draft_calls()
        if problem is not None and not self.is_bound:
            self.initial.setdefault("title", problem.title)
            self.initial.setdefault("description", problem.description)

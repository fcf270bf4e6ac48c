"""Forms of programmes and calls: amounts are typed in 万元 and handed to the services in 元 (core.money.WanField);
rule parameter fields are built from each template's parameter schema. The forms convert and explain; services
decide."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.queries import department_officers
from minsheng.calls import schema
from minsheng.calls.models import Call, Programme, Topic
from minsheng.calls.services import PROBLEM_STATES, CallContent
from minsheng.core.money import WanField, in_wan
from minsheng.policy.models import Department, FocusDirection, RuleTemplate
from minsheng.registry.forms import StyledMixin

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


WAN_HELP = _("In 万元 (ten thousand yuan).")


def wan_field(label):
    """An envelope or a grant, typed in 万元 to the hundred 元 (2 decimals), cleaned to 元."""
    return WanField(label=label, decimal_places=2, required=True, help_text=WAN_HELP)


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)

    def format_value(self, value):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return super().format_value(value)


class DirectionsByDomain(forms.CheckboxSelectMultiple):
    """Each focus direction's box names its domain's box (`data-ms-shown-with`), so the page shows only the
    directions of the domains ticked, updating as they are ticked (static/js/minsheng.js); the service still refuses
    a direction outside the call's domains."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        direction = getattr(value, "instance", None)
        if direction is not None:
            option["attrs"]["data-ms-shown-with"] = f"domains={direction.domain_id}"
        return option


def co_owner_label(department, officers: list) -> str:
    """A department offered as co-owner, with who would act for it, or why it cannot be chosen (M05)."""
    if not officers:
        return _("%(department)s (no active officer on the platform: it cannot co-own a call)") % {
            "department": department.name}
    return _("%(department)s (acting for it: %(names)s)") % {
        "department": department.name, "names": "、".join(o.display_name for o in officers)}


class Styled(StyledMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProgrammeForm(Styled, forms.ModelForm):
    budget_wan = wan_field(_("Budget envelope (万元)"))

    class Meta:
        model = Programme
        fields = ["year", "source", "name_zh", "name_en", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = ["year", "source", "name_zh", "name_en", "budget_wan", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["budget_wan"] = in_wan(self.instance.budget)
        self.fields["year"].widget.attrs.update(min=2000, max=2100)

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["budget"] = self.cleaned_data["budget_wan"]
        return data


class CallForm(Styled, forms.ModelForm):
    budget_wan = wan_field(_("Budget envelope (万元)"))
    max_grant_wan = wan_field(_("Maximum grant per project (万元)"))

    class Meta:
        model = Call
        fields = ["programme", "title_zh", "title_en", "description", "domains", "focus_directions", "funding_mode",
                  "support_type", "cofunding_ratio", "allow_partial_funding", "reviewers_per_proposal",
                  "report_every_months", "midterm_check", "early_acceptance", "opens_at",
                  "closes_at", "review_ends_at", "notice_at", "co_owners"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "domains": forms.CheckboxSelectMultiple,
            "focus_directions": DirectionsByDomain,
            "co_owners": forms.CheckboxSelectMultiple,
            **{name: DateTimeLocal() for name in ("opens_at", "closes_at", "review_ends_at", "notice_at")},
        }
        help_texts = {"opens_at": _("Asia/Shanghai time."),
                      "focus_directions": _("The directions of the domains ticked above are shown."),
                      "co_owners": _("Partner departments that co-own the call (M05): one of their officers may "
                                     "approve it, and each confirms its part of the funding plan.")}

    field_order = ["programme", "title_zh", "title_en", "description", "domains", "focus_directions",
                   "funding_mode", "support_type", "budget_wan", "max_grant_wan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["budget_wan"] = in_wan(self.instance.budget)
            self.initial["max_grant_wan"] = in_wan(self.instance.max_grant)
        self.fields["focus_directions"].queryset = FocusDirection.objects.select_related("domain")
        self.fields["focus_directions"].label_from_instance = lambda d: f"{d.domain.code} {d.name}"
        partners = Department.objects.filter(is_coordinator=False)
        officers = department_officers(partners)
        self.fields["co_owners"].queryset = partners
        self.fields["co_owners"].label_from_instance = lambda d: co_owner_label(d, officers.get(d.pk, []))
        self.fields["programme"].queryset = Programme.objects.select_related("source")
        self.fields["report_every_months"].required = False
        for name in ("opens_at", "closes_at", "review_ends_at", "notice_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def clean_report_every_months(self):
        """Left empty, the call keeps the usual six months (M17)."""
        value = self.cleaned_data.get("report_every_months")
        return Call._meta.get_field("report_every_months").default if value is None else value

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields
                if name not in ("domains", "focus_directions", "co_owners")}
        data["budget"] = self.cleaned_data["budget_wan"]
        data["max_grant"] = self.cleaned_data["max_grant_wan"]
        return data


def _problems():
    """The livelihood problems, read through Topic.problems: the problems app imports calls, not the reverse."""
    return Topic.problems.rel.model.objects


class TopicForm(Styled, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Topic title"), max_length=200)
    description = forms.CharField(label=_("What the topic asks for"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.ModelMultipleChoiceField(label=_("Livelihood problems it answers"), required=False,
                                              queryset=_problems().none(), widget=forms.SelectMultiple(
                                                  attrs={"size": 4}))

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Q(state__in=PROBLEM_STATES)
        if call is not None and call.pk:
            allowed |= Q(topics__call=call)
        self.fields["problems"].queryset = _problems().filter(allowed).select_related("domain").distinct()
        self.fields["problems"].label_from_instance = lambda p: f"{p.tracking_code} {p.title}"


class CriterionForm(Styled, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name_zh = forms.CharField(label=_("Criterion (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Criterion (English)"), max_length=100, required=False)
    description = forms.CharField(label=_("Guidance for reviewers"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 1}))
    weight = forms.DecimalField(label=_("Weight (%)"), min_value=Decimal("0.01"), max_value=Decimal("100"),
                                max_digits=5, decimal_places=2)
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=1000, initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=1000, initial=10)


TopicFormSet = forms.formset_factory(TopicForm, extra=1, can_delete=True, max_num=50, validate_max=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, max_num=20, validate_max=True)


def _param_field(name: str, prop: dict, required: bool):
    label = schema.title(name, prop)
    kind = prop.get("type")
    attrs = {k: prop[k] for k in ("minimum", "maximum") if k in prop}
    widget_attrs = {"min": attrs.get("minimum"), "max": attrs.get("maximum")}
    widget_attrs = {k: v for k, v in widget_attrs.items() if v is not None}
    help_text = prop.get("description", "")
    if kind == "integer":
        return forms.IntegerField(label=label, required=False, help_text=help_text,
                                  widget=forms.NumberInput(attrs=widget_attrs))
    if kind == "number":
        return forms.DecimalField(label=label, required=False, help_text=help_text,
                                  widget=forms.NumberInput(attrs={**widget_attrs, "step": "any"}))
    if kind == "boolean":
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    choices = [(value, schema.label(prop, value)) for value in schema.enum_of(prop)]
    if kind == "array":
        return forms.MultipleChoiceField(label=label, required=False, choices=choices, help_text=help_text,
                                         widget=forms.CheckboxSelectMultiple)
    return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices], help_text=help_text)


class RuleSetForm(Styled, forms.Form):
    """One “use this rule” box per active template, followed by the fields of its parameters. The fields only
    convert; the service checks the parameters against the schema (schema.validate), and its messages land on
    these fields (rule_<code>_<parameter>) together with the rest of the page's problems."""

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = list(RuleTemplate.objects.filter(is_active=True))
        chosen = {rule.template_id: rule.params for rule in call.rules.all()} if call is not None and call.pk else {}
        self.groups = []
        for template in self.templates:
            use = f"rule_{template.code}"
            self.fields[use] = forms.BooleanField(label=template.name, required=False)
            self.initial[use] = template.pk in chosen
            names = []
            for name, prop in schema.properties(template.params_schema).items():
                field_name = f"{use}_{name}"
                self.fields[field_name] = _param_field(name, prop, name in schema.required(template.params_schema))
                params = chosen.get(template.pk, {})
                self.initial[field_name] = params.get(name, prop.get("default"))
                names.append(field_name)
            self.groups.append({"template": template, "use": use, "params": names})
        self._style()

    def group_fields(self):
        return [{"template": g["template"], "use": self[g["use"]], "params": [self[n] for n in g["params"]]}
                for g in self.groups]

    def chosen(self) -> list[tuple]:
        result = []
        for template in self.templates:
            use = f"rule_{template.code}"
            if not self.cleaned_data.get(use):
                continue
            params = {}
            for name, prop in schema.properties(template.params_schema).items():
                value = self.cleaned_data.get(f"{use}_{name}")
                if isinstance(value, Decimal):
                    value = float(value) if value != value.to_integral_value() else int(value)
                if value in (None, "", []) and prop.get("type") != "boolean":
                    continue
                params[name] = value
            result.append((template, params))
        return result


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def call_content(form: CallForm, topics, criteria, ruleset: RuleSetForm, call: Call | None) -> CallContent:
    """The service's input from the edit page's forms; ids of children not on this call are treated as new."""
    topic_ids = set(call.topics.values_list("pk", flat=True)) if call is not None and call.pk else set()
    criterion_ids = set(call.criteria.values_list("pk", flat=True)) if call is not None and call.pk else set()

    def rows(formset, known, names):
        result = []
        for sub in formset.forms:
            data = getattr(sub, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            row = {name: data.get(name) for name in names}
            row["id"] = data.get("id") if data.get("id") in known else None
            result.append(row)
        return result

    topic_rows = rows(topics, topic_ids, ("title", "description", "problems"))
    for row in topic_rows:
        row["problems"] = list(row["problems"] or [])
    return CallContent(
        values=form.values(),
        domains=list(form.cleaned_data["domains"]),
        focus_directions=list(form.cleaned_data["focus_directions"]),
        co_owners=list(form.cleaned_data["co_owners"]),
        topics=topic_rows,
        criteria=rows(criteria, criterion_ids, ("name_zh", "name_en", "description", "weight", "scale_min",
                                                "scale_max")),
        rules=ruleset.chosen(),
    )

"""Administration of the policy catalogue. Every edit, inline rows included, records an audit event."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from minsheng.core import audit
from minsheng.core.admin import AuditedModelAdmin
from minsheng.engines.rule_parameters import EVALUATORS, RuleError, check_schema
from minsheng.policy.models import (
    Clause,
    Department,
    District,
    Domain,
    FocusDirection,
    FundingMode,
    FundingSource,
    PolicyVersion,
    RuleTemplate,
    SupportType,
)


def _action(obj, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def _clause_of(obj) -> str:
    """The clause an edited row belongs to, for the audit event's clause field."""
    if isinstance(obj, Clause):
        return obj.code
    if isinstance(obj, FocusDirection):
        return obj.domain.clause_code
    return getattr(obj, "clause_code", "")


class ClauseCodeForm(forms.ModelForm):
    """Reference rows cite a clause by its id: the id must name a clause that exists."""

    def clean_clause_code(self):
        code = (self.cleaned_data.get("clause_code") or "").strip().upper()
        if not Clause.objects.filter(code=code).exists():
            raise ValidationError(_("There is no clause %(code)s in any policy version (ids run M01 to M24)."),
                                  code="unknown_clause", params={"code": code})
        return code


class PolicyAdmin(AuditedModelAdmin):
    """AuditedModelAdmin with the clause id on every event, extended to the rows edited inline.

    The object's state before the edit is kept on the request (admin instances are shared between
    threads). Django runs the whole change form in one transaction, so the audit events commit or
    roll back with the edit.
    """

    def save_model(self, request, obj, form, change):
        request._policy_audit_before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            obj = form.instance
            before = getattr(request, "_policy_audit_before", None)
            after = audit.snapshot(obj)
            old, new = audit.changes(before, after) if before is not None else (None, after)
            if new:
                audit.record(action=_action(obj, "update" if before is not None else "create"), by=request.user,
                             target=obj, old=old, new=new, reason="admin", clause=_clause_of(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(action=_action(obj, "delete"), by=request.user, target=obj, old=audit.snapshot(obj),
                         reason="admin", clause=_clause_of(obj))
            admin.ModelAdmin.delete_model(self, request, obj)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            before = {}
            for inline_form in formset.initial_forms:
                instance = inline_form.instance
                if instance.pk is None or inline_form in formset.deleted_forms:
                    continue
                if inline_form.has_changed():
                    before[instance.pk] = audit.snapshot(type(instance).objects.get(pk=instance.pk))
            for inline_form in formset.deleted_forms:
                instance = inline_form.instance
                if instance.pk is not None:
                    audit.record(action=_action(instance, "delete"), by=request.user, target=instance,
                                 old=audit.snapshot(instance), reason="admin", clause=_clause_of(instance))
            super().save_formset(request, form, formset, change)
            for instance in formset.new_objects:
                audit.record(action=_action(instance, "create"), by=request.user, target=instance,
                             new=audit.snapshot(instance), reason="admin", clause=_clause_of(instance))
            for instance, _fields in formset.changed_objects:
                old, new = audit.changes(before.get(instance.pk, {}), audit.snapshot(instance))
                if new:
                    audit.record(action=_action(instance, "update"), by=request.user, target=instance,
                                 old=old, new=new, reason="admin", clause=_clause_of(instance))


class ClauseInline(admin.StackedInline):
    model = Clause
    extra = 0
    fields = [("code", "number", "part"), ("title_zh", "title_en"), "text_zh", "asks_en",
              ("platform_zh", "platform_en")]
    show_change_link = True


@admin.register(PolicyVersion)
class PolicyVersionAdmin(PolicyAdmin):
    list_display = ["code", "title_zh", "issuer", "issued_on", "effective_from", "effective_to", "clause_count"]
    search_fields = ["code", "title_zh", "title_en", "issuer"]
    list_filter = ["effective_from"]
    date_hierarchy = "effective_from"
    inlines = [ClauseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_clause_count=Count("clauses"))

    @admin.display(description=_("number of clauses"), ordering="_clause_count")
    def clause_count(self, obj):
        return obj._clause_count


@admin.register(Clause)
class ClauseAdmin(PolicyAdmin):
    list_display = ["code", "title_zh", "title_en", "part", "version_code"]
    list_display_links = ["code", "title_zh"]
    list_filter = ["part", "version"]
    search_fields = ["code", "title_zh", "title_en", "text_zh", "asks_en", "platform_zh", "platform_en"]
    list_select_related = ["version"]
    ordering = ["version", "number"]
    @admin.display(description=_("document number"), ordering="version__code")
    def version_code(self, obj):
        return obj.version.code

    fieldsets = [
        (None, {"fields": ["version", ("code", "number", "part")]}),
        (_("Title"), {"fields": ["title_zh", "title_en"]}),
        (_("Text"), {"fields": ["text_zh", "asks_en"]}),
        (_("What the platform does"), {"fields": ["platform_zh", "platform_en"]}),
    ]


class FocusDirectionInline(admin.TabularInline):
    model = FocusDirection
    extra = 1
    fields = ["order", "name_zh", "name_en"]


@admin.register(Domain)
class DomainAdmin(PolicyAdmin):
    form = ClauseCodeForm
    list_display = ["code", "name_zh", "name_en", "clause_code", "lead_department", "direction_count"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["lead_department"]
    search_fields = ["code", "name_zh", "name_en", "clause_code", "focus_directions__name_zh",
                     "focus_directions__name_en"]
    list_select_related = ["lead_department"]
    inlines = [FocusDirectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_direction_count=Count("focus_directions"))

    @admin.display(description=_("number of focus directions"), ordering="_direction_count")
    def direction_count(self, obj):
        return obj._direction_count


@admin.register(FocusDirection)
class FocusDirectionAdmin(PolicyAdmin):
    list_display = ["name_zh", "name_en", "domain", "order"]
    list_filter = ["domain"]
    search_fields = ["name_zh", "name_en", "domain__code", "domain__name_zh"]
    list_select_related = ["domain"]


@admin.register(Department)
class DepartmentAdmin(PolicyAdmin):
    list_display = ["code", "name_zh", "name_en", "is_coordinator", "order"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["is_coordinator"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(District)
class DistrictAdmin(PolicyAdmin):
    list_display = ["code", "name_zh", "name_en", "division_code", "order"]
    list_display_links = ["code", "name_zh"]
    search_fields = ["code", "name_zh", "name_en", "division_code"]


@admin.register(FundingMode)
class FundingModeAdmin(PolicyAdmin):
    form = ClauseCodeForm
    list_display = ["code", "name_zh", "name_en", "clause_code", "order"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["clause_code"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(SupportType)
class SupportTypeAdmin(PolicyAdmin):
    form = ClauseCodeForm
    list_display = ["code", "name_zh", "name_en", "clause_code", "order"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["clause_code"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(FundingSource)
class FundingSourceAdmin(PolicyAdmin):
    form = ClauseCodeForm
    list_display = ["code", "name_zh", "name_en", "is_government", "clause_code", "order"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["is_government", "clause_code"]
    search_fields = ["code", "name_zh", "name_en"]


class RuleTemplateForm(ClauseCodeForm):
    """A template must have an evaluator, and its schema must stay inside the subset the call edit page reads."""

    def clean_code(self):
        code = self.cleaned_data.get("code", "")
        if code not in EVALUATORS:
            raise ValidationError(_("No rule is programmed for the code “%(code)s”; known codes: %(known)s."),
                                  code="unknown_rule", params={"code": code, "known": ", ".join(sorted(EVALUATORS))})
        return code

    def clean_params_schema(self):
        schema = self.cleaned_data.get("params_schema") or {}
        try:
            check_schema(schema)
        except (RuleError, AttributeError, TypeError) as exc:
            raise ValidationError(_("The parameter schema is not usable: %(error)s"), code="bad_schema",
                                  params={"error": exc}) from exc
        return schema


@admin.register(RuleTemplate)
class RuleTemplateAdmin(PolicyAdmin):
    form = RuleTemplateForm
    list_display = ["code", "name_zh", "name_en", "kind", "clause_code", "is_active", "order"]
    list_display_links = ["code", "name_zh"]
    list_filter = ["kind", "clause_code", "is_active"]
    search_fields = ["code", "name_zh", "name_en", "description_zh", "description_en"]
    fieldsets = [
        (None, {"fields": [("code", "kind", "clause_code"), ("name_zh", "name_en"), ("is_active", "order")]}),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
        (_("Parameters"), {"fields": ["params_schema"]}),
        (_("Explanations"), {"fields": [("pass_zh", "pass_en"), ("fail_zh", "fail_en")]}),
    ]

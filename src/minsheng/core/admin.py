from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from minsheng.core import audit, personal, readable, services, vocabulary
from minsheng.core.models import AuditEvent, OneTimeToken

# Background jobs have their own page in the platform's languages (core/job_views.py, /operations/jobs/); the
# library's English-only admin is not offered beside it.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class ErasePersonalDataMixin:
    """"Erase personal data on request" for every model that declares erasable contact details
    (core/personal.py), offered to those who may erase (the administrator). A page asks for the reason first."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if personal.erasable(self.model) and request.user.has_perm("core.erase_personal_data"):
            actions["erase_personal_data"] = (ErasePersonalDataMixin.erase_personal_data, "erase_personal_data",
                                              gettext_lazy("Erase personal data on request"))
        return actions

    def erase_personal_data(self, request, queryset):
        reason = request.POST.get("erase_reason", "").strip()
        if request.POST.get("erase_confirmed") and reason:
            erased, refused = 0, []
            for obj in queryset:
                try:
                    services.erase_personal_data(obj, by=request.user, reason=reason)
                    erased += 1
                except ValidationError as error:
                    refused.append(f"{obj}: {' '.join(error.messages)}")
            if erased:
                self.message_user(request, _("Personal data erased from %(count)s records; the erasure is in the "
                                             "audit trail.") % {"count": erased}, messages.SUCCESS)
            for line in refused:
                self.message_user(request, line, messages.WARNING)
            return None
        opts = self.model._meta
        fields = [capfirst(opts.get_field(name).verbose_name) for name in personal.fields_of(self.model)]
        return TemplateResponse(request, "admin/core/erase_personal_data.html", {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data on request"),
            "opts": opts,
            "objects": queryset,
            "fields": fields,
            "reason": reason,
            "missing_reason": bool(request.POST.get("erase_confirmed")) and not reason,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


class AuditedModelAdmin(ErasePersonalDataMixin, admin.ModelAdmin):
    """Admin edits are writes like any other: each save and delete records an audit event."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
            super().save_model(request, obj, form, change)
            self._pending = (before, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            before, changed = getattr(self, "_pending", ({}, change))
            after = audit.snapshot(obj)
            old, new = audit.changes(before, after) if changed else (None, after)
            if new:
                verb = "update" if changed else "create"
                audit.record(action=f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}", by=request.user,
                             target=obj, old=old, new=new, reason="admin")

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(action=f"{obj._meta.app_label}.{obj._meta.model_name}.delete", by=request.user,
                         target=obj, old=audit.snapshot(obj), reason="admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyAdmin(ErasePersonalDataMixin, admin.ModelAdmin):
    """To look up, never to change: rows whose every write goes through the app's services (states, four eyes,
    audit events) are not edited behind them in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, even for administrators. Shown as the audit pages show it, so that
    contact details recorded in clear before tokens existed never appear here either."""

    list_display = ["seq", "created_at", "actor_label", "action_name", "target_name", "clause"]
    list_filter = ["clause"]
    search_fields = ["target_label", "actor_label", "action", "reason"]
    fields = ["seq", "created_at", "actor_label", "address", "request_id", "action_name", "target_type",
              "target_id", "target_name", "values", "shown_reason", "clause", "prev_hash", "hash"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("action"))
    def action_name(self, event):
        return vocabulary.action_text(event.action)

    @admin.display(description=gettext_lazy("target"))
    def target_name(self, event):
        return personal.hide(event.target_label)

    @admin.display(description=gettext_lazy("reason"))
    def shown_reason(self, event):
        return personal.hide(event.reason)

    @admin.display(description=gettext_lazy("values"))
    def values(self, event):
        item = readable.read([event])[0]
        return "\n".join(_("%(field)s: %(value)s") % {"field": capfirst(c.label) or "—",
                                                        "value": f"{c.old or '—'} → {c.new or '—'}"}
                         for c in item.changes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OneTimeToken)
class OneTimeTokenAdmin(ReadOnlyAdmin):
    """Which money-moving request each used token recorded: to look up, never to change (core/once.py)."""

    list_display = ["created_at", "user", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["key", "user__username", "target_id"]
    list_select_related = ["user"]

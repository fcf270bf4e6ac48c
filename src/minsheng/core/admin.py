from django.contrib import admin
from django.db import transaction

from minsheng.core import audit
from minsheng.core.models import AuditEvent, OneTimeToken


class AuditedModelAdmin(admin.ModelAdmin):
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


class ReadOnlyAdmin(admin.ModelAdmin):
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
    """Read-only: the trail is append-only, even for administrators."""

    list_display = ["seq", "created_at", "actor_label", "action", "target_label", "clause"]
    list_filter = ["action", "clause"]
    search_fields = ["target_label", "actor_label", "action", "reason"]

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

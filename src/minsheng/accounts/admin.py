from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from minsheng.accounts import second_factor
from minsheng.accounts.models import User
from minsheng.core import audit
from minsheng.core.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Django's user admin, with the role and its scope, and every save recorded in the audit trail."""

    list_display = ["username", "display_name", "email", "role", "organisation", "department", "district",
                    "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "department", "district"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name_zh"]
    list_select_related = ["organisation", "department", "district"]
    raw_id_fields = ["organisation", "person"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("Role and scope"), {
            "fields": ("role", "organisation", "department", "district", "person"),
            "description": _("An applicant belongs to an organisation, a department officer to a department, "
                             "a district officer to a district. An expert's account is linked to a person "
                             "record in the expert pool."),
        }),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Personal details"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("Role and scope"), {"fields": ("role", "organisation", "department", "district", "person")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost authenticator)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        count = sum(second_factor.reset(user, by=request.user, reason="lost authenticator, reset by admin")
                    for user in queryset)
        self.message_user(request, ngettext(
            "%(count)d authenticator removed; its user sets up a new one at the next sign-in.",
            "%(count)d authenticators removed; their users set up new ones at the next sign-in.", count,
        ) % {"count": count})

    @admin.display(description=pgettext_lazy("person", "name"))
    def display_name(self, obj):
        return obj.display_name

    def user_change_password(self, request, id, form_url=""):
        """Django's password page, recorded: who set whose password, never the password itself."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            changed = (request.method == "POST" and response.status_code == 302
                       and response.url != request.get_full_path())
            if changed:
                user = self.get_object(request, unquote(id))
                audit.record(action="accounts.password.set_by_admin", by=request.user, target=user,
                             reason="admin")
        return response

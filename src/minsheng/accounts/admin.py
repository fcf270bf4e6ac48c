from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from minsheng.accounts import second_factor
from minsheng.accounts.models import User
from minsheng.core import audit
from minsheng.core.admin import AuditedModelAdmin


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Give the reason for the reset.")},
        help_text=_("Why the authenticator is reset, e.g. “phone lost, confirmed by telephone with the person”. "
                    "Recorded in the audit trail with your name."))


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Django's user admin, with the role and its scope, and every save recorded in the audit trail."""

    list_display = ["username", "display_name", "email", "role", "organisation", "department", "district",
                    "is_active", "has_second_factor", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "department", "district"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name_zh"]
    list_select_related = ["organisation", "department", "district", "second_factor"]
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
        """Asks for the reason first (it goes into each user's audit event), then removes the authenticators and
        recovery codes: each user sets up a new authenticator at the next sign-in, and a session signed in with
        the old one ends."""
        form = SecondFactorResetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            with transaction.atomic():
                count = sum(second_factor.reset(user, by=request.user, reason=reason) for user in queryset)
            self.message_user(request, ngettext(
                "%(count)d authenticator removed; its user sets up a new one at the next sign-in.",
                "%(count)d authenticators removed; their users set up new ones at the next sign-in.", count,
            ) % {"count": count})
            return None
        return TemplateResponse(request, "admin/accounts/user/reset_second_factor.html", {
            **self.admin_site.each_context(request), "title": _("Reset the second factor"), "opts": self.model._meta,
            "queryset": queryset, "form": form, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.display(description=_("second factor"), boolean=True)
    def has_second_factor(self, obj):
        device = getattr(obj, "second_factor", None)
        return device is not None and device.confirmed_at is not None

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

"""The admin site without a sign-in of its own.

Django's admin has its own login form, which checks the password alone: no second step, no lockout, no rate
limit, no audit event. Here every way into the admin goes through the platform's sign-in instead (the login URL
sends there with `next`, and no admin form ever authenticates), signing out and changing one's password are the
platform's too, and a session that has not passed the second step has no admin permission
(settings.INSTALLED_APPS names accounts.admin_config.AdminConfig, whose default site this is, in place of
django.contrib.admin).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from minsheng.accounts import second_factor


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and second_factor.session_passed(request, request.user)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """Never a form here: to the platform's sign-in, then back to the page that was asked for."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            # Signed in without access to the admin: sending them to sign in would only bring them back here.
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, settings.LOGIN_URL)

    def logout(self, request, extra_context=None):
        from minsheng.accounts.views import LogoutView

        return LogoutView.as_view()(request)

    def password_change(self, request, extra_context=None):
        return redirect("accounts:password_change")

    def password_change_done(self, request, extra_context=None):
        return redirect("accounts:password_change_done")

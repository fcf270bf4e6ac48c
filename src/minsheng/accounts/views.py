from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import FormView

from minsheng.accounts import lockout, queries, second_factor, services
from minsheng.accounts.forms import (
    AccountPasswordChangeForm,
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    LoginForm,
    ProfileForm,
    RecoveryCodesForm,
    RegistrationForm,
    SecondFactorForm,
    locked_message,
)
from minsheng.core import inbox
from minsheng.core.limits import limited
from minsheng.core.middleware import client_address
from minsheng.core.roles import Role

LOGIN_RATE = "30/m"
REGISTER_RATE = "10/h"
RESET_ADDRESS_RATE = "10/h"
RESET_EMAIL_RATE = "3/h"
# At or below this many recovery codes left, each sign-in reminds the user to make new ones.
RECOVERY_CODES_LOW = 3


def address_key(group, request) -> str:
    return client_address(request)


def email_key(group, request) -> str:
    return request.POST.get("email", "").strip().casefold()


def rate_limit(*, group: str, rate: str, key=address_key, method: str = "POST"):
    """Too many requests from one client answer with the platform's 429 page (settings.RATELIMIT_VIEW).

    Counted by core.limits, per address (the sign-in pages are used before anyone is signed in, and the lock-out
    counts addresses too), and only for `method`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == method and limited(request, group, rate, key=key):
                return import_string(settings.RATELIMIT_VIEW)(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@method_decorator(rate_limit(group="accounts.login", rate=LOGIN_RATE), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if second_factor.required_for(user):
            services.note_password_accepted(user=user)
            second_factor.begin(self.request, user, self.get_success_url())
            return redirect("accounts:second_factor")
        services.sign_in(request=self.request, user=user)
        return redirect(self.get_success_url())


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
@rate_limit(group="accounts.login", rate=LOGIN_RATE)
def second_factor_view(request):
    """The second sign-in step: the authenticator's code (or a recovery code), or setting up the authenticator the
    first time, after which the recovery codes are shown once."""
    user = second_factor.pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in with your username and password first."))
        return redirect("accounts:login")
    device = second_factor.device_for(user)
    setting_up = device.confirmed_at is None
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        lock = lockout.current_lock(username=user.get_username(), address=address)
        how = None if lock is not None else second_factor.verify(user, form.cleaned_data["code"])
        if lock is not None:
            services.note_second_factor_failure(user=user, lock=lock, refused_while_locked=True)
            form.add_error(None, locked_message(lock))
        elif how is not None:
            return _second_factor_passed(request, user, how=how, setting_up=setting_up)
        else:
            new_lock = lockout.register_failure(username=user.get_username(), address=address)
            services.note_second_factor_failure(user=user, lock=new_lock)
            form.add_error("code", locked_message(new_lock) if new_lock else _(
                "This code is not correct, or it has already been used. Type the 6 digits your authenticator "
                "shows now, or one of your recovery codes."))
    context = {"form": form, "device": device, "setting_up": setting_up}
    if setting_up:
        context.update(qr=second_factor.qr_svg(device), secret=second_factor.grouped_secret(device))
    return render(request, "accounts/second_factor.html", context)


def _second_factor_passed(request, user, *, how: str, setting_up: bool):
    next_url = second_factor.finish(request) or reverse("accounts:home")
    device = second_factor.confirmed_device(user)
    reason = _("password and recovery code") if how == second_factor.RECOVERY_CODE else _(
        "password and one-time code")
    services.sign_in(request=request, user=user, reason=reason, second_factor_device=device, how=how)
    if setting_up:
        # Shown in this answer only: the codes are kept as digests, never stored or sent anywhere in clear.
        codes = second_factor.make_recovery_codes(user, by=user, reason=_("authenticator set up"))
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url,
                                                                 "first_time": True})
    left = second_factor.recovery_codes_left(user)
    if how == second_factor.RECOVERY_CODE or left <= RECOVERY_CODES_LOW:
        messages.warning(request, ngettext(
            "You have %(count)d recovery code left. Make new ones on the page “Sign-in security”.",
            "You have %(count)d recovery codes left. Make new ones on the page “Sign-in security”.", left,
        ) % {"count": left})
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@sensitive_post_parameters("password")
def security(request):
    """The signed-in user's second factor: when it was set up, the recovery codes left, and a new set of codes
    (the password is asked again, so that an unattended session cannot take them)."""
    if not request.user.has_perm("accounts.change_own_profile"):
        raise PermissionDenied
    device = second_factor.confirmed_device(request.user)
    form = RecoveryCodesForm(request.POST or None, request=request)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = second_factor.make_recovery_codes(request.user, by=request.user,
                                                  reason=_("new recovery codes made by their owner"))
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": reverse(
            "accounts:security"), "first_time": False})
    return render(request, "accounts/security.html", {
        "device": device, "form": form, "codes_left": second_factor.recovery_codes_left(request.user),
        "required": second_factor.required_for(request.user),
    })


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); records the logout before the session ends."""

    def post(self, request, *args, **kwargs):
        services.sign_out(request=request)
        return redirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AccountPasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.change_own_password"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(rate_limit(group="accounts.password_reset", rate=RESET_ADDRESS_RATE), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """The answer is the same page whether or not the e-mail belongs to an account."""

    form_class = AccountPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # One mailbox asking too often gets no more mail, without telling the requester.
        form.throttled = limited(self.request, "accounts.password_reset.email", RESET_EMAIL_RATE, key=email_key)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
@method_decorator(rate_limit(group="accounts.register", rate=REGISTER_RATE), name="dispatch")
class RegisterView(FormView):
    """Self-registration of an applicant organisation and its first user; then signed in."""

    form_class = RegistrationForm
    template_name = "accounts/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.info(request, _("You are already signed in. To register another organisation, sign out first."))
            return redirect("accounts:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            _organisation, user = form.register()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        services.sign_in(request=self.request, user=user, reason=_("after self-registration"))
        messages.success(self.request, _("Your organisation is registered. A programme officer will verify it; "
                                         "until then you can complete its profile and people."))
        return redirect("accounts:home")


@require_GET
@never_cache
@login_required
def home(request):
    """Each role's own home page, built from its scope."""
    if not request.user.has_perm("accounts.view_home"):
        raise PermissionDenied
    role = request.user.role
    context = queries.home_context(request.user)
    # Read once for the request: the menu's group counts use the same rows (core.context_processors).
    waiting = inbox.for_request(request)
    return render(request, f"accounts/home/{role}.html", {"role_label": Role(role).label, "inbox": waiting,
                                                          **context})


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@sensitive_post_parameters("current_password")
def profile(request):
    if not request.user.has_perm("accounts.change_own_profile"):
        raise PermissionDenied
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


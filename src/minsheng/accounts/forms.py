from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from minsheng.accounts import lockout, services
from minsheng.core import mail
from minsheng.core.identifiers import clean_credit_code
from minsheng.core.middleware import client_address
from minsheng.policy.models import District
from minsheng.registry.models import Organisation


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the ones whose field has an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def locked_message(lock: lockout.Lock) -> str:
    minutes = lock.minutes_left
    return ngettext(
        "Too many failed sign-in attempts. Please try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class SecondFactorForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("One-time code"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6 digits your authenticator app shows for Minsheng; they change every 30 seconds. "
                    "Without your phone, type one of your recovery codes instead."))


class RecoveryCodesForm(BootstrapMixin, forms.Form):
    """A new set of recovery codes: the password again, so that a session left open cannot take them. Wrong
    passwords count towards the sign-in lockout, as at the login page."""

    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        username, address = self.user.get_username(), client_address(self.request)
        lock = lockout.current_lock(username=username, address=address)
        if lock is not None:
            services.note_login_failure(username=username, lock=lock, refused_while_locked=True)
            raise ValidationError(locked_message(lock), code="locked")
        if not self.user.check_password(password):
            new_lock = lockout.register_failure(username=username, address=address)
            services.note_login_failure(username=username, lock=new_lock,
                                        what=gettext("wrong password when making new recovery codes"))
            raise ValidationError(locked_message(new_lock) if new_lock else _("The password is not correct."),
                                  code="password_incorrect")
        return password


class LoginForm(BootstrapMixin, AuthenticationForm):
    """Django's login form with the lockout in front of it.

    A wrong password and an unknown username give the same message: Django's ModelBackend runs the
    password hasher once for an unknown username too, so the two also take about the same time.
    A locked username gets the same message whether or not the account exists.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "locked": "",  # built per lock: it says how many minutes are left
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        address = client_address(self.request) if self.request is not None else ""
        lock = lockout.current_lock(username=username, address=address)
        if lock is not None:
            services.note_login_failure(username=username, lock=lock, refused_while_locked=True)
            raise ValidationError(locked_message(lock), code="locked")
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            new_lock = lockout.register_failure(username=username, address=address)
            services.note_login_failure(username=username, lock=new_lock)
            if new_lock is not None:
                raise ValidationError(locked_message(new_lock), code="locked")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AccountPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    def save(self, commit=True):
        services.change_password(user=self.user, password=self.cleaned_data["new_password1"], by=self.user)
        return self.user


class AccountSetPasswordForm(BootstrapMixin, SetPasswordForm):
    def save(self, commit=True):
        services.reset_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class AccountPasswordResetForm(BootstrapMixin, PasswordResetForm):
    """Django's reset form; the mail goes out after the request's audit event is committed.

    `throttled` (set by the view when this e-mail address asked too often) records the request but
    sends nothing; the page shown is the same either way.
    """

    throttled = False

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        users = list(self.get_users(email))
        with transaction.atomic():
            services.request_password_reset(email=email, users=users, throttled=self.throttled)
            if not self.throttled:
                transaction.on_commit(lambda: self._send(users, kwargs))

    def _send(self, users, kwargs):
        # Django's save() looks the users up again; give it exactly the ones recorded above.
        self.get_users = lambda _email: iter(users)
        PasswordResetForm.save(self, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        """Queued as a background job (core.mail) rather than sent inside the request."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        mail.send_later([(subject, render_to_string(email_template_name, context), [to_email])])


def _district_choices():
    return District.objects.order_by("order", "code")


class RegistrationForm(BootstrapMixin, forms.Form):
    """One page: the organisation, then its first applicant user."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=30,
        help_text=_("18 characters, as printed on the business licence or registration certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    name_zh = forms.CharField(label=_("Organisation name (Chinese)"), max_length=200,
                              help_text=_("Exactly as registered, in Chinese."),
                              widget=forms.TextInput(attrs={"placeholder": "深圳市某某科技有限公司"}))
    name_en = forms.CharField(label=_("Organisation name (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Type of organisation"), choices=Organisation.Kind.choices)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(),
                                      empty_label=_("Choose the district"))
    address = forms.CharField(label=_("Address"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False,
                                     help_text=_("Leave empty to use your own e-mail address."))

    last_name = forms.CharField(label=_("Family name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; you sign in with it."),
        validators=[get_user_model().username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username"}))
    email = forms.EmailField(label=_("Your e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Your phone"), max_length=30, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    organisation_fields = ["credit_code", "name_zh", "name_en", "kind", "district", "address", "contact_name",
                           "contact_phone", "contact_email"]
    user_fields = ["last_name", "first_name", "username", "email", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _district_choices()

    def clean_credit_code(self):
        # Says which check failed: length, characters, or the check character.
        code = clean_credit_code(self.cleaned_data["credit_code"].strip().upper())
        self._conflict("credit_code", credit_code=code)
        return code

    def clean_name_zh(self):
        name = self.cleaned_data["name_zh"].strip()
        self._conflict("name_zh", name_zh=name)
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        self._conflict("email", email=email)
        return email

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self._conflict("username", username=username)
        return username

    def _conflict(self, field, **value):
        message = services.registration_conflicts(**value).get(field)
        if message:
            raise ValidationError(message, code="taken")

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords are not the same."),
                                                        code="password_mismatch"))
        elif password2:
            probe = get_user_model()(username=cleaned.get("username", ""), email=cleaned.get("email", ""),
                                     first_name=cleaned.get("first_name", ""),
                                     last_name=cleaned.get("last_name", ""))
            try:
                password_validation.validate_password(password2, probe)
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned

    def register(self):
        """Create the organisation and the user; field errors from the service land on this form."""
        data = self.cleaned_data
        return services.register_organisation(
            credit_code=data["credit_code"], name_zh=data["name_zh"], name_en=data["name_en"], kind=data["kind"],
            district=data["district"], address=data["address"], contact_name=data["contact_name"],
            contact_phone=data["contact_phone"], contact_email=data["contact_email"], username=data["username"],
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"], phone=data["phone"],
            password=data["password1"],
        )


class ProfileForm(BootstrapMixin, forms.Form):
    last_name = forms.CharField(label=_("Family name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    current_password = forms.CharField(
        label=_("Current password"), strip=False, required=False,
        help_text=_("Needed only to change the e-mail address, which password resets are sent to."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {
            "last_name": user.last_name, "first_name": user.first_name, "email": user.email, "phone": user.phone,
        })
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(_("This e-mail address is already used by another account."), code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and email.casefold() != self.user.email.casefold() and not self.user.check_password(
                cleaned.get("current_password") or ""):
            self.add_error("current_password", ValidationError(
                _("Enter your current password to change the e-mail address."), code="password_needed"))
        return cleaned

    def save(self, *, by):
        data = self.cleaned_data
        return services.update_profile(user=self.user, by=by, first_name=data["first_name"],
                                       last_name=data["last_name"], email=data["email"], phone=data["phone"])

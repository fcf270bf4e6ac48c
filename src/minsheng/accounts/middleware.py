from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from minsheng.accounts import second_factor, services

# The API answers a session it ended as it answers anyone not signed in (DRF's 403), rather than with a redirect
# to a sign-in page a script cannot use.
API_PREFIX = "/api/"


class SecondFactorMiddleware:
    """No page for a signed-in session whose role needs the second sign-in step until the session has passed it.

    The platform's login never signs such a user in before the step; this is the second line, for any other way a
    session could come to hold the user: a login form other than the platform's, a session from before the step
    was required, a role changed while signed in, or an authenticator reset since (second_factor.session_passed).
    Such a session is ended, recorded, and sent to sign in again, whatever URL it asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor.session_passed(request, user):
            return self.get_response(request)
        services.end_session_without_second_factor(request=request, user=user)
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        messages.warning(request, _("Your role needs the second sign-in step, and this session had not passed it. "
                                    "Please sign in again."))
        # Back to the page after signing in; a form's POST cannot be replayed, so then to the home page.
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "", settings.LOGIN_URL)

"""Permission rows for the accounts pages: sign-in, registration, passwords, home pages, my account."""

from tests.factories import PASSWORD
from tests.permissions.spec import ALL_SIGNED_IN, NOT_ALLOWED, OK, REDIRECT, Row, everyone, only

# Pages for visitors who are not signed in: a signed-in user is sent to the home page instead.
VISITORS_ONLY = only(ALL_SIGNED_IN, ok=REDIRECT, anonymous=OK)
SIGNED_IN = only(ALL_SIGNED_IN)  # anonymous visitors are sent to the login page


def _login(password):
    return lambda world: {"username": world.users["officer"].username, "password": password}


def _bogus_reset_link(world):
    return {"uidb64": "MQ", "token": "not-a-valid-token"}


ROWS = [
    Row("accounts:login", VISITORS_ONLY),
    Row("accounts:login", VISITORS_ONLY, method="POST", data=_login("not-the-password"), note="wrong password"),
    Row("accounts:login", everyone(REDIRECT), method="POST", data=_login(PASSWORD), note="right password"),
    # Without a password step first, the second step sends everyone to sign in.
    Row("accounts:second_factor", everyone(REDIRECT)),
    Row("accounts:second_factor", everyone(REDIRECT), method="POST", data=lambda world: {"code": "123456"},
        note="no pending sign-in"),
    Row("accounts:second_factor", everyone(NOT_ALLOWED), method="DELETE", note="not a form method"),
    Row("accounts:logout", everyone(REDIRECT), method="POST"),
    Row("accounts:logout", everyone(NOT_ALLOWED), note="GET"),
    Row("accounts:register", VISITORS_ONLY),
    Row("accounts:register", VISITORS_ONLY, method="POST", data=lambda world: {}, note="empty form"),
    Row("accounts:home", SIGNED_IN),
    Row("accounts:home", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    Row("accounts:profile", SIGNED_IN),
    Row("accounts:profile", SIGNED_IN, method="POST", data=lambda world: {}, note="empty form"),
    Row("accounts:profile", everyone(NOT_ALLOWED), method="DELETE", note="not a form method"),
    Row("accounts:security", SIGNED_IN),
    Row("accounts:security", SIGNED_IN, method="POST", data=lambda world: {}, note="no password: nothing made"),
    Row("accounts:security", everyone(NOT_ALLOWED), method="DELETE", note="not a form method"),
    Row("accounts:password_change", SIGNED_IN),
    Row("accounts:password_change", SIGNED_IN, method="POST", data=lambda world: {}, note="empty form"),
    Row("accounts:password_change_done", SIGNED_IN),
    Row("accounts:password_reset", everyone()),
    Row("accounts:password_reset", everyone(REDIRECT), method="POST",
        data=lambda world: {"email": "nobody@example.cn"}, note="unknown e-mail"),
    Row("accounts:password_reset_done", everyone()),
    Row("accounts:password_reset_confirm", everyone(), kwargs=_bogus_reset_link, note="invalid link"),
    Row("accounts:password_reset_complete", everyone()),
]

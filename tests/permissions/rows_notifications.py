"""Notifications: every signed-in person reads and marks only their own; anyone else's answers 404."""

from minsheng.core.roles import Role
from tests.permissions.spec import ALL_SIGNED_IN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, only

APPLICANT = str(Role.APPLICANT)


def extend_world(world):
    from minsheng.notifications import services

    applicant = world.users[APPLICANT]
    services.notify([applicant], "registry.organisation_decision", "贵单位已通过审核（权限表）", "正文",
                    target=world.org_own, url=f"/registry/organisations/{world.org_own.pk}/")
    world.notification_own = applicant.notifications.filter(subject="贵单位已通过审核（权限表）").latest("pk")


def own(world):
    return {"pk": world.notification_own.pk}


def api(roles, **overrides):
    return only(roles, anonymous=403, **overrides)


# Only the applicant holds the notification: for every other role it is someone else's.
OTHERS_404 = {str(role): NOT_FOUND for role in Role if str(role) != APPLICANT}

ROWS = [
    Row("notifications:list", only(ALL_SIGNED_IN)),
    Row("notifications:list", only(ALL_SIGNED_IN), query="?kind=registry.organisation_decision&unread=yes",
        note="filtered"),
    Row("notifications:list", only(ALL_SIGNED_IN, ok=NOT_ALLOWED, denied=NOT_ALLOWED, anonymous=NOT_ALLOWED),
        method="POST", note="read-only"),
    Row("notifications:read_all", only(ALL_SIGNED_IN, ok=REDIRECT), method="POST", data=lambda w: {}),
    Row("notifications:preferences", only(ALL_SIGNED_IN)),
    Row("notifications:preferences", only(ALL_SIGNED_IN, ok=REDIRECT), method="POST",
        data=lambda w: {"registry.organisation_decision": "on"}),
    Row("notifications:read", only(ALL_SIGNED_IN, ok=REDIRECT, **OTHERS_404), kwargs=own, method="POST",
        data=lambda w: {}),
    Row("notifications:read", only(ALL_SIGNED_IN, ok=NOT_ALLOWED, denied=NOT_ALLOWED, anonymous=NOT_ALLOWED),
        kwargs=own, note="GET is refused"),
    Row("notifications:open", only(ALL_SIGNED_IN, ok=REDIRECT, **OTHERS_404), kwargs=own),
    Row("notifications-notification-list", api(ALL_SIGNED_IN)),
    Row("notifications-notification-detail", api(ALL_SIGNED_IN, ok=OK, **OTHERS_404), kwargs=own),
    Row("notifications-notification-read", api(ALL_SIGNED_IN, **OTHERS_404), kwargs=own, method="POST",
        data=lambda w: {}, content_type="application/json"),
    Row("notifications-notification-list", api(ALL_SIGNED_IN, ok=NOT_ALLOWED), method="POST", data=lambda w: {},
        content_type="application/json", note="read-only"),
]

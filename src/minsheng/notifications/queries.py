"""Reads of notifications: always one person's own, newest first."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.core.listing import Filter, Listing
from minsheng.notifications import kinds
from minsheng.notifications.models import Notification


def _kind_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in kinds.choices()]


def _unread_choices() -> list[tuple[str, str]]:
    return [("yes", str(_("Unread"))), ("no", str(_("Read")))]


# `unread`: yes → not read yet, no → read. The list is newest first and has no other order.
LISTING = Listing(
    kind="notifications.notification",
    search=("subject", "body"),
    filters=(
        Filter("kind", _("kind"), "kind", _kind_choices),
        Filter("unread", _("read or not"), "read_at__isnull", _unread_choices, boolean=True),
    ),
    sorts={"created": ("created_at",)},
    default_sort="-created",
    facet="kind",
)


def mine(user) -> QuerySet[Notification]:
    """The person's own notifications; nobody reads another's."""
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return mine(user).filter(read_at__isnull=True).count()

"""Demo notifications, after every other part: the parts before have run the platform's real events (a call's
assignment published, formal checks and projects decided, plans proposed, task books issued, tranches requested
and returned, a department's problems moved along), each of which notified the people it concerns through
`notifications.services.notify`. Here each demo account reads its older notifications, as a person who has been
using the platform would, so that every account with notifications shows read ones and unread ones under the bell.
Idempotent: an account that has read any notification is left as it is."""

from django.contrib.auth import get_user_model

from minsheng.demo.builder import ACCOUNTS
from minsheng.notifications import services
from minsheng.notifications.models import Notification

STEPS = 1


def build(builder) -> None:
    builder.progress(STEPS)
    for user in get_user_model().objects.filter(username__in=[a.username for a in ACCOUNTS]).order_by("pk"):
        mine = Notification.objects.filter(recipient=user)
        if mine.filter(read_at__isnull=False).exists():
            continue
        rows = list(mine.order_by("created_at", "pk"))
        for notification in rows[:len(rows) // 2]:     # the older half read; the newer ones wait under the bell
            services.mark_read(notification, by=user)

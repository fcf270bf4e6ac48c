"""Demo notifications, after every other part: the parts before have run the platform's real events (a call's
assignment published, formal checks and projects decided, plans proposed, task books issued, tranches requested
and returned, a termination with money to recover, a department's problems moved along), each of which notified
the people it concerns through `notifications.services.notify`. Here the organisations registered in the demo
data are announced to the officers who verify them, as a registration would, and the reminders due now are sent,
as the scheduler would. Then each account reads the older half of its notifications, as a person who has
been using the platform would, so that an account with two or more shows read ones and unread ones under the bell.
Idempotent: an account that has read any notification is left as it is."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from minsheng.notifications import reminders, services
from minsheng.notifications.models import Notification
from minsheng.registry.models import Organisation
from minsheng.registry.services import announce_registration

STEPS = 1


def build(builder) -> None:
    builder.progress(STEPS)
    announced = set(Notification.objects.filter(
        kind="registry.organisation_to_verify", target_type=ContentType.objects.get_for_model(Organisation))
        .values_list("target_id", flat=True))
    for organisation in Organisation.objects.filter(state=Organisation.State.PENDING).exclude(pk__in=announced):
        announce_registration(organisation)
    reminders.send_due.call()
    for user in get_user_model().objects.filter(notifications__isnull=False).distinct().order_by("pk"):
        mine = Notification.objects.filter(recipient=user)
        if mine.filter(read_at__isnull=False).exists():
            continue
        rows = list(mine.order_by("created_at", "pk"))
        for notification in rows[:len(rows) // 2]:     # the older half read; the newer ones wait under the bell
            services.mark_read(notification, by=user)

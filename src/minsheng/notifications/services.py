"""Every event that tells a platform user something calls `notify`.

The notifications are rows written in the caller's transaction, so an event that rolls back tells nobody; the
mails are background jobs (core.mail.send_later) queued in the same transaction, so they go out only for an event
that committed, and a mail server that refuses delays the mail (retried) but never loses the notification.
Messages to an address without an account (a citizen's contact e-mail, a password reset) stay mail-only.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from minsheng.core import audit, clock, mail
from minsheng.notifications import kinds
from minsheng.notifications.models import Notification, NotificationPreference


def _mail_choices(users: list, kind: kinds.Kind) -> dict[int, bool]:
    chosen = dict(NotificationPreference.objects.filter(user__in=users, kind=kind.code)
                  .values_list("user_id", "by_mail"))
    return {user.pk: chosen.get(user.pk, kind.by_mail) for user in users}


@transaction.atomic
def notify(recipients: Iterable, kind: str, subject, body, *, target=None, url: str = "", clause: str = "") -> int:
    """Tell each active recipient (users) of one event: a notification each, and a mail job each for those who
    want this kind by mail and have an address. Returns the number of notifications written. The mail's subject
    names the platform (an inbox holds mail from everywhere); the notification, under the platform's own bell, does
    not."""
    info = kinds.get(kind)
    users, seen = [], set()
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    if not users:
        return 0
    subject, body = str(subject), str(body)
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    now = clock.now()
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=info.code, subject=subject[:300], body=body, url=url[:500],
                     target_type=target_type, target_id=target.pk if target is not None else None,
                     clause=clause or info.clause, created_at=now)
        for user in users)
    wants_mail = _mail_choices(users, info)
    mail_subject = prefixed(subject)
    mail.send_later((mail_subject, body, [user.email]) for user in users if wants_mail[user.pk] and user.email)
    return len(users)


def prefixed(subject) -> str:
    """A subject as the platform's mails carry it: "[民生科技平台] …", in the platform's language like the mails."""
    with translation.override(settings.LANGUAGE_CODE):
        return "[" + gettext("Minsheng") + "] " + str(subject)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(notification: Notification, *, by) -> bool:
    """Mark one of the person's own notifications read; returns whether it was unread. Another person's is not
    found (the views answer 404)."""
    changed = Notification.objects.filter(pk=notification.pk, recipient=by, read_at__isnull=True).update(
        read_at=clock.now())
    if changed:
        notification.read_at = clock.now()
    return bool(changed)


def mark_all_read(*, by, kind: str = "") -> int:
    rows = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.update(read_at=clock.now())


@transaction.atomic
def set_preferences(*, by, by_mail: dict[str, bool]) -> list[str]:
    """Record which kinds also come by mail for this person; returns the codes that changed (audited)."""
    current = {kind.code: kind.by_mail for kind in kinds.KINDS}
    current.update(dict(NotificationPreference.objects.select_for_update().filter(user=by)
                        .values_list("kind", "by_mail")))
    changed = {code: bool(value) for code, value in by_mail.items()
               if code in kinds.BY_CODE and current[code] != bool(value)}
    for code, value in changed.items():
        NotificationPreference.objects.update_or_create(user=by, kind=code, defaults={"by_mail": value})
    if changed:
        audit.record(action="notifications.preference.change", by=by, target=by,
                     new={"mail_on": [code for code, value in changed.items() if value],
                          "mail_off": [code for code, value in changed.items() if not value]},
                     reason=gettext("Notification mail preferences changed"))
    return sorted(changed)


def still_visible(notification: Notification, user) -> bool:
    """Whether the person may still open what the notification is about: its target exists and the kind's
    permission allows it now. A notification about nothing in particular (no target) links where it says."""
    info = notification.kind_info
    if notification.target_type_id is None:
        return info is not None
    target = notification.target
    if info is None or target is None:
        return False
    judged = info.judged(target)
    return judged is not None and user.has_perm(info.permission, judged)

"""In-app notifications: one row per person per event, written in the event's own transaction (services.notify)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core import clock
from minsheng.notifications import kinds


class Notification(models.Model):
    """What an event told one person: shown under the bell until read, linked to the object it is about."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(pgettext_lazy("notification", "kind"), max_length=60, choices=kinds.choices)
    subject = models.CharField(pgettext_lazy("notification", "subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.ForeignKey(ContentType, verbose_name=_("about (type)"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    clause = models.CharField(_("clause"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell and the list: a recipient's unread (read_at IS NULL) and all, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_info(self) -> kinds.Kind | None:
        return kinds.BY_CODE.get(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice for one kind: also by mail or not. No row means the kind's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(pgettext_lazy("notification", "kind"), max_length=60, choices=kinds.choices)
    by_mail = models.BooleanField(_("also by e-mail"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.by_mail}"

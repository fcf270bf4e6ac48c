"""The notifications page, the link each notification follows, and the per-kind mail preferences.

Everything is narrowed to the signed-in person's own notifications first: another person's answers 404 and is
left as it was. A link is followed only while the person may still see its object (the kind's `rules`
permission, asked afresh); otherwise the page says it is no longer available and shows nothing of it.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minsheng.core import listing
from minsheng.core.permissions import permission_required
from minsheng.notifications import queries, rules, services  # noqa: F401  (rules registers the permissions)
from minsheng.notifications.forms import PreferencesForm
from minsheng.notifications.models import Notification, NotificationPreference

VIEW = "notifications.view_own"


def _own(request, pk: int) -> Notification:
    notification = queries.mine(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def _back(request) -> str:
    """Where a mark-read POST returns: the list as it was filtered (a path on this site), else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()) and target.startswith("/"):
        return target
    return reverse("notifications:list")


@require_GET
@permission_required(VIEW)
def notification_list(request):
    state = listing.parse(queries.LISTING, request.GET)
    rows = listing.apply(queries.mine(request.user).select_related("target_type"), state, with_counts=True)
    page = listing.page_of(request, rows)
    return render(request, "notifications/list.html", {
        "state": state, "filters": listing.filter_widgets(state), "page_obj": page,
        "unread_here": queries.mine(request.user).filter(read_at__isnull=True).exists(),
    })


@require_POST
@permission_required(VIEW)
def mark_read(request, pk: int):
    services.mark_read(_own(request, pk), by=request.user)
    return redirect(_back(request))


@require_POST
@permission_required(VIEW)
def mark_all_read(request):
    kind = request.POST.get("kind", "")
    count = services.mark_all_read(by=request.user, kind=kind if kind in services.kinds.BY_CODE else "")
    messages.success(request, _("%(n)s notification(s) marked read.") % {"n": count})
    return redirect(_back(request))


@require_GET
@permission_required(VIEW)
def open_notification(request, pk: int):
    """Mark it read and follow its link, if the person may still see what it is about."""
    notification = _own(request, pk)
    services.mark_read(notification, by=request.user)
    if services.still_visible(notification, request.user) and notification.url.startswith("/") \
            and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return render(request, "notifications/unavailable.html", {"notification": notification}, status=410)


@permission_required("notifications.change_own_preferences")
def preferences(request):
    current = dict(NotificationPreference.objects.filter(user=request.user).values_list("kind", "by_mail"))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = services.set_preferences(by=request.user, by_mail=form.cleaned_data)
        messages.success(request, _("Your choices are saved.") if changed else _("Nothing was changed."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})

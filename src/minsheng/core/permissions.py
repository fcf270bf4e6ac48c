"""The permission boundary: the one place that decides whether an actor may do something.

Every permission is a django-rules rule (each app's `rules.py`), asked through `allowed`. A superuser holds no
blanket pass here: the rules name the administrator wherever an administrator acts, so an administrator can never
confirm an organisation's task book or submit its application by being a superuser (the audit trail would name the
wrong author).

Services call `require(by, perm, obj)` before they write. It never skips: work the platform does on its own (the
demo data, management commands) passes the explicit `SYSTEM` actor, and a missing actor (`None`) is refused, so a
forgotten `by=` cannot open a write to everyone.

Pages use `permission_required`; the API uses `ViewPermission`. Both answer as every page of the platform does:
visitors go to the sign-in page (the API answers 403), a role without the permission gets 403, and an object
outside the user's scope gets 404 (the scope query decides, before any object permission is asked).
"""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission


class SystemActor:
    """The platform acting on its own: the demo data builder and management commands.

    It passes every permission and is nobody in the audit trail (no actor, as for the platform's own events), so
    fields naming a person stay empty (`user_of`)."""

    pk = id = None
    organisation_id = department_id = district_id = None
    is_authenticated = False
    is_active = True
    is_superuser = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"

    def get_username(self) -> str:
        return ""


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM


def user_of(actor):
    """The account to store in a `…_by` field: the signed-in user, or None for the platform itself."""
    return actor if getattr(actor, "is_authenticated", False) else None


def allowed(actor, perm: str, obj=None) -> bool:
    """Whether `actor` may `perm` (on `obj`): SYSTEM always, nobody without an actor, everyone else by the rule."""
    if actor is SYSTEM:
        return True
    if actor is None:
        return False
    return rules.has_perm(perm, actor, obj)


def require(actor, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless `actor` may `perm` (on `obj`). There is no actor that skips the check."""
    if not allowed(actor, perm, obj):
        raise PermissionDenied(_("You may not do this."))


def permission_required(perm: str, *, scope=None, lookup: str = "pk", object_perm: str | None = None):
    """A view decorator: the sign-in page for visitors, 403 for a role without `perm`.

    With `scope` (user → queryset) the object named by the URL argument `lookup` is looked up inside the user's
    scope (404 outside it) and passed to the view in its place; `object_perm` is then asked on the object (403).
    """
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, perm):
                raise PermissionDenied(perm)
            if scope is not None:
                queryset = scope(request.user)
                try:
                    obj = queryset.get(pk=kwargs.pop(lookup))
                except (queryset.model.DoesNotExist, ValueError, ValidationError) as error:
                    raise Http404 from error
                if object_perm is not None and not allowed(request.user, object_perm, obj):
                    raise PermissionDenied(object_perm)
                return view(request, obj, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ViewPermission(BasePermission):
    """The API's one permission class: the view names its permission, and the rules decide.

    `permission = "app.perm"` for every request, or `permissions = {"approve": "app.approve", "GET": "app.view",
    "*": "app.view"}` keyed by the viewset action, else the HTTP method, else "*"; a value of None lets anyone in
    (a public endpoint such as lodging an objection). A view naming no permission is closed. With
    `object_permission`, that permission is also asked on each object the view returns (403); the queryset has
    already narrowed to the user's scope (404)."""

    def has_permission(self, request, view) -> bool:
        table = getattr(view, "permissions", None)
        if table is not None:
            action = getattr(view, "action", None)
            key = next((k for k in (action, request.method, "*") if k in table), None)
            if key is None:
                return False
            perm = table[key]
        else:
            perm = getattr(view, "permission", "")
        if perm is None:
            return True
        return bool(perm) and allowed(request.user, perm)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = getattr(view, "object_permission", None)
        return perm is None or allowed(request.user, perm, obj)

"""Every route × every role (quality.md, promise 1). The rows live in rows_<app>.py; see spec.py."""

import importlib
import pkgutil
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import spec

# Routes that Django or a library adds and whose protection is theirs, tested through one representative row.
DELEGATED_PREFIXES = {
    "admin:": "admin:index",  # every admin page requires is_staff; rows_core checks admin:index per role
}


def _row_modules():
    import tests.permissions as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("rows_"):
            yield importlib.import_module(f"tests.permissions.{info.name}")


MODULES = list(_row_modules())
ROWS = [row for module in MODULES for row in module.ROWS]


def _routes(resolver=None, namespace="", prefix=""):
    """(name, pattern) of every named route, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def _api_owners() -> dict[str, str]:
    """API route basename → the app whose api.py registers it."""
    from minsheng.api.urls import router

    return {basename: viewset.__module__.split(".")[1] for _prefix, viewset, basename in router.registry}


def _owner(name: str, api_owners: dict[str, str]) -> str:
    if ":" in name:
        return name.split(":", 1)[0]
    basename = name.rsplit("-", 1)[0]
    return api_owners.get(basename, "core")


def test_every_route_has_a_row():
    covered = {row.route for row in ROWS}
    api_owners = _api_owners()
    missing = defaultdict(set)
    for name, pattern in _routes():
        delegate = next((d for p, d in DELEGATED_PREFIXES.items() if name.startswith(p)), None)
        if name not in covered and (delegate is None or delegate not in covered):
            missing[_owner(name, api_owners)].add(f"{name}  (/{pattern})")
    report = "\n".join(
        f"  tests/permissions/rows_{owner}.py:\n" + "\n".join(f"    {route}" for route in sorted(routes))
        for owner, routes in sorted(missing.items())
    )
    assert not missing, f"routes with no row in the permission matrix (deny by default), by rows file:\n{report}"


def test_every_row_names_a_route():
    names = {name for name, _pattern in _routes()}
    unknown = sorted({row.route for row in ROWS} - names)
    assert not unknown, f"rows for routes that do not exist: {unknown}"


def test_unnamed_routes_are_only_static_or_library():
    unnamed = [str(p.pattern) for p in get_resolver().url_patterns if isinstance(p, URLPattern) and not p.name]
    assert not unnamed, f"give these routes a name so the matrix can cover them: {unnamed}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for all rows, built inside a transaction that is rolled back after the last row.

    Each row runs in the test's own savepoint (the `db` fixture) and each role inside another, so no row
    sees what another row did.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = spec.World()
            for module in MODULES:
                extend = getattr(module, "extend_world", None)
                if extend:
                    extend(built)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_row(row, world, db, client):
    url = reverse(row.route, kwargs=row.kwargs(world) if row.kwargs else None) + row.query
    failures = []
    for role in spec.ROLES:
        cache.clear()  # rate limits must not decide the outcome
        client.logout()
        if role != spec.ANONYMOUS:
            client.force_login(world.users[role])
        with transaction.atomic():
            kwargs = dict(row.extra)
            if row.data:
                kwargs["data"] = row.data(world)
            if row.content_type:
                kwargs["content_type"] = row.content_type
            response = getattr(client, row.method.lower())(url, **kwargs)
            transaction.set_rollback(True)
        if response.status_code != row.expect[role]:
            failures.append(f"{role}: expected {row.expect[role]}, got {response.status_code}")
    assert not failures, f"{row.id} {url}: " + "; ".join(failures)

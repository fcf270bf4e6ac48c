import importlib
import pkgutil

import pytest
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


def _route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_has_a_row():
    covered = {row.route for row in ROWS}
    missing = []
    for name in sorted(set(_route_names())):
        delegate = next((d for p, d in DELEGATED_PREFIXES.items() if name.startswith(p)), None)
        if name not in covered and (delegate is None or delegate not in covered):
            missing.append(name)
    assert not missing, f"routes with no row in the permission matrix: {missing}"


def test_unnamed_routes_are_only_static_or_library():
    unnamed = [str(p.pattern) for p in get_resolver().url_patterns if isinstance(p, URLPattern) and not p.name]
    assert not unnamed, f"give these routes a name so the matrix can cover them: {unnamed}"


@pytest.fixture
def world(db):
    built = spec.World()
    for module in MODULES:
        extend = getattr(module, "extend_world", None)
        if extend:
            extend(built)
    return built


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_row(row, world, client):
    from django.core.cache import cache

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

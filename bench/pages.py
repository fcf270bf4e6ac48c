"""What every list page, detail page and API list costs for each role, at the demo's size and at a city's.

    .venv/bin/python bench/pages.py [--rounds 5] [--city-factor 1]
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages

Builds the demo (`minsheng demo`) in a scratch database (a SQLite file under a scratch MINSHENG_VAR by default; with
--database-url, a test database next to the one named), signs each demo account in with the Django test client
and times, for that role:

- every page without an argument in the URL configuration that answers it (the lists, inboxes and dashboards;
  the API lists under /api/v1/), the admin, exports, downloads and sign-out left out;
- one detail page per kind of detail linked from those pages (the first link of each), the same object at both sizes;
- each search-as-you-type choice of those forms (`?choose=<field>&q=深圳`, core/widgets.py), held to the list target.

Then adds a city's ten years on top (`minsheng demo --scale city`, bulk writes; ANALYZE on PostgreSQL) and times the
same URLs again. Prints per URL and role the p50 and p95 over --rounds requests after one warm-up, the queries of
one request, the growth city/demo of the p95 and the queries, the worst first, and flags those over the targets:
every list p95 under 200 ms, no page over 500 ms. The p95 of 5 requests is their slowest, so a page over a target
at city scale is asked --confirm-rounds times more and judged on the p95 of those (nearest rank: the 19th of 20),
both figures printed. Never passes or fails on time.
"""

import argparse
import gc
import math
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

LIST_TARGET_MS = 200
PAGE_TARGET_MS = 500
LEFT_OUT = re.compile(r"^/(admin|api/(schema|docs)|i18n|healthz|livez|static|media)|export|download|logout|"
                      r"backup|requeue|progress|\.(csv|xlsx|pdf|json|zip)$")
HREF = re.compile(r'href="(/[^"?#]*)"')
SEARCH_SELECT = re.compile(r'data-ms-search-select="(\w+)"')
SEARCHED = "深圳"
LISTS = {"list", "api", "search"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--confirm-rounds", type=int, default=20,
                        help="requests again for a page over a target at city scale (0: judge on --rounds)")
    parser.add_argument("--city-factor", type=float, default=1.0, help="a fraction of the city (a quick run)")
    parser.add_argument("--database-url", help="PostgreSQL server and database name to start from "
                                               "(default: a scratch SQLite file)")
    parser.add_argument("--roles", help="only these demo accounts, comma separated")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="minsheng-bench-pages-"))
    os.environ.setdefault("MINSHENG_VAR", str(scratch))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch / 'minsheng.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    os.environ["SECOND_FACTOR_REQUIRED"] = "0"
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # One client asks hundreds of times a minute: the rate limits would answer instead of the pages.
    settings.RATELIMIT_ENABLE = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    try:
        from minsheng.demo.builder import ACCOUNTS
        accounts = [a for a in ACCOUNTS if not args.roles or a.username in args.roles.split(",")]
        started = time.monotonic()
        call_command("demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"{database}: demo built in {time.monotonic() - started:.0f} s", flush=True)
        analyse(connection)
        urls = {account.username: discover(account.username) for account in accounts}
        settle()
        demo = {account.username: measure(account.username, urls[account.username], args.rounds)
                for account in accounts}
        started = time.monotonic()
        call_command("demo", "--scale", "city", "--city-factor", str(args.city_factor), "--no-progress",
                     stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"{database}: city (factor {args.city_factor:g}) built in {time.monotonic() - started:.0f} s",
              flush=True)
        analyse(connection)
        settle()
        city = {account.username: measure(account.username, urls[account.username], args.rounds)
                for account in accounts}
        if args.confirm_rounds:
            for account in accounts:
                confirm(account.username, city[account.username], args.confirm_rounds)
        report(database, demo, city, args.rounds)
        explain(connection, city)
    finally:
        creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def settle() -> None:
    """Leave what this process made so far out of the garbage collector's full passes, as minsheng/wsgi.py does for
    a server's start-up: a server does not hold the builder's objects, and their scan would time a pause of this
    process rather than the page."""
    gc.collect()
    gc.freeze()


def analyse(connection) -> None:
    """Fresh planner statistics after a bulk load, as an operator runs after `demo --scale city` (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def explain(connection, city: dict, worst: int = 6) -> None:
    """On PostgreSQL, the plan of the slowest query of the slowest lists at city scale: where an index would help."""
    if connection.vendor != "postgresql":
        return
    rows = sorted(((page["p95"], username, path, page["slowest_sql"]) for username, pages in city.items()
                   for path, page in pages.items() if page["kind"] in LISTS and page["slowest_sql"]),
                  reverse=True)[:worst]
    for p95, username, path, sql in rows:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}")
            plan = [line for (line,) in cursor.fetchall()]
        print(f"\n{username} {path} (p95 {p95:.0f} ms), its slowest query:\n  {sql[:300]}")
        print("\n".join(f"    {line}" for line in plan[:12]))


def client_for(username: str):
    from django.test import Client

    from minsheng.demo.builder import PASSWORD

    client = Client()
    if not client.login(username=username, password=PASSWORD):
        raise RuntimeError(f"{username} cannot sign in")
    return client


def _kind(path: str) -> str:
    """api (an API list), form (an empty form or an account page), detail (one object: a number in its path)
    or list (the rest: lists, inboxes, dashboards, a register by kind)."""
    if path.startswith("/api/v1/"):
        return "api"
    if path.startswith("/accounts/") or path.endswith("/new/"):
        return "form"
    return "detail" if any(character.isdigit() for character in path) else "list"


def _no_argument_paths() -> list[str]:
    """Every path of the URL configuration that takes no argument (routes, and the API router's plain regexes)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            piece = str(entry.pattern)
            if not isinstance(entry.pattern, RoutePattern):
                piece = piece.removeprefix("^").removesuffix("$")
                if any(character in piece for character in "()[]?*+\\"):
                    continue
            route = prefix + piece
            if "<" in route:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({path for path in paths if not LEFT_OUT.search(path)})


def discover(username: str) -> dict[str, str]:
    """The role's pages: each argument-free path that answers 200, and the first link to each kind of detail."""
    from django.urls import Resolver404, resolve

    client, found, details = client_for(username), {}, {}
    for path in _no_argument_paths():
        response = client.get(path)
        if response.status_code != 200:
            continue
        found[path] = _kind(path)
        if path.startswith("/api/"):
            continue
        for name in SEARCH_SELECT.findall(response.content.decode(errors="replace")):
            found[f"{path}?choose={name}&q={SEARCHED}"] = "search"
        for link in HREF.findall(response.content.decode(errors="replace")):
            if LEFT_OUT.search(link) or link.startswith("/api/"):
                continue
            try:
                match = resolve(link)
            except Resolver404:
                continue
            if (match.kwargs or match.args) and match.view_name not in details:
                details[match.view_name] = link
    for link in details.values():
        if client.get(link).status_code == 200:
            found[link] = _kind(link)
    return found


def measure(username: str, urls: dict[str, str], rounds: int) -> dict[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, result = client_for(username), {}
    for path, kind in urls.items():
        client.get(path)                           # warm-up: caches, templates
        times = []
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        result[path] = {"kind": kind, "status": response.status_code, "queries": len(queries),
                        "p50": statistics.median(times), "p95": p95(times),
                        "slowest_query": max((float(q["time"]) * 1000 for q in queries.captured_queries), default=0),
                        "slowest_sql": max(queries.captured_queries, key=lambda q: float(q["time"]),
                                           default={"sql": ""})["sql"]}
    return result


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the 95th percentile is the slowest of up to 19 requests, the 19th of 20, the 190th of 200."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def p95(times: list[float]) -> float:
    return percentile(times, 0.95)


def over_targets(page: dict) -> list[str]:
    over = []
    if page["kind"] in LISTS and page["p95"] > LIST_TARGET_MS:
        over.append(f"list p95>{LIST_TARGET_MS}")
    if page["p95"] > PAGE_TARGET_MS:
        over.append(f">{PAGE_TARGET_MS}")
    return over


def confirm(username: str, pages: dict[str, dict], rounds: int) -> None:
    """Ask each page over a target `rounds` times more and judge it on the p95 of those; the first p95 is kept."""
    client = client_for(username)
    for path, page in pages.items():
        if not over_targets(page):
            continue
        client.get(path)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        page.update(screened_p95=page["p95"], p95=p95(times), p50=statistics.median(times), confirm_rounds=rounds)


def report(database: str, demo: dict, city: dict, rounds: int) -> None:
    rows = []
    for username, pages in city.items():
        for path, at_city in pages.items():
            rows.append((at_city["p95"], username, path, demo[username][path], at_city, over_targets(at_city)))
    rows.sort(key=lambda row: -row[0])
    print(f"\n{database}: {len(rows)} pages × roles, {rounds} requests each after a warm-up; ms; "
          f"targets at city scale: list p95 < {LIST_TARGET_MS}, every page < {PAGE_TARGET_MS}")
    print(f"{'role':<17} {'kind':<6} {'path':<48} {'demo p50':>8} {'p95':>6} {'q':>4}   "
          f"{'city p50':>8} {'p95':>6} {'q':>4} {'slowest q':>9}  {'×p95':>5} {'×q':>4}  target")
    for _, username, path, at_demo, at_city, over in rows:
        print(f"{username:<17} {at_city['kind']:<6} {path[:48]:<48} {at_demo['p50']:8.0f} {at_demo['p95']:6.0f} "
              f"{at_demo['queries']:4d}   {at_city['p50']:8.0f} {at_city['p95']:6.0f} {at_city['queries']:4d} "
              f"{at_city['slowest_query']:9.0f}  {at_city['p95'] / max(at_demo['p95'], 0.1):5.1f} "
              f"{at_city['queries'] / max(at_demo['queries'], 1):4.1f}  "
              f"{'MISSED ' + ', '.join(over) if over else 'met'}"
              + (f" (p95 of {rounds}: {at_city['screened_p95']:.0f}; of {at_city['confirm_rounds']} more: "
                 f"{at_city['p95']:.0f})" if "screened_p95" in at_city else ""))
    confirmed = [row for row in rows if "screened_p95" in row[4]]
    if confirmed:
        print(f"\n{database}: {len(confirmed)} over a target after {rounds} requests were asked again; "
              f"{sum(1 for row in confirmed if row[5])} stay over on the p95 of the later requests")
    missed = [row for row in rows if row[5]]
    lists = [row for row in rows if row[4]["kind"] in LISTS]
    print(f"\n{database}: {len(missed)} of {len(rows)} over a target; worst list p95 "
          f"{max((row[0] for row in lists), default=0):.0f} ms, worst page p95 {rows[0][0] if rows else 0:.0f} ms")


if __name__ == "__main__":
    main()

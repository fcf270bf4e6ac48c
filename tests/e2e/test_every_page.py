"""Every page, every role, checked automatically (issue 11): the demo loaded once, then anonymous visitors and each
demo account walk what they can reach on a 390 px phone screen, following the links from their home page and
opening the routes the permission matrix lets them open (with the demo's ids filled in). Each page is checked by
tests/e2e/page_checks.py; the counts are printed and the findings written to test-results/every-page.txt.

Bounded so the walk takes a few minutes: at most PER_PATTERN pages of one URL pattern and PAGE_CAP pages per
account; downloads (PDF, spreadsheets), the API and sign-out are not pages to read.
"""

import io
import re
import time
from collections import Counter, defaultdict, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

from minsheng.demo.builder import PASSWORD
from tests.e2e import page_checks
from tests.e2e.conftest import ARTIFACTS, EVERY_PAGE_COUNTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (account, language): None is the anonymous visitor. The English walk is shorter: its pages share templates with
# the Chinese ones, and what it looks for (Chinese interface text) shows on the first pages of a role.
WALKS = [
    (None, "zh-hans"), ("applicant", "zh-hans"), ("expert", "zh-hans"), ("officer", "zh-hans"),
    ("officer2", "zh-hans"), ("dept_health", "zh-hans"), ("dept_civil", "zh-hans"), ("district_nanshan", "zh-hans"),
    ("finance", "zh-hans"), ("auditor", "zh-hans"), ("admin", "zh-hans"), ("demo_applicant_11", "zh-hans"),
    (None, "en"), ("applicant", "en"), ("officer", "en"), ("expert", "en"), ("finance", "en"),
]
PER_PATTERN = 2
PAGE_CAP = 32
MATRIX_CAP = 16
ENGLISH_PAGE_CAP = 16
WIDTH = 390
# Not pages to read: files, the machine interface, the language and sign-out forms' targets, Django's own admin
# beyond its index (its pages are Django's; the matrix checks the index), static files.
SKIP_PATH = re.compile(r"^/(static|media|api/(?!docs)|i18n|admin/.+)|/accounts/logout/|\.(pdf|xlsx|csv|zip|json)$")
SKIP_QUERY = re.compile(r"(^|&)(format|download)=")
SKIP_VIEW = re.compile(r"(^|[:_])(export|pdf|attachment|logout)$|^(healthz|livez|api-schema)$")


def _pattern(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def _wanted(url: str, origin: str) -> str | None:
    """The same-origin page a link leads to, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if SKIP_PATH.search(parts.path) or SKIP_QUERY.search(parts.query) or SKIP_VIEW.search(_pattern(parts.path)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
KIND_PATTERN = {"int": r"\d+", "slug": r"[-\w]+", "uuid": r"[0-9a-f-]{36}", "path": r".+"}


def _fill(pattern: str, seen: list[str]) -> str | None:
    """A path for a route pattern such as `problems/<int:pk>/history/`, its values taken from a seen path that
    shares the prefix up to the last value (`/problems/43/` → `/problems/43/history/`)."""
    pieces = CONVERTER.split(pattern)
    if len(pieces) == 1:
        return "/" + pattern
    last = pattern.rfind(">") + 1
    regex = "^/" + CONVERTER.sub(lambda m: f"({KIND_PATTERN.get(m['kind'], '[^/]+')})", re.escape(pattern[:last]))
    for path in seen:
        match = re.match(regex, path)
        if match:
            return match.group(0) + pattern[last:]
    return None


def _matrix_paths(role: str, seen: list[str]) -> list[str]:
    """The GET routes the permission matrix lets `role` open, with demo values."""
    from tests.permissions.spec import OK
    from tests.permissions.test_matrix import ROWS, _routes

    patterns = dict(_routes())
    paths = []
    for row in ROWS:
        if row.method != "GET" or row.expect.get(role) != OK or ":" not in row.route or row.route.startswith("admin:"):
            continue
        if SKIP_QUERY.search(row.query.lstrip("?")) or SKIP_VIEW.search(row.route):
            continue
        path = _fill(patterns[row.route], seen)
        if path and not SKIP_PATH.search(path):
            paths.append(path + row.query)
    return paths


class Walk:
    def __init__(self, browser, origin, account, language, role, allowed, seen_everywhere):
        self.origin, self.account, self.language, self.role = origin, account, language, role
        self.allowed, self.seen_everywhere = allowed, seen_everywhere
        self.context = browser.new_context(base_url=origin, locale="zh-CN" if language != "en" else "en-GB",
                                           viewport={"width": WIDTH, "height": 844}, timezone_id="Asia/Shanghai")
        self.context.add_cookies([{"name": "minsheng_language", "value": language, "url": origin}])
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.messages = []
        self.page.on("console", lambda m: self.messages.append((m.text, m.location.get("url")))
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.messages.append((str(exc), None)))
        self.visited, self.findings = [], []
        self.from_matrix = 0
        self.per_pattern = Counter()
        self.cap = ENGLISH_PAGE_CAP if language == "en" else PAGE_CAP

    def sign_in(self):
        if self.account is None:
            return
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=username]", self.account)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form[data-ms-login] button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{self.account} could not sign in"

    def visit(self, path) -> list[str]:
        """Open one page, check it, and return the links on it."""
        self.messages.clear()
        try:
            response = self.page.goto(path)
        except Exception as error:  # a download starting, a page that never loads
            if "Download is starting" in str(error):
                return []
            self.findings.append(("console", path, f"could not open: {str(error).splitlines()[0]}"))
            return []
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return []
        final = urlsplit(self.page.url)
        if final.path.startswith("/accounts/login/") and not path.startswith("/accounts/login/"):
            return []  # sent to sign in: not this role's page
        self.visited.append(path)
        refused = {response.url} if response.status >= 400 else set()
        results = page_checks.check_html(response.text(), self.allowed)
        metrics = self.page.evaluate(page_checks.MEASURE)
        results["sideways scroll"] = page_checks.sideways_scroll(metrics["scrollWidth"], metrics["clientWidth"],
                                                                 metrics["widest"])
        results["console"] = page_checks.console_errors(self.messages, refused)
        for kind, found in results.items():
            self.findings.extend((kind, path, text) for text in found)
        if response.status >= 400:
            return []
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        return [link for link in (_wanted(urljoin(self.page.url, h.split("#")[0]), self.origin) for h in hrefs)
                if link]

    def run(self):
        self.sign_in()
        queue, queued = deque(["/"]), {"/"}
        home = urlsplit(self.page.url).path if self.account else "/"
        if home not in queued:
            queue.appendleft(home)
            queued.add(home)

        def take(paths):
            for link in paths:
                if link not in queued:
                    queued.add(link)
                    queue.append(link)

        def drain(follow=True):
            while queue and len(self.visited) < self.cap:
                path = queue.popleft()
                pattern = _pattern(urlsplit(path).path)
                if self.per_pattern[pattern] >= PER_PATTERN:
                    continue
                self.per_pattern[pattern] += 1
                links = self.visit(path)
                self.seen_everywhere.update(dict.fromkeys(links))
                if follow:
                    take(links)

        drain()
        if self.language != "en":
            # The routes no link led to, that the matrix lets this role open, get their own share of pages.
            queue.clear()
            take(_matrix_paths(self.role, self.seen_everywhere))
            linked = len(self.visited)
            self.cap = linked + MATRIX_CAP
            drain(follow=False)
            self.from_matrix = len(self.visited) - linked
        self.context.close()


def test_every_page_every_role(browser, live_server, request):
    started = time.monotonic()
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    users = get_user_model().objects
    allowed = frozenset(users.values_list("username", flat=True))
    roles = dict(users.values_list("username", "role"))
    seen_everywhere: dict[str, None] = {}  # every link seen by any account, in order: the matrix's demo ids
    walks = []
    for account, language in WALKS:
        walk = Walk(browser, live_server.url, account, language, roles.get(account, "anonymous"), allowed,
                    seen_everywhere)
        walk.run()
        walks.append(walk)

    by_kind = Counter(kind for walk in walks for kind, _path, _text in walk.findings)
    lines = [f"every page, every role: {sum(len(w.visited) for w in walks)} pages in "
             f"{time.monotonic() - started:.0f} s at {WIDTH} px"]
    for walk in walks:
        lines.append(f"  {walk.account or 'anonymous'} ({walk.language}): {len(walk.visited)} pages "
                     f"({walk.from_matrix} from the permission matrix), {len(walk.findings)} findings")
    lines.append("findings by kind: " + ", ".join(f"{kind} {by_kind.get(kind, 0)}" for kind in page_checks.KINDS))
    request.config.stash[EVERY_PAGE_COUNTS] = list(lines)
    details = defaultdict(set)
    for walk in walks:
        for kind, path, text in walk.findings:
            details[(kind, text)].add(f"{walk.account or 'anonymous'}/{walk.language} {path}")
    for (kind, text), where in sorted(details.items()):
        lines.append(f"[{kind}] {text}\n    on {', '.join(sorted(where)[:6])}{' …' if len(where) > 6 else ''}")
    report = "\n".join(lines)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "every-page.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    assert all(walk.visited for walk in walks), "an account reached no page"
    assert not details, f"{len(details)} findings on the pages (test-results/every-page.txt):\n{report}"

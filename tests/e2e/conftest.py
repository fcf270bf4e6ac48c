"""Browser tests: Playwright for Python driving Debian's Chromium (its own browser download is offline-blocked).

Where Chromium is missing the tests are skipped, except when MINSHENG_REQUIRE_BROWSER=1 (CI), where
they fail.
"""

import contextlib
import os
import shutil
import threading
import warnings
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

# Playwright's sync API runs an event loop in the test's thread; the ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
# The every-page check's counts, shown after the run whether it passed or not (pytest hides a passing test's output).
EVERY_PAGE_COUNTS = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(EVERY_PAGE_COUNTS, None)
    if counts:
        terminalreporter.write_sep("=", "every page, every role")
        for line in counts:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make test does)"
        if os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors, refused_forms = [], set()
    page.on("pageerror", lambda exc: errors.append((str(exc), None)))
    page.on("console", lambda msg: errors.append((msg.text, msg.location.get("url"))) if msg.type == "error"
            else None)
    # A form sent back with what is wrong in it (400, 409, 422) is the page working; Chromium still logs the status.
    page.on("response", lambda response: refused_forms.add(response.url) if (
        response.request.is_navigation_request() and response.request.method == "POST"
        and response.status in (400, 409, 422)) else None)
    yield page
    context.close()
    errors = [text for text, url in errors
              if not (text.startswith("Failed to load resource") and url in refused_forms)]
    assert not errors, f"browser console errors: {errors}"


class _ServedRequests:
    """The requests the live server is answering now.

    Pages keep asking after a test's last step (the menu's counts, a job's progress). A request still running
    when the test's teardown changes the schema (the audit triggers, tests/core/append_only.py) or empties the
    tables makes SQLite refuse ("database table is locked") and the next test start on a half-emptied database.
    """

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_none(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout)


SERVED = _ServedRequests()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Before any teardown: keep a failed test's screens, close every browser window so that no page asks
    again, and let the server finish what it is answering."""
    browser = item.funcargs.get("browser")
    if browser is not None:
        failed = getattr(item, "rep_call", None) is not None and item.rep_call.failed
        for number, page in enumerate(page for context in browser.contexts for page in context.pages):
            if failed:
                ARTIFACTS.mkdir(exist_ok=True)
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(ARTIFACTS / f"{item.name}-{number}.png"), full_page=True)
        for context in browser.contexts:
            context.close()
        if not SERVED.wait_until_none(timeout=30):
            warnings.warn(f"{item.name}: the live server was still answering 30 s after the test", stacklevel=1)
    yield


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)

"""Browser tests: Playwright for Python driving Debian's Chromium (its own browser download is offline-blocked).

Where Chromium is missing the tests are skipped, except when MINSHENG_REQUIRE_BROWSER=1 (CI), where
they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

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
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    errors = [text for text, url in errors
              if not (text.startswith("Failed to load resource") and url in refused_forms)]
    assert not errors, f"browser console errors: {errors}"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)

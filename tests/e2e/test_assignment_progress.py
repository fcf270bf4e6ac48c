"""The assignment run in a real browser, on the database queue as in production: the officer clicks Run, sees the
run waiting with its progress bar, the worker (the real `minsheng worker` command) runs it, and the page, which
polls the run's progress by itself, then shows the result; a run that cannot be computed shows its reason. A
large export does the same and ends with its download.

The worker runs in the test's process, once the browser shows the progress: the live server's test database
(in-memory SQLite unless TEST_DATABASE_URL is set) is not reachable from another process.
"""

import pytest
from django.core.signals import setting_changed
from playwright.sync_api import expect

from minsheng.review.models import Assignment, AssignmentRun
from tests.core.test_jobs import run_worker
from tests.e2e.test_foundation import sign_in
from tests.factories.review_work import review_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def settled(page) -> None:
    """Wait until the page's own requests after loading (the menu's counts) are answered: the worker below runs in
    this process, and while it writes, the in-memory test database refuses the live server's reads (503); a server
    on PostgreSQL or on a SQLite file waits for the lock instead."""
    page.wait_for_load_state("networkidle")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def test_the_officer_sees_the_run_progress_then_its_result(page, database_queue):
    from minsheng.engines import text

    text.tokens("预热分词词典")   # load jieba's dictionary before the worker's clock starts
    w = review_world(n_applications=3, n_experts=4, k=2)
    sign_in(page, w.officer.username)
    page.goto(f"/review/assignment/{w.call.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-run]")

    job = page.locator("[data-ms-job]")
    expect(job).to_have_attribute("data-ms-progress-state", "queued")
    expect(job.locator("progress")).to_be_visible()
    expect(job.locator("[data-ms-progress-phase]")).to_have_text("等待开始")
    expect(job).to_contain_text("0 / 4")
    expect(page.locator("[data-ms-run]")).to_be_disabled()
    assert not AssignmentRun.objects.exists()         # the click computed nothing: the run waits for the worker

    settled(page)
    run_worker()

    # The page notices by itself that the run is done and shows its result.
    expect(page.locator("[data-ms-run-summary]")).to_be_visible()
    expect(page.locator("[data-ms-progress-done]")).to_contain_text("每份申报均已分配评审专家")
    expect(page.locator("[data-ms-run]")).to_be_enabled()
    expect(page.locator("[data-ms-progress]")).to_have_count(0)
    assert Assignment.objects.filter(state=Assignment.State.PROPOSED).count() == 6


def test_a_run_that_cannot_be_computed_shows_its_reason(page, database_queue):
    w = review_world(n_applications=2, n_experts=1, k=2)
    sign_in(page, w.officer.username)
    page.goto(f"/review/assignment/{w.call.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-run]")
    expect(page.locator("[data-ms-job] progress")).to_be_visible()

    settled(page)
    run_worker()

    failure = page.locator("[data-ms-progress-failure]")
    expect(failure).to_be_visible()
    expect(failure).to_contain_text("仅有 1 名在库专家")
    expect(page.locator("[data-ms-job] progress")).to_be_hidden()
    assert not AssignmentRun.objects.exists()


def test_a_large_export_shows_its_progress_then_its_download(page, database_queue, settings, tmp_path):
    """The same for a large export: the officer asks for it, follows it, and downloads a real workbook."""
    import io
    from pathlib import Path
    from urllib.parse import urlencode

    from django.urls import reverse
    from openpyxl import load_workbook

    from minsheng.core.roles import Role
    from tests.factories import OrganisationFactory, user_for_role

    settings.EXPORT_JOB_ROWS = 3
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "up")}}}
    for i in range(5):
        OrganisationFactory(name_zh=f"深圳市浏览器导出测试{i}有限公司")
    officer = user_for_role(Role.OFFICER)
    sign_in(page, officer.username)
    page.goto(reverse("registry:organisation_export") + "?" + urlencode({"q": "浏览器导出测试"}))
    expect(page.locator("[data-ms-job] progress")).to_be_visible()
    expect(page.locator("main")).to_contain_text("在后台生成")
    expect(page.locator("[data-ms-export-download]")).to_have_count(0)

    settled(page)
    run_worker()

    download_link = page.locator("[data-ms-export-download]")
    expect(download_link).to_contain_text("5 行")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 6 and "深圳市浏览器导出测试0有限公司" in {cell for row in rows for cell in row}

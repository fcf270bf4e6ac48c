"""Excel exports: officers live in Excel. One way to answer an export, so every export looks and counts the same.

`export_response` is what an export page returns: it counts the request against the export's rate limit
(EXPORT_RATE per caller, core.limits; over it, the 429 page and nothing is read), builds the rows, records the
export as one audit event (an export is a disclosure: who took how many rows out, with which filters) and answers
with the workbook; a large export is written by the worker instead (core/export_jobs.py). `xlsx_bytes` and
`xlsx_response` are the workbook alone, for what is not a disclosure of records.
"""

import io
import itertools
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minsheng.core import audit, clock, export_jobs
from minsheng.core.limits import EXPORT_RATE, limited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        # A leading = or + would be read as a formula by Excel (CSV/formula injection).
        if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
            return "'" + value
        return value
    return str(value)


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence],
               progress: Callable[[int], object] = lambda done: None) -> bytes:
    """The workbook; `progress(n)` is told after each row written (n rows so far)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F2F5")
        cell.alignment = Alignment(vertical="center")
    widths = [len(str(h)) * 2 for h in headers]
    for done, row in enumerate(rows, start=1):
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], min(60, len(str(v)) * 2))
        progress(done)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, width)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename_stem: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]):
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response = HttpResponse(xlsx_bytes(sheet_title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}-{stamp}.xlsx"'
    return response


def export_response(request, *, group: str, action: str, filename: str, title, headers: Sequence, rows,
                    target=None, target_label=None, details: dict | None = None,
                    count: Callable[[list], int] = len, reason="", clause: str = "", rate: str = EXPORT_RATE):
    """The export's workbook, rate-limited and audited.

    - `group`: the rate limit's group ("calls.export"); `rate` defaults to EXPORT_RATE;
    - `rows`: the rows, or a function building them (built only once the limit allowed the request);
    - `action`, `target`, `target_label`, `reason`, `clause`: the audit event; its new values are `details`
      (the filters, …) and "rows", the number of records exported (`count(rows)`, len by default);
    - `filename` (a stamp and .xlsx are added), `title` (the sheet's name), `headers`.

    An export of more than `export_jobs.threshold()` rows is written by the worker: the request reads no further
    than that, queues the job and sends the person to the page where the file is downloaded when ready.
    """
    user = getattr(request, "user", None)
    by = user if user is not None and user.is_authenticated else None
    headers = [str(h) for h in headers]

    def record(rows_count: int, **extra) -> None:
        audit.record(action=action, by=by, target=target, target_label=target_label,
                     new={**(details or {}), "rows": rows_count, **extra}, reason=reason, clause=clause)

    if export_jobs.in_job(request) is not None:     # the worker's replay: counted already when it was asked
        return export_jobs.write(request, filename=filename, title=str(title), headers=headers,
                                 rows=rows() if callable(rows) else rows, count=count,
                                 record=lambda n: record(n, job=export_jobs.in_job(request)))
    if limited(request, group, rate):
        return import_string(settings.RATELIMIT_VIEW)(request)
    limit = export_jobs.threshold()
    table = list(itertools.islice(rows() if callable(rows) else rows, limit + 1))
    if len(table) > limit and by is not None:
        return redirect(export_jobs.page_of(export_jobs.queue(request, action=action, title=title)))
    with transaction.atomic():
        record(count(table))
        return xlsx_response(filename, str(title), headers, table)

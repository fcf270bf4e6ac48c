"""Excel exports: officers live in Excel. One way to answer an export, so every export looks and counts the same.

`export_response` is what an export page returns: it counts the request against the export's rate limit
(EXPORT_RATE per caller, core.limits; over it, the 429 page and nothing is read), builds the rows, records the
export as one audit event (an export is a disclosure: who took how many rows out, with which filters) and answers
with the workbook. `xlsx_bytes`/`xlsx_response` are the workbook alone, for what is not a disclosure of records.
"""

import io
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minsheng.core import audit, clock
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


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F2F5")
        cell.alignment = Alignment(vertical="center")
    widths = [len(str(h)) * 2 for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], min(60, len(str(v)) * 2))
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
    """
    if limited(request, group, rate):
        return import_string(settings.RATELIMIT_VIEW)(request)
    table = list(rows() if callable(rows) else rows)
    user = getattr(request, "user", None)
    by = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        audit.record(action=action, by=by, target=target, target_label=target_label,
                     new={**(details or {}), "rows": count(table)}, reason=reason, clause=clause)
        return xlsx_response(filename, str(title), [str(h) for h in headers], table)

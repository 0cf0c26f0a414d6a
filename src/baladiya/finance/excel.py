"""Excel export of a report (openpyxl): a header block, the columns, the rows and
the totals; amounts stay numbers so the workbook can be summed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from baladiya.finance.selectors import Report


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # Excel has no decimal type; display only
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def report_to_xlsx(report: Report, *, right_to_left: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = report.key[:31]
    ws.sheet_view.rightToLeft = right_to_left
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14)
    for key, value in report.meta.items():
        if key != "truncated":
            ws.append([key, _cell(value)])
    ws.append([])
    ws.append([str(label) for _key, label in report.columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in report.rows:
        ws.append([_cell(row.get(key)) for key, _label in report.columns])
    if report.totals:
        ws.append([_cell(report.totals.get(key, "")) for key, _label in report.columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for column in ws.columns:
        letter = column[0].column_letter
        ws.column_dimensions[letter].width = min(
            45, max(10, *(len(str(c.value or "")) + 2 for c in column[3:]))
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

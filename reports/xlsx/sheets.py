"""What every workbook of the reports shares: number formats, styles and the write-only sheet
helpers (a cell made by `ntm.lib.spreadsheet.safe_cell`, styled before its row is written)."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ntm.lib.spreadsheet import safe_cell

INT = "#,##0"
AVERAGE = "0.00"
PERCENT = "0.0%"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="198754")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WARNING_FONT = Font(bold=True, color="B00020")


def cell_value(value):
    if isinstance(value, Promise):  # lazy translations (choice labels)
        value = str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def fraction(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def new_sheet(wb: Workbook, title: str, widths: Sequence[int], freeze: str) -> Worksheet:
    """A new write-only sheet with its column widths and frozen panes (before any row)."""
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    return ws


def append_row(
    ws: Worksheet,
    values: Iterable,
    formats: Sequence[str | None] = (),
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> None:
    """Append one row of cells, styled and formatted before they are written."""
    cells = []
    for i, value in enumerate(values):
        cell = safe_cell(ws, cell_value(value))
        if i < len(formats) and formats[i]:
            cell.number_format = formats[i]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
            cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    ws.append(cells)


def append_header(ws: Worksheet, titles: Sequence[str]) -> None:
    append_row(ws, titles, font=HEADER_FONT, fill=HEADER_FILL)


def table_sheet(
    wb: Workbook,
    title: str,
    titles: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[Sequence],
    formats: Sequence[str | None],
    *,
    total: Sequence | None = None,
) -> Worksheet:
    """A sheet of `rows` under `titles`, filterable, with a `total` row in bold after them
    (outside the filter: it is not data to filter)."""
    ws = new_sheet(wb, title, widths, "A2")
    append_header(ws, titles)
    for values in rows:
        append_row(ws, values, formats)
    if total is not None:
        append_row(ws, total, formats, font=TOTAL_FONT)
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    return ws

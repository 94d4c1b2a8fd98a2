"""Cells for the workbooks the app writes (reports, import template, export).

openpyxl stores any string starting with "=" as a formula, and Excel evaluates text starting
with = + - @ (also after a leading tab or carriage return) when a user edits the cell: a commune
name or a decision number such as `=HYPERLINK(...)` would run. Every text cell is therefore
written as an explicit string cell, and formula-like text also carries Excel's "quote prefix"
style (the leading apostrophe a user would type), so it stays text when edited. The stored
value is the original text: the importer reads it back unchanged.
"""

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The content type of every workbook the app serves (reports, import template, export).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet could take for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def safe_cell(ws: Worksheet, value: object) -> Cell:
    """A cell for `value` that no spreadsheet runs as a formula (strings are always text), for
    `ws.append` on a sheet in either mode (a write-only cell: its place is set on append)."""
    cell = WriteOnlyCell(ws)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell

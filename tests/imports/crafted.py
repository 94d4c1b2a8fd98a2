"""Workbooks made to hurt a reader (shared by the tests and `make bench`)."""

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Mã xã", "Tên xã", "Năm"] + [f"TC{n}" for n in range(1, 20)]


def _rewrite_sheet(path: Path, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def declared_dimension_workbook(path: Path, empty_rows: int = 16_000) -> Path:
    """A header and one row, a sheet declaring `A1:XFD16001` and `empty_rows` empty rows, each
    spanning every column: a few kilobytes that once took a worker to 1.9 GB."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["06505", "Vạn Linh", 2019] + ["x"] * 19)
    wb.save(path)
    last = 2 + empty_rows

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:XFD{last}"/>', xml)
        rows = "".join(
            f'<row r="{n}" spans="1:16384"><c r="XFD{n}" s="0"/></row>' for n in range(3, last + 1)
        )
        return xml.replace("</sheetData>", rows + "</sheetData>")

    _rewrite_sheet(path, change)
    return path


def many_rows_workbook(path: Path, rows: int = 239_000) -> Path:
    """`rows` data rows (written in streaming mode): past every row cap."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for n in range(rows):
        ws.append([f"{n % 100000:05d}", "", 2019] + ["x"] * 19)
    wb.save(path)
    return path

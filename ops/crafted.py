"""Workbooks made to hurt a reader, the two of issue 11: measured by `make bench`, refused or
read within bounds in tests/imports/test_bounded_reading.py."""

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
    """A header and `rows` data rows of numbers (code, year, 1 for every criterion), written
    straight into the sheet XML: a couple of megabytes, inflating about 50-90 times (under the
    zip-bomb check), past every row cap."""
    wb = Workbook()
    wb.active.append(HEADER)
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    head, tail = parts.pop("xl/worksheets/sheet1.xml").decode().split("</sheetData>")
    head = re.sub(r'<dimension ref="[^"]*"\s*/>', "", head)
    cells = "<c><v>1</v></c>" * 19  # cells without a reference follow the previous one
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            for n in range(2, rows + 2):
                code = 6000 + n % 1000
                fh.write(
                    f'<row r="{n}"><c><v>{code}</v></c><c/><c><v>2019</v></c>{cells}</row>'.encode()
                )
            fh.write(("</sheetData>" + tail).encode())
    return path

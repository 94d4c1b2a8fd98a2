"""Workbooks made to hurt a reader, the two of issue 11: measured by `make bench`, refused or
read within bounds in tests/imports/test_bounded_reading.py."""

import random
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


SST_OPEN = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _parts(path: Path, header: list[str]) -> tuple[dict[str, bytes], str, str]:
    """The parts of a fresh workbook whose first row is `header`, declaring a shared-strings
    part (openpyxl writes its strings inline and no table), and its sheet's XML cut around the
    rows after the header: (parts without the sheet, the XML before, the XML after)."""
    wb = Workbook()
    wb.active.append(header)
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rIdSst"/></Relationships>',
    ).encode()
    head, tail = parts.pop("xl/worksheets/sheet1.xml").decode().split("</sheetData>")
    head = re.sub(r'<dimension ref="[^"]*"\s*/>', "", head)
    return parts, head, "</sheetData>" + tail


def many_shared_strings_workbook(path: Path, strings: int = 10_000_000) -> Path:
    """A header and one row, and a shared-strings table of `strings` entries (issue 24, N2),
    streamed into the zip: 170 MB of XML for 10 million, in a file of about 2 MB (an
    incompressible picture keeps the whole under the zip-bomb ratio). openpyxl builds the whole
    table before the first row is read."""
    parts, head, tail = _parts(path, HEADER)
    row = '<row r="2"><c t="inlineStr"><is><t>06505</t></is></c><c/><c><v>2019</v></c></row>'
    block = b"<si><t>a</t></si>" * 10_000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("xl/worksheets/sheet1.xml", head + row + tail)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(SST_OPEN.encode())
            for start in range(0, strings, 10_000):
                fh.write(block[: min(10_000, strings - start) * 17])
            fh.write(b"</sst>")
        picture = random.Random(24).randbytes(strings * 17 // 90)  # noqa: S311 - filler
        zf.writestr(zipfile.ZipInfo("xl/media/image1.bin"), picture, zipfile.ZIP_STORED)
    return path


def repeated_string_workbook(path: Path, rows: int = 12_000, length: int = 32_767) -> Path:
    """Rows of a commune, a year and a note, every note the same shared string of `length`
    characters (issue 24, N2): a file of some 40 KB that the preview once stored as 385 MB of
    JSON (2.07 GB at the upload, 1.3 GB at each preview)."""
    parts, head, tail = _parts(path, ["Mã xã", "Năm", "Ghi chú"])
    note = ("ghi chú dài " * (length // 12 + 1))[:length]
    parts["xl/sharedStrings.xml"] = f"{SST_OPEN}<si><t>{note}</t></si></sst>".encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            for n in range(2, rows + 2):
                fh.write(
                    f'<row r="{n}"><c t="inlineStr"><is><t>06505</t></is></c><c><v>2019</v></c>'
                    f'<c t="s"><v>0</v></c></row>'.encode()
                )
            fh.write(tail.encode())
    return path


PLAN_HEADER = ["year", "district code", "target_certified", "target_average"]


def plan_rows_workbook(path: Path, rows: int = 100_000, text: str = "") -> Path:
    """A plan workbook (issue 24, N3) of `rows` rows for 2024, the province as a whole; with
    `text`, both targets of every row are that one shared string (a wrong value, quoted in
    every row's errors), else 1 and 1. Such files once ran a worker into its 30 s timeout, or
    drew an error page of 201 MB (1.7 GB at peak)."""
    parts, head, tail = _parts(path, PLAN_HEADER)
    parts["xl/sharedStrings.xml"] = f"{SST_OPEN}<si><t>{text}</t></si></sst>".encode()
    target = '<c t="s"><v>0</v></c>' if text else "<c><v>1</v></c>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            for n in range(2, rows + 2):
                fh.write(f'<row r="{n}"><c><v>2024</v></c><c/>{target}{target}</row>'.encode())
            fh.write(tail.encode())
    return path

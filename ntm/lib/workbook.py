"""Reading an uploaded workbook within bounds: the one hardened reader of the app, used by the
assessment import (`imports.workbook`), the plan import (`plans.services`) and the catalogue
workbook (`criteria.catalogue_workbook`, two sheets found by name).

Checks on the file itself before openpyxl sees it (size, zip structure, zip bomb, encryption),
then the first sheet streamed row by row through openpyxl's own parser: the sheet's declared
`<dimension>` is ignored, only the cells present in the XML are looked at, reading stops at the
first cell past a cap, and `EMPTY_RUN_END` consecutive empty rows end the sheet. What the
columns mean is the caller's business (`build` below). No database access.

What a file may cost is bounded by its `Limits` (issue 24): its size; the shared-strings table,
streamed and refused past a number of entries or of characters before it is built; the rows,
the cells present (rows x the columns each row really has) and the characters of text in the
cells read (a shared string counted at each use, inline strings too), counted as they stream;
the XML of one row and of each part openpyxl parses whole; and a time budget, checked between
chunks of XML and between rows.
"""

import datetime
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser  # private: see _CellParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
# A real workbook inflates 5-30 times; a zip bomb thousands of times.
MAX_INFLATION = 100
# Consecutive empty rows that end a sheet: Excel files often carry formatted empty rows.
EMPTY_RUN_END = 1000
MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# The XML of one row (or of what lies between two rows) that openpyxl's parser may build at
# once: Excel writes some tens of bytes a cell, so 300 cells of long text fit many times over;
# past it a row of a few hundred thousand empty cells would cost hundreds of megabytes.
MAX_ROW_XML = 1024 * 1024
# The parts openpyxl parses whole (content types, workbook, relationships, styles), as declared
# in the zip (zipfile reads no more than declared). openpyxl spends about a millisecond on each
# cell style: a megabyte of styles.xml is some 12,000 styles, seconds of work.
MAX_PART_BYTES = 1024 * 1024
CHUNK = 64 * 1024
ROW_END = b"</row>"

# (row number, {column number from 1: value}, {columns with a formula but no cached value})
RawRow = tuple[int, dict[int, object], set[int]]


@dataclass
class CellError:
    """One problem found in a file. `code` is short and stable ("unknown_commune",
    "value_not_number", "row_cap"): what tests and callers compare; `message` is for people."""

    row: int  # 0 for the file as a whole
    column: str  # the header as written in the file, or "" for a whole row
    message: str
    code: str
    cell: str = ""

    @classmethod
    def from_data(cls, data: dict) -> "CellError":
        # Reports stored before errors had codes (pending uploads live up to a day).
        return cls(**{"code": "", **data})


@dataclass(frozen=True)
class Limits:
    """What reading one workbook may cost; past any of these the file is refused."""

    max_bytes: int  # the file as sent
    max_rows: int  # data rows (row 1 is the header)
    max_columns: int
    max_cells: int  # cells present in the rows read: rows x the columns each row really has
    max_strings: int  # entries of the shared-strings table
    # Characters of text, counted twice over: those of the shared-strings table, and those of
    # the cells read, a shared string counted at each use (what a parsed sheet holds and an
    # upload stores), inline strings too.
    max_chars: int
    seconds: float  # to read the file, from its first check to its last row


class WorkbookError(Exception):
    """The file as a whole cannot be imported (unreadable, over a cap, or the user may not
    import): nothing in it is imported."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_error(self) -> CellError:
        return CellError(row=0, column="", message=self.message, code=self.code)


def check_file(path: Path, max_bytes: int) -> None:
    """Refuse, before openpyxl sees it, a file that is too large, not an xlsx, encrypted, or a
    zip whose declared uncompressed size is out of proportion to its size (zip bomb)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise WorkbookError(
            "file_too_large",
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": f"{size / 1e6:.1f}", "limit": f"{max_bytes / 1e6:.0f}"},
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise WorkbookError(
            "encrypted",
            _(
                "Tệp được đặt mật khẩu (mã hóa) hoặc là tệp .xls cũ: hãy bỏ mật khẩu và lưu lại "
                "dưới dạng Excel .xlsx."
            ),
        )
    if not head.startswith(b"PK"):
        raise WorkbookError("not_xlsx", _("Tệp không phải là bảng tính Excel .xlsx."))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError("damaged", _("Tệp Excel bị hỏng, không đọc được.")) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise WorkbookError("not_xlsx", _("Tệp không phải là bảng tính Excel .xlsx."))
    inflated = sum(info.file_size for info in infos)
    if inflated > max(size, 1) * MAX_INFLATION:
        raise WorkbookError(
            "zip_bomb",
            _(
                "Tệp bị từ chối: dung lượng khi giải nén (%(inflated)s MB) lớn bất thường so với "
                "kích thước tệp."
            )
            % {"inflated": f"{inflated / 1e6:.0f}"},
        )


class Budget:
    """The time a read may take (`Limits.seconds`), checked between chunks and rows."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise WorkbookError(
                "time_budget",
                _(
                    "Đọc tệp mất quá %(n)s giây nên đã dừng: tệp quá lớn hoặc quá phức tạp. "
                    "Hãy chia thành nhiều tệp nhỏ hơn."
                )
                % {"n": f"{self.seconds:g}"},
            )


def read_first_sheet[T](path: Path, *, limits: Limits, build: Callable[[Iterator[RawRow]], T]) -> T:
    """Check the file, then hand the first sheet's rows, streamed, to `build` and return what
    it returns. The reader refuses a file past `limits` (time, shared strings, rows present,
    cells, characters); `build` applies the caps on data rows and columns (`check_columns`,
    `check_row`) and may stop early. Any problem with the file as a whole raises WorkbookError."""
    return _read_sheets(path, limits=limits, builds={None: build})[None]


def read_named_sheets(
    path: Path,
    *,
    limits: Limits,
    builds: dict[str, Callable[[Iterator[RawRow]], object]],
    every_formula: bool = False,
) -> dict[str, object]:
    """`read_first_sheet` for several sheets of one file, found by their names (each handed to
    its `build`), within one time budget. A missing sheet refuses the file ("missing_sheet").
    With `every_formula` a row's formula columns are all its cells holding a formula, with or
    without a cached value: for a file whose cells must be typed values."""
    return _read_sheets(path, limits=limits, builds=builds, every_formula=every_formula)


def _read_sheets(path: Path, *, limits: Limits, builds: dict, every_formula: bool = False) -> dict:
    """Sheets by name (None: the first sheet), each streamed to its build."""
    budget = Budget(limits.seconds)
    check_file(path, limits.max_bytes)
    try:
        reader, members = open_sheets(path, limits=limits, budget=budget)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError("damaged", _("Tệp Excel bị hỏng, không đọc được.")) from exc
    results = {}
    try:
        for name, build in builds.items():
            member = members.get(name)
            if member is None:
                if name is None:
                    raise WorkbookError(
                        "empty_sheet", _("Trang tính đầu tiên trống: cần một dòng tiêu đề.")
                    )
                raise WorkbookError(
                    "missing_sheet", _("Tệp không có trang tính “%(name)s”.") % {"name": name}
                )
            with reader.archive.open(member) as source:
                parser = _CellParser(
                    GuardedXml(source, budget),
                    reader.shared_strings,
                    data_only=True,
                    epoch=reader.wb.epoch,
                    date_formats=reader.wb._date_formats,
                    timedelta_formats=reader.wb._timedelta_formats,
                )
                results[name] = build(
                    xml_rows(parser, limits=limits, budget=budget, every_formula=every_formula)
                )
            check_merged_header(path, member, budget)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError("damaged", _("Tệp Excel bị hỏng, không đọc được.")) from exc
    finally:
        reader.archive.close()
    return results


def open_first_sheet(path: Path, *, limits: Limits, budget: Budget) -> tuple[ExcelReader, str]:
    """openpyxl's reader up to (not including) its worksheets, and the first worksheet's part."""
    reader, members = open_sheets(path, limits=limits, budget=budget)
    if None not in members:
        reader.archive.close()
        raise WorkbookError("empty_sheet", _("Trang tính đầu tiên trống: cần một dòng tiêu đề."))
    return reader, members[None]


def open_sheets(
    path: Path, *, limits: Limits, budget: Budget
) -> tuple[ExcelReader, dict[str | None, str]]:
    """openpyxl's reader up to (not including) its worksheets, and the worksheets' parts by
    sheet name (None: the first worksheet). The archive stays open for the caller to close.
    `load_workbook` is not used: in read-only mode it scans every sheet whole for a
    `<dimension>` when the sheet has none, before a single row is read. Nor is openpyxl's
    reading of the shared strings: it builds the whole table first (10 million entries of a
    2 MB file: 94 s and 1.5 GB); `read_shared_strings` streams it within `limits`."""
    reader = ExcelReader(path, read_only=True, data_only=True)
    archive = reader.archive
    try:
        _bound_parts(archive)
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        reader.shared_strings = []
        if strings is not None:
            budget.check()
            with zipfile.ZipFile.open(archive, strings.PartName[1:]) as source:
                reader.shared_strings = read_shared_strings(source, limits=limits, budget=budget)
        budget.check()
        reader.read_workbook()
        budget.check()
        apply_stylesheet(archive, reader.wb)  # which number formats are dates
        budget.check()
        del archive.open  # the worksheet is streamed, within its own bounds
        members: dict[str | None, str] = {}
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                members.setdefault(None, rel.target)
                members.setdefault(sheet.name, rel.target)
    except BaseException:
        archive.close()
        raise
    if not members:
        archive.close()
        raise WorkbookError("empty_sheet", _("Trang tính đầu tiên trống: cần một dòng tiêu đề."))
    return reader, members


def _bound_parts(archive: zipfile.ZipFile) -> None:
    """Refuse, as openpyxl opens it, a part it would parse whole that is over MAX_PART_BYTES."""
    original = archive.open

    def open_part(name, mode="r", *args, **kwargs):
        info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
        if mode == "r" and info.file_size > MAX_PART_BYTES:
            raise WorkbookError(
                "part_too_large",
                _("Phần %(part)s của tệp quá lớn (%(size)s MB; tối đa %(limit)s MB).")
                % {
                    "part": info.filename,
                    "size": f"{info.file_size / 1e6:.1f}",
                    "limit": f"{MAX_PART_BYTES / 1e6:.0f}",
                },
            )
        return original(name, mode, *args, **kwargs)

    archive.open = open_part


def _unsafe_xml() -> WorkbookError:
    return WorkbookError(
        "unsafe_xml",
        _("Tệp có khai báo DOCTYPE hoặc ENTITY trong XML (Excel không ghi như vậy): bị từ chối."),
    )


def read_shared_strings(source: IO[bytes], *, limits: Limits, budget: Budget) -> list[str]:
    """The shared-strings table, streamed: refused at its `max_strings + 1`-th entry or its
    `max_chars + 1`-th character, before either is kept. The text of a string is that of its
    `<t>` and of its runs' `<t>`, without phonetic runs, as openpyxl reads it."""
    strings: list[str] = []
    text: list[str] = []
    open_tags: list[str] = []
    chars = 0
    keep = False

    def start(name, _attrs):
        nonlocal keep
        local = name.rpartition(" ")[2]
        if local == "si":
            if len(strings) >= limits.max_strings:
                raise WorkbookError(
                    "strings_cap",
                    _(
                        "Bảng chuỗi dùng chung của tệp có hơn %(n)s chuỗi: quá lớn để đọc. "
                        "Hãy chia thành nhiều tệp."
                    )
                    % {"n": limits.max_strings},
                )
            text.clear()
        elif local == "t":
            keep = open_tags[-1:] == ["si"] or open_tags[-2:] == ["si", "r"]
        open_tags.append(local)

    def end(_name):
        nonlocal keep
        local = open_tags.pop()
        if local == "t":
            keep = False
        elif local == "si":
            strings.append("".join(text).replace("x005F_", ""))

    def data(piece):
        nonlocal chars
        if keep:
            chars += len(piece)
            if chars > limits.max_chars:
                raise text_cap(limits.max_chars)
            text.append(piece)

    def refuse(*_args):
        raise _unsafe_xml()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    for chunk in iter(lambda: source.read(CHUNK), b""):
        budget.check()
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings


def text_cap(max_chars: int) -> WorkbookError:
    return WorkbookError(
        "text_cap",
        _(
            "Tệp có quá nhiều chữ: hơn %(n)s ký tự (một chuỗi dùng lại ở nhiều ô được tính ở "
            "mỗi ô). Hãy rút gọn hoặc chia thành nhiều tệp."
        )
        % {"n": max_chars},
    )


class GuardedXml:
    """A sheet's XML as openpyxl's parser reads it, checked chunk by chunk before the parser
    sees it: the time budget, no DOCTYPE or ENTITY, and at most MAX_ROW_XML bytes between two
    ends of rows (the parser builds a whole row before handing it over)."""

    def __init__(self, raw: IO[bytes], budget: Budget):
        self.raw, self.budget = raw, budget
        self.run = 0  # bytes since the end of the last row
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        self.budget.check()
        data = self.raw.read(size if 0 < size <= CHUNK else CHUNK)
        text = self.tail + data
        if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
            raise _unsafe_xml()
        first = text.find(ROW_END)
        if first == -1:
            self.run += len(data)
        else:
            self.run += first - len(self.tail)
            if self.run <= MAX_ROW_XML:
                self.run = len(text) - text.rfind(ROW_END) - len(ROW_END)
        if self.run > MAX_ROW_XML:
            raise WorkbookError(
                "row_too_large",
                _("Tệp có một dòng quá lớn (hơn %(n)s MB dữ liệu XML): không đọc được.")
                % {"n": f"{MAX_ROW_XML / 1e6:.0f}"},
            )
        self.tail = text[-len(b"<!DOCTYPE") :]
        return data


FORMULA_TAG = f"{{{SHEET_MAIN_NS}}}f"  # a cell's <f> element


class _CellParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, also telling which cells hold a formula: with
    `data_only` a formula reads as its cached value, None when Excel never computed it.

    The one private part of openpyxl used here (the parser that its read-only mode runs). The
    public road, `load_workbook(read_only=True, data_only=True)` with `iter_rows`, was measured
    on the two files of ops/crafted.py (issue 16): opening the 239,000-row file scans the whole
    sheet for a `<dimension>` before the first row (17.9 s, then 3.5 s to the row cap, against
    4.7 s in all here), and every empty row of the file declaring A1:XFD16001 is padded to
    16,384 cells (1.7 s against 0.03 s). Nor does it tell a formula without a cached value from
    an empty cell without reading the sheet a second time. If openpyxl (>=3.1,<4) moves it,
    tests/imports/test_bounded_reading.py and test_bad_input.py fail."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        cell["formula"] = element.find(FORMULA_TAG) is not None
        return cell


def xml_rows(
    parser: _CellParser, *, limits: Limits, budget: Budget, every_formula: bool = False
) -> Iterator[RawRow]:
    """The rows as the parser yields them, counted: rows present (empty ones too, a sheet whose
    rows do not end), cells present, characters of text. The first row past a cap refuses.
    A row's formula columns are those without a cached value, or with `every_formula` all."""
    cells_read = chars = 0
    max_rows = limits.max_rows + EMPTY_RUN_END + 1
    for rows, (number, cells) in enumerate(parser.parse(), start=1):
        budget.check()
        if rows > max_rows:
            raise row_cap(limits.max_rows)
        cells_read += len(cells)
        if cells_read > limits.max_cells:
            raise WorkbookError(
                "cell_cap",
                _(
                    "Tệp có quá nhiều ô: tối đa %(n)s ô (số dòng × số cột thực có trong tệp). "
                    "Hãy chia thành nhiều tệp."
                )
                % {"n": limits.max_cells},
            )
        values: dict[int, object] = {}
        formulas: set[int] = set()
        for cell in cells:
            value = cell["value"]
            if value is not None:
                values[cell["column"]] = value
                if isinstance(value, str):
                    chars += len(value)
            if cell["formula"] and (every_formula or value is None):
                formulas.add(cell["column"])
        if chars > limits.max_chars:
            raise text_cap(limits.max_chars)
        yield number, values, formulas


def check_merged_header(path: Path, member: str, budget: Budget) -> None:
    """A merged cell in the header row; the sheet XML is scanned in chunks, never held whole."""
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            budget.check()
            text = tail + chunk
            for _c1, r1, _c2, _r2 in MERGE_REF.findall(text):
                if int(r1) == 1:
                    raise WorkbookError(
                        "merged_header",
                        _("Dòng tiêu đề có ô gộp (merge): mỗi cột cần một tiêu đề riêng ở dòng 1."),
                    )
            tail = text[-64:]


def check_columns(values: dict[int, object], max_columns: int) -> None:
    """Data past column `max_columns` refuses the file."""
    if values and max(values) > max_columns:
        column = min(c for c in values if c > max_columns)
        raise WorkbookError(
            "column_cap",
            _("Tệp có dữ liệu ở cột %(column)s: tối đa %(n)s cột.")
            % {"column": get_column_letter(column), "n": max_columns},
        )


def check_row(number: int, max_rows: int) -> None:
    """A data row past row `max_rows + 1` (row 1 is the header) refuses the file."""
    if number > max_rows + 1:
        raise row_cap(max_rows)


def row_cap(max_rows: int) -> WorkbookError:
    return WorkbookError(
        "row_cap",
        _(
            "Tệp có quá nhiều dòng: tối đa %(n)s dòng dữ liệu (dòng 2 đến %(last)s). "
            "Hãy chia thành nhiều tệp."
        )
        % {"n": max_rows, "last": max_rows + 1},
    )


def cell_text(value: object) -> str:
    """A cell as the text a person typed: integral floats without ".0", dates as ISO days."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())

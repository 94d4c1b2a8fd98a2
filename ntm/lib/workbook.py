"""Reading an uploaded workbook within bounds: the one hardened reader of the app, used by the
assessment import (`imports.workbook`) and the plan import (`plans.services`).

Checks on the file itself before openpyxl sees it (size, zip structure, zip bomb, encryption),
then the first sheet streamed row by row through openpyxl's own parser: the sheet's declared
`<dimension>` is ignored, only the cells present in the XML are looked at, reading stops at the
first cell past a cap, and `EMPTY_RUN_END` consecutive empty rows end the sheet. What the
columns mean is the caller's business (`build` below). No database access.
"""

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser  # private: see _CellParser
from openpyxl.xml.constants import SHEET_MAIN_NS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
# A real workbook inflates 5-30 times; a zip bomb thousands of times.
MAX_INFLATION = 100
# Consecutive empty rows that end a sheet: Excel files often carry formatted empty rows.
EMPTY_RUN_END = 1000
MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')

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


def read_first_sheet[T](path: Path, *, max_bytes: int, build: Callable[[Iterator[RawRow]], T]) -> T:
    """Check the file, then hand the first sheet's rows, streamed, to `build` and return what
    it returns. `build` applies the caps on rows and columns (`check_columns`, `check_row`) and
    may stop early; any problem with the file as a whole raises WorkbookError."""
    check_file(path, max_bytes)
    try:
        reader, member = open_first_sheet(path)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError("damaged", _("Tệp Excel bị hỏng, không đọc được.")) from exc
    try:
        with reader.archive.open(member) as source:
            parser = _CellParser(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=reader.wb.epoch,
                date_formats=reader.wb._date_formats,
                timedelta_formats=reader.wb._timedelta_formats,
            )
            result = build(xml_rows(parser))
        check_merged_header(path, member)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError("damaged", _("Tệp Excel bị hỏng, không đọc được.")) from exc
    finally:
        reader.archive.close()
    return result


def open_first_sheet(path: Path) -> tuple[ExcelReader, str]:
    """openpyxl's reader up to (not including) its worksheets, and the first worksheet's part.
    `load_workbook` is not used: in read-only mode it scans every sheet whole for a
    `<dimension>` when the sheet has none, before a single row is read."""
    reader = ExcelReader(path, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
        for _sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                return reader, rel.target
    except BaseException:
        reader.archive.close()
        raise
    reader.archive.close()
    raise WorkbookError("empty_sheet", _("Trang tính đầu tiên trống: cần một dòng tiêu đề."))


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


def xml_rows(parser: _CellParser) -> Iterator[RawRow]:
    for number, cells in parser.parse():
        values: dict[int, object] = {}
        formulas: set[int] = set()
        for cell in cells:
            if cell["value"] is not None:
                values[cell["column"]] = cell["value"]
            elif cell["formula"]:
                formulas.add(cell["column"])
        yield number, values, formulas


def check_merged_header(path: Path, member: str) -> None:
    """A merged cell in the header row; the sheet XML is scanned in chunks, never held whole."""
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
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
        raise WorkbookError(
            "row_cap",
            _(
                "Tệp có quá nhiều dòng: tối đa %(n)s dòng dữ liệu (dòng 2 đến %(last)s). "
                "Hãy chia thành nhiều tệp."
            )
            % {"n": max_rows, "last": max_rows + 1},
        )


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())

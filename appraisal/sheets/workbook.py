"""Opening a workbook staff sent: refuse what is not a plain .xlsx before any XML is parsed."""

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from appraisal.settings import get_settings
from appraisal.sheets.errors import SheetIssue, WorkbookError
from appraisal.sheets.spec import normalise_header
from appraisal.sheets.xlsx_stream import XlsxStream

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel's encrypted .xlsx and the old .xls are OLE files
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
_ADVICE = {
    ".xls": "is the old Excel 97-2003 format: open it in Excel or WPS and save it as .xlsx",
    ".csv": "is a CSV file: open it in Excel or WPS and save it as an Excel workbook (.xlsx)",
    ".et": "is a WPS spreadsheet: save it as an Excel workbook (.xlsx)",
    ".ods": "is an OpenDocument spreadsheet: save it as an Excel workbook (.xlsx)",
}


def check_workbook_file(path: Path, max_bytes: int | None = None) -> None:
    """Raise WorkbookError unless `path` is an unencrypted .xlsx of a sane uncompressed size."""
    limit = get_settings().max_workbook_bytes if max_bytes is None else max_bytes
    name = path.name

    def refuse(reason: str) -> WorkbookError:
        return WorkbookError([SheetIssue(file=name, reason=reason)])

    suffix = path.suffix.lower()
    if suffix in _ADVICE:
        raise refuse(_ADVICE[suffix])
    if suffix not in EXCEL_EXTENSIONS:
        raise refuse(f"is not an Excel workbook: expected a .xlsx file, got '{suffix or name}'")
    if not path.is_file():
        raise refuse("no such file")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise refuse(
            "is encrypted (password-protected) or an old .xls renamed to .xlsx: "
            "open it in Excel or WPS and save it as .xlsx without a password"
        )
    if not zipfile.is_zipfile(path):
        raise refuse("is not a valid .xlsx workbook (the file is damaged or not a workbook)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise refuse(f"is not a valid .xlsx workbook: {exc}") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise refuse("is a zip file but not an Excel workbook (no xl/ part inside)")
    # The zip directory states each part's size; a bomb claims or expands to far more than this.
    total = sum(m.file_size for m in members)
    if total > limit:
        raise refuse(
            f"is too large: {total / 1e6:.1f} MB uncompressed, the limit is {limit / 1e6:.1f} MB "
            "(APPRAISAL_MAX_WORKBOOK_BYTES); split it into smaller workbooks"
        )


@contextmanager
def open_workbook(path: Path, max_bytes: int | None = None) -> Iterator[XlsxStream]:
    """The workbook's sheets and cell values, after the file checks."""
    check_workbook_file(path, max_bytes)
    try:
        book = XlsxStream(path)
    except Exception as exc:  # damaged parts raise zip, XML and value errors alike
        raise WorkbookError(
            [SheetIssue(file=path.name, reason=f"cannot be read as a workbook: {exc}")]
        ) from None
    try:
        yield book
    finally:
        book.close()


def sheet_rows(book: XlsxStream, sheet: str) -> Iterator[tuple[Any, ...]]:
    """Every row's cell values, row 1 first; rows the file leaves out come as empty tuples."""
    return book.rows(sheet)


def find_sheet(book: XlsxStream, wanted: str) -> str | None:
    """The sheet named `wanted`, ignoring spaces and full-width forms."""
    key = normalise_header(wanted)
    for title in book.sheetnames:
        if normalise_header(title) == key:
            return title
    return None

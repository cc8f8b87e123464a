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
    ".xls": "是旧的 Excel 97-2003 格式（.xls）：请用 Excel 或 WPS 打开，另存为 .xlsx",
    ".csv": "是 CSV 文件：请用 Excel 或 WPS 打开，另存为 Excel 工作簿（.xlsx）",
    ".et": "是 WPS 表格文件（.et）：请另存为 Excel 工作簿（.xlsx）",
    ".ods": "是 OpenDocument 表格（.ods）：请另存为 Excel 工作簿（.xlsx）",
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
        raise refuse(f"不是 Excel 工作簿：需要 .xlsx 文件，收到的是“{suffix or name}”")
    if not path.is_file():
        raise refuse("文件不存在")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise refuse(
            "已加密（设了密码），或是改了扩展名的旧 .xls 文件："
            "请用 Excel 或 WPS 打开，取消密码后另存为 .xlsx"
        )
    if not zipfile.is_zipfile(path):
        raise refuse("不是有效的 .xlsx 工作簿（文件已损坏或不是工作簿）")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise refuse(f"不是有效的 .xlsx 工作簿：{exc}") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise refuse("是 zip 压缩文件，但不是 Excel 工作簿（其中没有 xl/ 部分）")
    # The zip directory states each part's size; a bomb claims or expands to far more than this.
    total = sum(m.file_size for m in members)
    if total > limit:
        raise refuse(
            f"太大：解压后 {total / 1e6:.1f} MB，上限为 {limit / 1e6:.1f} MB"
            "（APPRAISAL_MAX_WORKBOOK_BYTES）；请拆分成几个较小的工作簿"
        )


@contextmanager
def open_workbook(path: Path, max_bytes: int | None = None) -> Iterator[XlsxStream]:
    """The workbook's sheets and cell values, after the file checks."""
    check_workbook_file(path, max_bytes)
    try:
        book = XlsxStream(path)
    except Exception as exc:  # damaged parts raise zip, XML and value errors alike
        raise WorkbookError(
            [SheetIssue(file=path.name, reason=f"无法作为工作簿读取：{exc}")]
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

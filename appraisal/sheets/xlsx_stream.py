"""A streaming reader of .xlsx cell values, about ten times faster than openpyxl's read-only mode.

openpyxl with defusedxml parses with the pure-Python ElementTree and builds objects per cell;
a 10,000-person records workbook took half a minute. This reads only what an import needs (sheet
names, shared strings, which styles are dates, cell values) with lxml's C parser, which is set
never to load a DTD, resolve entities or touch the network; a part that declares a DOCTYPE is
refused outright (the defusedxml rule). The uncompressed size is checked before this runs.
"""

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from appraisal.sheets.values import UnreadableCell

# Number formats 27-36 and 50-58 are the built-in CJK date formats (yyyy年m月 ...).
_CJK_DATE_IDS = frozenset({*range(27, 37), *range(50, 59)})


_PROLOG_BYTES = 65536
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class UnsafeWorkbook(ValueError):
    pass


def _check_prolog(head: bytes) -> None:
    """Refuse a part that declares a DTD before its root element: no entity tricks at all."""
    root = _ELEMENT_START.search(head)
    doctype = _DOCTYPE.search(head)
    if doctype is not None and (root is None or doctype.start() < root.start()):
        raise UnsafeWorkbook("工作簿的某个部分声明了 DTD，拒绝解析")
    if root is None and len(head) == _PROLOG_BYTES:
        raise UnsafeWorkbook("工作簿的某个部分在前 64 KB 内没有任何元素")


def _events(stream: IO[bytes], tag: str) -> Iterator[Any]:
    """The `tag` elements (any namespace) as each one ends."""
    context = etree.iterparse(
        stream, events=("end",), tag=f"{{*}}{tag}", resolve_entities=False, load_dtd=False,
        no_network=True, huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    checked = False
    for _event, element in context:
        if not checked:
            if element.getroottree().docinfo.doctype:
                raise UnsafeWorkbook("工作簿声明了 DTD，拒绝解析")
            checked = True
        yield element


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _attr(element: etree._Element, suffix: str) -> str | None:
    """An attribute by local name, whatever namespace (transitional or strict OOXML) it has."""
    for key, value in element.attrib.items():
        if key == suffix or key.endswith("}" + suffix):
            return value
    return None


class XlsxStream:
    """Open with a path; `sheetnames`, `rows(name)`, `close()`."""

    def __init__(self, path: Any) -> None:
        self._zip = zipfile.ZipFile(path)
        try:
            self._sheets, date1904 = self._workbook()
            self._epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
            self._strings = self._shared_strings()
            self._date_styles = self._styles()
            self._columns: dict[str, int] = {}
        except BaseException:
            self._zip.close()
            raise

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def close(self) -> None:
        self._zip.close()

    def _part(self, name: str) -> IO[bytes] | None:
        try:
            with self._zip.open(name) as head:
                _check_prolog(head.read(_PROLOG_BYTES))
            return self._zip.open(name)
        except KeyError:
            return None

    def _workbook(self) -> tuple[dict[str, str], bool]:
        targets: dict[str, str] = {}
        rels = self._part("xl/_rels/workbook.xml.rels")
        if rels is not None:
            with rels:
                for rel in _events(rels, "Relationship"):
                    target = rel.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    targets[rel.get("Id", "")] = str(PurePosixPath(path))
        workbook = self._part("xl/workbook.xml")
        if workbook is None:
            raise ValueError("缺少 xl/workbook.xml")
        sheets: dict[str, str] = {}
        date1904 = False
        with workbook:
            for element in _events(workbook, "workbook"):
                for child in element.iter():
                    if _local(child) == "workbookPr":
                        date1904 = child.get("date1904") in ("1", "true")
                    elif _local(child) == "sheet":
                        rid = _attr(child, "id") or ""
                        sheets[child.get("name", "")] = targets.get(rid, "")
        return sheets, date1904

    def _shared_strings(self) -> list[str]:
        part = self._part("xl/sharedStrings.xml")
        if part is None:
            return []
        strings = []
        with part:
            for item in _events(part, "si"):
                strings.append(_text(item))
                item.clear()
        return strings

    def _styles(self) -> frozenset[int]:
        part = self._part("xl/styles.xml")
        if part is None:
            return frozenset()
        with part:
            root = next(_events(part, "styleSheet"), None)
        if root is None:
            return frozenset()
        codes = {
            int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter("{*}numFmt")
        }
        dates = set()
        for xfs in root.iter("{*}cellXfs"):
            for index, xf in enumerate(x for x in xfs if _local(x) == "xf"):
                fmt = int(xf.get("numFmtId", 0))
                code = codes.get(fmt, BUILTIN_FORMATS.get(fmt, ""))
                if fmt in _CJK_DATE_IDS or (code and is_date_format(code)):
                    dates.add(index)
        return frozenset(dates)

    def rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """Each row's values from row 1, with empty tuples for rows the file leaves out."""
        part = self._part(self._sheets[name])
        if part is None:
            raise ValueError(f"缺少工作表 {name} 的数据部分")
        expected = 1
        with part:
            for row in _events(part, "row"):
                number = int(row.get("r") or expected)
                while expected < number:
                    yield ()
                    expected += 1
                yield self._row_values(row)
                expected = number + 1
                row.clear()
                while row.getprevious() is not None:  # free what was parsed before this row
                    del row.getparent()[0]

    def _row_values(self, row: Any) -> tuple[Any, ...]:
        # Per-cell work dominates: exact namespaced tags and a letters → index cache keep it lean.
        ns = row.tag[: row.tag.index("}") + 1] if row.tag.startswith("{") else ""
        v_tag, t_tag = ns + "v", ns + "t"
        columns = self._columns
        values: list[Any] = []
        for cell in row.iterchildren(ns + "c"):
            ref = cell.get("r")
            if ref is not None:
                letters = ref.rstrip("0123456789")
                index = columns.get(letters)
                if index is None:
                    index = columns[letters] = _column_index(letters)
                if index > len(values):
                    values.extend([None] * (index - len(values)))
            kind = cell.get("t")
            # A damaged cell becomes a value that says so: the sheet's reader, which knows the
            # row and the column, reports it (and reads on) instead of the whole file failing.
            try:
                if kind == "inlineStr":
                    values.append("".join(cell.itertext(t_tag, with_tail=False)) or None)
                    continue
                raw = cell.findtext(v_tag)
                if raw is None:
                    values.append(None)
                elif kind == "s":
                    values.append(self._strings[int(raw)])
                elif kind is None or kind == "n":
                    values.append(self._number(raw, cell.get("s")))
                elif kind == "b":
                    values.append(raw == "1")
                elif kind == "d":
                    values.append(datetime.fromisoformat(raw))
                else:  # "str" (a formula's text) and "e" (#N/A ...): the text as Excel shows it
                    values.append(raw)
            except (ValueError, LookupError, OverflowError) as exc:
                values.append(_unreadable(cell, v_tag, exc))
        return tuple(values)

    def _number(self, raw: str, style: str | None) -> Any:
        number: int | float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        if style is not None and int(style) in self._date_styles:
            return from_excel(number, self._epoch)
        return number


def _unreadable(cell: Any, v_tag: str, exc: Exception) -> UnreadableCell:
    raw = cell.findtext(v_tag) or ""
    formula = "（公式的缓存结果）" if cell.find("{*}f") is not None else ""
    why = "共享字符串不存在" if isinstance(exc, LookupError) else str(exc)
    return UnreadableCell(
        raw,
        f"单元格的值无法读取：{raw[:40]!r}{formula}（{why}）：请重新输入该单元格，"
        "或用 Excel 或 WPS 打开工作簿后重新保存",
    )


def _text(element: Any) -> str:
    """A string item's text: plain or rich-text runs, without phonetic (rPh) hints."""
    parts = []
    for node in element.iter("{*}t"):
        parent = node.getparent()
        if parent is not None and _local(parent) == "rPh":
            continue
        parts.append(node.text or "")
    return "".join(parts)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1

"""Turning one cell as real sheets hold it into a clean value, or a reason it cannot be one."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from appraisal.sheets.spec import Column, Kind

_SPACES = re.compile(r"\s+")
# Full-width ，：；（）！？ are how Chinese text is punctuated, not width variants of ASCII.
_NOT_CN_PUNCT = re.compile("[^\uff0c\uff1a\uff1b\uff08\uff09\uff01\uff1f]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(f"(?<=[{_CJK}·]) (?=[{_CJK}·])")
# 1975.03 / 1975.3.8 / 1975-03-08 / 1975/3/8 / 1975年3月 / 1975年3月8日 / 1975-03
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:月\s*)?(?:[.\-/]?\s*(\d{1,2})\s*日?)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100


class CellError(ValueError):
    """The reason a cell cannot be used; the reader adds where it is."""


@dataclass(frozen=True)
class UnreadableCell:
    """A cell whose stored value the reader could not decode (a formula's cached result that is
    not the number its type says, a shared string that is not there, a date out of range).
    It reaches the sheet's reader as a value so the error names its row and column."""

    raw: str
    reason: str

    def __str__(self) -> str:
        return self.raw


@dataclass(frozen=True)
class SheetDate:
    value: date
    day_known: bool = True


def clean_text(value: Any, *, compact_cjk: bool = False) -> str:
    """NFKC (full-width digits, letters and spaces become ASCII; Chinese punctuation stays),
    single spaces, no ends."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(str(value), compact_cjk)


@lru_cache(maxsize=1 << 16)
def _clean(text: str, compact_cjk: bool) -> str:
    # Cached: a sheet repeats the same words (vocabulary, units, places) thousands of times.
    # NFKC everywhere but on Chinese punctuation, which it would turn into ASCII (，→ ,).
    text = _NOT_CN_PUNCT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    if compact_cjk:
        text = _CJK_GAP.sub("", text)
    return text


def clean_prose(value: Any) -> str:
    """Paragraphs of text (a 考核材料): each line as clean_text makes it, blank lines dropped,
    the paragraphs joined by one line break."""
    if value is None:
        return ""
    lines = (clean_text(line) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _clean(value, False) == "")


def convert(value: Any, column: Column) -> Any:
    """The typed value of a non-blank cell for `column`; raises CellError with the reason."""
    if isinstance(value, UnreadableCell):
        raise CellError(value.reason)
    kind = column.kind
    if kind is Kind.DATE:
        return parse_date(value)
    if kind is Kind.INT:
        return parse_count(value)
    if kind is Kind.NUMBER:
        return parse_number(value)
    if isinstance(value, datetime | date) and kind is not Kind.VOCAB:
        value = value.strftime("%Y-%m-%d")
    if kind is Kind.BOOL:
        return parse_bool(value)
    if kind is Kind.VOCAB:
        return parse_vocab(value, column)
    if kind is Kind.CODE:
        text = clean_text(value).replace(" ", "")
    elif kind is Kind.PROSE:
        text = clean_prose(value)
    else:
        text = clean_text(value, compact_cjk=kind is Kind.NAME)
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(f"太长：{len(text)} 个字符，最多 {column.max_length} 个")
    return text


def parse_date(value: Any) -> SheetDate:
    if isinstance(value, datetime):
        return _checked(value.date(), True)
    if isinstance(value, date):
        return _checked(value, True)
    if isinstance(value, bool):
        raise CellError(f"不是日期：{value!r}")
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = clean_text(value)
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) in (6, 8):
        year, month = int(compact[:4]), int(compact[4:6])
        day = int(compact[6:]) if len(compact) == 8 else None
        return _build(year, month, day, text)
    match = _DATE_TEXT.match(text)
    if not match:
        raise CellError(f"不是日期：“{text}”（请写成 1975.03、1975年3月 或 1975-03-08）")
    year_text, month_text, day_text = match.groups()
    return _build(int(year_text), int(month_text), int(day_text) if day_text else None, text)


def _date_from_number(value: float) -> SheetDate:
    # A typed 1975.03 arrives as a number; 1975.1 could mean January or October, so ask.
    if MIN_YEAR <= value <= MAX_YEAR + 1:
        text = repr(float(value))
        whole, _, fraction = text.partition(".")
        if fraction == "1":
            raise CellError(f"日期 {value} 有歧义：是1月还是10月？请以文本格式输入，如 1975.10")
        if fraction == "0":
            raise CellError(f"只有年份，没有月份：{whole}")
        return _build(int(whole), int(fraction), None, text)
    if float(value).is_integer() and 1 <= value < 80000:
        return _checked(_EXCEL_EPOCH + timedelta(days=int(value)), True)
    if float(value).is_integer() and len(str(int(value))) in (6, 8):
        return parse_date(str(int(value)))
    raise CellError(f"不是日期：{value}")


def _build(year: int, month: int, day: int | None, text: str) -> SheetDate:
    try:
        return _checked(date(year, month, day or 1), day is not None)
    except ValueError:
        raise CellError(f"没有这个日期：“{text}”") from None


def _checked(value: date, day_known: bool) -> SheetDate:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise CellError(f"年份 {value.year} 超出范围 {MIN_YEAR}–{MAX_YEAR}")
    return SheetDate(value, day_known)


def parse_count(value: Any) -> int:
    number = parse_number(value)
    if not float(number).is_integer():
        raise CellError(f"不是整数：{number}")
    if number < 0:
        raise CellError(f"不能为负数：{int(number)}")
    return int(number)


def parse_number(value: Any) -> float:
    if isinstance(value, bool | datetime | date):
        raise CellError(f"不是数字：{value!r}")
    if isinstance(value, int | float):
        return value
    text = clean_text(value).replace(" ", "").replace(",", "")
    try:
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    except ValueError:
        raise CellError(f"不是数字：“{clean_text(value)}”") from None


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "×"}


def parse_bool(value: Any) -> bool:
    text = clean_text(value).replace(" ", "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"“{clean_text(value)}”不是“是”或“否”")


def parse_vocab(value: Any, column: Column) -> Any:
    assert column.vocab is not None
    text = clean_text(value).replace(" ", "")
    try:
        return column.vocab(text)
    except ValueError:
        allowed = "、".join(column.choices)
        raise CellError(f"“{text}”不在可选值中：{allowed}") from None

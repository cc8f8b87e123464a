"""What a clerk sees wrong on a printed page, read from a PDF's text positions: a date, an ID or
a short word broken over two lines, a signature block alone on its page, a page left mostly
blank because the block after it moved on.

LibreOffice writes a line of a table cell or paragraph as consecutive text operations at one
baseline, so a value whole on a line shows up whole in one run of same-baseline operations; a
value broken by a wrap never does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

# A date as documents print it (2026年12月2日, 1972年11月, 2026-12-02), an ID, a phone number.
UNBREAKABLE = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{4}-\d{2}-\d{2}|\d{4}\.\d{2}(?:\.\d{2})?"
    r"|[A-Z]{2}-\d{4}-[A-Z]{2}-[0-9A-Z-]+|\d{3,4}-\d{7,8}|[〔［]\d{4}[〕］]\d+号"
)
# A word this short is a name, a grade, a label: it never wraps in a printed form.
SHORT_WORD = 6
SIGNATURE = re.compile(r"签字|签名|盖章|^年月日$")
SIGNED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|联系(人|电话)[：:].*")
# A table line this short on a page of signature lines is the label of the box they sit in
# (body text, however short, is text the 落款 may close).
SIGNATURE_LABEL = 6
PAGE_NUMBER = re.compile(r"^[\s—-]*\d+[\s—-]*$")
HEADER_MARK = "文档编号"
# Below this share of the body height left empty a page is "mostly blank" before a moved block.
BLANK_SHARE = 0.4
BOTTOM_MARGIN = 0.12
BODY_SIZE = 15.0
# A next page that opens with type this large begins on purpose (回执, 目录): a page break.
TITLE_SIZE = 17.0


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    y: float  # the baseline, from the bottom of the page
    size: float


@dataclass(frozen=True)
class Page:
    number: int
    height: float
    lines: tuple[Line, ...]  # the body: no running header, no page number


class _Runs:
    """pypdf's text visitor: consecutive operations at one baseline joined into a line."""

    def __init__(self) -> None:
        self.runs: list[list[Any]] = []

    def __call__(self, text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip("\n"):
            return
        x, y = float(tm[4]) + float(cm[4]), float(tm[5]) + float(cm[5])
        if self.runs and abs(self.runs[-1][2] - y) < 0.5:
            self.runs[-1][0] += text
            self.runs[-1][3] = max(self.runs[-1][3], float(size))
        else:
            self.runs.append([text, x, y, float(size)])


def page_lines(pdf: Path) -> list[Page]:
    """Each page's body lines in the order the PDF draws them."""
    pages = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        visit = _Runs()
        page.extract_text(visitor_text=visit)
        lines = [Line(t.replace("\n", ""), x, y, s) for t, x, y, s in visit.runs if t.strip()]
        body = tuple(
            line for line in lines
            if not PAGE_NUMBER.match(line.text) and not line.text.startswith(HEADER_MARK)
        )  # fmt: skip
        pages.append(Page(number, float(page.mediabox.height), body))
    return pages


def unbreakable(values: Iterable[str]) -> set[str]:
    """What of these values must print on one line: short words, dates, IDs, phone numbers."""
    found = set()
    for value in values:
        value = value.strip()
        if 2 <= len(value) <= SHORT_WORD and not re.search(r"\s", value):
            found.add(value)
        found.update(UNBREAKABLE.findall(value))
    return found


def broken_values(pages: list[Page], keep_whole: Iterable[str]) -> list[str]:
    """The values that appear on no line whole, each with the page it breaks on."""
    # pypdf puts a space between text operations; spacing says nothing about a wrap. Body text
    # (三号 and up) is justified and breaks at any character, as the office's own letters do.
    lines = [_bare(x.text) for page in pages for x in page.lines if x.size < BODY_SIZE]
    problems = []
    for value in sorted(keep_whole):
        bare = _bare(value)
        # Printed more often across lines than within them: broken at least once, even where
        # another copy of it (in a longer text) prints whole.
        if "".join(lines).count(bare) <= sum(line.count(bare) for line in lines):
            continue
        where = next(
            (
                p.number
                for p in pages
                if bare in "".join(_bare(x.text) for x in p.lines if x.size < BODY_SIZE)
            ),
            pages[0].number,
        )
        problems.append(f"第{where}页：“{value}”折行，被拆开")
    return problems


def layout_problems(pdf: Path, keep_whole: Iterable[str], signers: Iterable[str] = ()) -> list[str]:
    """Everything a clerk would call machine-made about the pages' layout, in Chinese.
    `signers` are the names a signature block prints (the issuing office)."""
    pages = page_lines(pdf)
    names = {_bare(s) for s in signers if s.strip()}
    problems = broken_values(pages, keep_whole)
    body = [line for page in pages for line in page.lines]
    if not body:
        return problems
    # The type area: from the highest line to the lowest, or to the bottom margin GB/T 9704
    # sets (35 mm, 12% of A4) when no page runs that far.
    top = max(line.y for line in body)
    bottom = min(min(line.y for line in body), BOTTOM_MARGIN * pages[0].height)
    for page, after in zip(pages, [*pages[1:], None], strict=True):
        if page.number > 1 and _signature_page(page, names):
            problems.append(f"第{page.number}页只有签字盖章栏，与上文分开了")
        if after is None or not page.lines or not after.lines:
            continue
        empty = (min(line.y for line in page.lines) - bottom) / max(top - bottom, 1.0)
        if empty > BLANK_SHARE and after.lines[0].size < TITLE_SIZE:
            share = round(empty * 100)
            problems.append(
                f"第{page.number}页下方空白约{share}%，其后内容移到了第{after.number}页"
            )
    return problems


def _bare(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def _signature_page(page: Page, names: set[str]) -> bool:
    """Nothing on the page but a signature block: signature lines, a date, the signer's name,
    short labels of the box (统战部意见); a page that opens with a title begins on purpose."""
    bare = [_bare(line.text) for line in page.lines]
    signed = [t in names or bool(SIGNATURE.search(t)) or bool(SIGNED.fullmatch(t)) for t in bare]
    return (
        bool(bare)
        and page.lines[0].size < TITLE_SIZE
        and any(signed)
        and all(
            s or (len(t) <= SIGNATURE_LABEL and line.size < BODY_SIZE)
            for s, t, line in zip(signed, bare, page.lines, strict=True)
        )
    )

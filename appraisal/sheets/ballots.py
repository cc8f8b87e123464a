"""The 计票汇总表: a workbook the engine writes per cycle with one block per 民主测评票 sheet,
which the tellers fill in (发出, 收回, and each person's 优秀, 称职, 基本称职, 不称职, 弃权) and
staff import. Reading it names file, sheet, row and column of every problem; what the counts
mean is checked by the store (appraisal/store/ballots.py)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from appraisal.ballot_sheets import VOTES
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.values import CellError, clean_text, is_blank, parse_count
from appraisal.sheets.workbook import find_sheet, open_workbook, sheet_rows

SHEET = "计票汇总"
SHEET_MARK = "测评票编号"  # the first cell of each block
ISSUED, RETURNED = "发出票数", "收回票数"
HEADER = ("序号", "编号", "姓名", *VOTES)
_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT = PatternFill("solid", fgColor="FFF2CC")  # the cells the tellers fill in
_CENTRE = Alignment(horizontal="center", vertical="center")


@dataclass(frozen=True)
class BlockPerson:
    code: str
    name: str
    votes: tuple[int, int, int, int, int] | None  # prefilled when already counted


@dataclass(frozen=True)
class Block:
    """One sheet's block, as written."""

    document_id: str
    group: str
    label: str
    people: tuple[BlockPerson, ...]
    issued: int | None = None
    returned: int | None = None


@dataclass(frozen=True)
class CountedBlock:
    """One filled block, as read: the counts and the rows they came from."""

    document_id: str
    row: int  # the block's first row
    issued: int
    returned: int
    votes: dict[str, tuple[int, int, int, int, int]]


def write_count_book(path: Path, title: str, blocks: Sequence[Block]) -> Path:
    """The 计票汇总表 of a cycle: a block per sheet, counts already entered filled in."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append([f"民主测评计票汇总表（{title}）"])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(
        [
            "每张测评票一块：填写发出票数、收回票数和每位被测评人的票数（对某人未划“√”或多划的票计为"
            "弃权，每人各项之和等于收回票数），保存后导入。未填的块不导入。"
        ]
    )
    for block in blocks:
        sheet.append([])
        start = sheet.max_row + 1
        sheet.append([SHEET_MARK, block.document_id, "测评组别", block.group, block.label])
        sheet.append([ISSUED, block.issued, RETURNED, block.returned])
        sheet.append(list(HEADER))
        for n, p in enumerate(block.people, 1):
            sheet.append([n, p.code, p.name, *(p.votes or ())])
        for col in range(1, len(HEADER) + 1):
            for r in (start, start + 2):
                cell = sheet.cell(r, col)
                cell.font, cell.fill, cell.alignment = _BOLD, _FILL, _CENTRE
        for col in (2, 4):
            sheet.cell(start + 1, col).fill = _INPUT
        for r in range(start + 3, start + 3 + len(block.people)):
            for col in range(4, len(HEADER) + 1):
                sheet.cell(r, col).fill = _INPUT
    for col, width in enumerate((12, 26, 12, 24, 16, 10, 10, 10), 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _cell(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


def read_count_book(path: Path, *, max_bytes: int | None = None) -> list[CountedBlock]:
    """The filled blocks of a 计票汇总表 (a block left blank is skipped); WorkbookError lists
    every cell that is not a count, or a block half filled."""
    file = path.name
    issues: list[SheetIssue] = []
    with open_workbook(path, max_bytes) as book:
        title = find_sheet(book, SHEET)
        if title is None:
            found = "、".join(book.sheetnames)
            raise WorkbookError([SheetIssue(file, f"没有“{SHEET}”工作表；现有工作表：{found}")])
        rows = list(sheet_rows(book, title))
    blocks: list[CountedBlock] = []
    i = 0
    while i < len(rows):
        if clean_text(_cell(rows[i], 0) or "") != SHEET_MARK:
            i += 1
            continue
        start = i + 1  # rows are numbered from 1 in Excel
        doc_id = clean_text(_cell(rows[i], 1) or "").upper()
        counts = rows[i + 1] if i + 1 < len(rows) else ()
        people: list[tuple[int, tuple[Any, ...]]] = []
        j = i + 3
        while j < len(rows) and not is_blank(_cell(rows[j], 1)):
            if clean_text(_cell(rows[j], 0) or "") == SHEET_MARK:
                break
            people.append((j + 1, rows[j]))
            j += 1
        i = j
        cells = [(start + 1, 1, ISSUED, _cell(counts, 1)), (start + 1, 3, RETURNED,
                 _cell(counts, 3))]  # fmt: skip
        for r, row in people:
            cells += [(r, 3 + k, label, _cell(row, 3 + k)) for k, label in enumerate(VOTES)]
        if all(is_blank(v) for *_, v in cells):
            continue  # not counted yet
        values: dict[tuple[int, int], int] = {}
        for r, c, label, value in cells:
            letter = get_column_letter(c + 1)
            if is_blank(value):
                issues.append(SheetIssue(file, f"测评票 {doc_id}：{label} 未填写", title, r,
                                         label, f"{letter}{r}"))  # fmt: skip
                continue
            try:
                values[(r, c)] = parse_count(value)
            except CellError as exc:
                issues.append(SheetIssue(file, f"测评票 {doc_id}：{label} {exc}", title, r, label,
                                         f"{letter}{r}"))  # fmt: skip
        if len(values) != len(cells):
            continue
        votes = {
            clean_text(row[1]): tuple(values[(r, 3 + k)] for k in range(len(VOTES)))
            for r, row in people
        }
        blocks.append(
            CountedBlock(
                document_id=doc_id,
                row=start,
                issued=values[(start + 1, 1)],
                returned=values[(start + 1, 3)],
                votes=votes,  # type: ignore[arg-type]
            )
        )
    raise_if_any(issues)
    return blocks


def fill_count_book(
    path: Path, counts: Mapping[str, tuple[int, int, Mapping[str, Sequence[int]]]]
) -> Path:
    """Fill the blocks of a written 计票汇总表 as tellers do: for each sheet's 文档编号, (发出,
    收回, each person's five numbers by 编号). Blocks not named are left as they are."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book[SHEET]
    doc_id = ""
    for row in sheet.iter_rows():
        first, second = row[0].value, row[1].value
        if first == SHEET_MARK:
            doc_id = str(second)
        elif doc_id in counts and first == ISSUED:
            row[1].value, row[3].value = counts[doc_id][0], counts[doc_id][1]
        elif doc_id in counts and second in counts[doc_id][2]:
            for k, n in enumerate(counts[doc_id][2][str(second)]):
                row[3 + k].value = n
    book.save(path)
    return path

"""What goes wrong in a workbook: every problem found, gathered before one exception is raised."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetIssue:
    """One problem, located the way staff find it in Excel. Empty fields mean "the whole file"."""

    file: str
    reason: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the header as written in the sheet, e.g. 出生年月
    cell: str = ""  # e.g. F7

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表 {self.sheet}")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            letter = "".join(ch for ch in self.cell if ch.isalpha())
            where.append(f"{letter}列 {self.column}" if letter else f"列 {self.column}")
        return f"{'，'.join(where)}：{self.reason}"


class WorkbookError(Exception):
    """A workbook that cannot be imported; `issues` lists every problem found, in sheet order."""

    def __init__(self, issues: list[SheetIssue] | tuple[SheetIssue, ...]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"发现 {count} 处问题：\n{lines}")


def raise_if_any(issues: list[SheetIssue]) -> None:
    if issues:
        raise WorkbookError(issues)

"""The two documents of an approved pool adjustment, from plain values: the 滚动调整审批表's
context (a Word template) and the updated 人才库名单 (a workbook, one sheet per tier)."""

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from appraisal.files import write_atomic
from appraisal.models.vocab import PoolMove, Tier
from appraisal.render.environment import cn_date
from appraisal.scoring.adjustment import MOVE_ORDER


@dataclass(frozen=True)
class DecidedMove:
    code: str
    name: str
    from_tier: Tier | None
    move: PoolMove
    to_tier: Tier | None
    reason: str
    proposed: PoolMove | None = None  # when staff decided otherwise


def counts_line(moves: Sequence[DecidedMove]) -> str:
    counts = Counter(m.move for m in moves)
    return "，".join(f"{m.value} {counts[m]} 人" for m in MOVE_ORDER if counts[m])


def quota_line(after: Mapping[Tier, int], caps: Mapping[Tier, int]) -> str:
    parts = []
    for tier in Tier:
        n, cap = after.get(tier, 0), caps.get(tier)
        if cap is None:
            parts.append(f"{tier.value} {n} 人")
        elif n > cap:
            parts.append(f"{tier.value} {n} 人（名额 {cap} 人，超出 {n - cap} 人）")
        else:
            parts.append(f"{tier.value} {n} 人（名额 {cap} 人）")
    return "；".join(parts)


def approval_form(
    *,
    office: str,
    cycle_name: str,
    moves: Sequence[DecidedMove],
    after: Mapping[Tier, int],
    caps: Mapping[Tier, int],
    clerks: Sequence[str],
    approver: str,
    approved_on: date,
) -> dict[str, Any]:
    """The 滚动调整审批表's fields; the people kept in their tier as proposed are counted, not
    listed."""
    listed = [m for m in moves if m.move is not PoolMove.KEEP or m.proposed is not None]
    rows = [
        {
            "序号": str(i),
            "编号": m.code,
            "姓名": m.name,
            "原梯队": m.from_tier.value if m.from_tier else "（未入库）",
            "调整": m.move.value,
            "新梯队": m.to_tier.value if m.to_tier else "（出库）",
            # The form is the cycle's: its name need not open every reason.
            "理由": m.reason.removeprefix(f"{cycle_name}：")
            + (f"（原建议{m.proposed.value}）" if m.proposed else ""),
        }
        for i, m in enumerate(listed, start=1)
    ]
    return {
        "发文机关": office,
        "周期名称": cycle_name,
        "调整统计": counts_line(moves) or "无",
        "调整名单": rows,
        "名额情况": quota_line(after, caps),
        "经办人": "、".join(clerks),
        "审核人": approver,
        "审核日期": cn_date(approved_on),
    }


LIST_HEADER = ("序号", "编号", "姓名", "性别", "出生年月", "党派", "界别", "工作单位及职务",
               "入库日期", "入库理由")  # fmt: skip
_WIDTHS = (6, 10, 10, 6, 10, 14, 14, 40, 12, 40)


def write_pool_list(path: Path, people: Mapping[Tier, Sequence[Sequence[Any]]], title: str) -> None:
    """The 人才库名单: one sheet per tier (rows as LIST_HEADER without 序号), written whole."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for tier in Tier:
        sheet = book.create_sheet(tier.value)
        rows = people.get(tier, [])
        # Seed 002: the 名人 are honoured figures kept as a record, not appraised each year.
        note = "；荣誉记录，不参加年度考核评价" if tier is Tier.PROMINENT else ""
        sheet.append([f"{title}：{tier.value}（{len(rows)} 人{note}）"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(list(LIST_HEADER))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for i, row in enumerate(rows, start=1):
            sheet.append([i, *row])
        for letter, width in zip("ABCDEFGHIJ", _WIDTHS, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())

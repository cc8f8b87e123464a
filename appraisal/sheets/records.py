"""The records workbook: duty records, ballot tallies, assessment scores and findings.

Each row names its person by 编号 (or by 姓名 alone, resolved against the database later).
A duty record without 记录编号 is keyed by a digest of what identifies it (类型, 名称, 日期),
so a later outcome (立案, 采用 ...) updates that record instead of adding a second one.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from appraisal.models.records import DIMENSION_FIELDS
from appraisal.models.vocab import (
    Attendance,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingCategory,
    FindingEffect,
    RaterGroup,
)
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.layouts import BALLOT, DUTY, FINDING, RECORD_SHEETS, SCORE
from appraisal.sheets.spec import SheetSpec
from appraisal.sheets.table import ParsedRow, ParsedSheet, parse_sheet
from appraisal.sheets.values import MAX_YEAR, MIN_YEAR, SheetDate
from appraisal.sheets.workbook import find_sheet, open_workbook, sheet_rows

MEETINGS = frozenset({DutyKind.PLENARY, DutyKind.STANDING_COMMITTEE, DutyKind.MEETING})
_SPECS = {spec.name: spec for spec in RECORD_SHEETS}
_ITEM_CODE = re.compile(r"^[A-Z]{1,3}\d{1,3}$")


@dataclass(frozen=True)
class DutyRow:
    row: int
    code: str  # "" when the sheet names the person by 姓名 only
    name: str
    year: int
    record_key: str
    kind: DutyKind
    title: str
    held_on: date | None
    attendance: Attendance | None
    role: DutyRole | None
    outcome: DutyOutcome
    cosigners: int | None = None  # 联名人数, the lead author included; None: not known


@dataclass(frozen=True)
class BallotRow:
    row: int
    code: str
    name: str
    year: int
    rater_group: RaterGroup
    due: int
    issued: int
    returned: int
    excellent: int
    competent: int
    basic: int
    incompetent: int
    abstain: int


@dataclass(frozen=True)
class ScoreRow:
    """组织考核: the four dimension ratings and the 考核材料, or (an older sheet) the total."""

    row: int
    code: str
    name: str
    year: int
    score: float | None
    political: float | None
    thinking: float | None
    duty: float | None
    integrity: float | None
    material: str
    assessor: str
    note: str


@dataclass(frozen=True)
class FindingRow:
    row: int
    code: str
    name: str
    year: int
    item_code: str
    category: FindingCategory
    effect: FindingEffect
    source_body: str
    evidence: str


@dataclass(frozen=True)
class RecordsBook:
    file: Path
    sheets: tuple[str, ...]  # the records sheets the workbook has, by their spec names
    duties: tuple[DutyRow, ...] = ()
    ballots: tuple[BallotRow, ...] = ()
    scores: tuple[ScoreRow, ...] = ()
    findings: tuple[FindingRow, ...] = ()
    warnings: tuple[str, ...] = ()


def duty_digest(kind: DutyKind, title: str, held_on: date | None) -> str:
    text = f"{kind.value}|{title}|{held_on.isoformat() if held_on else ''}"
    return "h" + hashlib.sha256(text.encode()).hexdigest()[:32]


def read_records(
    path: Path, *, year: int | None = None, max_bytes: int | None = None
) -> RecordsBook:
    """Read every records sheet present; raises WorkbookError listing every problem found."""
    file = path.name
    issues: list[SheetIssue] = []
    parsed: dict[str, ParsedSheet] = {}
    with open_workbook(path, max_bytes) as book:
        for spec in RECORD_SHEETS:
            title = find_sheet(book, spec.name)
            if title is not None:
                sheet = parse_sheet(file, title, sheet_rows(book, title), spec, issues)
                if sheet is not None:
                    parsed[spec.name] = sheet
        if not parsed and not issues:
            wanted = "、".join(s.name for s in RECORD_SHEETS)
            found = "、".join(book.sheetnames)
            raise WorkbookError(
                [SheetIssue(file, f"没有以下任何一个工作表：{wanted}；现有工作表：{found}")]
            )
    raise_if_any(issues)
    reader = _Rows(file, year, issues)
    book_rows = {
        name: [row for item in sheet.rows if (row := reader.build(name, sheet, item)) is not None]
        for name, sheet in parsed.items()
    }
    raise_if_any(issues)
    return RecordsBook(
        file=path,
        sheets=tuple(parsed),
        duties=tuple(book_rows.get(DUTY.name, ())),
        ballots=tuple(book_rows.get(BALLOT.name, ())),
        scores=tuple(book_rows.get(SCORE.name, ())),
        findings=tuple(book_rows.get(FINDING.name, ())),
        warnings=tuple(w for s in parsed.values() for w in s.warnings),
    )


class _Rows:
    """Builds the typed row of each sheet, adding the checks that span cells."""

    def __init__(self, file: str, year: int | None, issues: list[SheetIssue]) -> None:
        self.file, self.year, self.issues = file, year, issues

    def problem(self, spec: SheetSpec, sheet: str, row: int, field: str, reason: str) -> None:
        self.issues.append(SheetIssue(self.file, reason, sheet, row, spec.column(field).header))

    def build(self, name: str, sheet: ParsedSheet, item: ParsedRow) -> Any:
        spec = _SPECS[name]
        values = dict(item.values)
        if any(values.get(c.field) is None for c in spec.required):
            return None  # the empty or bad cells are already listed
        ok = self._person_and_year(spec, sheet.sheet, item.row, values)
        build = {
            DUTY.name: self._duty,
            BALLOT.name: self._ballot,
            SCORE.name: self._score,
            FINDING.name: self._finding,
        }[name]
        row = build(spec, sheet.sheet, item.row, values)
        return row if ok else None

    def _person_and_year(
        self, spec: SheetSpec, sheet: str, row: int, values: dict[str, Any]
    ) -> bool:
        ok = True
        values["code"] = values.get("code") or ""
        values["name"] = values.get("name") or ""
        if not values["code"] and not values["name"]:
            self.problem(spec, sheet, row, "code", "请填写编号（至少填写姓名）")
            ok = False
        year = values.get("year")
        values["year"] = year or self.year or 0  # the row is dropped below if this is wrong
        if year is None and self.year is None:
            self.problem(spec, sheet, row, "year", "没有年度：请填写，或导入时指定年度（--year）")
            return False
        if year is not None and self.year is not None and year != self.year:
            reason = f"年度为 {year}，但本次导入的是 {self.year} 年度"
            self.problem(spec, sheet, row, "year", reason)
            return False
        values["year"] = year if year is not None else self.year
        if not MIN_YEAR <= values["year"] <= MAX_YEAR:
            self.problem(spec, sheet, row, "year", f"年度 {values['year']} 超出范围")
            ok = False
        return ok

    def _duty(self, spec: SheetSpec, sheet: str, row: int, v: dict[str, Any]) -> DutyRow | None:
        held: SheetDate | None = v["held_on"]
        held_on = held.value if held else None
        title = v.get("title") or ""
        if v["kind"] in MEETINGS and v.get("attendance") is None:
            self.problem(spec, sheet, row, "attendance", f"{v['kind']}记录必须填写")
            return None
        if v["kind"] is DutyKind.PROPOSAL and v.get("role") is None:
            self.problem(spec, sheet, row, "role", "提案记录必须填写")
            return None
        cosigners: int | None = v.get("cosigners")
        if cosigners is not None and cosigners < 1:
            reason = f"联名人数须为 1 或以上，而不是 {cosigners}"
            self.problem(spec, sheet, row, "cosigners", reason)
            return None
        if cosigners == 1 and v.get("role") in (DutyRole.LEAD, DutyRole.COSIGNER):
            reason = f"角色为{v['role']}，联名人数（含领衔人）至少为 2；不详请留空"
            self.problem(spec, sheet, row, "cosigners", reason)
            return None
        key = v.get("record_key") or duty_digest(v["kind"], title, held_on)
        return DutyRow(
            row, v["code"], v["name"], v["year"], key, v["kind"], title, held_on,
            v.get("attendance"), v.get("role"), v.get("outcome") or DutyOutcome.NONE, cosigners,
        )  # fmt: skip

    def _ballot(self, spec: SheetSpec, sheet: str, row: int, v: dict[str, Any]) -> BallotRow | None:
        votes = sum(v[k] for k in ("excellent", "competent", "basic", "incompetent", "abstain"))
        if votes > v["returned"]:
            reason = f"各票数合计 {votes}，多于收回的 {v['returned']} 张"
            self.problem(spec, sheet, row, "returned", reason)
            return None
        return BallotRow(
            row, v["code"], v["name"], v["year"], v["rater_group"], v["due"], v["issued"],
            v["returned"], v["excellent"], v["competent"], v["basic"], v["incompetent"],
            v["abstain"],
        )  # fmt: skip

    def _score(self, spec: SheetSpec, sheet: str, row: int, v: dict[str, Any]) -> ScoreRow | None:
        rated = {f: v.get(f) for f in DIMENSION_FIELDS.values()}
        given = [f for f, value in rated.items() if value is not None]
        material = v.get("material") or ""
        total = v.get("score")
        ok = True
        if not given and total is None:
            reason = "请填写四个维度的评分（旧表可只填得分）"
            self.problem(spec, sheet, row, "political", reason)
            return None
        if given:
            for f, value in rated.items():
                if value is None:
                    self.problem(spec, sheet, row, f, "四个维度须都评分，此项为空")
                    ok = False
                elif not 0 <= value <= 100:
                    self.problem(spec, sheet, row, f, f"评分 {value} 不在 0 到 100 之间")
                    ok = False
            if not material:
                self.problem(spec, sheet, row, "material", "按维度评分时须填写考核材料")
                ok = False
            if total is not None:
                reason = "已按维度评分，得分由方案权重计算：请删去得分"
                self.problem(spec, sheet, row, "score", reason)
                ok = False
        elif total is not None and not 0 <= total <= 100:
            self.problem(spec, sheet, row, "score", f"得分 {total} 不在 0 到 100 之间")
            ok = False
        if not ok:
            return None
        r = {f: None if x is None else float(x) for f, x in rated.items()}
        return ScoreRow(
            row, v["code"], v["name"], v["year"], None if total is None else float(total),
            r["political"], r["thinking"], r["duty"], r["integrity"], material,
            v.get("assessor") or "", v.get("note") or "",
        )  # fmt: skip

    def _finding(
        self, spec: SheetSpec, sheet: str, row: int, v: dict[str, Any]
    ) -> FindingRow | None:
        item_code = v["item_code"].upper()
        if not _ITEM_CODE.match(item_code):
            self.problem(spec, sheet, row, "item_code", f"“{item_code}”不是条目编号（应如 D03）")
            return None
        return FindingRow(
            row, v["code"], v["name"], v["year"], item_code, v["category"], v["effect"],
            v["source_body"], v.get("evidence") or "",
        )  # fmt: skip

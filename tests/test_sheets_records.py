"""Reading the records workbook: four sheets, the year rule, and the checks across cells."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sheetbuilders import write_xlsx

from appraisal.models.vocab import (
    Attendance,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingEffect,
    RaterGroup,
)
from appraisal.sheets import WorkbookError, read_records, write_records_template
from appraisal.sheets.records import duty_digest

DUTY_HEADER = [
    "编号",
    "姓名",
    "年度",
    "记录编号",
    "类型",
    "名称",
    "日期",
    "出席情况",
    "角色",
    "成果",
]
BALLOT_HEADER = ["编号", "姓名", "年度", "测评群体", "应参评人数", "发出票数", "收回票数",
                 "优秀", "称职", "基本称职", "不称职", "弃权"]  # fmt: skip
SCORE_HEADER = ["编号", "姓名", "年度", "得分", "考核人", "备注"]
P1 = ["P001", "张三", 2026]
FINDING_HEADER = ["编号", "姓名", "年度", "事项代码", "类别", "性质", "来源单位", "情况说明"]


def _book(tmp_path: Path, **sheets: list[list[object]]) -> Path:
    return write_xlsx(tmp_path / "records.xlsx", sheets)


def test_all_four_sheets_read_into_typed_rows(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        履职记录=[DUTY_HEADER,
                  [*P1, None, "全会", "全体会议", date(2026, 1, 15), "请假", None, None],
                  [*P1, "TA-7", "提案", "关于养老的提案", "2026.03.05", None, "领衔", "立案"]],
        民主测评=[BALLOT_HEADER, ["P001", "张三", 2026, "同事", 30, 30, 28, 12, 13, 2, None, 1]],
        组织考核=[SCORE_HEADER, ["P001", "张三", 2026, 88.5, "考核组", None]],
        负面清单=[FINDING_HEADER, [*P1, "d03", "履职尽责", "扣分", "市政协办公厅", "缺席"]],
    )  # fmt: skip
    book = read_records(path)
    plenary, proposal = book.duties
    assert (plenary.kind, plenary.attendance, plenary.outcome) == (
        DutyKind.PLENARY, Attendance.EXCUSED, DutyOutcome.NONE)  # fmt: skip
    assert plenary.record_key == duty_digest(DutyKind.PLENARY, "全体会议", date(2026, 1, 15))
    assert (proposal.record_key, proposal.role, proposal.outcome) == (
        "TA-7", DutyRole.LEAD, DutyOutcome.ACCEPTED)  # fmt: skip
    (ballot,) = book.ballots
    assert (ballot.rater_group, ballot.returned, ballot.incompetent) == (
        RaterGroup.COLLEAGUES,
        28,
        0,
    )
    assert book.scores[0].score == 88.5
    assert (book.findings[0].item_code, book.findings[0].effect) == ("D03", FindingEffect.DEDUCTION)
    assert book.sheets == ("履职记录", "民主测评", "组织考核", "负面清单")


def test_a_workbook_may_carry_only_some_sheets(tmp_path: Path) -> None:
    path = _book(tmp_path, 组织考核=[SCORE_HEADER, ["P001", "张三", 2026, 90, None, None]])
    book = read_records(path)
    assert book.sheets == ("组织考核",) and book.duties == () and len(book.scores) == 1


def test_the_year_comes_from_the_option_when_the_column_is_absent(tmp_path: Path) -> None:
    header = [h for h in SCORE_HEADER if h != "年度"]
    path = _book(tmp_path, 组织考核=[header, ["P001", "张三", 90, None, None]])
    assert read_records(path, year=2025).scores[0].year == 2025
    with pytest.raises(WorkbookError) as exc:
        read_records(path)
    (issue,) = exc.value.issues
    assert (issue.row, issue.column) == (2, "年度") and "--year" in issue.reason


def test_a_year_column_disagreeing_with_the_option_is_an_error(tmp_path: Path) -> None:
    path = _book(tmp_path, 组织考核=[SCORE_HEADER, ["P001", "张三", 2025, 90, None, None]])
    with pytest.raises(WorkbookError) as exc:
        read_records(path, year=2026)
    assert "2025" in exc.value.issues[0].reason


def test_checks_across_cells_name_row_and_column(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        履职记录=[DUTY_HEADER,
                  ["P001", "张三", 2026, None, "全会", "全体会议", None, None, None, None],
                  ["P001", "张三", 2026, None, "提案", "某提案", None, None, None, "立案"],
                  [None, None, 2026, None, "活动", "调研", None, None, None, None]],
        民主测评=[BALLOT_HEADER, ["P001", "张三", 2026, "同事", 30, 30, 10, 8, 5, 0, 0, 0]],
        组织考核=[SCORE_HEADER, ["P001", "张三", 2026, 120, None, None]],
        负面清单=[FINDING_HEADER, [*P1, "违纪", "遵规守纪", "否决", "市纪委", None]],
    )  # fmt: skip
    with pytest.raises(WorkbookError) as exc:
        read_records(path)
    found = {(i.sheet, i.row, i.column) for i in exc.value.issues}
    assert found == {
        ("履职记录", 2, "出席情况"),
        ("履职记录", 3, "角色"),
        ("履职记录", 4, "编号"),
        ("民主测评", 2, "收回票数"),
        ("组织考核", 2, "得分"),
        ("负面清单", 2, "事项代码"),
    }


def test_bad_vocabulary_lists_the_allowed_words(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        民主测评=[BALLOT_HEADER, ["P001", "张三", 2026, "朋友", 30, 30, 28, 12, 13, 2, 0, "x"]],
    )
    with pytest.raises(WorkbookError) as exc:
        read_records(path)
    by_column = {i.column: i for i in exc.value.issues}
    assert "领导班子" in by_column["测评群体"].reason and by_column["测评群体"].cell == "D2"
    assert by_column["弃权"].cell == "L2" and "不是数字" in by_column["弃权"].reason


def test_a_workbook_without_records_sheets_names_what_it_has(tmp_path: Path) -> None:
    path = _book(tmp_path, 花名册=[["编号", "姓名"]])
    with pytest.raises(WorkbookError) as exc:
        read_records(path)
    (issue,) = exc.value.issues
    assert "履职记录" in issue.reason and "现有工作表：花名册" in issue.reason


def test_the_template_has_four_sheets_with_drop_downs(tmp_path: Path) -> None:
    path = write_records_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:4] == ["履职记录", "民主测评", "组织考核", "负面清单"]
    duty = book["履职记录"]
    # 联名人数 (optional, after 角色); the rows of this file's sheets are written without it.
    assert [c.value for c in duty[1]] == [*DUTY_HEADER[:9], "联名人数", *DUTY_HEADER[9:]]
    formulas = {v.formula1 for v in duty.data_validations.dataValidation}
    assert '"出席,请假,缺席"' in formulas and '"独立,领衔,联名"' in formulas
    assert [c.value for c in book["民主测评"][1]] == BALLOT_HEADER
    assert all(book[name].freeze_panes == "A2" for name in book.sheetnames[:4])
    untouched = read_records(path)
    assert untouched.duties == () and len(untouched.warnings) == 4

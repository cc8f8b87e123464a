"""届末评价: each year of a term scored under the CPPCC scheme, the term's total and average, and
连续两年不合格 flagged — the pure rule, then the store, CLI and portal over real databases."""

import io
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sheetbuilders import person, roster_file, write_xlsx
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import score_cycle
from appraisal.launch import launch
from appraisal.models import Person, Result
from appraisal.models.vocab import CycleKind, Grade, Role
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring.term import TermResult, YearResult, evaluate_term
from appraisal.store.accounts import save_account
from appraisal.store.cycles import Selection
from appraisal.store.term import TermError, evaluate_terms
from tests.portal_helpers import PASSWORD, STAFF, log_in

CPPCC_PATH = Path(__file__).resolve().parent.parent / "appraisal/schemes/cppcc.toml"
CPPCC = load_scheme(CPPCC_PATH)
RULES = CPPCC.term
assert RULES is not None
G = Grade
runner = CliRunner()
WIDE = {"COLUMNS": "240"}


def _years(*grades: Grade | None) -> dict[int, YearResult]:
    points = {G.EXCELLENT: 120.0, G.COMPETENT: 80.0, G.INCOMPETENT: 50.0}
    return {2023 + i: YearResult(points[g], g) for i, g in enumerate(grades) if g is not None}


def _term(*grades: Grade | None) -> TermResult:
    assert RULES is not None
    return evaluate_term(RULES, "C001", "甲", tuple(range(2023, 2028)), _years(*grades), 2)


def test_two_years_below_standard_in_a_row_are_flagged() -> None:
    result = _term(G.COMPETENT, G.INCOMPETENT, G.INCOMPETENT, G.EXCELLENT, G.COMPETENT)
    assert result.resign and result.run == 2 and result.below == (2024, 2025)
    assert result.total == 380 and result.average == 76
    assert "连续 2 年不合格，达到 2 年：劝其辞去委员。" in result.lines


def test_years_apart_or_without_a_record_break_the_run() -> None:
    apart = _term(G.INCOMPETENT, G.COMPETENT, G.INCOMPETENT, None, G.INCOMPETENT)
    assert not apart.resign and apart.below == (2023, 2025, 2027)
    assert apart.average == 57.5 and "2026 年度无履职记录，不评定。" in apart.lines
    nothing = _term(None, None, None, None, None)
    assert nothing.average is None and nothing.total == 0 and not nothing.resign


HEADER = ["编号", "姓名", "年度", "类型", "名称", "日期", "出席情况", "角色", "联名人数"]


def _plenary(code: str, year: int, day: int, attendance: str) -> list[object]:
    return [code, None, year, "全会", f"{year}年全会第{day}个半天", date(year, 1, day), attendance,
            None, None]  # fmt: skip


def _records(tmp_path: Path) -> Path:
    """2024–2026: P001 attends everything and leads a proposal each year; P002 is absent twice
    in 2024 and 2025 (50 points: 不称职) and attends in 2026; P003 is absent in 2024 and 2026."""
    rows: list[list[object]] = []
    for year in (2024, 2025, 2026):
        rows += [_plenary("P001", year, d, "出席") for d in (1, 2)]
        rows.append(["P001", None, year, "提案", f"{year}年的提案", None, None, "领衔", 3])
        rows.append(["P004", None, year, "提案", f"{year}年的提案", None, None, "联名", 3])
        absent = year != 2026
        rows += [_plenary("P002", year, d, "缺席" if absent else "出席") for d in (1, 2)]
        rows += [_plenary("P003", year, d, "出席" if year == 2025 else "缺席") for d in (1, 2)]
    return write_xlsx(tmp_path / "records.xlsx", {"履职记录": [HEADER, *rows]})


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def term_data(app_env: Path, tmp_path: Path) -> Path:
    people = [person("P001", "张三"), person("P002", "李四"), person("P003", "王五"),
              person("P004", "赵六")]  # fmt: skip
    _ok("roster", "import", str(roster_file(tmp_path / "r.xlsx", people)))
    _ok("records", "import", str(_records(tmp_path)))
    return app_env


def test_the_store_scores_each_year_and_flags_the_run(term_data: Path) -> None:
    with session_scope() as session:
        board = evaluate_terms(session, scheme=CPPCC, first=2024, last=2026)
    rows = {r.code: r for r in board.rows}
    assert board.flag == "连续两年不合格" and board.years == (2024, 2025, 2026)
    assert [(y, r.points, r.grade) for y, r in rows["P001"].years if r] == [
        (2024, 85, G.COMPETENT), (2025, 85, G.COMPETENT), (2026, 85, G.COMPETENT)]  # fmt: skip
    assert rows["P004"].total == 3 * 63
    assert rows["P002"].below == (2024, 2025) and rows["P002"].resign
    assert rows["P003"].below == (2024, 2026) and not rows["P003"].resign
    assert [r.code for r in board.flagged] == ["P002"]
    with session_scope() as session, pytest.raises(TermError, match="没有届末评价规则"):
        evaluate_terms(session, scheme=load_scheme(default_scheme_path()), first=2024, last=2026)


def test_a_year_with_a_cycle_under_the_scheme_takes_its_decided_grades(term_data: Path) -> None:
    cycle_id = launch(
        name="2025年度政协委员履职", kind=CycleKind.NON_PARTY, year=2025, scheme_path=CPPCC_PATH,
        selection=Selection(), allow_missing=True,
    ).cycle_id  # fmt: skip
    with plain_calls():
        score_cycle(cycle_id)
    with session_scope() as session:  # 审定 made P003's 2025 不称职 (as change_grade would)
        result = session.exec(
            select(Result).join(Person).where(Result.cycle_id == cycle_id, Person.code == "P003")
        ).one()
        assert result.grade is G.COMPETENT
        result.grade = G.INCOMPETENT
        session.add(result)
    with session_scope() as session:
        board = evaluate_terms(session, scheme=CPPCC, first=2024, last=2026)
    rows = {r.code: r for r in board.rows}
    assert rows["P003"].below == (2024, 2025, 2026) and rows["P003"].resign
    assert [r.code for r in board.flagged] == ["P002", "P003"]
    sources = dict(board.sources)
    assert "2025年度政协委员履职" in sources[2025] and "按履职记录计算" in sources[2024]
    # Another scheme's cycle is not this scheme's annual result: 2025 is counted from records.
    edited = load_scheme(CPPCC_PATH).text.replace('version = "2026.1"', 'version = "2026.2"')
    with session_scope() as session:
        other = evaluate_terms(session, scheme=parse_scheme(edited), first=2024, last=2026)
    assert not {r.code: r for r in other.rows}["P003"].resign


def test_the_command_shows_the_term_and_writes_the_workbook(
    term_data: Path, tmp_path: Path
) -> None:
    xlsx = tmp_path / "届末评价表.xlsx"
    said = _ok("term", "show", "--from", "2024", "--to", "2026", "--xlsx", str(xlsx))
    assert "2024年度" in said and "85（称职）" in said and "50（不称职）" in said
    assert "连续两年不合格 1 人：P002 李四" in said and "已写出届末评价表" in said
    assert "2024 年度：按履职记录计算" in said
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["编号", "姓名", "2024年度", "2025年度", "2026年度", "积分合计", "年均积分",
                       "不合格年度", "连续两年不合格"]  # fmt: skip
    assert rows[2] == ["P002", "李四", "50（不称职）", "50（不称职）", "70（称职）", "170",
                       "56.67", "2024、2025", "是，劝其辞去委员"]  # fmt: skip
    empty = _ok("term", "show", "--from", "2019", "--to", "2020")
    assert "没有履职记录" in empty
    wrong = runner.invoke(app, ["term", "show", "--from", "2024", "--to", "2026", "--scheme",
                                str(default_scheme_path())], env=WIDE)  # fmt: skip
    assert wrong.exit_code != 0 and "没有届末评价规则" in wrong.output
    backwards = runner.invoke(app, ["term", "show", "--from", "2026", "--to", "2024"], env=WIDE)
    assert backwards.exit_code != 0 and "晚于终止年度" in backwards.output


def test_the_portal_page_lists_the_term_and_downloads_it(term_data: Path) -> None:
    from appraisal.portal.app import create_app

    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD, role=Role.READER)
    client = TestClient(create_app())
    assert log_in(client, STAFF, PASSWORD).url.path == "/"
    home = client.get("/")
    assert 'href="/term">届末评价</a>' in home.text
    shown = client.get("/term", params={"start": 2024, "end": 2026})
    assert shown.status_code == 200
    assert "届末评价 2024–2026 年度" in shown.text and 'id="term-flagged"' in shown.text
    assert "P002 李四</a>：不合格年度 2024、2025" in shown.text
    assert shown.text.count("是，劝其辞去委员") == 1 and 'id="term-sources"' in shown.text
    download = client.get("/term/export.xlsx", params={"start": 2024, "end": 2026})
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None and sheet["A4"].value == "P002"
    five = client.get("/term", params={"end": 2026})
    assert "届末评价 2022–2026 年度" in five.text  # a 届 of five years when no start is given
    bad = client.get("/term", params={"start": 2026, "end": 2024})
    assert bad.status_code == 200 and 'id="term-problem"' in bad.text

"""民主测评票 that list people, counted and read back: the sheets a group gets, the counts staff
enter per sheet or import from the 计票汇总表, the checks on them, and the gate and scoring that
wait for them. Real flows, LibreOffice and both databases."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, delete, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.launch import launch
from appraisal.models import AuditEntry, BallotTally, Person, Result
from appraisal.models.vocab import CycleKind, Stage
from appraisal.settings import get_settings
from appraisal.sheets.ballots import read_count_book, write_count_book
from appraisal.store import ballots
from appraisal.store.ballots import BallotError, SheetCounts
from appraisal.store.progress import cycle_progress
from tests.cycle_helpers import (
    TODAY,
    YEAR,
    documents,
    everyone,
    import_pool,
    require_soffice,
    return_all,
    scheme_with_bodies,
)

pytestmark = pytest.mark.libreoffice
runner = CliRunner()


@pytest.fixture
def at_assessment(app_env: Path, prefect_harness: None, tmp_path: Path) -> int:
    """Four people with no tallies on record, a scheme of three people a sheet, the cycle run
    to 组织考核: its 民主测评票 printed and not yet counted."""
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=4)
    with session_scope() as session:
        session.execute(delete(BallotTally))
    text = scheme_with_bodies({}).replace("sheet_people = 20", "sheet_people = 3")
    scheme = get_settings().output_dir / "scheme.toml"
    scheme.parent.mkdir(parents=True, exist_ok=True)
    scheme.write_text(text, encoding="utf-8")
    cycle_id = launch(
        name="计票测试", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme,
        selection=everyone(),
    ).cycle_id  # fmt: skip
    assert run_cycle(cycle_id, TODAY).stage == Stage.NOMINATION.value
    return_all(cycle_id, Stage.NOMINATION, tmp_path / "drop-nm")
    assert run_cycle(cycle_id, TODAY).ran == ["assessment"]
    return cycle_id


def _votes(returned: int, n: int) -> tuple[int, int, int, int, int]:
    """Plausible votes adding up to `returned`: mostly 优秀 and 称职, one abstention."""
    excellent = (returned - 1) // 2 + n % 2
    return (excellent, returned - 1 - excellent, 0, 0, 1)


def _counts(sheet: ballots.Sheet, issued: int, returned: int) -> SheetCounts:
    votes = {p.code: _votes(returned, n) for n, p in enumerate(sheet.people)}
    return SheetCounts(issued, returned, votes)


def _sheets(cycle_id: int) -> list[ballots.Sheet]:
    with session_scope() as session:
        return ballots.ballot_sheets(session, cycle_id)


def _gate(cycle_id: int) -> tuple[bool, list[str]]:
    with session_scope() as session:
        p = cycle_progress(session, cycle_id, TODAY, [Stage.ASSESSMENT])[Stage.ASSESSMENT]
    return p.gate_open, [o.missing for o in p.outstanding]


def test_sheets_list_each_group_s_people_and_their_counts_become_tallies(
    at_assessment: int, tmp_path: Path
) -> None:
    from appraisal.flows.cycle import run_cycle

    cycle_id = at_assessment
    with session_scope() as session:
        codes = list(session.exec(select(Person.code).order_by(Person.code)))
    sheets = _sheets(cycle_id)
    # The default groups, everyone in each, three a sheet: 3 + 1 for each group.
    assert [(s.group, s.label, [p.code for p in s.people]) for s in sheets] == [
        ("领导班子", "第1张，共2张", codes[:3]),
        ("领导班子", "第2张，共2张", codes[3:]),
        ("同事", "第1张，共2张", codes[:3]),
        ("同事", "第2张，共2张", codes[3:]),
    ]
    assert {s.state for s in sheets} == {ballots.UNCOUNTED}
    docs = documents(cycle_id, Stage.ASSESSMENT)
    assert not [d for d in docs if d.template_id == "assessment_tally"]  # made once counted
    before = {d.id: d.docx_sha256 for d in docs}
    is_open, missing = _gate(cycle_id)
    assert not is_open and sum("计票结果" in m for m in missing) == 4

    first = sheets[0]
    wrong = _counts(first, 7, 6)
    wrong.votes[codes[1]] = (3, 2, 0, 0, 0)  # five, of six ballots returned
    with session_scope() as session, pytest.raises(BallotError) as refused:
        ballots.enter_counts(session, cycle_id, [(first.document_id, wrong)], actor="t")
    assert first.document_id in str(refused.value) and codes[1] in str(refused.value)
    assert "不等于收回 6 张" in str(refused.value) and "计为弃权" in str(refused.value)
    with session_scope() as session, pytest.raises(BallotError, match="收回 8 张多于发出 7 张"):
        ballots.enter_counts(session, cycle_id, [(first.document_id, _counts(first, 7, 8))],
                             actor="t")  # fmt: skip

    # One sheet entered at the command line, the rest from the filled 计票汇总表.
    votes = [f"--votes={p.code}=" + ",".join(map(str, _votes(6, n)))
             for n, p in enumerate(first.people)]  # fmt: skip
    entered = runner.invoke(app, ["ballots", "enter", str(cycle_id), first.document_id,
                                  "--issued", "7", "--returned", "6", *votes])  # fmt: skip
    assert entered.exit_code == 0, entered.output
    assert "尚有 3 张测评票未计票" in entered.output
    book = tmp_path / "计票汇总表.xlsx"
    written = runner.invoke(app, ["ballots", "workbook", str(cycle_id), str(book)])
    assert written.exit_code == 0, written.output
    _fill(book, cycle_id)
    with pytest.raises(Exception, match="发出票数 不能为负数"):
        _fill(book, cycle_id, issued=-1)
        read_count_book(book)
    _fill(book, cycle_id)
    imported = runner.invoke(app, ["ballots", "import", str(cycle_id), str(book)])
    assert imported.exit_code == 0, imported.output
    assert "全部测评票已计票" in imported.output
    assert {s.state for s in _sheets(cycle_id)} == {ballots.COUNTED}

    with session_scope() as session:
        tallies = list(session.exec(select(BallotTally).order_by(col(BallotTally.id))))
    assert len(tallies) == 8
    leaders = [t for t in tallies if t.rater_group.value == "领导班子"]
    assert {(t.due, t.issued) for t in leaders} >= {(7, 7)}  # the scheme's raters are the due
    assert all(t.sheet_id for t in tallies)
    assert all(t.excellent + t.competent + t.basic + t.incompetent + t.abstain == t.returned
               for t in tallies)  # fmt: skip

    # Counting made no one's groups change: the stage, run again, makes the tally tables and
    # the same sheets and talk records as before.
    assert not _gate(cycle_id)[0]
    assert run_cycle(cycle_id, TODAY).ran == ["assessment"]
    docs = documents(cycle_id, Stage.ASSESSMENT)
    assert {d.id: d.docx_sha256 for d in docs if d.id in before} == before
    assert len([d for d in docs if d.template_id == "assessment_tally"]) == 4
    assert [s.document_id for s in _sheets(cycle_id)] == [s.document_id for s in sheets]

    # A count that contradicts the one on record needs a reason, and is audited.
    again = _counts(first, 7, 5)
    with session_scope() as session, pytest.raises(BallotError, match="须说明理由"):
        ballots.enter_counts(session, cycle_id, [(first.document_id, again)], actor="t")
    with session_scope() as session:
        ballots.enter_counts(session, cycle_id, [(first.document_id, again)], actor="t",
                             reason="监票人复核，原计一张废票为有效")  # fmt: skip
        audit = session.exec(
            select(AuditEntry).where(AuditEntry.entity == ballots.ENTITY,
                                     AuditEntry.entity_key == first.document_id)
        ).all()  # fmt: skip
    assert [a.reason for a in audit][-1] == "监票人复核，原计一张废票为有效"

    # The tally tables, remade with the new count, signed; evaluation scores the counts.
    assert run_cycle(cycle_id, TODAY).ran == ["assessment"]
    return_all(cycle_id, Stage.ASSESSMENT, tmp_path / "drop-as")
    assert "evaluation" in run_cycle(cycle_id, TODAY).ran
    with session_scope() as session:
        scores = session.exec(select(Result.appraisal_score)).all()
    assert len(scores) == 4 and all(s is not None for s in scores)


def _fill(book: Path, cycle_id: int, issued: int = 9) -> None:
    """The tellers fill in every block left blank: 发出 `issued`, 收回 8."""
    with session_scope() as session:
        blocks = ballots.count_book_blocks(session, cycle_id)
    write_count_book(book, "计票测试", blocks)
    wb = load_workbook(book)
    ws = wb["计票汇总"]
    n = 0
    for row in ws.iter_rows():
        if row[0].value == "发出票数" and row[1].value is None:
            row[1].value, row[3].value = issued, 8
            r = row[0].row + 2
            while ws.cell(r, 2).value:
                for k, v in enumerate(_votes(8, n)):
                    ws.cell(r, 4 + k).value = v
                r, n = r + 1, n + 1
    wb.save(book)


def test_evaluation_waits_for_every_sheet_or_a_waiver(at_assessment: int, tmp_path: Path) -> None:
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.tasks import score_cycle

    cycle_id = at_assessment
    sheets = _sheets(cycle_id)
    with pytest.raises(ValueError, match="4 张民主测评票未录入计票结果"):
        score_cycle(cycle_id)
    with session_scope() as session:
        ballots.enter_counts(session, cycle_id,
                             [(s.document_id, _counts(s, 7, 6)) for s in sheets[:3]],
                             actor="t")  # fmt: skip
    # Those whose sheets are all counted get their tally tables; the last waits.
    assert run_cycle(cycle_id, TODAY).ran == ["assessment"]
    tables = [
        d for d in documents(cycle_id, Stage.ASSESSMENT) if d.template_id == "assessment_tally"
    ]
    assert len(tables) == 3
    is_open, missing = _gate(cycle_id)
    counts = [m for m in missing if "计票结果" in m]
    assert not is_open and len(counts) == 1 and sheets[3].label in counts[0]
    with session_scope() as session, pytest.raises(BallotError, match="理由"):
        ballots.waive_sheet(session, cycle_id, sheets[3].document_id, actor="t", reason=" ")
    with session_scope() as session:
        ballots.waive_sheet(session, cycle_id, sheets[3].document_id, actor="t",
                            reason="该组测评票遗失，经考核组研究不再补测")  # fmt: skip
    assert run_cycle(cycle_id, TODAY).ran == ["assessment"]
    # The person on the waived sheet is scored on the other group's votes alone.
    return_all(cycle_id, Stage.ASSESSMENT, tmp_path / "drop-as")
    assert "evaluation" in run_cycle(cycle_id, TODAY).ran
    last = sheets[3].people[0].code
    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == last)).one()
        groups = session.exec(
            select(BallotTally.rater_group).where(BallotTally.person_id == pid)
        ).all()
    assert [g.value for g in groups] == ["领导班子"]

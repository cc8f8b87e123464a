"""复核: a person's request within (or after) the window of working days after their
考核结果通知书, staff's 维持 / 变更, the Result and the register, the 复核决定书, and a sealed
dossier sealed again with the new grade, the old package kept."""

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.archive.register import REGISTER_HEADER, REGISTER_SHEET
from appraisal.archive.verify import verify_package
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.documents.review import review_decision
from appraisal.models import AuditEntry, Document, Dossier, Person, Result, ReviewRequest
from appraisal.models.vocab import Grade, ReviewStatus, Stage
from appraisal.paths import cycle_dir, located, register_path
from appraisal.store import reviews
from appraisal.store.archive_data import register_inputs
from appraisal.store.cycles import get_cycle
from tests.cycle_helpers import (
    STOPS,
    TODAY,
    import_pool,
    notices_sent,
    require_soffice,
    return_all,
    sqlite_only,
    start,
)

NOTICE_DAY = date(2026, 11, 23)  # a Monday
CLOSES = date(2026, 12, 14)  # its 15th working day after


def test_the_window_counts_working_days_only() -> None:
    assert reviews.working_days_after(NOTICE_DAY, 15) == CLOSES
    assert reviews.working_days_after(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Fri → Mon
    assert reviews.working_days_after(date(2026, 11, 22), 15) == date(2026, 12, 11)  # from a Sun


def test_the_decision_says_what_was_decided() -> None:
    common = dict(
        office="某市委统战部",
        number="统〔2026〕复1号",
        cycle_name="2026年度综合评价",
        name="张三",
        original="称职",
        requested_on=NOTICE_DAY,
        grounds="理由 " * 200,
        reason="补充的履职记录核实无误",
        decided_on=date(2026, 12, 1),
    )
    kept = review_decision(new_grade=None, **common)  # type: ignore[arg-type]
    assert kept["复核结论"] == "维持原考核等次“称职”" and kept["新等次"] == "称职"
    changed = review_decision(new_grade="优秀", **common)  # type: ignore[arg-type]
    assert changed["复核结论"] == "变更考核等次为“优秀”"
    assert "由“称职”变更为“优秀”" in str(changed["决定说明"])
    assert len(str(changed["申请理由"])) == 300 and str(changed["申请理由"]).endswith("…")
    assert changed["申请日期"] == "2026年11月23日" and changed["成文日期"] == "2026年12月1日"


@pytest.fixture
def noticed(app_env: Path, tmp_path: Path) -> tuple[int, list[str]]:
    """A cycle of three whose 考核结果通知书 went out on NOTICE_DAY, each graded 称职."""
    import_pool(tmp_path / "data", people=3)
    cycle_id = start("2026年度综合评价")
    return cycle_id, notices_sent(cycle_id, NOTICE_DAY)


def test_requests_within_and_after_the_window(noticed: tuple[int, list[str]]) -> None:
    cycle_id, (a, b, c) = noticed
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        with pytest.raises(reviews.ReviewError, match="已于2026-12-14届满"):
            reviews.request_review(
                session,
                cycle=cycle,
                code=a,
                grounds="不服",
                actor="reviewer:本人",
                on=date(2026, 12, 15),
                by_link=True,
            )
        with pytest.raises(reviews.ReviewError, match="逾期受理的理由"):
            reviews.request_review(
                session, cycle=cycle, code=a, grounds="不服", actor="staff", on=date(2026, 12, 15)
            )
        with pytest.raises(reviews.ReviewError, match="理由"):
            reviews.request_review(
                session, cycle=cycle, code=a, grounds="  ", actor="staff", on=CLOSES
            )
        late = reviews.request_review(
            session,
            cycle=cycle,
            code=a,
            grounds="住院期间未能按时申请",
            actor="staff",
            on=date(2026, 12, 15),
            late_reason="本人住院，有医院证明",
        )
        assert late.late_reason == "本人住院，有医院证明" and late.channel == reviews.ON_PAPER
        own = reviews.request_review(
            session,
            cycle=cycle,
            code=b,
            grounds="履职记录漏计两次调研",
            actor="reviewer:本人",
            on=CLOSES,
            by_link=True,
        )
        assert own.status == ReviewStatus.PENDING and own.original_grade == Grade.COMPETENT
        assert own.late_reason == "" and own.channel == reviews.BY_LINK
        with pytest.raises(reviews.ReviewError, match="已在本周期提出过复核申请"):
            reviews.request_review(
                session, cycle=cycle, code=b, grounds="再次", actor="staff", on=CLOSES
            )
        rows = {r.code: r for r in reviews.list_reviews(session, cycle)}
        assert set(rows) == {a, b, c} and rows[c].request is None
        assert rows[b].window == reviews.Window(NOTICE_DAY, CLOSES)
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "review")).all()
        assert {e.entity_key for e in audit} == {f"{cycle.name}/{a}", f"{cycle.name}/{b}"}


def test_decisions_change_the_result_and_the_register(
    noticed: tuple[int, list[str]], tmp_path: Path
) -> None:
    cycle_id, (a, b, c) = noticed
    pdf = tmp_path / "申请.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a written request\n")
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        for code in (a, b):
            reviews.request_review(
                session,
                cycle=cycle,
                code=code,
                grounds="对民主测评结果有异议",
                actor="staff",
                on=date(2026, 11, 30),
                file=pdf if code == a else None,
            )
        with pytest.raises(reviews.ReviewError, match="不在本周期方案的等次中"):
            reviews.decide_review(
                session,
                cycle=cycle,
                code=a,
                new_grade=Grade.GOOD,  # 良好 is not on the 党外 default's scale
                reason="x",
                actor="staff",
                on=date(2026, 12, 1),
            )
        with pytest.raises(reviews.ReviewError, match="没有复核申请"):
            reviews.decide_review(
                session,
                cycle=cycle,
                code=c,
                new_grade=None,
                reason="x",
                actor="staff",
                on=date(2026, 12, 1),
            )
        changed = reviews.decide_review(
            session,
            cycle=cycle,
            code=a,
            new_grade=Grade.EXCELLENT,
            reason="测评票统计有误，重新计票后达到优秀",
            actor="staff:li",
            on=date(2026, 12, 1),
        )
        kept = reviews.decide_review(
            session,
            cycle=cycle,
            code=b,
            new_grade=None,
            reason="经核实，原结果无误",
            actor="staff:li",
            on=date(2026, 12, 1),
        )
        assert changed.status == ReviewStatus.CHANGED and changed.original_grade == Grade.COMPETENT
        assert kept.status == ReviewStatus.KEPT and kept.new_grade is None
        stored = reviews.attached_file(changed)
        assert stored is not None and stored.read_bytes() == pdf.read_bytes()
        assert len(changed.file_sha256) == 64
        with pytest.raises(reviews.ReviewError, match="已于2026-12-01决定"):
            reviews.decide_review(
                session,
                cycle=cycle,
                code=a,
                new_grade=None,
                reason="改",
                actor="staff",
                on=date(2026, 12, 2),
            )
    with session_scope() as session:
        grades = {
            p.code: r.grade
            for r, p in session.exec(
                select(Result, Person).join(Person).where(Result.cycle_id == cycle_id)
            )
        }
        assert grades == {a: Grade.EXCELLENT, b: Grade.COMPETENT, c: Grade.COMPETENT}
        trail = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "result", AuditEntry.field == "grade")
        ).all()
        assert [(e.before, e.after) for e in trail] == [("称职", "优秀")]
        assert trail[0].reason.startswith("复核变更")
        rows, _stages, _audit = register_inputs(session, cycle_id, date(2026, 12, 2))
        lines = {r.code: r for r in rows}
    assert lines[a].grade == "优秀"
    assert lines[a].review == "复核变更：称职→优秀（测评票统计有误，重新计票后达到优秀）"
    assert lines[b].review == "复核维持" and lines[c].review == ""


def test_the_cli_records_and_lists_requests(noticed: tuple[int, list[str]]) -> None:
    cycle_id, (a, _b, _c) = noticed
    run = CliRunner().invoke
    late = run(
        app, ["review", "request", str(cycle_id), a, "--grounds", "不服", "--on", "2026-12-15"]
    )
    assert late.exit_code == 1 and "2026-12-14" in late.output
    made = run(
        app,
        ["review", "request", str(cycle_id), a, "--grounds", "履职记录漏计", "--on", "2026-11-30"],
    )
    assert made.exit_code == 0, made.output
    listed = run(app, ["review", "list", str(cycle_id)])
    assert listed.exit_code == 0, listed.output
    assert "待决定" in listed.output and "2026-12-14" in listed.output
    both = run(
        app, ["review", "decide", str(cycle_id), a, "--keep", "--change", "优秀", "--reason", "x"]
    )
    assert both.exit_code == 1 and "--keep" in both.output


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.replace(" ", "").replace("\n", "")


@pytest.mark.libreoffice
@sqlite_only
def test_a_changed_grade_reseals_the_dossier(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    """A whole cycle of three, sealed; one asks for 复核 and is changed to 优秀, one is kept."""
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.review import reseal_changed
    from appraisal.reviewing import decide

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start("2026年度综合评价")
    for stage in STOPS:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}")
    outcome = archive_cycle(cycle_id, None, TODAY)
    assert len(outcome.sealed) == 3, outcome
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        graded = {
            p.code: r.grade
            for r, p in session.exec(
                select(Result, Person).join(Person).where(Result.cycle_id == cycle_id)
            )
        }
        changed, kept = sorted(c for c, g in graded.items() if g is not None)[:2]
        new = Grade.EXCELLENT if graded[changed] != Grade.EXCELLENT else Grade.COMPETENT
        for code in (changed, kept):
            reviews.request_review(
                session,
                cycle=cycle,
                code=code,
                grounds="请求复核民主测评结果",
                actor="staff",
                on=date(2026, 11, 24),
            )
    package = located(_dossier(cycle_id, changed).path)
    old_record = json.loads((package / "data" / "record.json").read_text(encoding="utf-8"))

    done = decide(
        cycle_id,
        changed,
        new_grade=new,
        reason="重新计票后等次有误",
        actor="staff",
        on=date(2026, 12, 1),
    )
    assert not done.resealed  # the decision alone changes no package
    reseal_changed(cycle_id, changed, done)
    assert done.problems == [] and done.resealed and done.pdf is not None
    text = _text(done.pdf)
    assert "考核结果复核决定书" in text and f"变更考核等次为“{new.value}”" in text
    assert f"（考核等次：{graded[changed].value}）" in text and "重新计票后等次有误" in text
    assert done.document_id in text

    # The old package is kept as it was, and still verifies; the new one has the new grade.
    assert done.superseded is not None and done.superseded.is_relative_to(cycle_dir(cycle_id))
    assert verify_package(done.superseded) == []
    kept_record = json.loads((done.superseded / "data" / "record.json").read_text(encoding="utf-8"))
    assert kept_record == old_record
    assert verify_package(package) == []
    record = json.loads((package / "data" / "record.json").read_text(encoding="utf-8"))
    assert record["result"]["grade"] == new.value
    assert old_record["result"]["grade"] == graded[changed].value
    assert done.document_id in json.dumps(record, ensure_ascii=False)

    # The register shows the new grade with its note.
    sheet = load_workbook(register_path(cycle_id))[REGISTER_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == list(REGISTER_HEADER)
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[changed][header.index("等次")] == new.value
    assert str(rows[changed][header.index("复核")]).startswith("复核变更")

    # 维持: a 复核决定书 that says so; the sealed dossier is left as it is.
    sealed_at = _dossier(cycle_id, kept).sealed_at
    same = decide(
        cycle_id,
        kept,
        new_grade=None,
        reason="经核实原结果无误",
        actor="staff",
        on=date(2026, 12, 1),
    )
    assert same.status == ReviewStatus.KEPT and not same.resealed
    assert same.pdf is not None and "维持原考核等次" in _text(same.pdf)
    assert _dossier(cycle_id, kept).sealed_at == sealed_at
    with session_scope() as session:
        row = session.exec(
            select(ReviewRequest).where(ReviewRequest.document_id == same.document_id)
        ).one()
        assert row.status == ReviewStatus.KEPT
        doc = session.get(Document, same.document_id)
        assert doc is not None and doc.stage == Stage.NOTIFICATION and not doc.needs_signoff


def _dossier(cycle_id: int, code: str) -> Dossier:
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.code == code)).one()
        return session.exec(
            select(Dossier).where(Dossier.cycle_id == cycle_id, Dossier.person_id == person.id)
        ).one()

"""Issue 19's whole procedure in one cycle: two bodies nominate five people (two new, one by both),
staff accept four, the cycle runs through every stage and is sealed, and the rolling adjustment
moves one 精英 up, one 代表人士 down and one out. Checked through the tiers and their dates, the
documents and the people's growing files; on SQLite and PostgreSQL."""

import subprocess
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.demo_data import write_newcomer_records
from appraisal.importing import import_records_file
from appraisal.launch import launch
from appraisal.models import CycleMember, Person, PoolMembership
from appraisal.models.vocab import CycleKind, NominationStatus, PoolMove, Stage, Tier
from appraisal.nomination_checks import age_on
from appraisal.paths import located
from appraisal.stages import WORK_STAGES
from appraisal.store import pool
from appraisal.store.cycles import Selection, get_cycle
from appraisal.store.nomination_files import write_nomination_summary
from appraisal.store.nominations import decide_nomination, import_nomination_file, nominations_of
from appraisal.store.pool_files import write_pool_files
from tests.cycle_helpers import TODAY, YEAR, documents, import_pool, require_soffice, return_all
from tests.test_nominations import RULES, A, B, _workbook

pytestmark = pytest.mark.libreoffice

APPROVED_ON = date(2026, 12, 20)


def _docx_text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _launch(data: Path) -> tuple[int, dict[str, str]]:
    """A cycle of one 代表人士 and one 精英 from the pool, and three more pool people fit to be
    nominated (the first of them a 精英); their 编号 by role in the story."""
    import_pool(data, people=16)
    assert RULES is not None
    with session_scope() as session:
        fit = [
            p
            for p in session.exec(select(Person).order_by(Person.code))
            if p.category in RULES.categories and 25 <= age_on(p.birth_date, YEAR) <= 60
        ]
    representative = [p.code for p in fit if p.tier is Tier.REPRESENTATIVE]
    rising = [p.code for p in fit if p.tier is Tier.RISING]
    assert representative and len(rising) >= 4, "the generated pool lacks fit people of a tier"
    codes = {"down": representative[0], "out": rising[0], "up": rising[1],
             "kept": rising[2], "declined": rising[3]}  # fmt: skip
    cycle_id = launch(name="2026年度提名与评价", kind=CycleKind.NON_PARTY, year=YEAR,
                      scheme_path=None, selection=Selection(codes=(codes["down"], codes["out"])),
                      ).cycle_id  # fmt: skip
    return cycle_id, codes


def _nominate_and_decide(cycle_id: int, codes: dict[str, str], folder: Path) -> None:
    """Body A nominates 'up' and 'kept' from the pool and the newcomer 林晓; body B the pool's
    'declined', the newcomer 周衡 and 林晓 again. Staff decline one with a reason, accept four."""
    path = _workbook(folder / "推荐人选.xlsx", [codes["up"], codes["kept"], codes["declined"]])
    with session_scope() as session:
        import_nomination_file(session, get_cycle(session, cycle_id), path, actor="经办甲")
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        ids = {
            (v.nomination.body, v.nomination.person_code or v.nomination.name): v.id
            for v in nominations_of(session, cycle)
        }
        assert len(ids) == 6  # five people, 林晓 twice
        decide_nomination(session, cycle, ids[(B, codes["declined"])], NominationStatus.DECLINED,
                          reason="近三年履职不足", actor="经办甲")  # fmt: skip
        for key in ((A, codes["up"]), (A, codes["kept"]), (B, "周衡"), (A, "林晓")):
            decide_nomination(session, cycle, ids[key], NominationStatus.ACCEPTED, reason="",
                              actor="经办甲")  # fmt: skip
        new = [(p.code, p.name) for p in session.exec(
            select(Person).where(col(Person.name).in_(["林晓", "周衡"])))]  # fmt: skip
    # The newcomers' year, as the assessment team and the other offices record it.
    records = write_newcomer_records(folder / "records-newcomers.xlsx", new, year=YEAR)
    import_records_file(records, actor="经办甲")


def _run_every_stage(cycle_id: int, codes: dict[str, str], folder: Path) -> int:
    """Every working stage run and returned; nominations taken while the nomination stage waits
    for its returns. The number of dossiers sealed."""
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle

    for stage in WORK_STAGES:
        ran = run_cycle(cycle_id, TODAY)
        assert ran.stage == stage.value, ran
        if stage is Stage.NOMINATION:
            _nominate_and_decide(cycle_id, codes, folder)
            # The stage runs again for the accepted newcomers' and members' 推荐表, and waits.
            assert run_cycle(cycle_id, TODAY).stage == stage.value
        return_all(cycle_id, stage, folder / f"drop-{stage.value}")
    outcome = archive_cycle(cycle_id, None, TODAY)
    return len(outcome.sealed)


def _stays(code: str) -> list[tuple[Tier, date, date | None, str, str]]:
    with session_scope() as session:
        found = session.exec(
            select(PoolMembership)
            .join(Person, col(Person.id) == col(PoolMembership.person_id))
            .where(Person.code == code)
            .order_by(col(PoolMembership.joined_on), col(PoolMembership.id))
        )
        return [(s.tier, s.joined_on, s.left_on, s.join_reason, s.leave_reason) for s in found]


def test_two_bodies_nominate_the_cycle_runs_and_the_pool_moves(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app

    require_soffice()
    cycle_id, codes = _launch(tmp_path / "data")
    assert _run_every_stage(cycle_id, codes, tmp_path) == 6

    with session_scope() as session:
        people = {p.name: p.code for p in session.exec(select(Person))}
        members = set(session.exec(
            select(Person.code).join(CycleMember, col(CycleMember.person_id) == col(Person.id))
            .where(CycleMember.cycle_id == cycle_id)
        ))  # fmt: skip
    lin, zhou = people["林晓"], people["周衡"]
    assert members == {codes["down"], codes["out"], codes["up"], codes["kept"], lin, zhou}

    # The 推荐表 of a nominated member goes to the body, with its 推荐理由 and the 简历.
    forms = {d.person_id: d for d in documents(cycle_id, Stage.NOMINATION)}
    with session_scope() as session:
        lin_id = session.exec(select(Person.id).where(Person.code == lin)).one()
        summary = write_nomination_summary(session, get_cycle(session, cycle_id), on=TODAY)
    form = forms[lin_id]
    assert (form.recipient_kind, form.recipient_name) == ("推荐单位", A)
    text = _docx_text(located(form.docx_path))
    assert "教学科研成绩突出" in text and "滨江大学化学系讲师" in text
    listed = _docx_text(summary.path)
    assert "2 个推荐单位共推荐 6 人次、5 人，采纳 4 人，不采纳 1 人" in listed
    assert "近三年履职不足" in listed

    # The adjustment: staff decide the three moves, the rest as proposed; 审核 approves.
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        rows = {r.code: r for r in pool.board(session, cycle).rows}
        assert set(rows) == members
        assert rows[lin].from_tier is None and rows[zhou].from_tier is None
        for code, move, why in (
            (codes["up"], PoolMove.PROMOTE, "履职突出，经研究晋升为代表人士"),
            (codes["down"], PoolMove.DEMOTE, "作用发挥不够，调整为精英"),
            (codes["out"], PoolMove.LEAVE, "工作调动离开本市"),
            (lin, PoolMove.ADMIT, "两单位推荐，考核评价合格，入库"),
            (zhou, PoolMove.ADMIT, "考核评价合格，入库"),
        ):
            pool.decide(session, cycle, code, move, reason=why, actor="经办甲")
        pool.confirm_rest(session, cycle, actor="经办甲")
        approval = pool.approve(session, cycle, actor="审核乙", on=APPROVED_ON)
    assert approval.counts[PoolMove.PROMOTE] == approval.counts[PoolMove.DEMOTE] == 1
    assert approval.counts[PoolMove.LEAVE] == 1 and approval.counts[PoolMove.ADMIT] == 2

    with session_scope() as session:
        tiers = {p.code: p.tier for p in session.exec(select(Person))}
    assert tiers[codes["up"]] is Tier.REPRESENTATIVE and tiers[codes["down"]] is Tier.RISING
    assert tiers[lin] is Tier.RISING and tiers[zhou] is Tier.RISING
    up = _stays(codes["up"])
    assert up[-2][0] is Tier.RISING and up[-2][2] == APPROVED_ON  # the old stay closed that day
    assert up[-1][:3] == (Tier.REPRESENTATIVE, APPROVED_ON, None)
    assert up[-1][3] == "晋升：履职突出，经研究晋升为代表人士"
    out = _stays(codes["out"])
    assert out[-1][2] == APPROVED_ON and out[-1][4] == "出库：工作调动离开本市"
    assert all(s[2] is not None for s in out)
    assert _stays(lin) == [(Tier.RISING, APPROVED_ON, None, "入库：两单位推荐，考核评价合格，入库",
                            "")]  # fmt: skip

    with session_scope() as session:
        files = write_pool_files(session, get_cycle(session, cycle_id))
    form_text = _docx_text(files.form)
    for word in ("晋升 1 人", "调整 1 人", "出库 1 人", "入库 2 人", "审核乙"):
        assert word in form_text, word
    book = openpyxl.load_workbook(files.pool_list)
    listed_codes = {s.title: {r[1] for r in s.iter_rows(min_row=3, values_only=True)}
                    for s in book.worksheets}  # fmt: skip
    assert codes["up"] in listed_codes["代表人士"] and codes["down"] in listed_codes["精英"]
    assert {lin, zhou} <= listed_codes["精英"]
    assert codes["out"] not in set().union(*listed_codes.values())

    # The newcomer's growing file: both nominations, the stay that began on approval, the
    # cycle's result and its sealed dossier.
    made = CliRunner().invoke(app, ["people", "file", lin, "--out", str(tmp_path / "file")])
    assert made.exit_code == 0, made.output
    assert "含 1 份封存档案" in made.output
    pdf = tmp_path / "file" / "data" / "一人一档.pdf"
    file_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.replace(" ", "")  # fmt: skip
    for word in ("提名推荐", A, B, "教学科研成绩突出", "采纳", "两单位推荐", "2026-12-20",
                 "2026年度提名与评价"):  # fmt: skip
        assert word in file_text, word
    # The promoted person's file tells the move up with its reason and date.
    made = CliRunner().invoke(app, ["people", "file", codes["up"], "--out", str(tmp_path / "up")])
    assert made.exit_code == 0, made.output
    up_text = subprocess.run(["pdftotext", str(tmp_path / "up" / "data" / "一人一档.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    up_text = up_text.replace(" ", "")
    assert "晋升" in up_text and "履职突出" in up_text and "参政议政成绩突出" in up_text

"""Nominations end to end over the store: a workbook from two bodies, staff's decisions, the
members and people they make, the audit; on SQLite and PostgreSQL."""

from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.models import (
    AuditEntry,
    CycleMember,
    Nomination,
    Person,
    PersonEntry,
    PoolMembership,
)
from appraisal.models.vocab import EntryKind, NominationStatus, Stage
from appraisal.nomination_checks import age_on
from appraisal.scheme.load import default_scheme_path, load_scheme
from appraisal.sheets import WorkbookError
from appraisal.sheets.nominations import read_nominations, write_nomination_template
from appraisal.store.cycles import Selection, get_cycle, set_stage
from appraisal.store.nomination_files import write_nomination_summary
from appraisal.store.nominations import (
    NominationError,
    decide_nomination,
    import_nomination_file,
    nominations_of,
)
from tests.cycle_helpers import YEAR, import_pool

YEAR_END = date(2026, 12, 31)
RULES = load_scheme(default_scheme_path()).nomination
A, B = "民盟滨江市委", "滨江市工商联"


def _docx_text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _start(data: Path) -> tuple[int, list[str]]:
    """A cycle of two pool people; the 编号 of three other pool people fit to be nominated."""
    from appraisal.launch import launch
    from appraisal.models.vocab import CycleKind

    import_pool(data, people=14)
    assert RULES is not None
    with session_scope() as session:
        people = list(session.exec(select(Person).order_by(Person.code)))
        fit = [
            p.code
            for p in people
            if p.category in RULES.categories and 25 <= age_on(p.birth_date, YEAR) <= 60
        ]
    assert len(fit) >= 5, "the generated pool has too few people fit to be nominated"
    cycle_id = launch(name="提名周期", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=None,
                      selection=Selection(codes=tuple(fit[:2]))).cycle_id  # fmt: skip
    return cycle_id, fit[2:5]


def _new(seq: str, body: str, kind: str, name: str, born: str, reason: str) -> list[object]:
    person = ["女", "汉族", born, "民盟盟员", "民主党派成员", "教育", "滨江大学", "副教授"]
    return [seq, body, kind, None, name, *person, "博士研究生", "副教授", "139", "精英", reason]


def _pool(seq: str, body: str, kind: str, code: str, reason: str) -> list[object]:
    return [seq, body, kind, code, "", *[None] * 11, "代表人士", reason]


def _workbook(path: Path, codes: list[str]) -> Path:
    """Two bodies, five people: three from the pool, two new, 林晓 nominated by both."""
    write_nomination_template(path)
    book = load_workbook(path)
    nominees, career = book["推荐人选"], book["简历"]
    for row in (
        _pool("1", A, "民主党派", codes[0], "参政议政成绩突出"),
        _pool("2", A, "民主党派", codes[1], "履职积极"),
        _new("3", A, "民主党派", "林晓", "1988.05", "教学科研成绩突出，积极建言献策"),
        _pool("4", B, "非公经济", codes[2], "热心公益"),
        _new("5", B, "非公经济", "周衡", "1983.11", "创办科技企业，带动就业"),
        _new("6", B, "非公经济", "林晓", "1988.05", "在新的社会阶层人士中有影响"),
    ):
        nominees.append(row)
    for row in (
        ["3", "2010.07", "2015.06", "滨江大学化学系讲师"],
        ["3", "2015.07", None, "滨江大学化学系副教授"],
        ["5", "2008.09", None, "滨江衡创科技有限公司总经理"],
    ):
        career.append(row)
    book.save(path)
    return path


def test_the_template_reads_back_empty(tmp_path: Path) -> None:
    sheet = read_nominations(write_nomination_template(tmp_path / "t.xlsx"))
    assert sheet.rows == ()
    assert any("示例" in w for w in sheet.warnings)


def test_every_bad_row_is_named(tmp_path: Path) -> None:
    path = write_nomination_template(tmp_path / "bad.xlsx")
    book = load_workbook(path)
    book["推荐人选"].append(["1", A, "民主党派", None, "王五", *[None] * 11, "名人", "好"])
    book["推荐人选"].append(["2", A, "某领域", None, "赵六", None, None, "1980.01",
                             *[None] * 8, "精英", "好"])  # fmt: skip
    book["推荐人选"].append(["2", A, "民主党派", "P1", "钱七", *[None] * 11, "精英", "好"])
    book["简历"].append(["9", "2001.01", None, "某单位"])
    book.save(path)
    with pytest.raises(WorkbookError) as caught:
        read_nominations(path)
    text = str(caught.value)
    assert "工作表 推荐人选，第3行" in text and "新人选（未填编号）必须填写出生年月" in text
    assert "第4行" in text and "推荐单位类别" in text
    assert "第5行" in text and "序号 2 与第4行重复" in text
    assert "工作表 简历，第3行" in text and "序号 9 在推荐人选表中没有" in text


def test_two_bodies_five_people_four_accepted(app_env: Path, tmp_path: Path) -> None:
    cycle_id, codes = _start(tmp_path / "data")
    path = _workbook(tmp_path / "推荐人选.xlsx", codes)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        first = import_nomination_file(session, cycle, path, actor="经办甲")
        assert first.counts.added == 6
    with session_scope() as session:
        again = import_nomination_file(session, get_cycle(session, cycle_id), path, actor="经办甲")
        assert (again.counts.added, again.counts.unchanged) == (0, 6)
        views = nominations_of(session, get_cycle(session, cycle_id))
        assert len(views) == 6
        assert all(v.findings.problems == [] for v in views), [v.findings for v in views]
        twice = [v for v in views if v.nomination.name == "林晓"]
        assert {v.nomination.body for v in twice} == {A, B}
        assert all(any("一并决定" in w for w in v.findings.warnings) for v in twice)
        in_pool = next(v for v in views if v.nomination.person_code == codes[0])
        assert any(w.startswith("已在人才库") for w in in_pool.findings.warnings)
        ids = {(v.nomination.body, v.nomination.person_code or v.nomination.name): v.id
               for v in views}  # fmt: skip
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        with pytest.raises(NominationError, match="不采纳须写明理由"):
            decide_nomination(session, cycle, ids[(B, codes[2])], NominationStatus.DECLINED,
                              reason=" ", actor="经办甲")  # fmt: skip
        decide_nomination(session, cycle, ids[(B, codes[2])], NominationStatus.DECLINED,
                          reason="近三年履职不足", actor="经办甲")  # fmt: skip
        for key in ((A, codes[0]), (A, codes[1]), (B, "周衡")):
            decide_nomination(session, cycle, ids[key], NominationStatus.ACCEPTED, reason="",
                              actor="经办甲")  # fmt: skip
        made = decide_nomination(session, cycle, ids[(A, "林晓")], NominationStatus.ACCEPTED,
                                 reason="两单位均推荐", actor="经办乙")  # fmt: skip
        assert made.created and len(made.decided) == 2
        with pytest.raises(NominationError, match="已采纳并列入本周期评价对象"):
            decide_nomination(session, cycle, ids[(B, "林晓")], NominationStatus.DECLINED,
                              reason="改变主意", actor="经办乙")  # fmt: skip
    with session_scope() as session:
        members = set(session.exec(
            select(Person.code).join(CycleMember, col(CycleMember.person_id) == col(Person.id))
            .where(CycleMember.cycle_id == cycle_id)
        ))  # fmt: skip
        new = {p.name: p for p in session.exec(select(Person).where(
            col(Person.name).in_(["林晓", "周衡"])))}  # fmt: skip
        assert set(new) == {"林晓", "周衡"}
        assert {codes[0], codes[1], *(p.code for p in new.values())} <= members
        assert codes[2] not in members and len(members) == 6
        lin = new["林晓"]
        assert lin.tier.value == "精英" and lin.birth_date == date(1988, 5, 1)
        assert lin.employer == "滨江大学" and lin.post == "副教授"
        entries = list(session.exec(select(PersonEntry).where(PersonEntry.person_id == lin.id)
                                    .order_by(PersonEntry.started_on)))  # fmt: skip
        assert [(e.kind, e.text) for e in entries] == [
            (EntryKind.CAREER, "滨江大学化学系讲师"),
            (EntryKind.CAREER, "滨江大学化学系副教授"),
        ]
        pooled = session.exec(select(PoolMembership).where(
            col(PoolMembership.person_id).in_([p.id for p in new.values()]))).all()  # fmt: skip
        assert pooled == []
        rows = list(session.exec(select(Nomination).where(Nomination.cycle_id == cycle_id)))
        assert sorted(n.status.value for n in rows).count("采纳") == 5  # 林晓's two rows
        assert {n.person_id for n in rows if n.name == "林晓"} == {lin.id}
        # Once accepted, the newcomer is not "someone on the roster with the same name" to
        # their own nominations, which show the 编号 they were given.
        lins = [v for v in nominations_of(session, get_cycle(session, cycle_id))
                if v.nomination.name == "林晓"]  # fmt: skip
        assert {v.became for v in lins} == {lin.code}
        assert not any("同名" in w for v in lins for w in v.findings.warnings)
        decisions = select(AuditEntry).where(
            AuditEntry.entity == "nomination", AuditEntry.field == "status"
        )
        audit = list(session.exec(decisions))
        assert len(audit) == 6
        declined = next(a for a in audit if a.after == "不采纳")
        assert declined.reason == "近三年履职不足" and declined.actor == "经办甲"
        summary = write_nomination_summary(session, get_cycle(session, cycle_id), on=YEAR_END)
        assert (
            summary.path == app_env / f"cycle-{cycle_id:04d}" / "nomination" / "推荐人选汇总表.docx"
        )
        text = _docx_text(summary.path)
        assert "2 个推荐单位共推荐 6 人次、5 人，采纳 4 人，不采纳 1 人，待定 0 人" in text
        assert "近三年履职不足" in text and f"另由{B}推荐" in text
        assert "林晓" in text and "周衡" in text and "民主党派成员" in text
        # Once the cycle is past nomination, no more decisions.
        cycle = get_cycle(session, cycle_id)
        set_stage(session, cycle, Stage.ASSESSMENT, actor="test", reason="test")
        with pytest.raises(NominationError, match="已过提名推荐阶段"):
            decide_nomination(session, cycle, ids[(B, codes[2])], NominationStatus.ACCEPTED,
                              reason="", actor="经办甲")  # fmt: skip


def test_template_and_import_from_the_command_line(app_env: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app

    runner = CliRunner()
    cycle_id, codes = _start(tmp_path / "data")
    blank = tmp_path / "空白.xlsx"
    written = runner.invoke(app, ["nominate", "template", str(blank)])
    assert written.exit_code == 0 and blank.exists()
    bad = load_workbook(blank)
    bad["推荐人选"].append(["1", A, "民主党派", None, "王五", *[None] * 11, "精英", "好"])
    bad.save(tmp_path / "bad.xlsx")
    refused = runner.invoke(app, ["nominate", "import", str(cycle_id), str(tmp_path / "bad.xlsx")])
    assert refused.exit_code == 1 and "必须填写出生年月" in refused.output
    path = _workbook(tmp_path / "推荐.xlsx", codes)
    done = runner.invoke(app, ["nominate", "import", "提名周期", str(path)])
    assert done.exit_code == 0 and "6" in done.output, done.output
    with session_scope() as session:
        assert len(session.exec(select(Nomination)).all()) == 6


def _decide_as_in_the_issue(cycle_id: int, codes: list[str]) -> None:
    """Accept four of the five (林晓 once, for both bodies) and decline one with a reason."""
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        views = nominations_of(session, cycle)
        ids = {(v.nomination.body, v.nomination.person_code or v.nomination.name): v.id
               for v in views}  # fmt: skip
        decide_nomination(session, cycle, ids[(B, codes[2])], NominationStatus.DECLINED,
                          reason="近三年履职不足", actor="经办甲")  # fmt: skip
        for key in ((A, codes[0]), (A, codes[1]), (B, "周衡"), (A, "林晓")):
            decide_nomination(session, cycle, ids[key], NominationStatus.ACCEPTED, reason="",
                              actor="经办甲")  # fmt: skip


@pytest.mark.libreoffice
def test_the_nomination_stage_run_again_makes_the_new_members_forms(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app
    from appraisal.flows.runmode import plain_calls
    from appraisal.flows.stages import run_stage
    from appraisal.paths import located
    from tests.cycle_helpers import TODAY, documents, require_soffice

    require_soffice()
    cycle_id, codes = _start(tmp_path / "data")
    with plain_calls():
        first = run_stage(cycle_id, Stage.NOMINATION, TODAY)
    assert first["planned"] == 2
    before = {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.NOMINATION)}
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        import_nomination_file(session, cycle, _workbook(tmp_path / "推荐.xlsx", codes), actor="t")
    _decide_as_in_the_issue(cycle_id, codes)

    runner = CliRunner()
    advanced = runner.invoke(app, ["cycle", "advance", str(cycle_id)])
    assert advanced.exit_code == 0, advanced.output
    assert "提名推荐" in advanced.output
    made = documents(cycle_id, Stage.NOMINATION)
    assert len(made) == 6
    assert {d.id: d.docx_sha256 for d in made if d.id in before} == before
    with session_scope() as session:
        names = {p.id: p.name for p in session.exec(select(Person))}
    forms = {names[d.person_id or 0]: d for d in made if d.id not in before}
    assert set(forms) == {"林晓", "周衡", *(names_of(codes[:2]))}
    lin, zhou = forms["林晓"], forms["周衡"]
    assert (lin.recipient_kind, lin.recipient_name) == ("推荐单位", A)
    assert zhou.recipient_name == B
    text = _docx_text(located(lin.docx_path))
    assert "教学科研成绩突出，积极建言献策" in text
    assert f"推荐单位（盖章）：{A}" in text
    assert "滨江大学化学系讲师" in text  # her 简历
    pool_form = _docx_text(located(forms[names_of(codes[:1])[0]].docx_path))
    assert "参政议政成绩突出" in pool_form and A in pool_form

    again = runner.invoke(app, ["cycle", "advance", str(cycle_id)])
    assert again.exit_code == 1, again.output  # the gate waits for the returns; nothing made
    assert len(documents(cycle_id, Stage.NOMINATION)) == 6


def names_of(codes: list[str]) -> list[str]:
    with session_scope() as session:
        return [
            session.exec(select(Person.name).where(Person.code == code)).one() for code in codes
        ]


def test_list_decide_and_summary_from_the_command_line(app_env: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app

    runner = CliRunner()
    cycle_id, codes = _start(tmp_path / "data")
    path = _workbook(tmp_path / "推荐.xlsx", codes)
    assert runner.invoke(app, ["nominate", "import", str(cycle_id), str(path)]).exit_code == 0
    listed = runner.invoke(app, ["nominate", "list", str(cycle_id)], terminal_width=300)
    assert listed.exit_code == 0 and "林晓" in listed.output and "待定 6 条" in listed.output
    with session_scope() as session:
        lin = session.exec(select(Nomination.id).where(Nomination.name == "林晓")).first()
        other = session.exec(select(Nomination.id).where(Nomination.name == "周衡")).one()
    bare = runner.invoke(app, ["nominate", "decide", str(cycle_id), str(other), "不采纳"])
    assert bare.exit_code == 1 and "不采纳须写明理由" in bare.output
    no = runner.invoke(app, ["nominate", "decide", str(cycle_id), str(other), "不采纳",
                             "--reason", "年龄不符"])  # fmt: skip
    assert no.exit_code == 0 and "不采纳" in no.output
    yes = runner.invoke(app, ["nominate", "decide", str(cycle_id), str(lin), "采纳"])
    assert yes.exit_code == 0 and "一并决定" in yes.output and "新建人员记录" in yes.output
    summary = runner.invoke(app, ["nominate", "summary", str(cycle_id)])
    assert summary.exit_code == 0 and "推荐人选汇总表" in summary.output, summary.output
    text = _docx_text(app_env / f"cycle-{cycle_id:04d}" / "nomination" / "推荐人选汇总表.docx")
    assert "年龄不符" in text and "采纳 1 人，不采纳 1 人，待定 3 人" in text

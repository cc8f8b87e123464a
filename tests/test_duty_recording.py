"""Duties recorded through the year (谁组织谁记录): two departments' 登记 accounts and scopes,
events and attendance, a proposal with co-signers and its outcome, re-recording audited without
duplicates, and the records workbook beside recorded rows. On SQLite and PostgreSQL."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, func, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.models import AuditEntry, DutyEvent, DutyRecord, Person
from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole, DutySource, Role
from appraisal.recording_rules import AUTHORED, RuleError, event_facts, signers
from appraisal.sheets.layouts import DUTY
from appraisal.sheets.records import DutyRow, RecordsBook
from appraisal.store import import_records
from appraisal.store.accounts import save_account
from appraisal.store.duty_events import add_event, record_attendance
from appraisal.store.duty_view import DutyFilter, list_events, list_records
from appraisal.store.offices import EVERYWHERE
from appraisal.store.proposals import add_proposal, set_outcome
from appraisal.store.recorders import (
    RecordingError,
    parse_kinds,
    recorder_for_account,
    set_recording_scope,
)
from tests.cycle_helpers import YEAR, import_pool

PASSWORD = "a long enough password"
LIAISON = "全会、常委会、其他会议、活动、调研、视察、培训、进社区"


@pytest.fixture
def pool(app_env: Path, tmp_path: Path) -> list[str]:
    """Six people, the 委员联络室's and the 提案委员会's 登记 accounts; the people's codes."""
    import_pool(tmp_path / "data", people=6)
    with session_scope() as session:
        for name, kinds, department in (("lianluo", LIAISON, "委员联络室"),
                                        ("tian", "提案、建议", "提案委员会")):  # fmt: skip
            save_account(session, name, password=PASSWORD, role=Role.RECORDER)
            set_recording_scope(session, name, kinds=parse_kinds(kinds), department=department,
                                actor="admin")  # fmt: skip
        return list(session.exec(select(Person.code).order_by(col(Person.code))))


def _records(event_id: int) -> list[DutyRecord]:
    with session_scope() as session:
        query = select(DutyRecord).where(DutyRecord.event_id == event_id)
        return list(session.exec(query.order_by(col(DutyRecord.person_id))))


def test_signers_and_outcomes_are_checked_before_anything_is_written() -> None:
    assert [(s.role, s.cosigners) for s in signers("A", [])] == [(DutyRole.SOLE, 1)]
    both = signers("A", ["B", "C", "B", ""])
    assert [(s.code, s.role, s.cosigners) for s in both] == [
        ("A", DutyRole.LEAD, 3), ("B", DutyRole.COSIGNER, 3), ("C", DutyRole.COSIGNER, 3)
    ]  # fmt: skip
    with pytest.raises(RuleError, match="已是领衔人"):
        signers("A", ["A"])
    with pytest.raises(RuleError, match="不在此处登记"):
        event_facts(DutyKind.PROPOSAL, "x", "2026-03-01")
    with pytest.raises(RuleError, match="不是日期"):
        event_facts(DutyKind.PLENARY, "全会", "2026-13-01")
    assert event_facts(DutyKind.PROPOSAL, " 关于 养老 ", "2026.3.5", kinds=AUTHORED).title == (
        "关于 养老"
    )


def test_a_year_recorded_by_two_departments(pool: list[str]) -> None:
    with session_scope() as session:
        liaison = recorder_for_account(session, "lianluo")
        plenary = add_event(
            session,
            recorder=liaison,
            facts=event_facts(
                DutyKind.PLENARY, "市政协十三届五次会议", date(YEAR, 1, 8), place="市会议中心"
            ),
        )
        visit = add_event(session, recorder=liaison, facts=event_facts(
            DutyKind.COMMUNITY, "委员进社区", date(YEAR, 6, 2)))  # fmt: skip
        marks = {c: Attendance.PRESENT for c in pool}
        marks[pool[1]], marks[pool[2]] = Attendance.EXCUSED, Attendance.UNEXCUSED
        done = record_attendance(session, event_id=plenary.id or 0, marks=marks, recorder=liaison)
        record_attendance(session, event_id=visit.id or 0, marks={pool[0]: Attendance.PRESENT},
                          recorder=liaison)  # fmt: skip
        assert (done.added, done.updated) == (len(pool), 0)
        # The 委员联络室 records no proposal: outside its scope.
        with pytest.raises(RecordingError, match="委员联络室不能登记“提案”"):
            add_proposal(session, recorder=liaison, lead=pool[0], facts=event_facts(
                DutyKind.PROPOSAL, "越权的提案", date(YEAR, 3, 1), kinds=AUTHORED))  # fmt: skip
        proposals = recorder_for_account(session, "tian")
        with pytest.raises(RecordingError, match="提案委员会不能登记“全会”"):
            record_attendance(session, event_id=plenary.id or 0, marks=marks, recorder=proposals)
        plenary_id, visit_id = plenary.id or 0, visit.id or 0
    rows = _records(plenary_id)
    assert len(rows) == len(pool)
    assert {r.source for r in rows} == {DutySource.RECORDED}
    assert {r.recorded_by for r in rows} == {"staff:lianluo"}
    assert all(r.recorded_at is not None and r.record_key == f"EV-{plenary_id}" for r in rows)
    assert sorted(r.attendance.value for r in rows if r.attendance) == sorted(
        ["出席"] * (len(pool) - 2) + ["请假", "缺席"]
    )
    assert len(_records(visit_id)) == 1
    with session_scope() as session:
        where = DutyFilter(YEAR, organiser="委员联络室")
        events = list_events(session, EVERYWHERE, where)
        assert [(e.event.title, e.recorded) for e in events] == [
            ("委员进社区", 1), ("市政协十三届五次会议", len(pool))
        ]  # fmt: skip
        recorded = list_records(session, EVERYWHERE, DutyFilter(YEAR, source=DutySource.RECORDED))
        assert len(recorded) == len(pool) + 1
        assert {r.organiser for r in recorded} == {"委员联络室"}


def test_a_proposal_with_cosigners_and_its_outcome(pool: list[str]) -> None:
    with session_scope() as session:
        office = recorder_for_account(session, "tian")
        facts = event_facts(DutyKind.PROPOSAL, "关于加强社区养老服务的提案", "2026-03-05",
                            kinds=AUTHORED)  # fmt: skip
        joint = add_proposal(session, recorder=office, facts=facts, lead=pool[0],
                             cosigners=[pool[1], pool[2]])  # fmt: skip
        sole = add_proposal(session, recorder=office, lead=pool[3], facts=event_facts(
            DutyKind.SUGGESTION, "关于公交线路的建议", "2026-04-01", kinds=AUTHORED))  # fmt: skip
        with pytest.raises(RuleError, match="不能记为“采用”"):
            set_outcome(session, event_id=joint.id or 0, outcome=DutyOutcome.ADOPTED,
                        recorder=office)  # fmt: skip
        done = set_outcome(session, event_id=joint.id or 0, outcome=DutyOutcome.KEY,
                           recorder=office)  # fmt: skip
        assert done.updated == 3
        joint_id, sole_id = joint.id or 0, sole.id or 0
    with session_scope() as session:
        codes = dict(session.exec(select(Person.id, Person.code)).all())
        event = session.get(DutyEvent, joint_id)
        assert event is not None and event.outcome is DutyOutcome.KEY
        assert event.organiser == "提案委员会"
    rows = {codes[r.person_id]: r for r in _records(joint_id)}
    assert {c: (r.role, r.cosigners, r.outcome) for c, r in rows.items()} == {
        pool[0]: (DutyRole.LEAD, 3, DutyOutcome.KEY),
        pool[1]: (DutyRole.COSIGNER, 3, DutyOutcome.KEY),
        pool[2]: (DutyRole.COSIGNER, 3, DutyOutcome.KEY),
    }
    [alone] = _records(sole_id)
    assert (alone.role, alone.cosigners, alone.kind) == (DutyRole.SOLE, 1, DutyKind.SUGGESTION)
    with session_scope() as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "outcome")).all()
    assert {(a.before, a.after) for a in audit} == {("无", "重点")}
    assert len(audit) == 4  # the piece and its three authors' records


def test_recording_again_changes_the_rows_and_audits_them(pool: list[str]) -> None:
    with session_scope() as session:
        liaison = recorder_for_account(session, "lianluo")
        event = add_event(session, recorder=liaison, facts=event_facts(
            DutyKind.STANDING_COMMITTEE, "常委会第十次会议", "2026-05-20"))  # fmt: skip
        marks = {c: Attendance.PRESENT for c in pool}
        record_attendance(session, event_id=event.id or 0, marks=marks, recorder=liaison)
        event_id = event.id or 0
    with session_scope() as session:
        again = record_attendance(session, event_id=event_id, recorder=liaison,
                                  marks={**marks, pool[4]: Attendance.EXCUSED})  # fmt: skip
    assert (again.added, again.updated, again.unchanged) == (0, 1, len(pool) - 1)
    assert len(_records(event_id)) == len(pool)
    with session_scope() as session:
        changes = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "duty_record",
                                     AuditEntry.entity_key == f"{pool[4]}/{YEAR}/EV-{event_id}")
        ).all()  # fmt: skip
    assert [(c.before, c.after, c.actor) for c in changes] == [
        (None, "出席", "staff:lianluo"), ("出席", "请假", "staff:lianluo")
    ]  # fmt: skip


def test_the_workbook_keeps_off_recorded_rows(pool: list[str]) -> None:
    with session_scope() as session:
        liaison = recorder_for_account(session, "lianluo")
        event = add_event(session, recorder=liaison, facts=event_facts(
            DutyKind.TRAINING, "委员培训班", "2026-07-10"))  # fmt: skip
        both = {pool[0]: Attendance.PRESENT, pool[1]: Attendance.PRESENT}
        record_attendance(session, event_id=event.id or 0, recorder=liaison, marks=both)
        key = f"EV-{event.id}"
    day = date(YEAR, 7, 10)

    def row(n: int, code: str, record_key: str, title: str) -> DutyRow:
        return DutyRow(n, code, "", YEAR, record_key, DutyKind.TRAINING, title, day,
                       Attendance.UNEXCUSED, None, DutyOutcome.NONE)  # fmt: skip

    book = RecordsBook(Path("补录.xlsx"), (DUTY.name,), duties=(
        row(2, pool[0], key, "委员培训班"),  # the recorded row's own key
        row(3, pool[1], "WB-7", "委员培训班"),  # the same duty under the workbook's key
        row(4, pool[2], "WB-8", "委员培训班"),  # not recorded: back-filled
    ))  # fmt: skip
    with session_scope() as session:
        counts = import_records(session, book=book, actor="test")[DUTY.name]
    assert (counts.added, counts.kept) == (1, 2)
    with session_scope() as session:
        people = dict(session.exec(select(Person.code, Person.id)).all())
        rows = session.exec(select(DutyRecord).where(DutyRecord.held_on == day)).all()
        by = {r.person_id: r for r in rows}
        assert len(rows) == 3
        assert by[people[pool[0]]].attendance is Attendance.PRESENT
        assert by[people[pool[1]]].source is DutySource.RECORDED
        assert by[people[pool[2]]].source is DutySource.IMPORTED


def test_the_cli_records_as_an_account(pool: list[str]) -> None:
    runner = CliRunner(env={"COLUMNS": "300"})
    made = runner.invoke(app, ["duties", "event", "add", "视察", "视察河道治理", "--date",
                               "2026-09-01", "--account", "lianluo"])  # fmt: skip
    assert made.exit_code == 0, made.output
    with session_scope() as session:
        event_id = session.exec(select(func.max(DutyEvent.id))).one()
    attended = runner.invoke(app, ["duties", "attend", str(event_id), "--account", "lianluo",
                                   "--only", pool[0], "--only", pool[1],
                                   "--excused", pool[1]])  # fmt: skip
    assert attended.exit_code == 0, attended.output
    assert "新登记 2 人" in attended.output
    refused = runner.invoke(app, ["duties", "proposal", "add", "某提案", "--lead", pool[0],
                                  "--date", "2026-09-02", "--account", "lianluo"])  # fmt: skip
    assert refused.exit_code == 1 and "不能登记“提案”" in refused.output
    proposal = runner.invoke(app, ["duties", "proposal", "add", "某提案", "--lead", pool[0],
                                   "--cosigner", pool[2], "--date", "2026-09-02",
                                   "--account", "tian"])  # fmt: skip
    assert proposal.exit_code == 0 and "共 2 人署名" in proposal.output, proposal.output
    with session_scope() as session:
        proposal_id = session.exec(select(func.max(DutyEvent.id))).one()
    outcome = runner.invoke(app, ["duties", "outcome", str(proposal_id), "立案",
                                  "--account", "tian"])  # fmt: skip
    assert outcome.exit_code == 0 and "更改 2 条记录" in outcome.output, outcome.output
    listed = runner.invoke(app, ["duties", "list", "--year", str(YEAR), "--source", "登记"])
    assert listed.exit_code == 0 and "lianluo" in listed.output and "tian" in listed.output
    events = runner.invoke(app, ["duties", "events", "--year", str(YEAR)])
    assert "视察河道治理" in events.output and "提案委员会" in events.output
    granted = runner.invoke(app, ["portal", "user", "lianluo", "--duty-kinds", "全会、调研",
                                  "--department", "委员工作室"])  # fmt: skip
    assert granted.exit_code == 0 and "全会、调研" in granted.output, granted.output


def test_the_portal_records_attendance_and_a_proposal(pool: list[str]) -> None:
    from fastapi.testclient import TestClient

    from appraisal.portal.app import create_app
    from tests.portal_helpers import csrf_of, log_in

    portal = create_app()
    liaison = TestClient(portal)
    csrf = csrf_of(log_in(liaison, "lianluo", PASSWORD).text)
    made = liaison.post("/duties/events", data={"csrf": csrf, "kind": "全会",
                        "title": "全体会议", "held_on": "2026-01-09", "place": "礼堂"})  # fmt: skip
    assert "请在下面登记出席情况" in made.text and made.url.path.startswith("/duties/events/")
    event_path = made.url.path
    form = {f"a-{c}": "出席" for c in pool} | {f"a-{pool[1]}": "缺席", "csrf": csrf}
    saved = liaison.post(f"{event_path}/attendance", data=form)
    assert f"新登记 {len(pool)} 人" in saved.text
    assert saved.text.count('value="缺席" checked') == 1
    again = liaison.post(f"{event_path}/attendance", data={**form, f"a-{pool[1]}": "请假"})
    assert "更改 1 人" in again.text
    assert len(_records(int(event_path.rsplit("/", 1)[1]))) == len(pool)
    refused = liaison.post("/duties/proposals", data={"csrf": csrf, "kind": "提案",
                           "title": "越权", "held_on": "2026-02-01", "lead": pool[0]})  # fmt: skip
    assert "委员联络室不能登记“提案”" in refused.text
    office = TestClient(portal)
    csrf = csrf_of(log_in(office, "tian", PASSWORD).text)
    assert "全体会议" in office.get("/duties").text
    assert "保存出席情况" not in office.get(event_path).text  # not theirs to record
    form_page = office.get("/duties/proposals/new").text
    assert pool[2] in form_page and "联名人" in form_page
    proposal = office.post("/duties/proposals", data={
        "csrf": csrf, "kind": "提案", "title": "关于老旧小区加装电梯的提案",
        "held_on": "2026-03-03", "lead": pool[0], "cosigner": [pool[1], pool[2]],
    })  # fmt: skip
    assert "共 3 人署名" in proposal.text and "领衔" in proposal.text
    outcome = office.post(f"{proposal.url.path}/outcome", data={"csrf": csrf, "outcome": "优秀"})
    assert "更改 3 条记录" in outcome.text
    listing = office.get("/duties", params={"year": YEAR, "source": "登记"}).text
    assert "lianluo" in listing and "tian" in listing and "提案委员会" in listing
    # A 只读 account sees the pages and is refused recording.
    with session_scope() as session:
        save_account(session, "reader", password=PASSWORD, role=Role.READER)
    reader = TestClient(portal)
    csrf = csrf_of(log_in(reader, "reader", PASSWORD).text)
    denied = reader.post("/duties/events", data={"csrf": csrf, "kind": "全会"})
    assert denied.status_code == 403 and "不能登记履职" in denied.text


def test_a_manager_grants_the_recording_scope_on_the_accounts_page(pool: list[str]) -> None:
    from fastapi.testclient import TestClient

    from appraisal.portal.app import create_app
    from tests.portal_helpers import csrf_of, log_in

    with session_scope() as session:
        save_account(session, "boss", password=PASSWORD, role=Role.ADMIN)
        save_account(session, "yanjiu", password=PASSWORD, role=Role.RECORDER)
    portal = create_app()
    admin = TestClient(portal)
    csrf = csrf_of(log_in(admin, "boss", PASSWORD).text)
    assert "登记范围" in admin.get("/admin").text
    empty = admin.post("/admin/accounts/recording", data={"csrf": csrf, "username": "yanjiu"})
    assert "须有登记范围" in empty.text
    granted = admin.post("/admin/accounts/recording", data={
        "csrf": csrf, "username": "yanjiu", "duty_kind": ["社情民意"], "department": "研究室",
    })  # fmt: skip
    assert "账户 yanjiu 的登记范围：社情民意，记录单位：研究室" in granted.text
    with session_scope() as session:
        audit = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "staff_user",
                                     AuditEntry.entity_key == "yanjiu")
        ).all()  # fmt: skip
        office = recorder_for_account(session, "yanjiu")
    assert {(a.field, a.after, a.actor) for a in audit} == {
        ("duty_kinds", "社情民意", "staff:boss"), ("department", "研究室", "staff:boss")
    }  # fmt: skip
    assert office.kinds == {DutyKind.REPORT} and office.department == "研究室"
    # The new scope holds at once: the 社情民意 form, and no meeting form.
    research = TestClient(portal)
    log_in(research, "yanjiu", PASSWORD)
    page = research.get("/duties").text
    assert "登记一件" in page and "新建会议或活动" not in page


def test_a_demo_year_is_recorded_through_the_store(app_env: Path, tmp_path: Path) -> None:
    from appraisal.demo_recording import record_demo_year

    import_pool(tmp_path / "data", people=6)
    with session_scope() as session:
        done = record_demo_year(session, year=YEAR, seed=3, actor="demo")
    assert (done.events, done.proposals) == (5, 3)
    with session_scope() as session:
        rows = session.exec(select(DutyRecord).where(DutyRecord.source == DutySource.RECORDED))
        recorded = list(rows)
    assert len(recorded) == done.records
    assert {r.recorded_by for r in recorded} == {"staff:lianluo", "staff:tian"}
    assert {r.cosigners for r in recorded if r.kind is DutyKind.PROPOSAL} == {1, 2, 3}

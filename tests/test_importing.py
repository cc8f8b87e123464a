"""The import into the database, on SQLite and PostgreSQL: idempotent, audited, all or nothing."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sheetbuilders import person, roster_file, write_xlsx
from sqlmodel import Session, func, select

from appraisal.models import AuditEntry, BallotTally, DutyRecord, Person, PoolMembership
from appraisal.models.vocab import Attendance, Tier
from appraisal.sheets import WorkbookError, read_records, read_roster
from appraisal.store import ImportCounts, import_people, import_records

TODAY = date(2026, 5, 1)
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


def _import_roster(engine: sa.Engine, path: Path) -> ImportCounts:
    with Session(engine) as session:
        counts = import_people(
            session, rows=read_roster(path).rows, actor="tester", source=path.name, today=TODAY
        )
        session.commit()
    return counts


def _import_records(engine: sa.Engine, path: Path) -> dict[str, ImportCounts]:
    with Session(engine) as session:
        counts = import_records(session, book=read_records(path), actor="tester")
        session.commit()
    return counts


def _count(engine: sa.Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _roster(tmp_path: Path, *rows: list[object], name: str = "r.xlsx") -> Path:
    return roster_file(tmp_path / name, list(rows))


def test_importing_the_same_sheet_twice_changes_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    path = _roster(tmp_path, person("P001"), person("P002", "李四", tier="名人"))
    assert _import_roster(engine, path) == ImportCounts(added=2)
    audit_after_first = _count(engine, AuditEntry)
    assert _import_roster(engine, path) == ImportCounts(unchanged=2)
    assert _count(engine, Person) == 2
    assert _count(engine, AuditEntry) == audit_after_first == 2  # one "created" each
    with Session(engine) as session:
        stays = session.exec(select(PoolMembership).order_by(PoolMembership.person_id)).all()
    assert [(s.tier, s.joined_on, s.left_on) for s in stays] == [
        (Tier.RISING, TODAY, None), (Tier.PROMINENT, TODAY, None)]  # fmt: skip


def test_people_join_the_pool_on_the_clocks_day(
    engine: sa.Engine, tmp_path: Path, clock_at: Callable[[date], None]
) -> None:
    clock_at(date(2026, 2, 3))
    with Session(engine) as session:
        rows = read_roster(_roster(tmp_path, person("P001"))).rows
        import_people(session, rows=rows, actor="tester")
        session.commit()
        (stay,) = session.exec(select(PoolMembership)).all()
    assert stay.joined_on == date(2026, 2, 3)


def test_a_changed_cell_updates_the_person_with_one_audit_row(
    engine: sa.Engine, tmp_path: Path
) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001"), person("P002", "李四")))
    before = _count(engine, AuditEntry)
    changed = _roster(tmp_path, person("P001", employer="滨江大学 副校长"), person("P002", "李四"),
                      name="r2.xlsx")  # fmt: skip
    assert _import_roster(engine, changed) == ImportCounts(updated=1, unchanged=1)
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.id > before)).all()
        updated = session.exec(select(Person).where(Person.code == "P001")).one()
    (entry,) = entries
    # 工作单位及职务 of the old roster is split: only the 职务 changed
    assert (entry.entity, entry.entity_key, entry.field) == ("person", "P001", "post")
    assert (entry.before, entry.after, entry.actor) == ("教授", "副校长", "tester")
    assert "r2.xlsx" in entry.reason and "第2行" in entry.reason
    assert (updated.employer, updated.post) == ("滨江大学", "副校长")


def test_a_tier_change_closes_the_old_stay_and_opens_a_new_one(
    engine: sa.Engine, tmp_path: Path
) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001", tier="精英")))
    _import_roster(engine, _roster(tmp_path, person("P001", tier="代表人士"), name="r2.xlsx"))
    with Session(engine) as session:
        stays = session.exec(select(PoolMembership).order_by(PoolMembership.id)).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "tier")).one()
    assert [(s.tier, s.left_on) for s in stays] == [
        (Tier.RISING, TODAY), (Tier.REPRESENTATIVE, None)]  # fmt: skip
    assert (audit.before, audit.after) == ("精英", "代表人士")


def test_a_person_without_a_code_is_found_again_by_name_and_birth_month(
    engine: sa.Engine, tmp_path: Path
) -> None:
    _import_roster(engine, _roster(tmp_path, person(None, born="1975.03")))
    counts = _import_roster(
        engine, _roster(tmp_path, person(None, born="1975-03-08"), name="b.xlsx")
    )
    assert counts == ImportCounts(updated=1)  # the day became known; same person
    with Session(engine) as session:
        (only,) = session.exec(select(Person)).all()
    assert (only.birth_date, only.birth_day_known) == (date(1975, 3, 8), True)


def _records(tmp_path: Path, duty: list[list[object]], ballots: list[list[object]]) -> Path:
    return write_xlsx(
        tmp_path / "records.xlsx",
        {"履职记录": [DUTY_HEADER, *duty], "民主测评": [BALLOT_HEADER, *ballots]},
    )


PLENARY = ["P001", "张三", 2026, None, "全会", "全体会议", date(2026, 1, 15), "出席", None, None]
TALLY = ["P001", None, 2026, "同事", 30, 30, 28, 12, 13, 2, 0, 1]


def test_records_import_twice_and_a_change_is_audited(engine: sa.Engine, tmp_path: Path) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001")))
    path = _records(tmp_path, [PLENARY], [TALLY])
    first = _import_records(engine, path)
    assert first == {"履职记录": ImportCounts(added=1), "民主测评": ImportCounts(added=1)}
    audit = _count(engine, AuditEntry)
    assert set(_import_records(engine, path).values()) == {ImportCounts(unchanged=1)}
    assert _count(engine, AuditEntry) == audit
    excused = [*PLENARY[:7], "请假", None, None]
    path = _records(tmp_path, [excused], [TALLY])
    assert _import_records(engine, path)["履职记录"] == ImportCounts(updated=1)
    with Session(engine) as session:
        record = session.exec(select(DutyRecord)).one()
        entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "duty_record")).one()
    assert record.attendance is Attendance.EXCUSED
    assert (entry.field, entry.before, entry.after) == ("attendance", "出席", "请假")
    assert entry.entity_key.startswith("P001/2026/h")


def test_a_record_for_an_unknown_person_imports_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001")))
    stranger = ["P999", "赵六", 2026, "同事", 30, 30, 28, 12, 13, 2, 0, 1]
    wrong_name = ["P001", "李四", 2026, "领导班子", 30, 30, 28, 12, 13, 2, 0, 1]
    path = _records(tmp_path, [PLENARY], [TALLY, stranger, wrong_name])
    with pytest.raises(WorkbookError) as exc:
        _import_records(engine, path)
    found = {(i.sheet, i.row, i.column) for i in exc.value.issues}
    assert found == {("民主测评", 3, "编号"), ("民主测评", 4, "姓名")}
    assert "P999" in exc.value.issues[0].reason
    assert _count(engine, DutyRecord) == 0 and _count(engine, BallotTally) == 0


def test_records_may_name_a_person_by_a_unique_name(engine: sa.Engine, tmp_path: Path) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001"), person("P002", "李四"),
                                   person("P003", "李四", born="1980.01")))  # fmt: skip
    by_name = [None, "张三", 2026, "同事", 30, 30, 28, 12, 13, 2, 0, 1]
    ambiguous = [None, "李四", 2026, "同事", 30, 30, 28, 12, 13, 2, 0, 1]
    with pytest.raises(WorkbookError) as exc:
        _import_records(engine, _records(tmp_path, [], [by_name, ambiguous]))
    (issue,) = exc.value.issues
    assert issue.row == 3 and "有 2 人名为李四" in issue.reason
    counts = _import_records(engine, _records(tmp_path, [], [by_name]))
    assert counts["民主测评"] == ImportCounts(added=1)


def test_the_same_record_twice_in_a_sheet_is_an_error(engine: sa.Engine, tmp_path: Path) -> None:
    _import_roster(engine, _roster(tmp_path, person("P001")))
    with pytest.raises(WorkbookError) as exc:
        _import_records(engine, _records(tmp_path, [PLENARY, PLENARY], []))
    (issue,) = exc.value.issues
    assert (issue.row, issue.reason) == (3, "与第2行是同一条记录")


def test_new_people_join_the_importing_office_and_another_office_s_are_refused(
    engine: sa.Engine, tmp_path: Path
) -> None:
    from appraisal.store.offices import add_office, scope_of

    with Session(engine) as session:
        east = add_office(session, name="东区统战部").id
        west = add_office(session, name="西区统战部").id
        session.commit()
    assert east is not None and west is not None
    with Session(engine) as session:
        import_people(session, rows=read_roster(_roster(tmp_path, person("P001"))).rows,
                      actor="east", office_id=east, scope=scope_of(session, east))  # fmt: skip
        session.commit()
    with Session(engine) as session:
        assert session.exec(select(Person.office_id)).one() == east
        rows = read_roster(_roster(tmp_path, person("P002"), person("P001", name="张三丰"))).rows
        with pytest.raises(WorkbookError) as exc:
            import_people(session, rows=rows, actor="west", source="r.xlsx", sheet="花名册",
                          office_id=west, scope=scope_of(session, west))  # fmt: skip
        session.rollback()
    (issue,) = exc.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("花名册", 3, "编号")
    assert "P001" in issue.reason and "其他单位" in issue.reason
    assert _count(engine, Person) == 1  # P002, clean, was not imported either
    with Session(engine) as session:
        assert session.exec(select(Person.name)).one() == "张三"
        # The records of the other office's person are not found for west at all.
        path = _records(tmp_path, [PLENARY], [])
        with pytest.raises(WorkbookError) as exc:
            import_records(session, book=read_records(path), actor="west",
                           scope=scope_of(session, west))  # fmt: skip
    assert "不在花名册中" in exc.value.issues[0].reason

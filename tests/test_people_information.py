"""People's information (信息管理) on SQLite and PostgreSQL: the 0012 upgrade splits the old
工作单位及职务, the roster's extra sheets fill the dated entries once, bad rows are named."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sheetbuilders import write_xlsx
from sqlmodel import Session, col, select

from appraisal.db import alembic_config, migrate, session_scope
from appraisal.demo_data import write_demo_data
from appraisal.importing import import_records_file, import_roster_file
from appraisal.models import AuditEntry, Person, PersonEntry
from appraisal.models.vocab import EntryKind, Merit
from appraisal.sheets import WorkbookError
from appraisal.store.person_info import (
    PersonInfoError,
    add_entry,
    parse_entry,
    person_entries,
    remove_entry,
    set_person_field,
    unsplit_people,
)

HEADER = ["编号", "姓名", "性别", "民族", "籍贯", "出生年月", "参加工作时间", "党派",
          "入党派时间", "界别", "工作单位", "职务", "梯队"]  # fmt: skip
ENTRY = ["编号", "姓名", "起始年月", "截止年月"]


def _old_person(code: str, employer_post: str) -> dict[str, object]:
    return {
        "code": code, "name": f"人{code}", "gender": "男", "ethnicity": "汉族",
        "birth_date": date(1975, 3, 1), "birth_day_known": False, "party": "民盟",
        "category": "", "sector": "教育界", "employer_post": employer_post, "tier": "精英",
        "education": "", "title": "", "social_posts": "", "phone": "", "expertise": "",
        "private_sector": False,
    }  # fmt: skip


def test_the_upgrade_splits_the_old_column_where_it_can(engine: sa.Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0011")
    try:
        old = sa.table("person", *(sa.column(k) for k in _old_person("x", "")))
        with engine.begin() as conn:
            conn.execute(old.insert(), [
                _old_person("P1", "滨江市人民医院心内科主任"),
                _old_person("P2", "滨江大学 教授"),
                _old_person("P3", "某大学教授、某公司独立董事"),
                _old_person("P4", "滨江市人民医院"),
            ])  # fmt: skip
    finally:
        migrate(engine)
    with Session(engine) as session:
        people = {p.code: (p.employer, p.post) for p in session.exec(select(Person))}
        waiting = [p.code for p in unsplit_people(session)]
    assert people == {
        "P1": ("滨江市人民医院", "心内科主任"),
        "P2": ("滨江大学", "教授"),
        "P3": ("某大学教授、某公司独立董事", ""),  # kept whole for staff to split
        "P4": ("滨江市人民医院", ""),
    }
    assert waiting == ["P3"]


def test_the_downgrade_joins_them_back(engine: sa.Engine) -> None:
    with Session(engine) as session:
        session.add(Person(**{**_old_person("P1", ""), "employer_post": None}))  # type: ignore[arg-type]
        session.commit()
    with engine.begin() as conn:
        conn.execute(sa.text("update person set employer='滨江大学', post='教授'"))
    config = alembic_config(engine)
    command.downgrade(config, "0011")
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select employer_post from person")).scalar() == (
                "滨江大学 教授"
            )
    finally:
        migrate(engine)


def _roster(path: Path, *, extra: dict[str, list[list[object]]] | None = None) -> Path:
    people = [
        HEADER,
        ["P001", "张三", "男", "汉族", "江苏南京", "1975.03", "1997.08", "民盟", "2001.07",
         "教育界", "滨江大学", "教授", "精英"],
        ["P002", "李四", "女", "汉族", "", "1980.05", "", "无党派人士", "", "经济界",
         "滨江市恒信科技有限公司", "总经理", "代表人士"],
    ]  # fmt: skip
    sheets: dict[str, list[list[object]]] = {"花名册": people}
    sheets |= extra or {
        "简历": [[*ENTRY, "单位及职务"],
                 ["P001", "张三", "1997.08", "2005.06", "滨江大学讲师"],
                 ["P001", "", "2005.07", "", "滨江大学教授"]],
        "奖惩": [["编号", "姓名", "奖惩类别", "起始年月", "奖惩情况"],
                 ["P002", "李四", "奖励", "2020.12", "获评滨江市优秀民营企业家"]],
        "培训": [[*ENTRY, "培训内容"],
                 ["P001", "张三", "2023.09", "2023.10", "省社会主义学院进修班"]],
        "挂职": [[*ENTRY, "挂职单位及职务"],
                 ["P001", "张三", "2019.01", "2020.01", "滨江市教育局副局长"]],
    }  # fmt: skip
    return write_xlsx(path, sheets)


def test_the_roster_fills_the_information_and_a_second_import_adds_nothing(
    app_env: Path, tmp_path: Path
) -> None:
    path = _roster(tmp_path / "r.xlsx")
    done = import_roster_file(path, actor="tester")
    assert {k: v.added for k, v in done.counts.items()} == {
        "花名册": 2, "简历": 2, "奖惩": 1, "培训": 1, "挂职": 1}  # fmt: skip
    again = import_roster_file(path, actor="tester")
    assert all(not c.changed for c in again.counts.values())
    assert again.counts["简历"].unchanged == 2
    with session_scope() as session:
        zhang = session.exec(select(Person).where(Person.code == "P001")).one()
        entries = person_entries(session, zhang.id or 0)
        total = len(session.exec(select(PersonEntry)).all())
    assert (zhang.native_place, zhang.party_joined_on, zhang.work_started_on) == (
        "江苏南京", date(2001, 7, 1), date(1997, 8, 1))  # fmt: skip
    assert (zhang.employer, zhang.post) == ("滨江大学", "教授")
    assert [(e.started_on, e.ended_on, e.text) for e in entries[EntryKind.CAREER]] == [
        (date(1997, 8, 1), date(2005, 6, 1), "滨江大学讲师"),
        (date(2005, 7, 1), None, "滨江大学教授"),
    ]
    assert entries[EntryKind.SECONDMENT][0].source.startswith("名册导入 r.xlsx 工作表 挂职 第2行")
    assert total == 5


def test_an_entry_that_ends_later_is_updated_not_doubled(app_env: Path, tmp_path: Path) -> None:
    import_roster_file(_roster(tmp_path / "r.xlsx"), actor="tester")
    ended = {
        "简历": [[*ENTRY, "单位及职务"], ["P001", "张三", "2005.07", "2024.12", "滨江大学教授"]]
    }
    done = import_roster_file(_roster(tmp_path / "r2.xlsx", extra=ended), actor="tester")
    assert done.counts["简历"].updated == 1 and done.counts["简历"].added == 0
    with session_scope() as session:
        rows = session.exec(select(PersonEntry).where(PersonEntry.text == "滨江大学教授")).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "简历")).all()
    assert [r.ended_on for r in rows] == [date(2024, 12, 1)]
    assert audit[-1].after == "2005.07—2024.12 滨江大学教授" and "r2.xlsx" in audit[-1].reason


def test_bad_entry_rows_are_named_by_sheet_row_and_column(app_env: Path, tmp_path: Path) -> None:
    cells = {
        "简历": [[*ENTRY, "单位及职务"], ["P001", "张三", "不知道", "", "滨江大学讲师"]],
        "奖惩": [["编号", "姓名", "奖惩类别", "起始年月", "奖惩情况"],
                 ["P002", "李四", "", "2020.12", "获评优秀"]],
    }  # fmt: skip
    rows = {
        "简历": [
            [*ENTRY, "单位及职务"],
            ["P001", "张三", "2005.07", "2001.01", "教授"],
            ["P001", "张三", "2005.07", "", "教授"],
            ["P001", "", "2035.01", "", "院长"],
        ]
    }
    people = {"培训": [[*ENTRY, "培训内容"], ["P009", "", "2020.12", "", "进修班"],
                       ["P002", "张三", "2020.12", "", "进修班"]]}  # fmt: skip
    found = []
    for n, extra in enumerate((cells, rows, people)):
        with pytest.raises(WorkbookError) as exc:
            import_roster_file(_roster(tmp_path / f"r{n}.xlsx", extra=extra), actor="tester")
        found.append({(i.sheet, i.row, i.column) for i in exc.value.issues})
    assert found == [
        {("简历", 2, "起始年月"), ("奖惩", 2, "奖惩类别")},  # cells that are not what they say
        {("简历", 2, "截止年月"), ("简历", 4, "起始年月")},  # ends before it starts; in 2035
        {("培训", 2, "编号"), ("培训", 3, "姓名")},  # nobody by that 编号; not that person
    ]
    with session_scope() as session:  # all or nothing
        assert session.exec(select(Person)).all() == []


def test_the_old_column_still_imports_and_what_cannot_be_split_is_said(
    app_env: Path, tmp_path: Path
) -> None:
    old = ["编号", "姓名", "性别", "民族", "出生年月", "党派", "界别", "工作单位及职务", "梯队"]
    rows = [old, ["P001", "张三", "男", "汉族", "1975.03", "民盟", "医药卫生界",
                  "滨江市人民医院心内科主任", "精英"],
            ["P002", "李四", "男", "汉族", "1975.03", "民盟", "教育界",
             "某大学教授、某公司独立董事", "精英"]]  # fmt: skip
    done = import_roster_file(write_xlsx(tmp_path / "old.xlsx", {"花名册": rows}), actor="t")
    (warning,) = done.warnings
    assert "第3行" in warning and "某大学教授、某公司独立董事" in warning
    with session_scope() as session:
        people = {p.code: (p.employer, p.post) for p in session.exec(select(Person))}
        assert [p.code for p in unsplit_people(session)] == ["P002"]
    assert people["P001"] == ("滨江市人民医院", "心内科主任")


def test_staff_edit_fields_and_entries_with_a_reason_each(app_env: Path, tmp_path: Path) -> None:
    import_roster_file(_roster(tmp_path / "r.xlsx"), actor="tester")
    with session_scope() as session:
        before, after = set_person_field(session, code="P001", field="职务", value="副校长",
                                         actor="staff:alice", reason="任职文件")  # fmt: skip
        set_person_field(session, code="P001", field="入党派时间", value="2002.01",
                         actor="staff:alice", reason="党派来函")  # fmt: skip
        entry = add_entry(session, code="P001", actor="staff:alice", reason="本人填报",
                          entry=parse_entry("奖惩", "2024.05", "", "记功", "奖励"))  # fmt: skip
        entry_id = entry.id
    assert (before, after) == ("教授", "副校长")
    for wrong in ({"field": "梯队", "value": "名人"}, {"field": "工作单位", "value": ""},
                  {"field": "出生年月", "value": "明天"}):  # fmt: skip
        with pytest.raises(PersonInfoError), session_scope() as session:
            set_person_field(session, code="P001", actor="a", reason="r", **wrong)
    with pytest.raises(PersonInfoError), session_scope() as session:
        set_person_field(session, code="P001", field="职务", value="x", actor="a", reason=" ")
    with session_scope() as session:
        assert entry_id is not None
        remove_entry(session, code="P001", entry_id=entry_id, actor="staff:alice", reason="重复")
        p = session.exec(select(Person).where(Person.code == "P001")).one()
        audit = session.exec(
            select(AuditEntry).where(col(AuditEntry.actor) == "staff:alice").order_by(AuditEntry.id)
        ).all()
        merits = person_entries(session, p.id or 0)[EntryKind.MERIT]
    assert (p.post, p.party_joined_on, merits) == ("副校长", date(2002, 1, 1), [])
    assert [(a.field, a.before, a.after, a.reason) for a in audit] == [
        ("post", "教授", "副校长", "任职文件"),
        ("party_joined_on", "2001-07-01", "2002-01-01", "党派来函"),
        ("奖惩", None, "2024.05 奖励：记功", "本人填报"),
        ("奖惩", "2024.05 奖励：记功", None, "重复"),
    ]
    assert Merit.REWARD.value == "奖励"


def test_the_nomination_form_lists_the_career_on_record(app_env: Path, tmp_path: Path) -> None:
    from appraisal.documents.plan import plan_people
    from appraisal.flows.tasks import _stage_inputs
    from appraisal.models.vocab import Stage
    from tests.cycle_helpers import start

    roster, records = write_demo_data(tmp_path, people=3, seed=5)
    import_roster_file(roster, actor="tester")
    import_records_file(records, actor="tester")
    cycle_id = start()
    inputs = _stage_inputs(cycle_id, Stage.NOMINATION, date(2026, 11, 1), date(2026, 11, 20), None)
    jobs = {j.person_code: j.context["简历"] for j in plan_people(Stage.NOMINATION, inputs)}
    with session_scope() as session:
        expected = {
            p.code: [
                {"起止年月": f"{e.started_on:%Y.%m}—"
                 + (f"{e.ended_on:%Y.%m}" if e.ended_on else "至今"), "单位及职务": e.text}
                for e in person_entries(session, p.id or 0)[EntryKind.CAREER]
            ]
            for p in session.exec(select(Person))
        }  # fmt: skip
    assert jobs == expected and all(len(rows) == 2 for rows in jobs.values())
    assert all(rows[-1]["起止年月"].endswith("—至今") for rows in jobs.values())


def test_an_older_roster_leaves_the_fields_it_has_no_column_for(
    app_env: Path, tmp_path: Path
) -> None:
    import_roster_file(_roster(tmp_path / "r.xlsx"), actor="tester")
    old = ["编号", "姓名", "性别", "民族", "出生年月", "党派", "界别", "工作单位及职务", "梯队"]
    rows = [old, ["P001", "张三", "男", "汉族", "1975.03", "民盟", "教育界", "滨江大学 副校长",
                  "精英"]]  # fmt: skip
    done = import_roster_file(write_xlsx(tmp_path / "old.xlsx", {"花名册": rows}), actor="t")
    assert done.counts["花名册"].updated == 1
    with session_scope() as session:
        p = session.exec(select(Person).where(Person.code == "P001")).one()
        changed = [a.field for a in session.exec(select(AuditEntry).where(AuditEntry.actor == "t"))]
    assert (p.employer, p.post, p.native_place) == ("滨江大学", "副校长", "江苏南京")
    assert (p.party_joined_on, p.work_started_on) == (date(2001, 7, 1), date(1997, 8, 1))
    assert changed == ["post"]

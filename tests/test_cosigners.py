"""联名人数: read from the records workbook, stored on the duty record, and used by the scoring
(the default scheme shares a co-signer's half among them; the CPPCC scheme gives 3 each)."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sheetbuilders import person, roster_file, write_xlsx
from sqlmodel import Session, select

from appraisal.models import AuditEntry, DutyRecord, Person
from appraisal.scheme import default_scheme_path, load_scheme
from appraisal.scoring import score_cohort
from appraisal.sheets import WorkbookError, read_records, read_roster, write_records_template
from appraisal.store import import_people, import_records
from appraisal.store.cycle_data import people_inputs

CPPCC = Path(__file__).resolve().parent.parent / "appraisal" / "schemes" / "cppcc.toml"
HEADER = ["编号", "姓名", "年度", "记录编号", "类型", "名称", "日期", "出席情况", "角色",
          "联名人数", "成果"]  # fmt: skip
OLD_HEADER = [h for h in HEADER if h != "联名人数"]


def _proposal(code: str, role: str, cosigners: object, key: str = "TA-1") -> list[object]:
    return [code, None, 2026, key, "提案", "关于社区养老的提案", date(2026, 3, 5), None, role,
            cosigners, None]  # fmt: skip


def _book(tmp_path: Path, *rows: list[object], header: list[str] = HEADER) -> Path:
    return write_xlsx(tmp_path / "records.xlsx", {"履职记录": [header, *rows]})


def test_the_column_is_read_and_blank_means_unknown(tmp_path: Path) -> None:
    book = read_records(_book(tmp_path, _proposal("P001", "领衔", 5),
                              _proposal("P002", "联名", None)))  # fmt: skip
    assert [d.cosigners for d in book.duties] == [5, None]
    old = read_records(_book(tmp_path, [*_proposal("P001", "领衔", 5)[:9], None],
                             header=OLD_HEADER))  # fmt: skip
    assert old.duties[0].cosigners is None  # a workbook from before the column still reads


@pytest.mark.parametrize(
    ("role", "value", "reason"),
    [
        ("联名", 0, "联名人数须为 1 或以上"),
        ("联名", 1, "联名人数（含领衔人）至少为 2"),
        ("联名", "五", "不是数字"),
        ("领衔", -3, "不能为负数"),
        ("联名", 2.5, "不是整数"),
    ],
)
def test_a_bad_count_names_file_row_and_column(
    tmp_path: Path, role: str, value: object, reason: str
) -> None:
    path = _book(tmp_path, _proposal("P001", "领衔", 3), _proposal("P002", role, value))
    with pytest.raises(WorkbookError) as exc:
        read_records(path)
    (issue,) = exc.value.issues
    assert (issue.file, issue.sheet, issue.row, issue.column) == (
        "records.xlsx", "履职记录", 3, "联名人数")  # fmt: skip
    assert reason in issue.reason
    assert "records.xlsx" in str(exc.value) and "联名人数" in str(exc.value)


def test_the_template_has_the_column(tmp_path: Path) -> None:
    path = write_records_template(tmp_path / "blank.xlsx")
    header = [c.value for c in next(openpyxl.load_workbook(path)["履职记录"].iter_rows())]
    assert header.index("联名人数") == header.index("角色") + 1


def _setup(engine: sa.Engine, tmp_path: Path) -> None:
    roster = roster_file(tmp_path / "r.xlsx", [person("P001"), person("P002", "李四")])
    with Session(engine) as session:
        rows = read_roster(roster).rows
        import_people(session, rows=rows, actor="tester", source="r.xlsx", today=date(2026, 5, 1))
        session.commit()


def _import(engine: sa.Engine, path: Path) -> None:
    with Session(engine) as session:
        import_records(session, book=read_records(path), actor="tester")
        session.commit()


def _counts(engine: sa.Engine) -> dict[str, int | None]:
    with Session(engine) as session:
        query = select(Person.code, DutyRecord.cosigners).join(Person)
        return dict(session.exec(query).all())  # type: ignore[arg-type]


def test_import_stores_keeps_and_audits_the_count(engine: sa.Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    _import(engine, _book(tmp_path, _proposal("P001", "领衔", 4), _proposal("P002", "联名", 4)))
    assert _counts(engine) == {"P001": 4, "P002": 4}
    # A later workbook that leaves it blank (or lacks the column) keeps what is on record.
    blank = [_proposal("P001", "领衔", None), _proposal("P002", "联名", None)]
    _import(engine, _book(tmp_path, *blank))
    old_rows = [[*_proposal(c, r, None)[:9], None] for c, r in (("P001", "领衔"), ("P002", "联名"))]
    _import(engine, _book(tmp_path, *old_rows, header=OLD_HEADER))
    assert _counts(engine) == {"P001": 4, "P002": 4}
    # A new count replaces it, with who and when in the audit trail.
    _import(engine, _book(tmp_path, _proposal("P001", "领衔", 5), _proposal("P002", "联名", 5)))
    assert _counts(engine) == {"P001": 5, "P002": 5}
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.field == "cosigners")).all()
    assert {(e.entity_key[:4], e.before, e.after, e.actor) for e in entries} == {
        ("P001", "4", "5", "tester"),
        ("P002", "4", "5", "tester"),
    }


def test_scoring_uses_the_stored_count(engine: sa.Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    _import(engine, _book(tmp_path, _proposal("P001", "领衔", 4), _proposal("P002", "联名", 4)))
    with Session(engine) as session:
        inputs = people_inputs(session, session.exec(select(Person)).all(), 2026)
    assert {i.code: i.duties[0].cosigners for i in inputs} == {"P001": 4, "P002": 4}
    default = {s.code: s.points.raw["proposals"] for s in
               score_cohort(load_scheme(default_scheme_path()), inputs)}  # fmt: skip
    assert default == {"P001": 10, "P002": 1.25}  # the co-signers' half (5) shared among 4
    # A cycle started with --scheme cppcc.toml grades its members by the points alone.
    cppcc = {s.code: (s.points.points, s.composite, s.grade) for s in
             score_cohort(load_scheme(CPPCC), inputs)}  # fmt: skip
    assert cppcc == {"P001": (75, 75, "称职"), "P002": (63, 63, "称职")}

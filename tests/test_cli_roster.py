"""The commands as staff run them: templates, imports, error tables and exit codes."""

from pathlib import Path

import openpyxl
from sheetbuilders import person, roster_file
from sqlmodel import Session, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import get_engine
from appraisal.models import AuditEntry, BallotTally, Person

runner = CliRunner()


def test_template_then_import_of_a_filled_in_roster(app_env: Path, tmp_path: Path) -> None:
    template = tmp_path / "花名册.xlsx"
    result = runner.invoke(app, ["roster", "template", str(template)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(template)
    book["花名册"].append(["P100", "王芳", "女", "汉族", "浙江宁波", "1982年7月", "2004.07",
                         "九三学社", "2010.05", "科技界", "滨江农科院", "研究员",
                         "代表人士"])  # fmt: skip
    book.save(template)
    result = runner.invoke(app, ["roster", "import", str(template)])
    assert result.exit_code == 0, result.output
    assert "示例行" in result.output  # the warning for the untouched example
    with Session(get_engine()) as session:
        (woman,) = session.exec(select(Person)).all()
    assert (woman.code, woman.name, woman.birth_day_known) == ("P100", "王芳", False)
    assert (woman.employer, woman.post, woman.native_place) == ("滨江农科院", "研究员", "浙江宁波")


def test_dry_run_counts_but_changes_nothing(app_env: Path, tmp_path: Path) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person("P001"), person("P002", "李四")])
    result = runner.invoke(app, ["roster", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "2" in result.output
    with Session(get_engine()) as session:
        assert session.exec(select(Person)).all() == []
        assert session.exec(select(AuditEntry)).all() == []


def test_errors_are_a_table_with_row_and_column_and_exit_1(app_env: Path, tmp_path: Path) -> None:
    rows = [person("P001", born="13/1975"), person("P002", tier="千")]
    path = roster_file(tmp_path / "bad.xlsx", rows)
    result = runner.invoke(app, ["roster", "import", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "发现 2 处问题，未导入任何数据" in result.output
    assert "出生年月 (E2)" in result.output and "梯队 (I3)" in result.output
    assert "Traceback" not in result.output
    with Session(get_engine()) as session:
        assert session.exec(select(Person)).all() == []


def test_an_xls_file_gets_a_message_not_a_traceback(app_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = runner.invoke(app, ["roster", "import", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "另存为 .xlsx" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_demo_data_then_both_imports(app_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo-data", "--people", "30", "--seed", "5", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["roster", "import", str(out / "roster.xlsx")]).exit_code == 0
    result = runner.invoke(app, ["records", "import", str(out / "records.xlsx"), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "民主测评" in result.output
    with Session(get_engine()) as session:
        tallies = session.exec(select(BallotTally)).all()
    assert 60 <= len(tallies) <= 90  # two or three rater groups each


def test_records_for_unknown_people_exit_1_and_import_nothing(
    app_env: Path, tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    runner.invoke(app, ["demo-data", "--people", "10", str(out)])
    result = runner.invoke(app, ["records", "import", str(out / "records.xlsx")],
                           env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 1
    assert "不在花名册中" in result.output and "履职记录" in result.output
    with Session(get_engine()) as session:
        assert session.exec(select(BallotTally)).all() == []


def test_records_template_is_written(app_env: Path, tmp_path: Path) -> None:
    target = tmp_path / "records.xlsx"
    result = runner.invoke(app, ["records", "template", str(target)])
    assert result.exit_code == 0
    assert openpyxl.load_workbook(target).sheetnames[:4] == [
        "履职记录",
        "民主测评",
        "组织考核",
        "负面清单",
    ]


def test_office_names_the_pool_new_people_join(app_env: Path, tmp_path: Path) -> None:
    from appraisal.db import session_scope
    from appraisal.store.offices import add_office

    with session_scope() as session:
        west = add_office(session, name="西区统战部").id
    path = roster_file(tmp_path / "r.xlsx", [person("P001")])
    unknown = runner.invoke(app, ["roster", "import", str(path), "--office", "东区"])
    assert unknown.exit_code == 1 and "没有名为“东区”的单位" in unknown.output
    result = runner.invoke(app, ["roster", "import", str(path), "--office", "西区统战部"])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        assert session.exec(select(Person.office_id)).one() == west

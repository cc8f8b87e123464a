"""`appraisal people`: show, correct and add to a person's information, and list what waits."""

from pathlib import Path

from sheetbuilders import person, roster_file
from sqlmodel import Session, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import get_engine
from appraisal.models import AuditEntry, Person, PersonEntry

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def test_staff_correct_a_person_and_their_entries_at_the_command_line(
    app_env: Path, tmp_path: Path
) -> None:
    rows = [person("P001", employer="滨江大学 教授"),
            person("P002", "李四", employer="某大学教授、某公司独立董事")]  # fmt: skip
    assert runner.invoke(app, ["roster", "import", str(roster_file(tmp_path / "r.xlsx", rows))],
                         env=WIDE).exit_code == 0  # fmt: skip
    waiting = runner.invoke(app, ["people", "unsplit"], env=WIDE)
    assert waiting.exit_code == 0 and "P002" in waiting.output and "P001" not in waiting.output
    shown = runner.invoke(app, ["people", "show", "P002"], env=WIDE)
    assert "仍是“工作单位及职务”" in shown.output and "简历：无" in shown.output

    for args in (
        ["people", "set", "P002", "工作单位", "某大学", "--reason", "本人确认"],
        ["people", "set", "P002", "职务", "教授", "--reason", "本人确认"],
        ["people", "record", "add", "P002", "挂职", "滨江市科技局副局长", "--start", "2021.03",
         "--end", "2022.03", "--reason", "组织部来函"],
    ):  # fmt: skip
        result = runner.invoke(app, args, env=WIDE)
        assert result.exit_code == 0, result.output
    assert "P002" not in runner.invoke(app, ["people", "unsplit"], env=WIDE).output
    shown = runner.invoke(app, ["people", "show", "P002"], env=WIDE)
    assert "滨江市科技局副局长" in shown.output and "2021.03" in shown.output

    refused = runner.invoke(app, ["people", "set", "P002", "梯队", "名人", "--reason", "x"],
                            env=WIDE)  # fmt: skip
    assert refused.exit_code == 1 and "不能修改“梯队”" in refused.output
    bad = runner.invoke(app, ["people", "record", "add", "P002", "简历", "某大学讲师",
                              "--start", "2010.05", "--end", "2001.01", "--reason", "x"],
                        env=WIDE)  # fmt: skip
    assert bad.exit_code == 1 and "早于起始年月" in bad.output

    with Session(get_engine()) as session:
        (entry,) = session.exec(select(PersonEntry)).all()
    removed = runner.invoke(app, ["people", "record", "remove", "P002", str(entry.id),
                                  "--reason", "误录"], env=WIDE)  # fmt: skip
    assert removed.exit_code == 0, removed.output
    with Session(get_engine()) as session:
        p = session.exec(select(Person).where(Person.code == "P002")).one()
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity_key == "P002")).all()
        assert session.exec(select(PersonEntry)).all() == []
    assert (p.employer, p.post) == ("某大学", "教授")
    assert [a.reason for a in audit if a.field != "created"] == [
        "本人确认", "本人确认", "组织部来函", "误录"]  # fmt: skip

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


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_the_information_form_is_filled_with_what_is_on_record(
    app_env: Path, tmp_path: Path
) -> None:
    from sheetbuilders import write_xlsx

    header = ["编号", "姓名", "性别", "民族", "籍贯", "出生年月", "党派", "入党派时间", "界别",
              "工作单位", "职务", "梯队"]  # fmt: skip
    workbook = write_xlsx(tmp_path / "r.xlsx", {
        "花名册": [header, ["P001", "张三", "男", "汉族", "江苏南京", "1975.03", "民盟", "2001.07",
                            "教育界", "滨江大学", "教授", "精英"]],
        "简历": [["编号", "起始年月", "截止年月", "单位及职务"],
                 ["P001", "1997.08", "2005.06", "滨江大学讲师"],
                 ["P001", "2005.07", "", "滨江大学教授"]],
        "奖惩": [["编号", "奖惩类别", "起始年月", "奖惩情况"],
                 ["P001", "奖励", "2020.12", "获评优秀教师"]],
    })  # fmt: skip
    assert runner.invoke(app, ["roster", "import", str(workbook)], env=WIDE).exit_code == 0
    out = tmp_path / "form.docx"
    done = runner.invoke(app, ["people", "form", "P001", str(out)], env=WIDE)
    assert done.exit_code == 0, done.output
    text = _docx_text(out)
    for shown in ("党外代表人士信息采集表", "张三", "江苏南京", "2001年7月", "滨江大学", "教授",
                  "1997.08—2005.06　滨江大学讲师", "2005.07—至今　滨江大学教授",
                  "2020.12　奖励：获评优秀教师"):  # fmt: skip
        assert shown in text, shown
    assert "{{" not in text and "{%" not in text
    missing = runner.invoke(app, ["people", "form", "P404", str(out)], env=WIDE)
    assert missing.exit_code == 1 and "没有编号为 P404 的人员" in missing.output

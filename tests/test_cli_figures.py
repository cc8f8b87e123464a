"""`appraisal figures`: the 统战名人 record at the command line, the quota's warning at the 11th,
the note on people whose tier is 名人 without a record, and the 名录 export."""

from pathlib import Path

from openpyxl import load_workbook
from sheetbuilders import person, roster_file
from sqlmodel import Session, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import get_engine
from appraisal.models import AuditEntry, FigureActivity, FigureSite

runner = CliRunner()
WIDE = {"COLUMNS": "240"}


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def test_staff_keep_figures_at_the_command_line(app_env: Path, tmp_path: Path) -> None:
    rows = [person("P001", "陈守仁", tier="名人"), person("P002", "李四")]
    _ok("roster", "import", str(roster_file(tmp_path / "r.xlsx", rows)))
    listed = _ok("figures", "list")
    assert "尚无统战名人记录" in listed
    assert "P001 陈守仁 尚无统战名人记录" in listed and "P002" not in listed

    said = _ok("figures", "add", "王伯谦", "--years", "1881—1936", "--identity",
               "民主党派创始人之一", "--selected-on", "2019.05", "--decided-by",
               "中共滨江市委统战部", "--number", "滨统〔2019〕12号")  # fmt: skip
    assert "已添加统战名人 王伯谦（序号 1）" in said and "名额提示" not in said
    _ok("figures", "site", "add", "1", "教育基地", "王伯谦故居", "--address", "青石巷 12 号",
        "--plaque-on", "2021.06")  # fmt: skip
    _ok("figures", "site", "add", "1", "纪念馆", "王伯谦纪念馆")
    _ok("figures", "activity", "add", "1", "2024.10.19", "纪念活动", "逝世88周年座谈会",
        "--organiser", "民盟滨江市委")  # fmt: skip
    _ok("figures", "set", "1", "籍贯", "滨江市青石镇", "--reason", "据地方志")
    _ok("figures", "site", "remove", "1", "2", "--reason", "重复录入")
    linked = _ok("figures", "add", "--person", "P001", "--identity", "无党派人士")
    assert "已添加统战名人 陈守仁（序号 2）" in linked

    listed = _ok("figures", "list")
    assert "统战名人 2 位（名额 10 位）" in listed and "尚无统战名人记录" not in listed
    assert "2024.10.19 纪念活动：逝世88周年座谈会" in listed
    shown = _ok("figures", "show", "1")
    assert "滨江市青石镇" in shown and "王伯谦故居" in shown
    assert shown.count("王伯谦纪念馆") == 2  # in the history only: added, then removed
    assert "据地方志" in shown and "重复录入" in shown

    refused = runner.invoke(app, ["figures", "activity", "add", "1", "明年", "展览", "x"],
                            env=WIDE)  # fmt: skip
    assert refused.exit_code == 1 and "活动时间：不是日期" in refused.output
    refused = runner.invoke(app, ["figures", "site", "remove", "1", "1"], env=WIDE)
    assert refused.exit_code != 0  # --reason is required

    for n in range(3, 11):
        assert "名额提示" not in _ok("figures", "add", f"名人{n:02d}")
    over = _ok("figures", "add", "名人11")
    assert "名额提示：统战名人已有 11 位，超过名额 10 位（默认方案）" in over
    assert "已记入变更记录" in over
    with Session(get_engine()) as session:
        quota = session.exec(select(AuditEntry).where(AuditEntry.field == "quota")).all()
        assert [q.entity_key for q in quota] == ["figure/11"]
        assert len(session.exec(select(FigureSite)).all()) == 1
        assert len(session.exec(select(FigureActivity)).all()) == 1

    book_path = tmp_path / "名录.xlsx"
    said = _ok("figures", "export", str(book_path))
    assert "11 位，纪念场所 1 处，宣传活动 1 项" in said
    book = load_workbook(book_path)
    names = [r[1].value for r in book["统战名人"].iter_rows(min_row=3)]
    assert names[:2] == ["王伯谦", "陈守仁"] and len(names) == 11
    assert book["纪念场所"]["D3"].value == "王伯谦故居"

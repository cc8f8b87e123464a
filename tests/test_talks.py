"""谈心谈话 through the year, on SQLite and PostgreSQL: talks logged, corrected and removed
with their reasons in the audit log, bad input named, and the CLI over the same functions."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sheetbuilders import person, roster_file
from sqlmodel import col, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import alembic_config, migrate, session_scope
from appraisal.importing import import_roster_file
from appraisal.models import AuditEntry, Person, Talk
from appraisal.models.vocab import Stage, TalkKind
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scoring.results import Action
from appraisal.stages import TALK
from appraisal.store.offices import Scope
from appraisal.store.person_info import NoSuchPerson, PersonInfoError
from appraisal.store.talks import (
    add_talk,
    change_talk,
    parse_talk,
    person_talks,
    remove_talk,
    talks_by_code,
)
from tests.cycle_helpers import YEAR

runner = CliRunner()
WIDE = {"COLUMNS": "220"}


def _people(tmp_path: Path) -> None:
    rows = [person("P001"), person("P002", "李四")]
    import_roster_file(roster_file(tmp_path / "r.xlsx", rows), actor="tester")


def _talk_audit() -> list[tuple[str, str | None, str | None, str]]:
    with session_scope() as session:
        query = select(AuditEntry).where(col(AuditEntry.field) == "谈心谈话")
        rows = session.exec(query.order_by(col(AuditEntry.id)))
        return [(a.entity_key, a.before, a.after, a.reason) for a in rows]


def test_talks_are_logged_corrected_and_removed_with_reasons(app_env: Path, tmp_path: Path) -> None:
    _people(tmp_path)
    march = parse_talk("2026-03-15", "提醒谈话", "王明", "提醒按时参加界别活动",
                       talker_post="统战部副部长", place="统战部会议室",
                       follow_up="本人表示接受，此后按时参加")  # fmt: skip
    july = parse_talk("2026年7月2日", "日常谈心", "赵丽", "了解思想状况和履职打算")
    last_year = parse_talk("2025.11.20", "谈话函询", "王明", "就群众反映的兼职情况函询")
    with session_scope() as session:
        first = add_talk(session, code="P001", talk=july, actor="staff:a")
        add_talk(session, code="P001", talk=march, actor="staff:a")
        add_talk(session, code="P001", talk=last_year, actor="staff:a")
        july_id = first.id or 0
    with session_scope() as session:
        pid = session.exec(select(Talk.person_id)).first() or 0
        talks = person_talks(session, pid)
        this_year = person_talks(session, pid, 2026)
        assert [t.held_on for t in talks] == [date(2025, 11, 20), date(2026, 3, 15),
                                              date(2026, 7, 2)]  # fmt: skip
        assert [t.kind for t in this_year] == [TalkKind.REMINDER, TalkKind.ROUTINE]
        assert this_year[0].place == "统战部会议室" and this_year[0].talker_post == "统战部副部长"

    # A change needs a reason; the old words are kept.
    with session_scope() as session, pytest.raises(PersonInfoError, match="请说明修改依据"):
        change_talk(session, code="P001", talk_id=july_id, talk=july, actor="staff:b",
                    reason=" ")  # fmt: skip
    fixed = parse_talk("2026-07-03", "日常谈心", "赵丽", "了解思想状况和履职打算",
                       talker_post="统战部干部科科长")  # fmt: skip
    with session_scope() as session:
        before, after = change_talk(session, code="P001", talk_id=july_id, talk=fixed,
                                    actor="staff:b", reason="日期误录")  # fmt: skip
    assert "2026-07-02" in before and "2026-07-03" in after and "干部科科长" in after
    with session_scope() as session:
        assert change_talk(session, code="P001", talk_id=july_id, talk=fixed, actor="staff:b",
                           reason="再次保存")[0] == after  # fmt: skip
        with pytest.raises(PersonInfoError, match="没有第"):  # another person's talk
            remove_talk(session, code="P002", talk_id=july_id, actor="staff:b", reason="x")
        with pytest.raises(PersonInfoError, match="请说明修改依据"):
            remove_talk(session, code="P001", talk_id=july_id, actor="staff:b", reason="")
    with session_scope() as session:
        remove_talk(session, code="P001", talk_id=july_id, actor="staff:b", reason="重复录入")
    with session_scope() as session:
        assert len(session.exec(select(Talk)).all()) == 2
        by_code = talks_by_code(session, list(session.exec(select(Person))), 2026)
    assert list(by_code) == ["P001"]
    (line,) = by_code["P001"]
    assert line.talker == "王明（统战部副部长）" and line.kind == "提醒谈话"
    assert line.follow_up.startswith("本人表示接受")

    audit = _talk_audit()
    assert [a[0] for a in audit] == ["P001"] * 5  # three added, one changed, one removed
    assert audit[3][1] == before and audit[3][2] == after and audit[3][3] == "日期误录"
    assert audit[4][1] == after and audit[4][2] is None and audit[4][3] == "重复录入"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "日常谈心", "王明", "x"), "谈话时间 必填"),
        (("2026-13-01", "日常谈心", "王明", "x"), "谈话时间：没有这个日期"),
        (("2026.03", "日常谈心", "王明", "x"), "应写到日"),
        (("2099-01-01", "日常谈心", "王明", "x"), "晚于今天"),
        (("2026-03-01", "诫勉谈话", "王明", "x"), "谈话类别应为 日常谈心、提醒谈话、谈话函询 之一"),
        (("2026-03-01", "日常谈心", " ", "x"), "谈话人 必填"),
        (("2026-03-01", "日常谈心", "王明", ""), "谈话内容 必填"),
        (("2026-03-01", "日常谈心", "王明", "长" * 2049), "谈话内容 太长"),
    ],
)
def test_a_bad_talk_is_refused_naming_the_part(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(PersonInfoError, match=message):
        parse_talk(*args)


def test_another_offices_person_is_not_found(app_env: Path, tmp_path: Path) -> None:
    _people(tmp_path)
    talk = parse_talk("2026-03-15", "日常谈心", "王明", "x")
    with session_scope() as session, pytest.raises(NoSuchPerson):
        add_talk(session, code="P001", talk=talk, actor="a", scope=Scope(frozenset({999})))


def test_the_cli_adds_lists_changes_and_removes_talks(app_env: Path, tmp_path: Path) -> None:
    _people(tmp_path)
    added = runner.invoke(app, ["talks", "add", "P002", "--date", "2026-03-15", "--kind",
                                "提醒谈话", "--talker", "王明", "--post", "统战部副部长",
                                "--summary", "提醒按时参加界别活动", "--follow-up", "本人表示接受"],
                          env=WIDE)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "已记录 P002 的提醒谈话" in added.output
    listed = runner.invoke(app, ["talks", "list", "P002", "--year", "2026"], env=WIDE)
    assert listed.exit_code == 0 and "提醒按时参加界别活动" in listed.output
    assert "王明（统战部副部长）" in listed.output and "1 次" in listed.output
    assert "没有谈话记录" in runner.invoke(app, ["talks", "list", "P002", "--year", "2025"],
                                          env=WIDE).output  # fmt: skip
    with session_scope() as session:
        talk_id = session.exec(select(Talk.id)).one()
    changed = runner.invoke(app, ["talks", "change", "P002", str(talk_id), "--date",
                                  "2026-03-16", "--kind", "提醒谈话", "--talker", "王明",
                                  "--summary", "提醒按时参加界别活动", "--reason", "日期误录"],
                            env=WIDE)  # fmt: skip
    assert changed.exit_code == 0 and "2026-03-16" in changed.output
    no_reason = runner.invoke(app, ["talks", "remove", "P002", str(talk_id), "--reason", ""],
                              env=WIDE)  # fmt: skip
    assert no_reason.exit_code == 1 and "请说明修改依据" in no_reason.output
    bad = runner.invoke(app, ["talks", "add", "P002", "--date", "2026-03-15", "--kind", "诫勉",
                              "--talker", "王明", "--summary", "x"], env=WIDE)  # fmt: skip
    assert bad.exit_code == 1 and "谈话类别应为" in bad.output
    removed = runner.invoke(app, ["talks", "remove", "P002", str(talk_id), "--reason", "误录"],
                            env=WIDE)  # fmt: skip
    assert removed.exit_code == 0 and "已删除 P002 的提醒谈话记录" in removed.output
    assert [a[3] for a in _talk_audit()] == ["录入谈话记录", "日期误录", "误录"]


def test_the_migration_adds_and_drops_the_table(engine: sa.Engine) -> None:
    migrate(engine)
    assert "talk" in sa.inspect(engine).get_table_names()
    config = alembic_config(engine)
    command.downgrade(config, "0015")
    try:
        assert "talk" not in sa.inspect(engine).get_table_names()
    finally:
        migrate(engine)
    assert "talk" in sa.inspect(engine).get_table_names()


def _xml_text(data: bytes) -> str:
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = package.read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_the_talk_record_prints_the_cycle_year_s_talks(bare_cycle: int) -> None:
    """The 谈心谈话记录表 a cycle plans from the database: the talks of the cycle's year, with
    kind, 谈话人 and follow-up, and the blank record of this talk; a person with none says so."""
    from appraisal.flows.tasks import plan_documents

    with session_scope() as session:
        codes = [p.code for p in session.exec(select(Person).order_by(col(Person.code)))]
        for held_on, kind, summary in (
            ("2026-03-15", "提醒谈话", "提醒按时参加界别活动"),
            ("2026-06-01", "谈话函询", "就群众反映的兼职情况函询"),
            (f"{YEAR - 1}-12-20", "日常谈心", "上一年度的谈话"),
        ):
            talk = parse_talk(held_on, kind, "王明", summary, talker_post="统战部副部长",
                              follow_up="本人表示接受" if kind == "提醒谈话" else "")  # fmt: skip
            add_talk(session, code=codes[0], talk=talk, actor="staff:a")
    jobs = plan_documents.fn(bare_cycle, Stage.ASSESSMENT, date(2026, 11, 22), date(2026, 12, 12))
    talks = {j.person_code: j for j in jobs if j.template_id == TALK}
    first, other = talks[codes[0]], talks[codes[1]]
    assert first.context["年度"] == str(YEAR)
    assert [(r["谈话时间"], r["谈话类别"], r["谈话人"]) for r in first.context["谈话记录"]] == [
        ("2026.03.15", "提醒谈话", "王明（统战部副部长）"),
        ("2026.06.01", "谈话函询", "王明（统战部副部长）"),
    ]
    assert first.context["谈话事由"] == "年度考核谈心谈话" and first.context["谈话内容"] == ""
    assert other.context["谈话记录"] == []

    template = PreparedTemplate.load(resolve_templates().get(TALK).path)
    text = _xml_text(template.render({**first.context, "二维码": qr_image(first.document_id)}))
    printed = ("2026年度谈心谈话情况", "2026.03.15", "提醒谈话", "提醒按时参加界别活动",
               "后续跟进：本人表示接受", "就群众反映的兼职情况函询", "本次考核谈话")  # fmt: skip
    for words in printed:
        assert words in text, words
    assert "上一年度的谈话" not in text and "诫勉" not in text
    none = _xml_text(template.render({**other.context, "二维码": qr_image(other.document_id)}))
    assert "本年度没有谈话记录" in none and "后续跟进：" not in none


def test_a_low_ballot_recommends_a_reminder_talk_not_an_admonition() -> None:
    assert Action.REMINDER_TALK.value == "提醒谈话"
    assert "诫勉" not in "".join(a.value for a in Action)


@pytest.mark.libreoffice
def test_the_growing_file_has_a_section_of_talks_with_its_bookmark(
    app_env: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from appraisal.archive.verify import verify_package
    from appraisal.career_file import make_career_file
    from tests.cycle_helpers import require_soffice

    require_soffice()
    _people(tmp_path)
    talk = parse_talk("2026-03-15", "提醒谈话", "王明", "提醒按时参加界别活动",
                      talker_post="统战部副部长", place="统战部会议室",
                      follow_up="本人表示接受")  # fmt: skip
    with session_scope() as session:
        add_talk(session, code="P001", talk=talk, actor="staff:a")
    made = make_career_file("P001", made_on=date(2026, 12, 1), issuer="某市委统战部",
                            target=tmp_path / "file")  # fmt: skip
    assert verify_package(made.package) == []
    reader = PdfReader(made.pdf)
    (summary,) = [o for o in reader.outline if isinstance(o, list)]
    marks = {o.title: reader.get_destination_page_number(o) for o in summary}
    assert "六、谈心谈话" in marks, marks
    assert list(marks)[-2:] == ["十一、变更记录", "十二、考核评价档案"]  # numbered past ten
    page = reader.pages[marks["六、谈心谈话"]].extract_text() or ""
    text = "".join(page.split())
    for words in ("六、谈心谈话", "2026-03-15", "提醒谈话", "王明（统战部副部长）", "统战部会议室",
                  "提醒按时参加界别活动", "本人表示接受"):  # fmt: skip
        assert words in text, words
    record = (made.package / "data" / "career.json").read_text(encoding="utf-8")
    assert '"谈心谈话": [' in record and "提醒按时参加界别活动" in record


TALK_HEADER = ["编号", "姓名", "谈话时间", "谈话类别", "谈话人", "谈话人职务", "谈话地点",
               "谈话内容", "后续跟进"]  # fmt: skip


def _counts(output: str) -> list[str]:
    (line,) = [x for x in output.splitlines() if x.startswith("│ 谈心谈话")]
    return line.replace("│", " ").split()[-3:]


def test_a_workbook_back_fills_talks_once_and_bad_rows_are_named(
    app_env: Path, tmp_path: Path
) -> None:
    from sheetbuilders import write_xlsx

    _people(tmp_path)
    blank = tmp_path / "blank.xlsx"
    assert runner.invoke(app, ["talks", "template", str(blank)], env=WIDE).exit_code == 0
    example = runner.invoke(app, ["talks", "import", str(blank)], env=WIDE)
    assert example.exit_code == 0 and "示例行" in example.output  # skipped, nothing added

    good = [
        ["P001", "张三", "2026.03.15", "提醒谈话", "王明", "统战部副部长", "", "提醒按时参加活动",
         "本人表示接受"],
        ["P002", "", "2026-05-20", "日常谈心", "赵丽", "", "本人单位", "走访谈心", ""],
    ]  # fmt: skip
    bad = [
        ["P404", "", "2026.03.15", "日常谈心", "王明", "", "", "x", ""],
        ["P001", "李四", "2026.03.15", "日常谈心", "王明", "", "", "x", ""],
        ["P001", "", "2026.03", "日常谈心", "王明", "", "", "x", ""],
        ["P001", "", "2026.03.15", "诫勉谈话", "王明", "", "", "x", ""],
        ["P001", "", "2026.03.15", "日常谈心", "王明", "", "", "", ""],
    ]  # fmt: skip
    wrong = write_xlsx(tmp_path / "wrong.xlsx", {"谈心谈话": [TALK_HEADER, *good, *bad]})
    refused = runner.invoke(app, ["talks", "import", str(wrong)], env=WIDE)
    assert refused.exit_code == 1 and "未导入任何数据" in refused.output
    said = " ".join(refused.output.split())
    for words in ("编号 P404 不在人员库中", "编号 P001 是张三，不是李四", "谈话时间应写到日",
                  "谈话类别", "谈话内容"):  # fmt: skip
        assert words in said, words
    for row in range(4, 9):  # the bad rows, each named
        assert f"│ {row} " in refused.output or f" {row} │" in refused.output, row
    with session_scope() as session:
        assert session.exec(select(Talk)).all() == []  # all or nothing

    right = write_xlsx(tmp_path / "right.xlsx", {"谈心谈话": [TALK_HEADER, *good]})
    first = runner.invoke(app, ["talks", "import", str(right)], env=WIDE)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["talks", "import", str(right)], env=WIDE)
    assert again.exit_code == 0
    assert _counts(first.output) == ["2", "0", "0"]  # 新增, 更新, 未变
    assert _counts(again.output) == ["0", "0", "2"]
    with session_scope() as session:
        talks = session.exec(select(Talk).order_by(col(Talk.held_on))).all()
    assert [(t.held_on, t.kind, t.place) for t in talks] == [
        (date(2026, 3, 15), TalkKind.REMINDER, ""),
        (date(2026, 5, 20), TalkKind.ROUTINE, "本人单位"),
    ]
    assert talks[0].source == "导入 right.xlsx 工作表 谈心谈话 第2行"
    assert [a[3] for a in _talk_audit()] == [
        "导入 right.xlsx 工作表 谈心谈话 第2行", "导入 right.xlsx 工作表 谈心谈话 第3行"
    ]  # fmt: skip

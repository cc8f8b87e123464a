"""The reviewer directory: addresses checked as staff type them, the workbook import with every
bad row named, `reviewers set` and `list`, and the audit trail of address changes."""

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.mail import AddressError, normalise_address
from appraisal.models import AuditEntry
from appraisal.sheets import WorkbookError
from appraisal.sheets.reviewers import read_reviewers

runner = CliRunner()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("office@example.cn", "office@example.cn"),
        ("  Office.Zhang@Mail.Example.cn ", "Office.Zhang@Mail.Example.cn"),
        ("ｏｆｆｉｃｅ＠ｅｘａｍｐｌｅ．ｃｎ", "office@example.cn"),  # typed with a Chinese IME
        ("tongzhan+2026@example.gov.cn", "tongzhan+2026@example.gov.cn"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_addresses_are_stored_in_plain_form(typed: str, stored: str) -> None:
    assert normalise_address(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("office.example.cn", "有且只有一个 @"),
        ("a@b@example.cn", "有且只有一个 @"),
        ("@example.cn", "@ 前面是空的"),
        ("office@localhost", "不是 example.cn 这样的域名"),
        ("office@example..cn", "不是 example.cn 这样的域名"),
        ("office @example.cn", "含有空格"),
        ("张三 <office@example.cn>", "含有空格"),
        ("office@example.cn;b@example.cn", "含有 ;"),
        ("office.@example.cn", "点位置不对"),
        ("office@-example.cn", "不能以 - 开头或结尾"),
    ],
)
def test_bad_addresses_say_what_is_wrong(typed: str, reason: str) -> None:
    with pytest.raises(AddressError, match=reason):
        normalise_address(typed)


def _workbook(path: Path, rows: list[tuple[object, ...]], title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "审阅人"
    if title:
        sheet.append([title])  # a title line above the header, as offices like to add
    sheet.append(["类别", "名称", "电子邮箱（必填）"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _directory() -> list[dict[str, str]]:
    result = runner.invoke(app, ["reviewers", "list", "--json"])
    assert result.exit_code == 0, result.output
    return [{k: r[k] for k in ("kind", "name", "email")} for r in json.loads(result.output)]


def test_import_names_the_row_and_column_of_a_bad_address_and_imports_nothing(
    app_env: Path, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "审阅人.xlsx",
        [
            ("推荐单位", "某大学", "office@example.cn"),
            ("推荐单位", "某医院", "yiyuan.example.cn"),
            (None, "某研究所", "a@example.cn"),
            ("推荐单位", "某大学", "other@example.cn"),
        ],
        title="2026年度审阅人通讯录",
    )
    with pytest.raises(WorkbookError) as caught:
        read_reviewers(path)
    found = [(i.sheet, i.row, i.column, i.cell, i.reason) for i in caught.value.issues]
    assert [f[:4] for f in found] == [
        ("审阅人", 4, "电子邮箱", "C4"),
        ("审阅人", 5, "类别", "A5"),
        ("审阅人", 6, "电子邮箱", "C6"),
    ]
    assert "“yiyuan.example.cn”须有且只有一个 @" in found[0][4]
    assert "类别为空" in found[1][4]
    assert "推荐单位 某大学 is also on row 3 with office@example.cn" in found[2][4]
    where = "审阅人.xlsx，工作表 审阅人，第4行，C列 电子邮箱："
    assert str(caught.value.issues[0]).startswith(where)

    result = runner.invoke(app, ["reviewers", "import", str(path)])
    assert result.exit_code == 1
    assert "发现 3 处问题，未导入任何数据" in result.output
    assert _directory() == []


def test_import_adds_updates_and_logs_every_address_change(app_env: Path, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "审阅人.xlsx",
        [
            ("推荐单位", "某大学", "office＠example.cn"),
            ("推荐单位", "某医院", ""),  # no address: listed, gets no e-mail
            ("推荐单位", "某大学", "office@example.cn"),  # the same entry twice is fine
            (None, None, None),
        ],
    )
    result = runner.invoke(app, ["reviewers", "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "dry run" in result.output, result.output
    assert _directory() == []
    result = runner.invoke(app, ["reviewers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _directory() == [
        {"kind": "推荐单位", "name": "某医院", "email": ""},
        {"kind": "推荐单位", "name": "某大学", "email": "office@example.cn"},
    ]
    listed = runner.invoke(app, ["reviewers", "list"])
    assert "无邮箱" in listed.output and "1 个没有邮箱" in listed.output

    result = runner.invoke(app, ["reviewers", "set", "推荐单位", "某医院", "bad address"])
    assert result.exit_code == 1 and "电子邮箱不可用：“bad address”含有空格" in result.output
    result = runner.invoke(app, ["reviewers", "set", "推荐单位", "某医院", "yy@example.cn"])
    assert result.exit_code == 0 and "已更新" in result.output, result.output
    result = runner.invoke(app, ["reviewers", "set", "推荐单位", "某医院", "yy@example.cn"])
    assert "未变" in result.output
    result = runner.invoke(app, ["reviewers", "set", "推荐单位", " ", "yy@example.cn"])
    assert result.exit_code == 1 and "名称为空" in result.output

    # The template of the directory imports back unchanged.
    template = tmp_path / "目录.xlsx"
    assert runner.invoke(app, ["reviewers", "template", str(template)]).exit_code == 0
    result = runner.invoke(app, ["reviewers", "import", str(template)])
    assert result.exit_code == 0, result.output
    assert _directory()[0]["email"] == "yy@example.cn"

    with session_scope() as session:
        trail = [
            (a.entity_key, a.before, a.after, a.actor)
            for a in session.exec(
                select(AuditEntry).where(AuditEntry.entity == "reviewer").order_by(AuditEntry.id)
            )
        ]
    assert trail == [
        ("推荐单位/某大学", None, "office@example.cn", "staff"),
        ("推荐单位/某医院", None, "", "staff"),
        ("推荐单位/某医院", "", "yy@example.cn", "staff"),
    ]


def test_a_blank_template_has_an_example_row_that_import_skips(
    app_env: Path, tmp_path: Path
) -> None:
    template = tmp_path / "blank.xlsx"
    assert runner.invoke(app, ["reviewers", "template", str(template)]).exit_code == 0
    result = runner.invoke(app, ["reviewers", "import", str(template)])
    assert result.exit_code == 0 and "已跳过 1 行示例" in result.output, result.output
    assert _directory() == []


def test_files_that_are_not_directory_workbooks_are_refused(app_env: Path, tmp_path: Path) -> None:
    old = tmp_path / "审阅人.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = runner.invoke(app, ["reviewers", "import", str(old)])
    assert result.exit_code == 1 and "Excel 97-2003" in " ".join(result.output.split())

    other = tmp_path / "other.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位", "联系人"])
    book.save(other)
    result = runner.invoke(app, ["reviewers", "import", str(other)])
    assert result.exit_code == 1 and "no sheet has the columns" in " ".join(result.output.split())


def test_a_cell_the_file_stores_wrongly_is_named_not_a_traceback(
    app_env: Path, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "审阅人.xlsx",
        [("推荐单位", "某大学", "office@example.cn"), ("推荐单位", "某医院", "b@example.cn")],
    )
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # A formula cell whose cached result is not the number its type says.
    sheet, n = re.subn(r'<c r="B3"[^>]*>.*?</c>', '<c r="B3"><f>A1</f><v>x</v></c>', sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(WorkbookError) as caught:
        read_reviewers(path)
    (issue,) = caught.value.issues
    assert (issue.sheet, issue.row, issue.column, issue.cell) == ("审阅人", 3, "名称", "B3")
    assert issue.reason.startswith("单元格的值无法读取")
    assert "'x'（公式的缓存结果）" in issue.reason
    result = runner.invoke(app, ["reviewers", "import", str(path)])
    assert result.exit_code == 1 and "发现 1 处问题，未导入任何数据" in result.output
    assert _directory() == []

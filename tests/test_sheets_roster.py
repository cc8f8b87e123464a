"""Reading real, messy roster sheets: every case staff sheets bring, each with a real .xlsx."""

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sheetbuilders import ROSTER_HEADER, person, roster_file, write_xlsx

from appraisal.models.vocab import Gender, Tier
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError, derive_code, read_roster, write_roster_template


def _only_issue(exc: pytest.ExceptionInfo[WorkbookError]) -> str:
    assert len(exc.value.issues) == 1, exc.value
    return exc.value.issues[0].reason


def test_a_plain_roster_reads_into_typed_rows(tmp_path: Path) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(born="1975-03-08", tier="代表人士")])
    roster = read_roster(path)
    (row,) = roster.rows
    assert (row.code, row.name, row.gender, row.tier) == (
        "P001",
        "张三",
        Gender.MALE,
        Tier.REPRESENTATIVE,
    )
    assert (row.birth_date, row.birth_day_known) == (date(1975, 3, 8), True)
    assert row.row == 2 and roster.sheet == "花名册" and roster.warnings == ()


def test_merged_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    rows = [["2026年党外代表人士名单"], ["填报单位：市委统战部"], ROSTER_HEADER, person()]
    path = write_xlsx(tmp_path / "r.xlsx", {"花名册": rows}, merge={"花名册": "A1:I1"})
    roster = read_roster(path)
    assert [r.name for r in roster.rows] == ["张三"]
    assert roster.rows[0].row == 4  # the row number Excel shows


def test_a_serial_number_column_and_blank_rows_are_dropped(tmp_path: Path) -> None:
    header = ["序号", *ROSTER_HEADER]
    rows = [[1, *person("P001")], [None] * 10, [2, *person("P002", "李四")], [3], [None]]
    path = roster_file(tmp_path / "r.xlsx", rows, header=header)
    roster = read_roster(path)
    assert [r.code for r in roster.rows] == ["P001", "P002"]
    assert [r.row for r in roster.rows] == [2, 4]  # Excel's numbers, across the blank row
    assert roster.warnings == ()  # 序号 is expected, not an unknown column


@pytest.mark.parametrize(
    ("cell", "expected", "day_known"),
    [
        (datetime(1975, 3, 8), date(1975, 3, 8), True),
        ("1975.03", date(1975, 3, 1), False),
        ("1975.3", date(1975, 3, 1), False),
        ("1975年3月", date(1975, 3, 1), False),
        ("1975年3月8日", date(1975, 3, 8), True),
        ("1975-03-08", date(1975, 3, 8), True),
        ("1975/3/8", date(1975, 3, 8), True),
        ("１９７５．０３", date(1975, 3, 1), False),
        (1975.03, date(1975, 3, 1), False),  # typed into a number cell
        (1975.12, date(1975, 12, 1), False),
    ],
)
def test_birth_dates_in_every_form_staff_type(
    tmp_path: Path, cell: object, expected: date, day_known: bool
) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(born=cell)])
    (row,) = read_roster(path).rows
    assert (row.birth_date, row.birth_day_known) == (expected, day_known)


def test_an_excel_date_cell_is_read_as_a_date(tmp_path: Path) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(born=date(1980, 12, 31))])
    book = openpyxl.load_workbook(path)
    assert book["花名册"]["E2"].is_date  # really an Excel date, not text
    assert read_roster(path).rows[0].birth_date == date(1980, 12, 31)


def test_full_width_characters_and_stray_spaces_are_normalised(tmp_path: Path) -> None:
    header = [
        " 编 号",
        "姓　名",
        "性别 ",
        "民族",
        "出生年月",
        "党派",
        "界别",
        "工作单位及职务",
        "梯队",
    ]
    row = ["Ｐ００１ ", " 张　三 ", "男　", "汉族", "１９７５年３月", " 民盟", "教育界",
           "  滨江大学　　教授（二级）， 博导 ", " 精英 "]  # fmt: skip
    (got,) = read_roster(roster_file(tmp_path / "r.xlsx", [row], header=header)).rows
    assert (got.code, got.name, got.employer_post, got.tier) == (
        "P001",
        "张三",
        "滨江大学 教授（二级）， 博导",  # Chinese punctuation stays full-width, as printed
        Tier.RISING,
    )
    assert got.birth_date == date(1975, 3, 1)


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    header = [*ROSTER_HEADER, "爱好", "学历"]
    path = roster_file(tmp_path / "r.xlsx", [[*person(), "围棋", "博士研究生"]], header=header)
    roster = read_roster(path)
    assert roster.rows[0].education == "博士研究生"
    (warning,) = roster.warnings
    assert "爱好" in warning and "J 列" in warning


def test_optional_columns_and_the_private_sector_flag(tmp_path: Path) -> None:
    header = [*ROSTER_HEADER, "联系电话", "民营经济人士", "社会职务"]
    rows = [
        [*person(), 13800000000, "是", "市政协委员"],
        [*person("P002"), "138 0000 0001", None, None],
    ]
    first, second = read_roster(roster_file(tmp_path / "r.xlsx", rows, header=header)).rows
    assert (first.phone, first.private_sector, first.social_posts) == (
        "13800000000",
        True,
        "市政协委员",
    )
    assert (second.phone, second.private_sector, second.social_posts) == ("13800000001", False, "")


def test_without_a_code_the_key_comes_from_name_and_birth_month(tmp_path: Path) -> None:
    rows = [person(code=None, born="1975.03"), person(code=None, name="李四", born="1980-01-02")]
    first, second = read_roster(roster_file(tmp_path / "r.xlsx", rows)).rows
    assert first.code == derive_code("张三", date(1975, 3, 1))
    # Adding the day later keeps the key: only the month counts.
    assert derive_code("张三", date(1975, 3, 1)) == derive_code("张三", date(1975, 3, 28))
    assert first.code != second.code and first.code.startswith("N")


def test_every_error_is_listed_at_once_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        person("P001", born="1975.13"),
        ["P002", "李四", "未知", "汉族", "1975.03", "民盟", "教育界", "某单位", "精英"],
        ["P003", None, "男", "汉族", "1975.03", "民盟", "教育界", "某单位", "十佳"],
        person("P001", name="王五"),
    ]
    with pytest.raises(WorkbookError) as exc:
        read_roster(roster_file(tmp_path / "bad.xlsx", rows))
    found = {(i.row, i.column) for i in exc.value.issues}
    assert {(2, "出生年月"), (3, "性别"), (4, "姓名"), (4, "梯队")} <= found
    assert all(i.file == "bad.xlsx" and i.sheet == "花名册" for i in exc.value.issues)
    gender = next(i for i in exc.value.issues if i.column == "性别")
    assert gender.cell == "C3" and "男、女" in gender.reason
    assert "第3行，C列 性别" in str(exc.value)


def test_a_repeated_code_names_the_first_row(tmp_path: Path) -> None:
    rows = [person("P001"), person("P001", name="李四")]
    with pytest.raises(WorkbookError) as exc:
        read_roster(roster_file(tmp_path / "r.xlsx", rows))
    (issue,) = exc.value.issues
    assert (issue.row, issue.column) == (3, "编号") and "第2行" in issue.reason


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    header = [h for h in ROSTER_HEADER if h != "梯队"]
    path = write_xlsx(tmp_path / "r.xlsx", {"花名册": [header, person()[:-1]]})
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    (issue,) = exc.value.issues
    assert (issue.row, issue.column, issue.reason) == (1, "梯队", "缺少必填的列")


def test_a_roster_on_another_sheet_name_is_found(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", {"说明": [["请按格式填写"]], "Sheet1": [ROSTER_HEADER, person()]}
    )
    roster = read_roster(path)
    assert roster.sheet == "Sheet1" and len(roster.rows) == 1


def test_the_wrong_sheet_names_the_sheets_found(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", {"测评": [["编号", "得分"], ["P001", 90]], "汇总": [["x"]]}
    )
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    reason = _only_issue(exc)
    assert "现有工作表：测评、汇总" in reason and "梯队" in reason


def test_an_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "已加密" in _only_issue(exc) and "取消密码" in _only_issue(exc)


@pytest.mark.parametrize(
    ("name", "words"), [("old.xls", "97-2003"), ("list.csv", "CSV"), ("a.txt", "不是 Excel 工作簿")]
)
def test_other_formats_are_refused_with_advice(tmp_path: Path, name: str, words: str) -> None:
    path = tmp_path / name
    path.write_text("编号,姓名\nP001,张三\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert words in _only_issue(exc) and exc.value.issues[0].file == name


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_text("not a workbook at all", encoding="utf-8")
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "不是有效的 .xlsx" in _only_issue(exc)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "不是 Excel 工作簿" in _only_issue(exc)


def test_a_damaged_workbook_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<broken")
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "无法作为工作簿读取" in _only_issue(exc)


def test_a_birth_date_is_in_the_future_by_the_clock(
    tmp_path: Path, clock_at: Callable[[date], None]
) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(born="1975-03-08")])
    clock_at(date(1975, 3, 7))
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "出生日期 1975-03-08 晚于今天" in _only_issue(exc)
    clock_at(date(1975, 3, 8))
    assert read_roster(path).rows[0].birth_date == date(1975, 3, 8)


def test_a_huge_workbook_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(f"P{i:03d}") for i in range(200)])
    monkeypatch.setenv("APPRAISAL_MAX_WORKBOOK_BYTES", "20000")
    get_settings.cache_clear()
    try:
        with pytest.raises(WorkbookError) as exc:
            read_roster(path)
    finally:
        get_settings.cache_clear()
    assert "太大" in _only_issue(exc) and "APPRAISAL_MAX_WORKBOOK_BYTES" in _only_issue(exc)


def _rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_an_xml_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    path = roster_file(tmp_path / "bomb.xlsx", [person()])
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'

    def plant(xml: str) -> str:
        assert "<t>" in xml
        return doctype + re.sub(r"<t>[^<]*</t>", "<t>&l9;</t>", xml, count=1)

    _rewrite_part(path, "xl/worksheets/sheet1.xml", plant)
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    assert "DTD" in str(exc.value) and "bomb.xlsx" in str(exc.value)


def test_dates_in_the_chinese_built_in_formats_are_dates(tmp_path: Path) -> None:
    path = roster_file(tmp_path / "r.xlsx", [person(born=date(1975, 3, 8))])

    def builtin_31(xml: str) -> str:
        assert 'numFmtId="164"' in xml
        return xml.replace('numFmtId="164"', 'numFmtId="31"')

    # Chinese Excel stores 1975年3月8日 with built-in format 31, not a custom one.
    _rewrite_part(path, "xl/styles.xml", builtin_31)
    assert read_roster(path).rows[0].birth_date == date(1975, 3, 8)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as exc:
        read_roster(tmp_path / "absent.xlsx")
    assert _only_issue(exc) == "文件不存在"


def test_the_template_has_headers_an_example_and_drop_downs(tmp_path: Path) -> None:
    path = write_roster_template(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["花名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:13] == ["编号", "姓名", "性别", "民族", "籍贯", "出生年月", "参加工作时间",
                            "党派", "入党派时间", "界别", "工作单位", "职务", "梯队"]  # fmt: skip
    assert "工作单位及职务" not in headers  # still read, no longer written
    assert {"学历", "职称", "社会职务", "联系电话", "专长", "民营经济人士"} <= set(headers)
    assert sheet.freeze_panes == "A2" and sheet.max_row == 2
    lists = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    tier_col = openpyxl.utils.get_column_letter(headers.index("梯队") + 1)
    assert lists[tier_col].formula1 == '"名人,代表人士,精英"' and lists[tier_col].showErrorMessage
    assert sheet.column_dimensions["K"].width >= 20  # 工作单位 is wide
    # The example row is recognised and skipped: an untouched template imports nobody.
    roster = read_roster(path)
    assert roster.rows == () and "示例行" in roster.warnings[0]
    # and so do its extra sheets, one per kind of dated entry
    assert roster.entry_sheets == ("简历", "奖惩", "培训", "挂职") and roster.entries == ()
    assert len(roster.warnings) == 5


def test_a_filled_in_template_reads_back(tmp_path: Path) -> None:
    path = write_roster_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    book["花名册"]["A2"] = "P100"
    book.save(path)
    (row,) = read_roster(path).rows
    assert (row.code, row.birth_day_known, row.private_sector) == ("P100", False, False)


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXCEL_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} '
    f'xmlns:r="{RELS}"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="/xl/worksheets/s1.xml"/>'
    "</Relationships>",
    # Style 1 is built-in format 31 (yyyy"年"m"月"d"日"), as Chinese Excel saves dates.
    "xl/styles.xml": f'<styleSheet {NS}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31"/>'
    "</cellXfs></styleSheet>",
}


def _shared(strings: list[str]) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    # A rich-text item with a phonetic hint, which must not leak into the value.
    items += "<si><r><t>滨江</t></r><r><t>大学 教授</t></r><rPh><t>ビン</t></rPh></si>"
    return f"<sst {NS}>{items}</sst>"


def test_an_excel_shaped_workbook_with_shared_strings_reads(tmp_path: Path) -> None:
    """Excel writes shared strings, rich text, built-in date styles and leaves out blank rows."""
    strings = ["名单", *ROSTER_HEADER, "P001", "张三", "男", "汉族", "民盟", "教育界", "精英"]
    index = {text: i for i, text in enumerate(strings)}
    employer = len(strings)  # the rich-text item
    header = "".join(f'<c t="s"><v>{index[h]}</v></c>' for h in ROSTER_HEADER)
    cells = [f'<c r="{col}4" t="s"><v>{index[v]}</v></c>'
             for col, v in zip("ABCD", ["P001", "张三", "男", "汉族"], strict=True)]  # fmt: skip
    cells += ['<c r="E4" s="1"><v>27461</v></c>']  # 1975-03-08 as a serial number
    cells += [f'<c r="{col}4" t="s"><v>{index[v]}</v></c>'
              for col, v in zip("FG", ["民盟", "教育界"], strict=True)]  # fmt: skip
    cells += [
        f'<c r="H4" t="s"><v>{employer}</v></c>',
        f'<c r="I4" t="s"><v>{index["精英"]}</v></c>',
    ]
    rows = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">{header}</row>'
    rows += f'<row r="4">{"".join(cells)}</row>'
    sheet = f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, xml in {**EXCEL_PARTS, "xl/sharedStrings.xml": _shared(strings),
                          "xl/worksheets/s1.xml": sheet}.items():  # fmt: skip
            archive.writestr(name, xml)
    (row,) = read_roster(path).rows
    assert (row.row, row.code, row.name, row.tier) == (4, "P001", "张三", Tier.RISING)
    assert (row.birth_date, row.employer, row.post) == (date(1975, 3, 8), "滨江大学", "教授")


def test_cells_the_file_stores_wrongly_are_named_with_row_and_column(tmp_path: Path) -> None:
    rows = [person(f"P00{n}", name) for n, name in enumerate(["张三", "李四", "王五", "赵六"], 1)]
    path = roster_file(tmp_path / "r.xlsx", rows)

    def damage(xml: str) -> str:
        cells = {
            # A formula whose cached result is not the number its type says.
            "E2": '<c r="E2"><f>DATE(1975,3,8)</f><v>x</v></c>',
            "E3": '<c r="E3" t="d"><v>not a date</v></c>',
            "E4": '<c r="E4" t="s"><v>99</v></c>',  # a shared string the file does not hold
        }
        for ref, cell in cells.items():
            xml, n = re.subn(f'<c r="{ref}"[^>]*>.*?</c>', cell, xml)
            assert n == 1
        return xml

    _rewrite_part(path, "xl/worksheets/sheet1.xml", damage)
    with pytest.raises(WorkbookError) as exc:
        read_roster(path)
    issues = exc.value.issues
    assert [(i.sheet, i.row, i.column, i.cell) for i in issues] == [
        ("花名册", row, "出生年月", f"E{row}") for row in (2, 3, 4)
    ]
    assert "无法读取：'x'（公式的缓存结果）" in issues[0].reason
    assert "'not a date'" in issues[1].reason and "共享字符串不存在" in issues[2].reason
    assert str(issues[0]).startswith("r.xlsx，工作表 花名册，第2行，E列 出生年月：单元格")

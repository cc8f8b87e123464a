"""The cycle register workbook: read back with openpyxl, unzipped, and opened by LibreOffice."""

import os
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from appraisal.archive.register import (
    AUDIT_HEADER,
    AUDIT_SHEET,
    DISTRIBUTION_SHEET,
    GRADE_CHART_TITLE,
    REGISTER_HEADER,
    REGISTER_SHEET,
    STAGES_HEADER,
    STAGES_SHEET,
    AuditRow,
    RegisterRow,
    StageCompletion,
    band_counts,
    grade_counts,
    write_register,
)
from appraisal.models.vocab import Grade
from appraisal.pdf.fonts import fontconfig_env
from appraisal.pdf.profile import profile_slot

CYCLE = "2026年度党外代表人士综合评价"
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def person(index: int, **changes: object) -> RegisterRow:
    values: dict[str, object] = {
        "code": f"P{index:04d}",
        "name": f"测试{index}号",
        "tier": "代表人士",
        "points": 80.5 + index,
        "assessment": 90.0,
        "appraisal": 85.25,
        "composite": 86.125,
        "grade": Grade.COMPETENT.value,
        "band": "B",
        "vetoes": (),
        "solicitation": "无异议",
        "receipt": "已签收 2026-12-01",
        "decision": "留任",
        "sealed": False,
    }
    values.update(changes)
    return RegisterRow(**values)  # type: ignore[arg-type]


def people() -> list[RegisterRow]:
    return [
        person(1, name="张伟", grade="优秀", band="A", composite=93.456, sealed=True),
        person(2, name="李娜", points=None, appraisal=None, composite=None, grade="", band=""),
        person(
            3,
            name="王芳",
            grade="不称职",
            band="C",
            vetoes=["政治立场问题", "受到党纪处分"],
            solicitation="有异议：正在接受立案审查",
            receipt="未回执",
            decision="退出：存在否决事项",
        ),
        person(4, name='=HYPERLINK("http://x")', grade="基本称职", decision="=1+1"),
        person(5, name="陈静", tier="精英", grade="优秀", band="A", decision="可晋升梯队"),
    ]


STAGES = [
    StageCompletion("nomination", 10, 8, 2, 0, 0, True),
    StageCompletion("solicitation", 4, 2, 0, 1, 1, False),
    StageCompletion("archive", 0, 0, 0, 0, 0, False),
]


def audit(count: int = 3) -> list[AuditRow]:
    return [
        AuditRow(
            at=T0 + timedelta(minutes=i),
            actor="staff",
            entity="evaluation",
            field="grade",
            before="称职",
            after="优秀",
            reason=f"复核第{i}次",
        )
        for i in range(count)
    ]


def write(path: Path, rows: list[RegisterRow] | None = None, **kwargs: object) -> Path:
    return write_register(
        path,
        cycle_name=CYCLE,
        rows=people() if rows is None else rows,
        stages=STAGES,
        audit=audit(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_register_has_a_row_per_person_with_its_values(tmp_path: Path) -> None:
    path = write(tmp_path / "register.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [REGISTER_SHEET, DISTRIBUTION_SHEET, STAGES_SHEET, AUDIT_SHEET]
    sheet = book[REGISTER_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == REGISTER_HEADER
    assert len(rows) == 1 + len(people())
    assert rows[1] == (
        "P0001", "张伟", "代表人士", 81.5, 90.0, 85.25, 93.456, "优秀", "A", None,
        "无异议", "已签收 2026-12-01", "留任", "已封存", None,
    )  # fmt: skip
    # No score is an empty cell, not a zero; no grade or band is empty too.
    assert rows[2][3] is None and rows[2][5] is None and rows[2][6] is None
    assert rows[2][4] == 90.0
    assert rows[2][7] is None and rows[2][8] is None
    assert rows[3][9] == "政治立场问题、受到党纪处分"
    assert rows[3][10] == "有异议：正在接受立案审查"
    assert rows[3][12] == "退出：存在否决事项"
    assert rows[3][13] == "未封存"
    assert [r[1] for r in rows[1:]] == [p.name for p in people()]
    # Text that looks like a formula stays text.
    injected = sheet["B5"]
    assert injected.value == '=HYPERLINK("http://x")' and injected.data_type == "s"
    assert sheet["M5"].data_type == "s"
    for column in "DEFG":
        assert sheet[f"{column}2"].number_format == "0.00"


def test_register_sheet_is_set_up_for_filtering_and_printing(tmp_path: Path) -> None:
    path = write(tmp_path / "register.xlsx")
    book = load_workbook(path)
    sheet = book[REGISTER_SHEET]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:O{1 + len(people())}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert CYCLE in sheet.oddHeader.center.text
    assert book.properties.title == CYCLE
    # Chinese text needs wider columns than the 8.43 default.
    assert sheet.column_dimensions["K"].width >= 20
    grade_rules = [
        (str(rng.sqref), rule.formula[0])
        for rng in sheet.conditional_formatting
        for rule in rng.rules
        if str(rng.sqref).startswith("H")
    ]
    assert {formula for _ref, formula in grade_rules} >= {
        '$H2="优秀"',
        '$H2="基本称职"',
        '$H2="不称职"',
    }
    assert {ref for ref, _formula in grade_rules} == {f"H2:H{1 + len(people())}"}


def test_distribution_sheet_counts_grades_and_bands_and_has_charts(tmp_path: Path) -> None:
    rows = people()
    path = write(tmp_path / "register.xlsx", rows)
    sheet = load_workbook(path)[DISTRIBUTION_SHEET]
    table = [r for r in sheet.iter_rows(values_only=True)]
    assert table[0] == ("等次", "人数", "占比")
    grades = [(label, count) for label, count, _share in table[1:7]]
    assert grades == [
        ("优秀", 2), ("称职", 0), ("基本称职", 1), ("不称职", 1), ("未评定", 1), ("合计", 5),
    ]  # fmt: skip
    assert grades[:-1] == grade_counts(rows)
    # 良好 is no grade of the default scale: it is listed, in its place, only when given.
    good = [*rows, person(6, name="赵磊", grade="良好", band="A")]
    assert [label for label, _ in grade_counts(good)][:3] == ["优秀", "良好", "称职"]
    assert table[1][2] == pytest.approx(0.4)
    assert sheet["C2"].number_format == "0.0%"
    band_top = next(i for i, r in enumerate(table) if r[0] == "档次")
    bands = [(label, count) for label, count, _share in table[band_top + 1 : band_top + 5]]
    assert bands == [*band_counts(rows)] == [("A", 2), ("B", 1), ("C", 1), ("未定档", 1)]
    assert len(sheet._charts) == 2
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= names
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert GRADE_CHART_TITLE in chart
    assert "'等次分布'!$B$2:$B$6" in chart  # the grade counts, the 合计 left out


def test_stage_and_audit_sheets(tmp_path: Path) -> None:
    path = write(tmp_path / "register.xlsx")
    book = load_workbook(path)
    stages = list(book[STAGES_SHEET].iter_rows(values_only=True))
    assert stages[0] == STAGES_HEADER
    assert stages[1] == ("提名推荐", 10, 8, 2, 0, 0, "已开启", 1.0)
    assert stages[2][:7] == ("征求意见", 4, 2, 0, 1, 1, "未开启")
    assert stages[2][7] == pytest.approx(0.5)
    assert stages[3][7] is None  # nothing generated: no rate rather than 0 %
    assert book[STAGES_SHEET]["H2"].number_format == "0.0%"

    sheet = book[AUDIT_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == AUDIT_HEADER
    assert len(rows) == 4
    # UTC from the database, Beijing time in the sheet, as a real Excel datetime.
    assert rows[1] == (
        datetime(2026, 11, 30, 9, 0), "工作人员", "evaluation", "等次", "称职", "优秀", "复核第0次"
    )  # fmt: skip
    assert sheet["A2"].is_date and "yyyy" in sheet["A2"].number_format
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    # The newest audit entry stamps the file.
    assert book.properties.modified == datetime(2026, 11, 30, 1, 2)


def test_writing_again_replaces_the_register(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    write(path)
    write(path, people()[:2])
    sheet = load_workbook(path)[REGISTER_SHEET]
    assert sheet.max_row == 3
    assert [c.value for c in sheet["B"]] == ["姓名", "张伟", "李娜"]
    assert sheet.auto_filter.ref == "A1:O3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]  # no temp file left


def test_equal_inputs_give_identical_bytes(tmp_path: Path) -> None:
    first = write(tmp_path / "a.xlsx")
    second = write(tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    stamped = write(tmp_path / "c.xlsx", generated_at=datetime(2027, 1, 5, 8, 0, tzinfo=UTC))
    assert stamped.read_bytes() != first.read_bytes()
    with zipfile.ZipFile(stamped) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2027, 1, 5, 16, 0, 0)}


def test_header_text_and_a_lone_veto_string_are_taken_literally(tmp_path: Path) -> None:
    rows = [person(1, vetoes="政治立场问题")]  # a str where a list was expected
    path = write_register(
        tmp_path / "register.xlsx", cycle_name="民革&民盟 2026", rows=rows, stages=[], audit=[]
    )
    sheet = load_workbook(path)[REGISTER_SHEET]
    assert sheet["J2"].value == "政治立场问题"
    assert sheet.oddHeader.center.text == "民革&&民盟 2026"  # a printed "&", not a code


def test_an_empty_cycle_still_writes_a_workbook(tmp_path: Path) -> None:
    path = write_register(
        tmp_path / "register.xlsx", cycle_name=CYCLE, rows=[], stages=[], audit=[]
    )
    book = load_workbook(path)
    assert [c.value for c in book[REGISTER_SHEET][1]] == list(REGISTER_HEADER)
    assert book[REGISTER_SHEET].max_row == 1
    assert book[DISTRIBUTION_SHEET]["B6"].value == 0  # 未评定 is left out, 合计 is 0


def _require_libreoffice() -> str:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        reason = "LibreOffice or poppler-utils is not installed (make setup installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the LibreOffice tests")
        pytest.skip(reason)
    return soffice


def _printed(path: Path, tmp_path: Path) -> str:
    """The register as LibreOffice prints it, as text."""
    soffice = _require_libreoffice()
    out = tmp_path / "pdf"
    with profile_slot() as profile:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
                "--convert-to", "pdf:calc_pdf_Export", "--outdir", str(out), str(path),
            ],
            capture_output=True, text=True, timeout=180, check=False,
            env={**os.environ, **fontconfig_env()},
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = out / f"{path.stem}.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 0, done.stdout + done.stderr
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60
    ).stdout


@pytest.mark.libreoffice
def test_libreoffice_opens_the_register_and_prints_it(tmp_path: Path) -> None:
    text = _printed(write(tmp_path / "register.xlsx"), tmp_path)
    assert "张伟" in text and "综合得分" in text
    assert CYCLE in text  # the page header
    assert GRADE_CHART_TITLE in text  # LibreOffice drew the chart
    assert "93.46" in text  # two decimals, as formatted


LONG_OBJECTION = (
    "有异议（纪委监委）：该同志所在单位反映其存在违规兼职问题，正在核实；另有群众来信反映其在"
    "企业兼职取酬，已转交有关部门调查处理，结论待定。"
)


def test_long_text_wraps_in_a_row_tall_enough_to_show_it(tmp_path: Path) -> None:
    rows = [person(1), person(2, solicitation=LONG_OBJECTION)]
    sheet = load_workbook(write(tmp_path / "register.xlsx", rows))[REGISTER_SHEET]
    assert sheet["K3"].value == LONG_OBJECTION and sheet["K3"].alignment.wrap_text
    width = sheet.column_dimensions["K"].width
    lines = -(-len(LONG_OBJECTION.encode("gb18030")) // (width - 1))
    assert lines >= 3 and sheet.row_dimensions[3].height >= lines * 15
    assert sheet.row_dimensions[2].height is None  # one line: the default height


@pytest.mark.libreoffice
def test_libreoffice_prints_the_whole_of_a_long_objection(tmp_path: Path) -> None:
    rows = [person(1), person(2, solicitation=LONG_OBJECTION)]
    text = _printed(write(tmp_path / "register.xlsx", rows), tmp_path)
    # Cut off at the column's edge, the end would be missing; wrapped, it is on its last line.
    assert "结论待定。" in text


def test_the_audit_sheet_reads_in_chinese(tmp_path: Path) -> None:
    """Actors, kinds of record, fields, stage keys and the code's own reasons are shown in
    Chinese; what people typed and words the table does not know are shown as they are."""
    trail = [
        AuditRow(T0, "staff:alice", f"cycle {CYCLE}", "stage", "nomination", "assessment",
                 "gate open"),
        AuditRow(T0, "reviewer:推荐单位/某大学", "signoff AP-1/v1", "reply", "", "有异议",
                 "所在单位反映问题"),
        AuditRow(T0, "staff", "document AP-2", "signoff", "", "waived", "当面交回"),
        AuditRow(T0, "robot:x", "widget 7", "colour", "red", "blue", "why"),
    ]  # fmt: skip
    path = write_register(
        tmp_path / "register.xlsx", cycle_name=CYCLE, rows=[], stages=[], audit=trail
    )
    rows = list(load_workbook(path)[AUDIT_SHEET].iter_rows(values_only=True))[1:]
    assert [r[1:] for r in rows] == [
        ("工作人员 alice", f"考核周期 {CYCLE}", "阶段", "提名推荐", "组织考核", "闸门已开启"),
        ("审阅方 推荐单位/某大学", "回件 AP-1/v1", "回复意见", None, "有异议", "所在单位反映问题"),
        ("工作人员", "文件 AP-2", "签署", None, "免于回传", "当面交回"),
        ("robot:x", "widget 7", "colour", "red", "blue", "why"),
    ]

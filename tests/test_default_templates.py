"""The default templates: present, lean, reproducible, fields declared, and they render."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import segno
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MANIFEST = tomllib.loads((TEMPLATES / "manifest.toml").read_text(encoding="utf-8"))
FIELDS: dict[str, dict[str, Any]] = MANIFEST["fields"]
ENTRIES: list[dict[str, Any]] = MANIFEST["templates"]
IDS = [t["id"] for t in ENTRIES]
PERSON = "欧阳明华"
STAGES = {
    "mobilization",
    "nomination",
    "assessment",
    "evaluation",
    "solicitation",
    "approval",
    "notification",
    "archive",
}
PEOPLE = "people"  # printed for one person outside any cycle (appraisal/stages.PEOPLE_TEMPLATES)

# Realistic values where a placeholder would hide a layout problem (long names, dates, numbers).
SAMPLE: dict[str, str] = {
    "文档编号": "AP-0007-EV-7K3QX9M2TD-H4",
    "人员编号": "P00127",
    "发文机关": "中共××市委统战部",
    "文号": "统战评〔2026〕12号",
    "成文日期": "2026年11月22日",
    "主送机关": "中共××市纪委监委",
    "回复期限": "2026年12月5日",
    "周期名称": "2026年度党外代表人士综合评价",
    "档案名称": "考核评价档案",  # the 党外 cycle's, as its cover's title (appraisal/kinds.py)
    "年度": "2026",
    "姓名": PERSON,
    "性别": "男",
    "民族": "汉族",
    "出生年月": "1975年3月",
    "政治面貌": "民盟盟员",
    "工作单位及职务": "××大学副校长、化学与材料工程学院教授",
    "入库层级": "代表人士",
    "推荐层级": "代表人士",
    "测评组别": "领导班子",
    "民主测评": "86.4",
    "综合得分": "87.9",
    "等次": "称职",
    "档次": "B",
    "序号": "1",
    "页码": "3",
    "文件名称": "党外代表人士综合评价表",
    "应参评人数": "25",
    "发出票数": "25",
    "收回票数": "24",
    "有效票数": "23",
    "优秀": "12",
    "称职": "9",
    "基本称职": "2",
    "不称职": "0",
    "弃权": "1",
    "得分": "86.4",
    "是否有效": "有效",
    "谈话内容": "一、本人年度履职情况……\n二、存在的不足……",
    "周期类别": "党外综合评价",
}


def _identity(entry: dict[str, Any]) -> str:
    """What a page's header identifies it by: the document's ID, or the person's 编号."""
    return SAMPLE["人员编号"] if entry["stage"] == PEOPLE else SAMPLE["文档编号"]


def load_builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "scripts" / "build_templates.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def sample_context(tpl: DocxTemplate, entry: dict[str, Any], qr_png: Path) -> dict[str, Any]:
    """A value for every field the manifest declares for the template."""
    ctx: dict[str, Any] = {}
    for name in entry["fields"]:
        field = FIELDS[name]
        kind = field.get("kind", "text")
        if kind == "image":
            ctx[name] = InlineImage(tpl, str(qr_png), width=Mm(16))
        elif kind == "list" and field.get("items"):
            ctx[name] = [
                {item: SAMPLE.get(item, f"{item}{i}") for item in field["items"]} | {"序号": str(i)}
                for i in (1, 2, 3)
            ]
        elif kind == "list":
            ctx[name] = [f"{name}第{i}条：按方案计分，结果已复核。" for i in (1, 2)]
        else:
            ctx[name] = SAMPLE.get(name, f"{name}示例")
    return ctx


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {
            n: zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("word/") and n.endswith(".xml")
        }


def plain_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


def test_manifest_is_consistent() -> None:
    # One per document of the brief, the dossier's two pages, the pool adjustment's form, the
    # 推荐人选汇总表, the 信息采集表, the 复核决定书, the 审定表, 动员部署's 工作通知 and 实施方案,
    # the 考核材料; the cadre kind's 年度考核登记表; the CPPCC kind's 委员履职情况 and 履职情况通报.
    assert len(ENTRIES) == 21
    assert len(set(IDS)) == len(IDS)
    assert len({t["file"] for t in ENTRIES}) == len(ENTRIES)
    for t in ENTRIES:
        assert t["stage"] in STAGES | {PEOPLE}, t["id"]
        assert t["per"] in {"person", "recipient", "cycle"}, t["id"]
        assert isinstance(t["signoff"], bool) and t["recipient"] and t["version"], t["id"]
        undeclared = [f for f in t["fields"] if f not in FIELDS]
        assert not undeclared, f"{t['id']}: undeclared fields {undeclared}"
        # Cycle documents carry their ID to be matched when they come back; the 信息采集表 is
        # handed back to staff and carries the person's 编号 instead.
        if t["stage"] != PEOPLE:
            assert {"文档编号", "二维码"} <= set(t["fields"]), t["id"]
        else:
            assert "人员编号" in t["fields"], t["id"]
    for name, field in FIELDS.items():
        assert field["description"], name
        assert field.get("kind", "text") in {"text", "image", "list"}, name


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_template_is_a_small_valid_docx(entry: dict[str, Any]) -> None:
    path = TEMPLATES / entry["file"]
    assert path.is_file(), f"{path} is missing"
    assert path.stat().st_size < 60_000, f"{path} is {path.stat().st_size} bytes"
    document = docx.Document(str(path))
    section = document.sections[0]
    assert round(section.top_margin.mm) in (30, 37) and section.page_width.mm > 0
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert "word/styles.xml" in names
    assert not [n for n in names if "customXml" in n or "thumbnail" in n or "theme" in n]


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_new_pages_start_with_their_heading_not_an_empty_page_break(entry: dict[str, Any]) -> None:
    # A paragraph holding only a page break goes onto the next page alone when the text before
    # it fills a page (the sign-off at the foot of a letter), and its break leaves that page
    # blank; 回执 and 目录 start their page through the heading's own pageBreakBefore.
    body = docx.Document(str(TEMPLATES / entry["file"])).element.body
    for p in body.iter(qn("w:p")):
        breaks = p.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
        assert not breaks, f"{entry['file']}: a page break in {''.join(p.itertext())!r}"
    headings = [p for p in body.iter(qn("w:p")) if "".join(p.itertext()) in ("回　执", "目　录")]
    for p in headings:
        assert p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None, entry["file"]


def test_build_is_reproducible_and_matches_committed_files(tmp_path: Path) -> None:
    builder = load_builder()
    first = builder.build_all(tmp_path / "a")
    second = builder.build_all(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two builds"
        committed = TEMPLATES / a.name
        assert committed.read_bytes() == a.read_bytes(), (
            f"{committed} is stale: run scripts/build_templates.py and commit the result"
        )


TAG = re.compile(
    r"{%\w* for (\w+) in (\w+)(?:\[[-:\d]*\])? %}|{%\w* (endfor) %}|{%\w* if (\w+) %}|{{(.*?)}}"
)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_template_uses_exactly_its_declared_fields(entry: dict[str, Any]) -> None:
    """Every name a tag uses is declared for the template, and every declared field is used."""
    text = "".join(plain_text(x) for x in xml_parts(TEMPLATES / entry["file"]).values())
    used: set[str] = set()
    loops: list[tuple[str, str]] = []  # open for-loops: (variable, list field)
    for var, field, endfor, cond, expr in TAG.findall(text):
        if var:
            loops.append((var, field))
            used.add(field)
        elif endfor:
            loops.pop()
        elif cond:
            used.add(cond)
        else:
            m = re.fullmatch(r"\s*(\w+)(?:\.(\w+))?\s*(?:\|.*)?", expr)
            assert m, f"{entry['file']}: cannot read {{{{{expr}}}}}"
            root, attr = m.groups()
            scope = dict(loops)
            if root == "loop":
                assert loops, f"{entry['file']}: loop.{attr} outside a for-loop"
            elif root in scope:
                items = FIELDS[scope[root]].get("items", [])
                assert attr is None or attr in items, (
                    f"{entry['file']}: {root}.{attr} is not an item of {scope[root]}"
                )
            else:
                used.add(root)
    assert not loops, f"{entry['file']}: unclosed for-loop {loops}"
    assert used == set(entry["fields"]), (
        f"{entry['file']}: used but undeclared {sorted(used - set(entry['fields']))}, "
        f"declared but unused {sorted(set(entry['fields']) - used)}"
    )


def test_readme_lists_every_template_and_field() -> None:
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    assert "APPRAISAL_TEMPLATES_DIR" in readme
    for t in ENTRIES:
        assert t["file"] in readme
        for name in t["fields"]:
            assert f"`{name}`" in readme


@pytest.fixture(scope="module")
def qr_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qr") / "qr.png"
    segno.make(SAMPLE["文档编号"], error="m").save(str(path), scale=4, border=2)
    return path


def render(entry: dict[str, Any], qr: Path, out: Path) -> Path:
    tpl = DocxTemplate(str(TEMPLATES / entry["file"]))
    tpl.render(sample_context(tpl, entry, qr))
    path = out / entry["file"]
    tpl.save(str(path))
    return path


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_renders_with_docxtpl(entry: dict[str, Any], qr_png: Path, tmp_path: Path) -> None:
    path = render(entry, qr_png, tmp_path)
    parts = xml_parts(path)
    text = "".join(plain_text(x) for x in parts.values())
    if entry["stage"] != "mobilization":  # 动员部署 writes to bodies about no one person
        assert PERSON in text
    assert entry["title"] in text
    assert _identity(entry) in text
    assert "{{" not in text and "{%" not in text
    if entry["stage"] != PEOPLE:
        assert any("<w:drawing>" in x for n, x in parts.items() if "header" in n), "no QR image"
    docx.Document(str(path))  # still a valid package


@pytest.mark.libreoffice
def test_renders_to_pdf_with_embedded_chinese_fonts(qr_png: Path, tmp_path: Path) -> None:
    """Through the project's converter (its fontconfig maps 宋体 etc. to Noto SC, 仿宋_GB2312 to
    FandolFang)."""
    if shutil.which("soffice") is None or shutil.which("pdffonts") is None:
        pytest.skip("LibreOffice or poppler-utils not installed (make installs them)")
    from appraisal.pdf.convert import convert_many

    fandol = subprocess.run(["fc-list", "FandolFang"], capture_output=True, text=True).stdout
    paths = [render(e, qr_png, tmp_path) for e in ENTRIES]
    results = convert_many(paths, tmp_path / "pdf", workers=1)
    for entry, result in zip(ENTRIES, results, strict=True):
        assert result.pdf is not None, f"{entry['file']}: {result.error}"
        text = subprocess.run(
            ["pdftotext", str(result.pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.replace(" ", "")
        if entry["stage"] != "mobilization":  # 动员部署 writes to bodies about no one person
            assert PERSON in text, f"{result.pdf.name}: the name is missing from the PDF text"
        # A title as long as the 工作通知's runs over two lines.
        flat = text.replace("\n", "")
        assert entry["title"] in flat, f"{result.pdf.name}: the title is missing"
        assert _identity(entry) in text, f"{result.pdf.name}: the document ID is missing"
        fonts = subprocess.run(
            ["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        cjk = [line for line in fonts if "CJK" in line]
        # Song and the title face map to the serif; 黑体 labels to the sans; the 仿宋_GB2312 body
        # to the fangsong face FandolFang where it is installed (make setup installs it).
        assert any("SerifCJK" in line for line in cjk), f"{result.pdf.name}: {fonts}"
        assert all(line.split()[-5] == "yes" for line in fonts), f"{result.pdf.name}: not embedded"
        if fandol.strip():
            assert any("+FandolFang-Regular " in line for line in fonts), (
                f"{result.pdf.name}: {fonts}"
            )

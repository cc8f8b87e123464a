"""A two-page Chinese Word document in the usual official faces, for benchmarks and checks.

It names the faces the way Word documents from mainland offices do (w:rFonts w:eastAsia), none
of which is installed on Linux, so converting it shows whether fonts.conf maps them to the SC
faces.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# GB/T 9704: title in 小标宋 二号 (22 pt), body in 仿宋_GB2312 三号 (16 pt).
TITLE_FACE = "方正小标宋简体"
BODY_FACE = "仿宋_GB2312"
FACES = ("宋体", "仿宋_GB2312", "黑体", "楷体", "方正小标宋简体")


def styled_run(
    paragraph: Paragraph, text: str, face: str, size: float = 16, *, lang: str = "zh-CN"
) -> Run:
    """A run whose Chinese text asks for `face` (Latin in Times New Roman), tagged `lang`."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    fonts.set(qn("w:eastAsia"), face)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), lang)
    # types-lxml lets an element take children of its own class only; lxml takes any element.
    rpr.append(language)  # type: ignore[arg-type]
    return run


def write_sample_docx(
    path: Path,
    *,
    name: str = "张三丰",
    title: str = "党外代表人士推荐表",
    lang: str = "zh-CN",
) -> Path:
    """Write the sample: title, the person's name, a table, body text, two pages."""
    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled_run(heading, title, TITLE_FACE, 22, lang=lang)

    styled_run(doc.add_paragraph(), "一、基本情况", "黑体", lang=lang)
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    cells = [
        ("姓名", name, "性别", "男"),
        ("民族", "汉族", "出生年月", "1975年3月"),
        ("党派", "九三学社", "界别", "科学技术界"),
        ("工作单位及职务", "市第一人民医院副院长", "职称", "主任医师"),
    ]
    for row, values in zip(table.rows, cells, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            styled_run(cell.paragraphs[0], value, "宋体", 12, lang=lang)

    styled_run(doc.add_paragraph(), "二、主要表现", "黑体", lang=lang)
    body = (
        "该同志政治立场坚定，拥护中国共产党的领导，积极参政议政，履职尽责。"
        "任期内提交提案十二件，其中三件被立案为重点提案；撰写社情民意信息五篇，两篇被采用。"
        "认真参加全会、常委会及专题调研活动，出勤率高，发言有见地，群众评价好。"
    )
    for _ in range(3):
        styled_run(doc.add_paragraph(), body, BODY_FACE, lang=lang)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    styled_run(doc.add_paragraph(), "三、推荐单位意见", "黑体", lang=lang)
    styled_run(doc.add_paragraph(), "同意推荐。（此处由推荐单位签署意见）", "楷体", lang=lang)
    for _ in range(3):
        styled_run(doc.add_paragraph(), body, BODY_FACE, lang=lang)
    closing = doc.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    styled_run(closing, "（盖章）\n2026年11月22日", BODY_FACE, lang=lang)

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path

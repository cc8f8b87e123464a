"""Build the default Word templates in templates/ and the field list in templates/README.md.

Run `.venv/bin/python scripts/build_templates.py [out_dir]` after changing a layout here or the
manifest, and commit the .docx files with the change. Titles, file names and fields come from
templates/manifest.toml; the layouts (GB/T 9704 letters, paper-style forms) are below.

The files are lean (python-docx's own ~440 KB style sheet, theme, thumbnail and custom XML are
replaced or dropped, because every render loads and saves every part) and reproducible (fixed
dates and zip timestamps, sorted members), so a rebuild only shows in git when a layout changed.
"""

from __future__ import annotations

import io
import re
import sys
import tomllib
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

FANGSONG, HEI, SONG, XBS = "仿宋_GB2312", "黑体", "宋体", "方正小标宋简体"
LATIN = "Times New Roman"
MONO = "Courier New"  # Liberation Mono on Debian, metric-compatible
BLANK_DATE = "　　　　年　　月　　日"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# ---- styles ------------------------------------------------------------------------------------

# (styleId, name, basedOn, eastAsia font, half-points, pPr XML): every style the layouts use.
# fmt: off
_STYLES: list[tuple[str, str, str | None, str, int, str]] = [
    ("Normal", "Normal", None, FANGSONG, 32,
     '<w:jc w:val="both"/><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>'),
    ("Body", "公文正文", "Normal", FANGSONG, 32,
     '<w:ind w:firstLineChars="200" w:firstLine="640"/>'),
    ("Heading1", "heading 1", "Body", HEI, 32, '<w:keepNext/><w:outlineLvl w:val="0"/>'),
    ("DocTitle", "公文标题", "Normal", XBS, 44,
     '<w:jc w:val="center"/><w:spacing w:before="0" w:after="360" w:line="720" '
     'w:lineRule="exact"/>'),
    ("Issuer", "发文机关标志", "Normal", XBS, 56,
     '<w:jc w:val="center"/><w:spacing w:before="0" w:after="200" w:line="240" '
     'w:lineRule="auto"/>'),
    ("DocNo", "发文字号", "Normal", FANGSONG, 32,
     '<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="6" w:color="FF0000"/></w:pBdr>'
     '<w:jc w:val="center"/><w:spacing w:after="280"/>'),
    ("Signoff", "落款", "Normal", FANGSONG, 32, '<w:jc w:val="right"/><w:ind w:right="640"/>'),
    ("SlipTitle", "回执标题", "Normal", XBS, 36,
     '<w:jc w:val="center"/><w:spacing w:before="0" w:after="280" w:line="240" '
     'w:lineRule="auto"/>'),
    ("Note", "说明文字", "Normal", FANGSONG, 24, '<w:spacing w:line="400" w:lineRule="exact"/>'),
    # No extra space between Chinese and digits in tables: 1972年11月 keeps to its cell.
    ("TableText", "表格文字", "Normal", FANGSONG, 24,
     '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
     '<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>'),
    ("TableLabel", "表格栏目", "TableText", HEI, 24, '<w:jc w:val="center"/>'),
    # Lists of people and documents (名单, 目录) in 五号, as attachments to letters are set.
    ("ListText", "名单文字", "TableText", FANGSONG, 21, '<w:jc w:val="left"/>'),
    ("ListLabel", "名单栏目", "ListText", HEI, 21, '<w:jc w:val="center"/>'),
    # Document IDs in a small fixed-width face: one line in the column, easy to read back.
    ("IdText", "文档编号", "ListText", FANGSONG, 16, '<w:jc w:val="center"/>'),
    ("CoverText", "封面文字", "TableText", FANGSONG, 32, '<w:jc w:val="center"/>'),
    ("CoverLabel", "封面栏目", "TableText", HEI, 32, '<w:jc w:val="distribute"/>'),
    ("Header", "header", "Normal", SONG, 18,
     '<w:jc w:val="right"/><w:spacing w:line="240" w:lineRule="auto"/>'),
    ("Footer", "footer", "Normal", SONG, 28,
     '<w:jc w:val="center"/><w:spacing w:line="240" w:lineRule="auto"/>'),
]
# fmt: on
STYLE_FONT = {sid: font for sid, _, _, font, _, _ in _STYLES}
STYLE_POINTS = {sid: half / 2 for sid, _, _, _, half, _ in _STYLES}
# Right-aligned signature lines (盖章, 签字, the date) end this many characters short of the
# cell's right border.
SIGN_MARGIN = 2
# GB/T 9704 sets 28 characters of 三号 on a 156 mm line, which is 15.8 pt a character: the body
# styles are condensed by a quarter point (in twentieths), as Word's document grid would do.
CONDENSED = {"Body": -5, "Signoff": -5}


def _rfonts(east: str, latin: str = LATIN) -> str:
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}" '
        'w:hint="eastAsia"/>'
    )


def w_el(xml: str) -> BaseOxmlElement:
    """One w: element from its XML text, which need not declare the namespace."""
    return parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {nsdecls('w')}", xml, count=1))


# Word rejects a file whose property children are out of schema order (LibreOffice does not).
_TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
_TC_PR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]


def schema_order(parent: BaseOxmlElement, order: list[str]) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    children = sorted(parent, key=lambda el: rank.get(el.tag, len(order)))  # stable
    for el in children:
        parent.append(el)


def styles_xml() -> str:
    parts = []
    for sid, name, based, font, size, ppr in _STYLES:
        default = ' w:default="1"' if sid == "Normal" else ""
        base = f'<w:basedOn w:val="{based}"/>' if based else ""
        # GB/T 9704 page numbers: 宋体 digits; IDs: a monospace face.
        latin = SONG if sid == "Footer" else MONO if sid == "IdText" else LATIN
        spacing = f'<w:spacing w:val="{CONDENSED[sid]}"/>' if sid in CONDENSED else ""
        parts.append(
            f'<w:style w:type="paragraph"{default} w:styleId="{sid}"><w:name w:val="{name}"/>'
            f"{base}<w:qFormat/><w:pPr>{ppr}</w:pPr>"
            f"<w:rPr>{_rfonts(font, latin)}{spacing}"
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
        f"<w:docDefaults><w:rPrDefault><w:rPr>{_rfonts(FANGSONG)}"
        '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>"
        + "".join(parts)
        + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "</w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style></w:styles>"
    )


# ---- document, paragraphs, tables -------------------------------------------------------------

Container = DocxDocument | _Cell


def new_document(landscape: bool = False, named: bool = False, header: str = "") -> DocxDocument:
    """A4 with GB/T 9704 margins, the lean style sheet, ID + QR header and `— 1 —` footer.

    `named` puts the person's name in the header too, for a form whose later pages carry no
    row that says whose they are; `header` stands in place of the ID and QR for a form no cycle
    sends (the 信息采集表).
    """
    doc = Document()
    doc.part._styles_part._element = parse_xml(styles_xml().encode())
    for p in doc.paragraphs:  # python-docx's template starts with one empty paragraph
        doc.element.body.remove(p._p)
    sec = doc.sections[0]
    if landscape:
        sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (
            Mm(30),
            Mm(25),
            Mm(30),
            Mm(30),
        )
        sec.header_distance, sec.footer_distance = Mm(8), Mm(12)
    else:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (
            Mm(37),
            Mm(35),
            Mm(28),
            Mm(26),
        )
        # The QR sits in the top margin; page numbers 7 mm below the type area.
        sec.header_distance, sec.footer_distance = Mm(12), Mm(23)
    head = sec.header.paragraphs[0]
    set_style(head, "Header")
    if header:
        add_run(head, header, SONG)
    else:
        if named:
            add_run(head, "{{ 姓名 }}　", SONG)
        add_run(head, "文档编号：{{ 文档编号 }}　", SONG)
        add_run(head, "{{ 二维码 }}", SONG)
    foot = sec.footer.paragraphs[0]
    set_style(foot, "Footer")
    add_run(foot, "— ", SONG)
    _page_field(foot)
    add_run(foot, " —", SONG)
    return doc


def add_run(
    p: Paragraph,
    text: str,
    east: str | None = None,
    *,
    size: float | None = None,
    bold: bool = False,
    color: str | None = None,
    latin: str = LATIN,
) -> None:
    """A run carrying its East Asian font explicitly, as Chinese Word templates do."""
    run = p.add_run(text)
    rpr = run._r.get_or_add_rPr()
    east = east or STYLE_FONT.get(p._p.style or "Normal", FANGSONG)
    rpr.insert(0, w_el(_rfonts(east, latin)))
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _page_field(p: Paragraph) -> None:
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        r = OxmlElement("w:r")
        r.append(OxmlElement("w:rPr"))
        r[0].append(w_el(_rfonts(SONG, SONG)))
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        else:
            t = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            r.append(t)
        p._p.append(r)


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def para(
    box: Container,
    text: str = "",
    style: str = "Normal",
    align: str | None = None,
    east: str | None = None,
    **run: object,
) -> Paragraph:
    p = box.add_paragraph()
    set_style(p, style)
    if align:
        p.alignment = _ALIGN[align]
    if text:
        add_run(p, text, east, **run)  # type: ignore[arg-type]
    return p


def set_style(p: Paragraph, style_id: str) -> None:
    # By id, not name: python-docx looks styles up by their (English/Chinese) display name.
    p._p.get_or_add_pPr().style = style_id


def attachment(p: Paragraph) -> Paragraph:
    """A line of the 附件说明 (GB/T 9704 7.3.4): a name that wraps lines up with its first
    character, past "附件：1．" (4.5 of Body's condensed 15.75 pt characters)."""
    p._p.get_or_add_pPr().append(
        w_el('<w:ind w:firstLineChars="0" w:left="2048" w:hanging="1418"/>')
    )
    return p


def new_page(p: Paragraph) -> Paragraph:
    """`p` starts a page. A property of the paragraph, not a paragraph of its own holding a page
    break: when the text before it just fills a page, such a paragraph goes onto the next page
    alone and its break leaves that page blank."""
    p.paragraph_format.page_break_before = True
    return p


@dataclass(frozen=True)
class C:
    """One cell of a form table: label cells are 黑体 and centred, values 仿宋."""

    content: str | Sequence[str] = ""
    span: int = 1
    label: bool = False
    align: str | None = None
    top: bool = False  # long text starts at the top of a tall cell
    up: bool = False  # continues the cell above (vertical merge)
    style: str | None = None  # a paragraph style other than the table's (IdText)
    flows: bool = False  # long text that may run on to the next page, its row split there


def L(text: str | Sequence[str], span: int = 1) -> C:
    return C(text, span, label=True)


def V(
    content: str | Sequence[str] = "",
    span: int = 1,
    align: str | None = None,
    top: bool = False,
    style: str | None = None,
    flows: bool = False,
) -> C:
    return C(content, span, align=align, top=top, style=style, flows=flows)


def ID(content: str) -> C:
    """A document ID in its own small monospace style."""
    return V(content, style="IdText")


LIST = ("ListLabel", "ListText")


UP = C(up=True)
Row = tuple[float, Sequence[C]]  # (minimum height in mm, cells)


def loop_row(tag: str, ncols: int) -> Row:
    """A row holding only a docxtpl {%tr %} tag; docxtpl removes the row when it renders."""
    return (0, [V(tag, span=ncols)])


def grid(
    doc: DocxDocument,
    widths: Sequence[float],
    rows: Sequence[Row],
    *,
    header_rows: int = 0,
    signed_rows: int = 0,
    kept_rows: Sequence[int] = (),
    borders: bool = True,
    data_align: str = "center",
    styles: tuple[str, str] = ("TableLabel", "TableText"),
) -> Table:
    """A fixed-layout table, column widths in mm, so nothing is cut off or reflowed on A4."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.autofit = False
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Mm(w)
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    total = round(sum(widths) * 1440 / 25.4)
    edge = (
        '<w:{0} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
        if borders
        else ('<w:{0} w:val="nil"/>')
    )
    edges = "".join(
        edge.format(e) for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    # Explicit 1 mm cell margins: LibreOffice's default (1.9 mm) wraps four-character labels.
    for xml in (
        f'<w:tblW w:w="{total}" w:type="dxa"/>',
        '<w:jc w:val="center"/>',
        f"<w:tblBorders>{edges}</w:tblBorders>",
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar>",
    ):
        tbl_pr.append(w_el(xml))
    schema_order(tbl_pr, _TBL_PR_ORDER)
    ups: list[tuple[int, int]] = []
    for r, (height, cells) in enumerate(rows):
        row = table.add_row()
        # A row never breaks across pages (half a signature box on each page reads badly),
        # except one of long text, which would otherwise leave a page half empty before it.
        if not any(c.flows for c in cells):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if height:
            row.height, row.height_rule = Mm(height), WD_ROW_HEIGHT_RULE.AT_LEAST
        if r < header_rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        col = 0
        for spec in cells:
            if spec.up:
                ups.append((r, col))
            else:
                cell = table.cell(r, col)
                if spec.span > 1:
                    cell = cell.merge(table.cell(r, col + spec.span - 1))
                _fill(cell, spec, data_align, styles)
            col += spec.span
        if col != len(widths):
            raise ValueError(f"row {r} spans {col} columns, the table has {len(widths)}")
    for r, col in ups:
        table.cell(r - 1, col).merge(table.cell(r, col))
    # The signature boxes at the foot of a form go over a page together with the row above
    # them: a box of 签字 and 盖章 alone on a page belongs to no form.
    # Rows that go over a page with the row after them: those given, and the rows down to the
    # signature rows at the foot. LibreOffice keeps a row with the next only when every
    # paragraph in it says so, which moves a row of long text whole: such a row is left out.
    foot = range(max(len(rows) - signed_rows - 1, 0), len(rows) - 1) if signed_rows else ()
    kept = set(kept_rows) | {r for r in foot if not any(c.flows for c in rows[r][1])}
    for r in sorted(kept):
        for cell in table.rows[r].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    return table


def _fill(cell: _Cell, spec: C, data_align: str, styles: tuple[str, str]) -> None:
    lines = [spec.content] if isinstance(spec.content, str) else list(spec.content)
    style = spec.style or (styles[0] if spec.label else styles[1])
    align = spec.align or (None if spec.label else data_align)  # labels: the style's
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.TOP if spec.top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )
    for i, line in enumerate(lines or [""]):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        set_style(p, style)
        text, line_align = (line[1:], "right") if line.startswith(">") else (line, align)
        if line_align:
            p.alignment = _ALIGN[line_align]
        if line.startswith(">"):
            # Trailing spaces do not move right-aligned text in LibreOffice or Word (they hang
            # past the margin): the space they stood for becomes a right indent.
            bare = text.rstrip("　")
            chars = SIGN_MARGIN + len(text) - len(bare)
            p.paragraph_format.right_indent = Pt(STYLE_POINTS[style] * chars)
            text = bare
        if text:
            add_run(p, text, STYLE_FONT[style], latin=MONO if style == "IdText" else LATIN)


def underline_values(table: Table) -> None:
    """Cover-page look: values on a rule, no box around them."""
    for row in table.rows:
        tc_pr = row.cells[1]._tc.get_or_add_tcPr()
        tc_pr.append(
            w_el(
                '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" '
                'w:color="000000"/></w:tcBorders>'
            )
        )
        schema_order(tc_pr, _TC_PR_ORDER)


def letterhead(doc: DocxDocument, title: str, addressee: str) -> None:
    """GB/T 9704 版头: red issuing-body mark, 文号 over the red rule, title, 主送."""
    para(doc, "{{ 发文机关 }}", "Issuer", color="FF0000")
    para(doc, "{{ 文号 }}", "DocNo")
    para(doc, title, "DocTitle")
    para(doc, addressee)


def signoff(doc: DocxDocument, body: str = "{{ 发文机关 }}", date: str = "{{ 成文日期 }}") -> None:
    """落款 with room above it for the seal, which overlaps the signature and the date. It keeps
    with the end of the text above: a 落款 alone on a page is not a document (GB/T 9704 7.3.5)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    for _ in range(2):
        para(doc).paragraph_format.keep_with_next = True
    para(doc, body, "Signoff").paragraph_format.keep_with_next = True
    para(doc, date, "Signoff")


def slip_heading(doc: DocxDocument) -> None:
    new_page(para(doc, "回　执", "SlipTitle"))


# ---- the default documents ---------------------------------------------------------------
# Layout tables read like the paper forms, one line per row; the formatter would explode them.
# fmt: off

SIGN_DATE = ">" + BLANK_DATE


def nomination_form(title: str) -> DocxDocument:
    doc = new_document(named=True)
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    grid(doc, [19, 24, 19, 28, 19, 26, 21], [
        (10, [L("姓　名"), V("{{ 姓名 }}"), L("性　别"), V("{{ 性别 }}"), L("出生年月"),
              V("{{ 出生年月 }}"), V("（照片）")]),
        (10, [L("民　族"), V("{{ 民族 }}"), L("政治面貌"), V("{{ 政治面貌 }}"), L("学　历"),
              V("{{ 学历 }}"), UP]),
        (10, [L("职　称"), V("{{ 职称 }}", 3), L("界　别"), V("{{ 界别 }}"), UP]),
        (10, [L(["统战对象", "类别"]), V("{{ 统战对象类别 }}", 3), L(["拟推荐", "层级"]),
              V("{{ 推荐层级 }}"), UP]),
        (10, [L(["工作单位", "及职务"]), V("{{ 工作单位及职务 }}", 6, "left")]),
        (10, [L("社会职务"), V("{{ 社会职务 }}", 6, "left")]),
        (10, [L("专业领域"), V("{{ 专业领域 }}", 6, "left")]),
        (34, [L("简　历"), V(["{%p if 简历 %}", "{%p for r in 简历 %}",
                             "{{ r.起止年月 }}　{{ r.单位及职务 }}", "{%p endfor %}",
                             "{%p endif %}"], 6, "left", top=True, flows=True)]),
        (28, [L("推荐理由"), V("{{ 推荐理由 }}", 6, "left", top=True)]),
        (28, [L(["推荐单位", "意见"]), V(["", ">推荐单位（盖章）：{{ 推荐单位 }}　　",
                                  ">负责人（签字）：　　　　　　　　", SIGN_DATE], 6, top=True)]),
        (24, [L(["统战部", "审核意见"]), V(["", ">（盖章）　　　　", SIGN_DATE], 6, top=True)]),
    ], signed_rows=2)
    return doc


def assessment_ballot(title: str) -> DocxDocument:
    """One sheet of a rater group's ballot: everyone it assesses (or a sheet's share), a row
    each with a box under every choice. Anonymous: no line for the rater's name."""
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Normal", align="center")
    para(doc, "测评组别：{{ 测评组别 }}")
    para(doc, "{{ 张次 }}{% if 份数 %}　　{{ 份数 }}{% endif %}", "Note")
    grid(doc, [10, 22, 54, 15, 15, 19, 19], [
        (8, [L("序号"), L("姓　名"), L("工作单位及职务"), L("评价等次", 4)]),
        (8, [UP, UP, UP, L("优秀"), L("称职"), L("基本称职"), L("不称职")]),
        loop_row("{%tr for r in 被测评人 %}", 7),
        (8, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.工作单位及职务 }}", align="left"),
             V("□"), V("□"), V("□"), V("□")]),
        loop_row("{%tr endfor %}", 7),
    ], header_rows=2, styles=LIST)
    para(doc)
    for line in ("说明：1. 请对每位被测评人在所选等次下的“□”内划“√”，每人只能选择一个等次；"
                 "对某人未划或多划的，计为对该人弃权。",
                 "2. 请综合考虑政治表现、思想状况、履行职责和廉洁自律等方面情况作出评价。",
                 "3. 本票不记名，请勿署名或作其他标记；填写后当场投入票箱。计票时按右上方文档编号"
                 "逐张统计。"):
        para(doc, line, "Note")
    return doc


TALLY_ITEMS = ["测评组别", "应参评人数", "发出票数", "收回票数", "有效票数", "优秀", "称职",
               "基本称职", "不称职", "弃权", "得分", "是否有效"]


def assessment_tally(title: str) -> DocxDocument:
    doc = new_document(landscape=True)
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Normal", align="center")
    para(doc, "被测评人：{{ 姓名 }}　　　工作单位及职务：{{ 工作单位及职务 }}")
    widths = [30, 21, 18, 18, 18, 15, 15, 19, 17, 15, 19, 32]
    grid(doc, widths, [
        (12, [L(name) for name in TALLY_ITEMS]),
        loop_row("{%tr for r in 测评统计 %}", 12),
        (9, [V(f"{{{{ r.{name} }}}}") for name in TALLY_ITEMS]),
        loop_row("{%tr endfor %}", 12),
        (10, [L("测评得分"), V("{{ 民主测评 }}"), L("测评结论", 2),
              V("{{ 测评结论 }}", 8, "left")]),
        (22, [V(["", "计票人（签字）：　　　　　　　监票人（签字）：　　　　　　　"
                     "考核组组长（签字）：　　　　　　　", SIGN_DATE], 12, "left", top=True)]),
    ], header_rows=1, styles=LIST, kept_rows=[4])
    return doc


def assessment_talk(title: str) -> DocxDocument:
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    # Five columns so the year's talks get their own table columns under the same outer lines:
    # 谈话时间 | 类别 | 谈话人 | 谈话内容 (two), while the form's rows keep label, value, label,
    # value.
    grid(doc, [26, 20, 32, 26, 52], [
        (11, [L("谈话对象"), V("{{ 姓名 }}", 2), L(["工作单位", "及职务"]),
              V("{{ 工作单位及职务 }}")]),
        (9, [L("{{ 年度 }}年度谈心谈话情况（日常谈心、提醒谈话、谈话函询）", 5)]),
        (9, [L("谈话时间"), L("类别"), L("谈话人"), L("谈话内容及后续跟进", 2)]),
        loop_row("{%tr for r in 谈话记录 %}", 5),
        (9, [V("{{ r.谈话时间 }}"), V("{{ r.谈话类别 }}"), V("{{ r.谈话人 }}"),
             V(["{{ r.谈话内容 }}", "{%p if r.后续跟进 %}", "后续跟进：{{ r.后续跟进 }}",
                "{%p endif %}"], 2, "left", flows=True)]),
        loop_row("{%tr else %}", 5),
        (9, [V("本年度没有谈话记录", 5)]),
        loop_row("{%tr endfor %}", 5),
        (9, [L("本次考核谈话", 5)]),
        (11, [L("谈话时间"), V("{{ 谈话时间 }}", 2), L("谈话地点"), V("{{ 谈话地点 }}")]),
        (11, [L("谈话人"), V("{{ 谈话人 }}", 2), L("记录人"), V("{{ 记录人 }}")]),
        (11, [L("谈话事由"), V("{{ 谈话事由 }}", 4, "left")]),
        (55, [L("谈话内容"), V("{{ 谈话内容 }}", 4, "left", top=True, flows=True)]),
        (16, [L(["谈话对象", "签字"]), V("", 2), L("谈话人签字"), V()]),
        (26, [L("考核组意见"), V(["", ">考核组组长（签字）：　　　　　　　　", SIGN_DATE], 4,
                               top=True)]),
    ], header_rows=1, signed_rows=2)
    return doc


def assessment_material(title: str) -> DocxDocument:
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    grid(doc, [30, 48, 30, 48], [
        (11, [L("姓　名"), V("{{ 姓名 }}"), L("考核年度"), V("{{ 年度 }}")]),
        (11, [L(["工作单位", "及职务"]), V("{{ 工作单位及职务 }}", 3, "left")]),
        (9, [L("组织考核评分（各维度百分制）", 4)]),
        (9, [L("考核维度"), L("权　重"), L("评　分", 2)]),
        loop_row("{%tr for r in 维度评分 %}", 4),
        (9, [V("{{ r.维度 }}"), V("{{ r.权重 }}"), V("{{ r.评分 }}", 2)]),
        loop_row("{%tr endfor %}", 4),
        (10, [L(["组织考核", "得分"]), V("{{ 组织考核 }}"), L("考核人"), V("{{ 考核人 }}")]),
        (70, [L("考核材料"), V(["{%p for 段 in 考核材料 %}", "{{ 段 }}", "{%p endfor %}"], 3,
                             "left", top=True, flows=True)]),
        (26, [L("考核组意见"), V(["", ">考核组组长（签字）：　　　　　　　　", SIGN_DATE], 3,
                               top=True)]),
    ], header_rows=1, signed_rows=1)
    return doc


def _lines(field: str, line: str = "{{ loop.index }}. {{ 条 }}", var: str = "条") -> list[str]:
    """Paragraphs for a list field, or 无 when it is empty (a table cell needs a paragraph)."""
    return [f"{{%p if {field} %}}", f"{{%p for {var} in {field} %}}", line, "{%p endfor %}",
            "{%p else %}", "无", "{%p endif %}"]


def evaluation_form(title: str) -> DocxDocument:
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    veto = _lines("否决事项", "{{ r.类别 }}：{{ r.事项 }}（来源：{{ r.来源 }}）", "r")
    deduct = _lines("扣分事项",
                    "{{ r.类别 }}：{{ r.事项 }}（来源：{{ r.来源 }}，扣{{ r.扣分 }}分）", "r")
    grid(doc, [24, 28, 24, 28, 24, 28], [
        (9, [L("姓　名"), V("{{ 姓名 }}"), L("性　别"), V("{{ 性别 }}"), L("出生年月"),
             V("{{ 出生年月 }}")]),
        (9, [L("政治面貌"), V("{{ 政治面貌 }}"), L("界　别"), V("{{ 界别 }}"), L("入库层级"),
             V("{{ 入库层级 }}")]),
        (9, [L(["工作单位", "及职务"]), V("{{ 工作单位及职务 }}", 5, "left")]),
        (8, [L("履职积分明细", 6)]),
        (8, [L("类　别"), L("明　细", 3), L("得　分"), L("上　限")]),
        loop_row("{%tr for r in 积分明细 %}", 6),
        (8, [V("{{ r.类别 }}"), V("{{ r.明细 }}", 3, "left"), V("{{ r.得分 }}"),
             V("{{ r.上限 }}")]),
        loop_row("{%tr endfor %}", 6),
        (8, [L(["履职积分", "合计"]), V("{{ 履职积分 }}", 3), L(["折算", "（百分制）"]),
             V("{{ 履职积分折算 }}")]),
        (8, [L("评价项目", 2), L("得　分", 2), L("权　重", 2)]),
        (8, [L("组织考核", 2), V("{{ 组织考核 }}", 2), V("{{ 组织考核权重 }}", 2)]),
        (8, [L("民主测评", 2), V("{{ 民主测评 }}", 2), V("{{ 民主测评权重 }}", 2)]),
        (8, [L("履职积分（折算）", 2), V("{{ 履职积分折算 }}", 2), V("{{ 履职积分权重 }}", 2)]),
        (10, [L("综合得分"), V("{{ 综合得分 }}"), L("等　次"), V("{{ 等次 }}"), L("档　次"),
              V("{{ 档次 }}")]),
        (10, [L("否决事项"), V(veto, 5, "left", flows=True)]),
        (10, [L("扣分事项"), V(deduct, 5, "left", flows=True)]),
        (18, [L("评价说明"), V(_lines("评价说明"), 5, "left", flows=True)]),
        (12, [L("建　议"), V(_lines("建议"), 5, "left", flows=True)]),
        (26, [L(["统战部", "意见"]), V(["", ">负责人（签字）：　　　　　　　　",
                               ">（盖章）　　" + BLANK_DATE], 5, top=True)]),
    ], header_rows=1, signed_rows=1)
    return doc


def solicitation_letter(title: str) -> DocxDocument:
    doc = new_document()
    letterhead(doc, title, "{{ 主送机关 }}：")
    para(doc, "根据{{ 周期名称 }}工作安排，现将下列人员名单函告你单位，请就其政治表现、遵纪守法、"
              "廉洁自律以及是否存在正在接受调查、处分影响期未满等情况提出意见，并于{{ 回复期限 }}"
              "前将回执加盖公章后反馈我部。", "Body")
    para(doc, "附件：人员名单{{ 分册 }}", "Body")
    signoff(doc)
    # 附注 under the date (GB/T 9704 7.3.8), then the 附件 on a page of its own: the list can be
    # as long as it likes and the 落款 still closes the letter's text.
    para(doc, "（联系人：{{ 联系人 }}；联系电话：{{ 联系电话 }}）", "Body", align="left")
    new_page(para(doc, "附件", "Normal", east=HEI))
    para(doc, "人员名单{{ 分册 }}", "DocTitle")
    grid(doc, [12, 22, 12, 24, 26, 60], [
        (9, [L("序号"), L("姓名"), L("性别"), L("出生年月"), L("政治面貌"), L("工作单位及职务")]),
        loop_row("{%tr for r in 名单 %}", 6),
        (9, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.性别 }}"), V("{{ r.出生年月 }}"),
             V("{{ r.政治面貌 }}"), V("{{ r.工作单位及职务 }}", align="left")]),
        loop_row("{%tr endfor %}", 6),
    ], header_rows=1, styles=LIST)
    slip_heading(doc)
    para(doc, "{{ 发文机关 }}：")
    para(doc, "你部《" + title + "》（{{ 文号 }}）收悉。经认真核查，现将意见回复如下：", "Body")
    reply = (14, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.工作单位及职务 }}", align="left"),
                  V(["□无异议", "□有异议"], align="left"), V()])
    # The last person's row is a loop of its own, kept with the signature row under it: the
    # signatures never stand alone on a page, and the rest of the list runs over pages freely.
    grid(doc, [12, 22, 48, 30, 44], [
        (9, [L("序号"), L("姓名"), L("工作单位及职务"), L("意见"),
             L("具体情况（有异议的请说明）")]),
        loop_row("{%tr for r in 名单[:-1] %}", 5),
        reply,
        loop_row("{%tr endfor %}", 5),
        loop_row("{%tr for r in 名单[-1:] %}", 5),
        reply,
        loop_row("{%tr endfor %}", 5),
        (30, [V(["", "回复单位（盖章）：{{ 主送机关 }}",
                 "负责人（签字）：　　　　　　　　经办人（签字）：", "联系电话：",
                 SIGN_DATE], 5, "left", top=True)]),
    ], header_rows=1, styles=LIST, kept_rows=[5])
    return doc


def work_notice(title: str) -> DocxDocument:
    """工作通知 to one nominating body: what to nominate, what to submit and by when; its 回执
    says it arrived and whom to call."""
    doc = new_document()
    letterhead(doc, "关于做好{{ 年度 }}年度{{ 周期类别 }}提名推荐工作的通知", "{{ 主送机关 }}：")
    para(doc, "为做好{{ 周期名称 }}工作，按照党外代表人士队伍建设“十百千工程”的要求，经动员部署、"
              "提名推荐、组织考核、综合评价、征求意见等程序，形成“十百千”人才库名单。现将提名推荐"
              "工作有关事项通知如下：", "Body")
    para(doc, "一、推荐范围和条件", "Heading1")
    para(doc, "请你单位按照《{{ 周期名称 }}实施方案》（附件1）规定的范围和条件，在本领域党外人士"
              "中提名推荐政治坚定、素质优良、代表性强的人选。推荐人选须经单位集体研究确定。",
         "Body")
    para(doc, "二、报送材料", "Heading1")
    para(doc, "每名推荐人选报送：（一）党外代表人士推荐表；（二）推荐理由，写明主要表现和推荐意见；"
              "（三）本人简历，自参加工作时起按时间顺序填写。可通过推荐单位专用链接在线填报，也可"
              "填写推荐人选工作簿后报送。", "Body")
    para(doc, "三、时间要求", "Heading1")
    para(doc, "请于{{ 回复期限 }}前将回执（附件2）加盖公章后交回；于{{ 推荐期限 }}前报送推荐材料，"
              "逾期未报送的视为不推荐。", "Body")
    attachment(para(doc, "附件：1．{{ 周期名称 }}实施方案", "Body"))
    attachment(para(doc, "　　　2．回执", "Body"))
    signoff(doc)
    para(doc, "（联系人：{{ 联系人 }}；联系电话：{{ 联系电话 }}）", "Body", align="left")
    slip_heading(doc)
    grid(doc, [36, 120], [
        (11, [L("来文文号"), V("{{ 文号 }}")]),
        (11, [L("文档编号"), V("{{ 文档编号 }}")]),
        (11, [L("推荐单位"), V("{{ 主送机关 }}")]),
        (13, [L("联系人"), V()]),
        (13, [L("联系电话"), V()]),
        (56, [L("签收意见"), V(["□已收到《关于做好{{ 年度 }}年度{{ 周期类别 }}提名推荐工作的通知》"
                              "及实施方案，将按要求做好提名推荐工作。", "", "",
                              ">签收人（签字）：　　　　　　　　", ">推荐单位（盖章）　　　　",
                              SIGN_DATE], top=True)]),
    ], data_align="left")
    return doc


def implementation_plan(title: str) -> DocxDocument:
    """实施方案, enclosed with every 工作通知: the scheme's conditions and the stages' plan."""
    doc = new_document()
    para(doc, "附件1", "Normal", east=HEI)
    para(doc, "{{ 周期名称 }}" + title, "DocTitle")
    para(doc, "一、指导思想", "Heading1")
    para(doc, "以习近平新时代中国特色社会主义思想为指导，认真贯彻《中国共产党统一战线工作条例》，"
              "按照党外代表人士队伍建设“十百千工程”的要求，坚持党管干部、党管人才，坚持分层分类、"
              "有进有出，经动员部署、提名推荐、组织考核、综合评价、征求意见等程序，形成并动态调整"
              "“十百千”人才库名单，为加快源头发现、分类培养选拔、合理安排使用提供保障。", "Body")
    para(doc, "二、推荐范围和条件", "Heading1")
    para(doc, "（一）推荐范围。在民主党派、无党派、民族宗教、非公经济、港澳台海外社团等领域，"
              "围绕统战工作对象推荐，包括：{{ 对象类别 }}。", "Body")
    para(doc, "（二）推荐单位。{{ 推荐单位名单 }}。", "Body")
    para(doc, "（三）基本条件。政治立场坚定，坚持中国共产党的领导；在本领域有较高的代表性和影响力，"
              "群众基础好；履职尽责，遵纪守法，廉洁自律，作风形象良好。", "Body")
    para(doc, "（四）年龄条件。{{ 年龄条件 }}。", "Body")
    para(doc, "三、工作程序", "Heading1")
    para(doc, "按下列程序依次进行，后一阶段在前一阶段完成后开始；时间为计划安排，以实际进度为准。",
         "Body")
    # A date of 五号 (2026年12月31日) needs 35 mm to keep to one line.
    grid(doc, [12, 20, 52, 36, 36], [
        (9, [L("序号"), L("阶段"), L("主要内容"), L("开始日期"), L("截止日期")]),
        loop_row("{%tr for r in 工作程序 %}", 5),
        (9, [V("{{ r.序号 }}"), V("{{ r.阶段 }}"), V("{{ r.主要内容 }}", align="left"),
             V("{{ r.开始日期 }}"), V("{{ r.截止日期 }}")]),
        loop_row("{%tr endfor %}", 5),
    ], header_rows=1, styles=LIST)
    para(doc, "四、工作要求", "Heading1")
    para(doc, "（一）加强领导。各推荐单位要高度重视，明确专人负责，认真组织实施。", "Body")
    para(doc, "（二）严格标准。坚持标准、严格程序，推荐人选须经单位集体研究，推荐单位对推荐材料的"
              "真实性负责。", "Body")
    para(doc, "（三）按时报送。请于{{ 推荐期限 }}前将推荐材料报送{{ 发文机关 }}。联系人："
              "{{ 联系人 }}，联系电话：{{ 联系电话 }}。", "Body")
    para(doc, "（四）严守纪律。推荐工作中要严格遵守组织人事纪律和保密纪律，不得泄露推荐情况。",
         "Body")
    return doc


def result_notice(title: str) -> DocxDocument:
    doc = new_document()
    letterhead(doc, title, "{{ 姓名 }}同志：")
    para(doc, "根据{{ 周期名称 }}工作安排，经组织考核、民主测评、履职积分和综合评价，"
              "现将你的考核结果通知如下：", "Body")
    para(doc, "考核等次：{{ 等次 }}；选用档次：{{ 档次 }}。", "Heading1")
    para(doc, "{{ 结果说明 }}", "Body")
    para(doc, "如对考核结果有异议，可自收到本通知书之日起十五个工作日内，"
              "向{{ 发文机关 }}书面提出复核申请。请于{{ 回复期限 }}前将回执签字后交回。", "Body")
    signoff(doc)
    slip_heading(doc)
    grid(doc, [36, 120], [
        (11, [L("通知书文号"), V("{{ 文号 }}")]),
        (11, [L("文档编号"), V("{{ 文档编号 }}")]),
        (11, [L("姓　名"), V("{{ 姓名 }}")]),
        (50, [L("签收意见"), V(["本人已收到《" + title + "》，知悉本人考核结果。", "", "",
                              ">本人（签字）：　　　　　　　　", SIGN_DATE], top=True)]),
    ], data_align="left")
    return doc


def review_decision(title: str) -> DocxDocument:
    doc = new_document()
    letterhead(doc, title, "{{ 姓名 }}同志：")
    para(doc, "你于{{ 申请日期 }}对{{ 周期名称 }}考核结果（考核等次：{{ 原等次 }}）提出复核申请，"
              "理由如下：", "Body")
    para(doc, "{{ 申请理由 }}", "Body")
    para(doc, "经复核，决定如下：", "Body")
    para(doc, "复核结论：{{ 复核结论 }}。", "Heading1")
    para(doc, "复核后考核等次：{{ 新等次 }}。", "Body")
    para(doc, "{{ 决定说明 }}", "Body")
    para(doc, "理由：{{ 决定理由 }}", "Body")
    para(doc, "本决定为复核决定。", "Body")
    signoff(doc)
    return doc


def result_briefing(title: str) -> DocxDocument:
    doc = new_document()
    letterhead(doc, title, "{{ 主送机关 }}：")
    para(doc, "{{ 周期名称 }}工作已经结束。根据有关规定，现将有关人员考核评价结果通报如下"
              "{{ 分册 }}：", "Body")
    grid(doc, [12, 22, 50, 18, 18, 12, 24], [
        (9, [L("序号"), L("姓名"), L("工作单位及职务"), L("综合得分"), L("等次"), L("档次"),
             L("备注")]),
        loop_row("{%tr for r in 通报名单 %}", 7),
        (9, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.工作单位及职务 }}", align="left"),
             V("{{ r.综合得分 }}"), V("{{ r.等次 }}"), V("{{ r.档次 }}"),
             V("{{ r.备注 }}", align="left")]),
        loop_row("{%tr endfor %}", 7),
    ], header_rows=1, styles=LIST)
    para(doc, "请你单位做好有关人员的教育管理工作，并于{{ 回复期限 }}前将回执加盖公章后交回。",
         "Body")
    para(doc, "特此通报。", "Body")
    signoff(doc)
    slip_heading(doc)
    grid(doc, [36, 120], [
        (11, [L("来文文号"), V("{{ 文号 }}")]),
        (11, [L("文档编号"), V("{{ 文档编号 }}")]),
        (11, [L("接收单位"), V("{{ 主送机关 }}")]),
        (60, [L("签收意见"), V(["已收到《" + title + "》。", "", "",
                              ">签收人（签字）：　　　　　　　　", ">接收单位（盖章）　　　　",
                              SIGN_DATE], top=True)]),
    ], data_align="left")
    return doc


def duty_report(title: str) -> DocxDocument:
    """委员履职情况 (政协年度履职): the member's year by category, the total, the grade and the
    rules that gave them, for the 委员联络室负责人 to sign."""
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    grid(doc, [24, 28, 24, 28, 24, 28], [
        (9, [L("姓　名"), V("{{ 姓名 }}"), L("性　别"), V("{{ 性别 }}"), L("出生年月"),
             V("{{ 出生年月 }}")]),
        (9, [L("政治面貌"), V("{{ 政治面貌 }}"), L("界　别"), V("{{ 界别 }}"), L("年　度"),
             V("{{ 年度 }}")]),
        (9, [L(["工作单位", "及职务"]), V("{{ 工作单位及职务 }}", 5, "left")]),
        (8, [L("年度履职情况", 6)]),
        (8, [L("类　别", 2), L("次　数"), L("得　分"), L("上　限", 2)]),
        loop_row("{%tr for r in 履职明细 %}", 6),
        (8, [V("{{ r.类别 }}", 2), V("{{ r.次数 }}"), V("{{ r.得分 }}"), V("{{ r.上限 }}", 2)]),
        loop_row("{%tr endfor %}", 6),
        (10, [L(["累计积分"]), V("{{ 履职积分 }}"), L(["履职积分", "（定等次）"]),
              V("{{ 积分折算 }}"), L("等　次"), V("{{ 等次 }}")]),
        (18, [L("计分说明"), V(_lines("评价说明"), 5, "left", flows=True)]),
        (9, [L("计分依据"), V("{{ 计分依据 }}", 5, "left")]),
        (26, [L(["委员联络室", "意见"]), V(["", ">负责人（签字）：　　　　　　　　",
                                  ">（盖章）　　" + BLANK_DATE], 5, top=True)]),
    ], header_rows=1, signed_rows=1)
    return doc


def duty_briefing(title: str) -> DocxDocument:
    """履职情况通报 (政协年度履职): to the member, with their year by category, or to a unit
    (推荐单位, 工作单位, 界别活动组), listing its members."""
    doc = new_document()
    letterhead(doc, title, "{{ 主送机关 }}：")
    para(doc, "现将{{ 年度 }}年度政协委员履职情况通报如下{{ 分册 }}：", "Body")
    # A unit's copy lists its members; the member's own lists them alone, then their year.
    grid(doc, [12, 23, 25, 52, 18, 26], [
        (9, [L("序号"), L("姓名"), L("界别"), L("工作单位及职务"), L("履职积分"), L("等次")]),
        loop_row("{%tr for r in 履职通报名单 %}", 6),
        (9, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.界别 }}"),
             V("{{ r.工作单位及职务 }}", align="left"), V("{{ r.履职积分 }}"),
             V("{{ r.等次 }}{% if r.备注 %}（{{ r.备注 }}）{% endif %}")]),
        loop_row("{%tr endfor %}", 6),
    ], header_rows=1, styles=LIST)
    para(doc, "{%p if 本人结果 %}", "Body")
    para(doc, "{{ 本人结果 }}", "Body")
    grid(doc, [60, 30, 30, 36], [
        (8, [L("类别"), L("次数"), L("得分"), L("上限")]),
        loop_row("{%tr for r in 履职明细 %}", 4),
        (7, [V("{{ r.类别 }}", align="left"), V("{{ r.次数 }}"), V("{{ r.得分 }}"),
             V("{{ r.上限 }}")]),
        loop_row("{%tr endfor %}", 4),
    ], header_rows=1, styles=LIST)
    para(doc, "{%p endif %}", "Body")
    # Both copies' last lines keep with the 落款 (signoff() can only hold the paragraph before
    # it, here a Jinja tag that rendering removes).
    para(doc, "计分依据：{{ 计分依据 }}。", "Body").paragraph_format.keep_with_next = True
    # What the units are asked to do; the member is told, not asked.
    para(doc, "{%p if not 本人结果 %}", "Body")
    ask = para(doc, "请结合委员履职情况，加强对委员的联系、教育和管理。特此通报。", "Body")
    ask.paragraph_format.keep_with_next = True
    para(doc, "{%p endif %}", "Body")
    signoff(doc)
    return doc


def dossier_cover(title: str) -> DocxDocument:
    doc = new_document()
    # A cover carries no page number; its first page keeps the ID and QR header all pages have.
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    first = sec.first_page_header.paragraphs[0]
    set_style(first, "Header")
    add_run(first, "文档编号：{{ 文档编号 }}　", SONG)
    add_run(first, "{{ 二维码 }}", SONG)
    set_style(sec.first_page_footer.paragraphs[0], "Footer")
    para(doc, "{{ 发文机关 }}", "Normal", align="center", east=HEI)
    for _ in range(3):
        para(doc)
    # The kind's name for the dossier (考核评价档案, 政协委员年度履职档案: appraisal/kinds.py).
    para(doc, "{{ 档案名称 }}", "DocTitle", size=36)
    for _ in range(4):
        para(doc)
    cover = grid(doc, [36, 112], [
        (13, [L("姓名"), V("{{ 姓名 }}")]),
        (13, [L("单位职务"), V("{{ 工作单位及职务 }}")]),
        (13, [L("考核周期"), V("{{ 周期名称 }}")]),
        (13, [L("考核年度"), V("{{ 年度 }}")]),
        (13, [L("立卷单位"), V("{{ 发文机关 }}")]),
        (13, [L("立卷日期"), V("{{ 成文日期 }}")]),
        (13, [L("保管期限"), V("{{ 保管期限 }}")]),
    ], borders=False, styles=("CoverLabel", "CoverText"))
    underline_values(cover)
    new_page(para(doc, "目　录", "DocTitle"))
    grid(doc, [14, 72, 50, 20], [
        (10, [L("序号"), L("文件名称"), L("文档编号"), L("页码")]),
        loop_row("{%tr for r in 目录 %}", 4),
        (10, [V("{{ r.序号 }}"), V("{{ r.文件名称 }}", align="left"), ID("{{ r.文档编号 }}"),
              V("{{ r.页码 }}")]),
        loop_row("{%tr endfor %}", 4),
    ], header_rows=1, styles=LIST)
    return doc


def letters_extract(title: str) -> DocxDocument:
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}　{{ 环节 }}）", "Note", align="center")
    grid(doc, [24, 56, 24, 56], [
        (10, [L("姓名"), V("{{ 姓名 }}"), L("立卷单位"), V("{{ 发文机关 }}")]),
    ])
    para(doc)
    grid(doc, [10, 31, 24, 43, 26, 22], [
        (10, [L("序号"), L("文件名称"), L("主送单位"), L("文档编号"), L("回复情况"),
              L("回件日期")]),
        loop_row("{%tr for r in 公函 %}", 6),
        (10, [V("{{ r.序号 }}"), V("{{ r.文件名称 }}", align="left"), V("{{ r.主送单位 }}"),
              ID("{{ r.文档编号 }}"), V("{{ r.回复情况 }}", align="left"), V("{{ r.回件日期 }}")]),
        loop_row("{%tr endfor %}", 6),
    ], header_rows=1, styles=LIST)
    # Half a line before the note, not a blank line: a person's letters of three stages (eleven
    # rows) and the 落款 then fit one page.
    note = para(doc, "说明：上列公函涉及多人，原件及签署回件另卷保存（{{ 另卷说明 }}）。", "Note")
    note.paragraph_format.space_before = Pt(8)
    signoff(doc)
    return doc


def pool_adjustment(title: str) -> DocxDocument:
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    para(doc, "根据{{ 周期名称 }}结果，按照“有进有出”的人才库管理机制，经逐人研究，"
              "拟对“十百千”人才库人选作如下调整（{{ 调整统计 }}）：", "Body")
    # 理由 is the long column: the others are as wide as 五号 needs for 欧阳慕容雪 or 代表人士.
    grid(doc, [10, 16, 21, 17, 12, 17, 63], [
        (9, [L("序号"), L("编号"), L("姓名"), L("原梯队"), L("调整"), L("新梯队"), L("理由")]),
        loop_row("{%tr for r in 调整名单 %}", 7),
        (9, [V("{{ r.序号 }}"), V("{{ r.编号 }}"), V("{{ r.姓名 }}"), V("{{ r.原梯队 }}"),
             V("{{ r.调整 }}"), V("{{ r.新梯队 }}"), V("{{ r.理由 }}", align="left")]),
        loop_row("{%tr endfor %}", 7),
    ], header_rows=1, styles=LIST)
    para(doc, "调整后各梯队人数：{{ 名额情况 }}。", "Body")
    grid(doc, [36, 120], [
        (10, [L("经办人"), V("{{ 经办人 }}")]),
        (26, [L("审核意见"), V(["同意以上调整。", ">审核人（签字）：{{ 审核人 }}　　",
                              ">{{ 审核日期 }}"], top=True)]),
        (24, [L(["统战部", "意见"]), V(["", ">{{ 发文机关 }}（盖章）　　", SIGN_DATE],
                                  top=True)]),
    ], data_align="left", signed_rows=2)
    return doc


def approval_table(title: str) -> DocxDocument:
    """审定表: each person's engine grade and 审定 grade, the reason for any change, signed by
    the heads of 组织部 and 统战部, who analyse and decide together (seed 002)."""
    doc = new_document()
    para(doc, title, "DocTitle")
    para(doc, "{{ 发文机关 }}　（{{ 周期名称 }}）", "Note", align="center")
    para(doc, "经综合评价、征求意见，{{ 审定统计 }}。逐人审定如下：", "Body")
    grid(doc, [10, 22, 46, 18, 18, 18, 48], [
        (9, [L("序号"), L("姓名"), L("工作单位及职务"), L("综合得分"), L(["评价", "等次"]),
             L(["审定", "等次"]), L("调整理由")]),
        loop_row("{%tr for r in 审定名单 %}", 7),
        (9, [V("{{ r.序号 }}"), V("{{ r.姓名 }}"), V("{{ r.工作单位及职务 }}", align="left"),
             V("{{ r.综合得分 }}"), V("{{ r.评价等次 }}"), V("{{ r.审定等次 }}"),
             V("{{ r.调整理由 }}", align="left")]),
        loop_row("{%tr endfor %}", 7),
    ], header_rows=1, styles=LIST)
    grid(doc, [36, 144], [
        (10, [L("审定人"), V("{{ 审定人 }}（{{ 审定日期 }}）")]),
        (24, [L(["组织部", "负责人"]), V(["", ">签字：　　　　　　　　", SIGN_DATE], top=True)]),
        (24, [L(["统战部", "负责人"]), V(["", ">签字：　　　　　　　　", SIGN_DATE], top=True)]),
    ], data_align="left", signed_rows=2)
    return doc


def nomination_summary(title: str) -> DocxDocument:
    """推荐人选汇总表: what the bodies proposed and what staff decided, by body and by category.
    Landscape: eight columns of names, categories and reasons do not fit a portrait page."""
    doc = new_document(landscape=True)
    para(doc, title, "DocTitle")
    para(doc, "（{{ 周期名称 }}）", "Note", align="center")
    para(doc, "经动员部署、提名推荐，{{ 推荐统计 }}。经逐一审核，情况如下：", "Body")
    grid(doc, [12, 46, 26, 24, 40, 20, 16, 53], [
        (9, [L("序号"), L("推荐单位"), L("单位类别"), L("姓名"), L("统战对象类别"), L("推荐层级"),
             L("决定"), L("说明")]),
        loop_row("{%tr for r in 推荐名单 %}", 8),
        (9, [V("{{ r.序号 }}"), V("{{ r.推荐单位 }}", align="left"), V("{{ r.单位类别 }}"),
             V("{{ r.姓名 }}"), V("{{ r.统战对象类别 }}", align="left"), V("{{ r.推荐层级 }}"),
             V("{{ r.决定 }}"), V("{{ r.说明 }}", align="left")]),
        loop_row("{%tr endfor %}", 8),
    ], header_rows=1, styles=LIST)
    para(doc, "按推荐单位统计：", "Body")
    grid(doc, [80, 30, 24, 20, 20, 20], [
        (9, [L("推荐单位"), L("单位类别"), L("推荐人数"), L("采纳"), L("不采纳"), L("待定")]),
        loop_row("{%tr for r in 单位统计 %}", 6),
        (9, [V("{{ r.推荐单位 }}", align="left"), V("{{ r.单位类别 }}"), V("{{ r.推荐人数 }}"),
             V("{{ r.采纳 }}"), V("{{ r.不采纳 }}"), V("{{ r.待定 }}")]),
        loop_row("{%tr endfor %}", 6),
    ], header_rows=1, styles=LIST)
    para(doc, "按统战对象类别统计（一人由几个单位推荐的，计一人）：", "Body")
    grid(doc, [110, 24, 20, 20, 20], [
        (9, [L("统战对象类别"), L("推荐人数"), L("采纳"), L("不采纳"), L("待定")]),
        loop_row("{%tr for r in 类别统计 %}", 5),
        (9, [V("{{ r.统战对象类别 }}", align="left"), V("{{ r.推荐人数 }}"), V("{{ r.采纳 }}"),
             V("{{ r.不采纳 }}"), V("{{ r.待定 }}")]),
        loop_row("{%tr endfor %}", 5),
    ], header_rows=1, styles=LIST)
    para(doc)
    grid(doc, [36, 158], [
        (10, [L("经办人"), V("{{ 经办人 }}")]),
        (24, [L(["统战部", "意见"]), V(["", ">{{ 发文机关 }}（盖章）　　", ">{{ 汇总日期 }}"],
                                  top=True)]),
    ], data_align="left", signed_rows=1)
    return doc


def information_form(title: str) -> DocxDocument:
    """信息采集表: what is on record printed for the person to check, correct and sign."""
    doc = new_document(header="人员编号：{{ 人员编号 }}")
    para(doc, title, "DocTitle")
    para(doc, "（以下为{{ 信息日期 }}在库信息，如有变动请直接更正）", "Note", align="center")
    entries = "{{ r.起止年月 }}　{{ r.内容 }}"
    # 出生年月-like dates (1998年12月) need 26 mm; the photo column gives up the 2 mm.
    grid(doc, [19, 26, 19, 28, 19, 26, 19], [
        (10, [L("姓　名"), V("{{ 姓名 }}"), L("性　别"), V("{{ 性别 }}"), L("出生年月"),
              V("{{ 出生年月 }}"), V("（照片）")]),
        (10, [L("民　族"), V("{{ 民族 }}"), L("政治面貌"), V("{{ 政治面貌 }}"), L("籍　贯"),
              V("{{ 籍贯 }}"), UP]),
        (10, [L(["入党派", "时间"]), V("{{ 入党派时间 }}"), L(["参加工作", "时间"]),
              V("{{ 参加工作时间 }}"), L("学　历"), V("{{ 学历 }}"), UP]),
        (10, [L("职　称"), V("{{ 职称 }}", 3), L("界　别"), V("{{ 界别 }}"), UP]),
        (10, [L(["统战对象", "类别"]), V("{{ 统战对象类别 }}", 6, "left")]),
        (10, [L("工作单位"), V("{{ 工作单位 }}", 6, "left")]),
        (10, [L("职　务"), V("{{ 职务 }}", 6, "left")]),
        (10, [L("社会职务"), V("{{ 社会职务 }}", 6, "left")]),
        (10, [L("专业领域"), V("{{ 专业领域 }}", 6, "left")]),
        (32, [L("简　历"), V(_lines("简历", "{{ r.起止年月 }}　{{ r.单位及职务 }}", "r"), 6,
                             "left", top=True, flows=True)]),
        (15, [L("奖惩情况"), V(_lines("奖惩情况", "{{ r.起止年月 }}　{{ r.类别 }}：{{ r.内容 }}",
                                  "r"), 6, "left", top=True, flows=True)]),
        (15, [L("培训情况"), V(_lines("培训情况", entries, "r"), 6, "left", top=True,
                               flows=True)]),
        (15, [L("挂职情况"), V(_lines("挂职情况", entries, "r"), 6, "left", top=True,
                               flows=True)]),
        (20, [L(["本人", "确认"]), V(["以上信息经本人核对无误。", ">本人（签字）：　　　　　　　　",
                                   SIGN_DATE], 6, "left", top=True)]),
    ], signed_rows=1)
    return doc


def cadre_registration(title: str) -> DocxDocument:
    """年度考核登记表, laid out like the 公务员年度考核登记表 (个人总结, 主管领导评语和考核等次
    建议, 机关负责人或考核委员会意见, 本人意见), with the scheme's indicators and their scores
    between the particulars and the opinions."""
    doc = new_document(named=True)
    para(doc, title, "DocTitle")
    para(doc, "（{{ 年度 }}年度）", "Note", align="center")
    paras = ["{%p for 段 in 个人总结 %}", "{{ 段 }}", "{%p endfor %}"]
    grid(doc, [24, 28, 24, 28, 24, 28], [
        (10, [L("姓　名"), V("{{ 姓名 }}"), L("性　别"), V("{{ 性别 }}"), L("出生年月"),
              V("{{ 出生年月 }}")]),
        (10, [L("民　族"), V("{{ 民族 }}"), L("政治面貌"), V("{{ 政治面貌 }}"), L("学　历"),
              V("{{ 学历 }}")]),
        (10, [L("工作单位"), V("{{ 工作单位 }}", 5, "left")]),
        (10, [L("现任职务"), V("{{ 职务 }}", 5, "left")]),
        (80, [L("个人总结"), V([*paras, "", ">本人签名：　　　　　　　　", SIGN_DATE], 5, "left",
                             top=True, flows=True)]),
        (9, [L("考核指标评分（各项百分制）", 6)]),
        (9, [L("指　标"), L("考核内容", 3), L("权　重"), L("评　分")]),
        loop_row("{%tr for r in 考核指标 %}", 6),
        (9, [V("{{ r.指标 }}"), V("{{ r.内容 }}", 3, "left"), V("{{ r.权重 }}"),
             V("{{ r.评分 }}")]),
        loop_row("{%tr endfor %}", 6),
        (10, [L(["考核指标", "得分"]), V("{{ 考核指标得分 }}"), L("民主测评"), V("{{ 民主测评 }}"),
              L("综合得分"), V("{{ 综合得分 }}")]),
        (40, [L(["主管领导", "评语和考核", "等次建议"]),
              V(["{%p for 段 in 主管领导评语 %}", "{{ 段 }}", "{%p endfor %}",
                 "建议等次：{{ 建议等次 }}", ">主管领导签名：{{ 主管领导 }}　　　　", SIGN_DATE],
                5, "left", top=True, flows=True)]),
        (40, [L(["机关负责人", "或考核委员", "会意见"]),
              V(["{%p for 段 in 考核委员会意见 %}", "{{ 段 }}", "{%p endfor %}",
                 "考核等次：{{ 等次 }}", ">负责人签名：　　　　　　　　",
                 ">（盖章）　　" + BLANK_DATE], 5, "left", top=True, flows=True)]),
        (12, [L(["考核结果", "运用"]), V("{{ 结果运用 }}", 5, "left")]),
        (26, [L("本人意见"), V(["{{ 本人意见 }}", "", ">本人签名：　　　　　　　　", SIGN_DATE],
                             5, "left", top=True)]),
    ], signed_rows=1)
    return doc


BUILDERS: dict[str, Callable[[str], DocxDocument]] = {
    "work_notice": work_notice,
    "implementation_plan": implementation_plan,
    "nomination_form": nomination_form,
    "assessment_ballot": assessment_ballot,
    "assessment_tally": assessment_tally,
    "assessment_talk": assessment_talk,
    "assessment_material": assessment_material,
    "evaluation_form": evaluation_form,
    "solicitation_letter": solicitation_letter,
    "result_notice": result_notice,
    "result_briefing": result_briefing,
    "review_decision": review_decision,
    "dossier_cover": dossier_cover,
    "letters_extract": letters_extract,
    "pool_adjustment": pool_adjustment,
    "approval_table": approval_table,
    "nomination_summary": nomination_summary,
    "information_form": information_form,
    "cadre_registration": cadre_registration,
    "duty_report": duty_report,
    "duty_briefing": duty_briefing,
}
# fmt: on


# ---- lean, reproducible packaging -------------------------------------------------------------

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_KEEP_RELS = {"styles", "settings", "fontTable", "header", "footer"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_DATE = "2026-01-01T00:00:00Z"

# Word and WPS substitute a missing face by altName/panose/charset; 86 is GB2312.
_FONTS = [
    (LATIN, None, "02020603050405020304", "00"),
    (MONO, None, "02070309020205020404", "00"),
    (FANGSONG, "仿宋", "02010609030101010101", "86"),
    (HEI, "SimHei", "02010609060101010101", "86"),
    (SONG, "SimSun", "02010600030101010101", "86"),
    (XBS, "宋体", "02000000000000000000", "86"),
]


def _font_table() -> str:
    fonts = "".join(
        f'<w:font w:name="{name}">'
        + (f'<w:altName w:val="{alt}"/>' if alt else "")
        + f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
        for name, alt, panose, charset in _FONTS
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return f'{head}<w:fonts xmlns:w="{W_NS}">{fonts}</w:fonts>'


_SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{W_NS}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:useFELayout/>'
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
)


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>appraisal</dc:creator>"
        "<cp:lastModifiedBy>appraisal</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_DATE}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_DATE}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def lean_package(docx: bytes, title: str) -> bytes:
    """Keep only the parts a template needs, and write them as a reproducible zip."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    rels = re.findall(r"<Relationship [^>]*/>", src.read("word/_rels/document.xml.rels").decode())
    kept = [r for r in rels if re.search(r'Type="[^"]*/(\w+)"', r).group(1) in _KEEP_RELS]
    targets = [re.search(r'Target="([^"]+)"', r).group(1) for r in kept]
    parts: dict[str, bytes] = {
        "word/document.xml": src.read("word/document.xml"),
        "word/styles.xml": src.read("word/styles.xml"),
        "word/settings.xml": _SETTINGS.encode(),
        "word/fontTable.xml": _font_table().encode(),
        "docProps/core.xml": _core(title).encode(),
    }
    parts["docProps/app.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas'
        b'.openxmlformats.org/officeDocument/2006/extended-properties"><Application>appraisal'
        b"</Application></Properties>"
    )
    overrides = {
        "/word/document.xml": "wordprocessingml.document.main+xml",
        "/word/styles.xml": "wordprocessingml.styles+xml",
        "/word/settings.xml": "wordprocessingml.settings+xml",
        "/word/fontTable.xml": "wordprocessingml.fontTable+xml",
        "/docProps/app.xml": "extended-properties+xml",
    }
    for target in targets:
        name = "word/" + target
        if name not in parts:
            parts[name] = src.read(name)
            kind = "header" if "header" in target else "footer"
            overrides["/" + name] = f"wordprocessingml.{kind}+xml"
    parts["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_REL}">{"".join(sorted(kept))}</Relationships>'
    ).encode()
    parts["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships'
        '/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    ).encode()
    types = "".join(
        f'<Override PartName="{name}" ContentType="{_CT}.{ct}"/>'
        for name, ct in sorted(overrides.items())
    )
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas'
        '.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        f'package.core-properties+xml"/>{types}</Types>'
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type, info.create_system = zipfile.ZIP_DEFLATED, 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name], compresslevel=9)
    return out.getvalue()


# ---- README and main ----------------------------------------------------------------------------

_README_HEAD = """# 默认文书模板

本目录是系统自带的文书模板（Word .docx），版式参照 GB/T 9704《党政机关公文格式》。
`manifest.toml` 登记每个模板的编号（id）、阶段、收件对象和使用的字段；本文件的字段清单由
`scripts/build_templates.py` 根据 `manifest.toml` 生成，请勿手工修改。

## 如何替换模板

1. 复制要替换的默认模板（如 `推荐表.docx`），用 Word 或 WPS 打开修改版式和文字。
2. 保留需要的字段，写法为 `{{ 姓名 }}`；表格中的逐行数据写在 `{%tr for r in 名单 %}` 与
   `{%tr endfor %}` 两行之间，单元格写 `{{ r.姓名 }}`；按条件出现的段落写在
   `{%p if 否决事项 %}` 与 `{%p endif %}` 之间。只能使用下表列出的字段，大括号和百分号
   要用半角字符；使用未登记的字段或写错标记的模板会被拒绝，并提示模板和字段名称。
3. 每份文书都要保留 `{{ 文档编号 }}`（文字）和 `{{ 二维码 }}`（图片），用于核对回执和归档。
4. 把修改后的文件放进环境变量 `APPRAISAL_TEMPLATES_DIR` 指定的文件夹：
   - 文件名与默认模板相同，即替换该默认模板；或
   - 在该文件夹的 `manifest.toml` 中写一条 `[[templates]]`，`id` 与默认模板相同，
     `file` 指向新文件名。
5. 模板中的字体名称（仿宋_GB2312、黑体、方正小标宋简体）按公文习惯填写；生成 PDF 时
   系统会映射到已安装的中文字体。

## 各模板字段
"""


def readme(manifest: dict) -> str:
    fields = manifest["fields"]
    out = [_README_HEAD]
    for t in manifest["templates"]:
        sign = "需要签收回执" if t.get("signoff") else "无需回执"
        out.append(
            f"\n### {t['title']}（`{t['file']}`）\n\n"
            f"id `{t['id']}`，阶段 `{t['stage']}`，每{_PER[t['per']]}一份，"
            f"收件：{t['recipient']}，{sign}。\n\n| 字段 | 类型 | 说明 |\n|---|---|---|\n"
        )
        for name in t["fields"]:
            f = fields[name]
            kind = f.get("kind", "text")
            desc = f["description"]
            if f.get("items"):
                desc += "；每行含：" + "、".join(f"`r.{i}`" for i in f["items"])
            out.append(f"| `{name}` | {_KINDS[kind]} | {desc} |\n")
    return "".join(out)


_PER = {"person": "人", "recipient": "个收件单位", "cycle": "个考核周期"}
_KINDS = {"text": "文字", "image": "图片", "list": "列表"}


def build_all(
    out_dir: Path = TEMPLATES,
    manifest_path: Path = TEMPLATES / "manifest.toml",
) -> list[Path]:
    """Write every template of the manifest and README.md into out_dir; returns the paths."""
    manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for t in manifest["templates"]:
        if t["id"] not in BUILDERS:
            raise SystemExit(f"{manifest_path}: template {t['id']!r} has no layout in {__file__}")
        buf = io.BytesIO()
        BUILDERS[t["id"]](t["title"]).save(buf)
        path = out_dir / t["file"]
        path.write_bytes(lean_package(buf.getvalue(), t["title"]))
        written.append(path)
    path = out_dir / "README.md"
    path.write_text(readme(manifest), encoding="utf-8")
    return [*written, path]


if __name__ == "__main__":
    for p in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(f"{p.stat().st_size:>7} {p}")

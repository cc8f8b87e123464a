"""一人一档: one growing file per person, across years and terms.

Seed 000's 信息管理 keeps a person's information current; the archive keeps one sealed dossier per
person per cycle. This file joins them: a summary of who the person is and everything recorded
about them (pool stays, every cycle's result, every change with its reason), followed by each
sealed dossier whole, with bookmarks down to the dossiers' own. It is made anew from the
database and the sealed packages whenever it is asked for, so it grows as they do; the package
form is a BagIt bag like the dossiers', carrying each dossier as sealed.

Plain values in, files out: the store gathers a `Career`, this module lays it out.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject

from appraisal.archive.bag import write_bag
from appraisal.archive.contents import DOSSIER_NAME, RECORD_NAME
from appraisal.archive.dossier import DossierError, read_layout, write_pdf_atomically
from appraisal.text_width import display_width

SUMMARY_TITLE = "个人档案"
CAREER_PDF = "一人一档.pdf"
CAREER_RECORD = "career.json"
CELL_POINTS = 10.5  # 五号, as lists in appendices are set
CELL_PAD_MM = 6.0  # LibreOffice's cell margins (1.9 mm a side) and room for a Latin word


@dataclass(frozen=True)
class CareerTable:
    title: str  # 人才库经历, 历次考核评价, 变更记录 …
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # what the section says when it has no rows


@dataclass(frozen=True)
class CycleDossier:
    cycle: str  # the cycle's name, the bookmark's title
    folder: str  # its name under dossiers/ in the package (cycle-0001)
    package: Path  # the sealed BagIt package

    @property
    def pdf(self) -> Path:
        return self.package / "data" / DOSSIER_NAME

    @property
    def record(self) -> Path:
        return self.package / "data" / RECORD_NAME


@dataclass(frozen=True)
class Career:
    code: str
    name: str
    office: str  # whose pool holds the person
    issuer: str  # the office that makes the file
    made_on: date
    facts: tuple[tuple[str, str], ...]  # 基本信息: (label, value)
    tables: tuple[CareerTable, ...]
    dossiers: tuple[CycleDossier, ...]  # oldest cycle first


@dataclass(frozen=True)
class CareerLayout:
    pages: int
    summary_pages: int
    bookmarks: tuple[tuple[str, int, int], ...]  # (title, 1-based page, level)


def summary_docx(career: Career, out: Path) -> Path:
    """The summary pages as a .docx (A4, 仿宋 text, 黑体 headings, one table a section)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(25)
    _face(doc.styles["Normal"], "仿宋_GB2312", 12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, SUMMARY_TITLE, "方正小标宋简体", 22)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, f"{career.name}（{career.code}）　所属单位：{career.office}", "仿宋_GB2312", 14)
    made = doc.add_paragraph()
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(made, f"{career.issuer}　{_cn_date(career.made_on)}生成", "仿宋_GB2312", 12)
    headings = section_headings(career)
    _heading(doc, headings[0])
    facts = doc.add_table(rows=0, cols=4)
    _grid(facts, [Mm(28), Mm(52), Mm(28), Mm(52)])
    pairs = list(career.facts)
    for i in range(0, len(pairs), 2):
        cells = facts.add_row().cells
        for j, (label, value) in enumerate(pairs[i : i + 2]):
            _cell(cells[2 * j], label, bold=True)
            _cell(cells[2 * j + 1], value or "—")
    _widths(facts, [Mm(28), Mm(52), Mm(28), Mm(52)])
    for n, table in enumerate(career.tables, 1):
        _heading(doc, headings[n])
        if not table.rows:
            doc.add_paragraph(table.empty)
            continue
        grid = doc.add_table(rows=1, cols=len(table.headers))
        widths = column_widths(table, 160)
        _grid(grid, widths)
        for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
            _cell(cell, header, bold=True)
        _repeat_header(grid.rows[0])
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                _cell(cell, value)
        _widths(grid, widths)
    _heading(doc, headings[-1])
    if career.dossiers:
        for d in career.dossiers:
            doc.add_paragraph(f"{d.cycle}：封存档案附后（见书签）")
    else:
        doc.add_paragraph("尚无封存的考核评价档案。")
    doc.save(str(out))
    return out


def section_headings(career: Career) -> list[str]:
    """The summary's section headings as printed: 一、基本信息, 二、简历 … the last the dossiers."""
    numbers = [*"一二三四五六七八九十", *(f"十{n}" for n in "一二三四五六七八九")]
    titles = ["基本信息", *(t.title for t in career.tables), "考核评价档案"]
    return [f"{numbers[n]}、{title}" for n, title in enumerate(titles)]


def heading_pages(summary: PdfReader, headings: Sequence[str]) -> list[int]:
    """The 0-based page each heading is printed on, in order (a heading not found in the text
    is given the page of the one before it: a bookmark a page early, never a missing one)."""
    texts = ["".join((page.extract_text() or "").split()) for page in summary.pages]
    found, page = [], 0
    for heading in headings:
        page = next((n for n in range(page, len(texts)) if heading in texts[n]), page)
        found.append(page)
    return found


def assemble_career(
    summary_pdf: Path,
    dossiers: Sequence[CycleDossier],
    out: Path,
    *,
    title: str,
    author: str,
    sections: Sequence[str] = (),
) -> CareerLayout:
    """The summary, then each sealed dossier whole: a bookmark for the summary with one under
    it per section (`sections`, the headings as printed), and one per cycle, with the
    dossier's own bookmarks under it. Dossier pages keep the numbers they were sealed with, so
    a page cited from a dossier is found by that number in either file."""
    writer = PdfWriter()
    summary = PdfReader(summary_pdf)
    writer.append(summary)
    marks: list[tuple[str, int, int]] = [(SUMMARY_TITLE, 1, 0)]
    top = writer.add_outline_item(title=SUMMARY_TITLE, page_number=0)
    for heading, page in zip(sections, heading_pages(summary, sections), strict=True):
        writer.add_outline_item(title=heading, page_number=page, parent=top)
        marks.append((heading, page + 1, 1))
    for d in dossiers:
        start = len(writer.pages)
        try:
            layout = read_layout(d.pdf)
            reader = PdfReader(d.pdf)
        except (OSError, DossierError, ValueError) as exc:
            raise DossierError(
                f"{d.cycle}：封存档案 {d.pdf} 无法读取 / the sealed dossier cannot be read: {exc}"
            ) from exc
        writer.append(reader, import_outline=False)
        parent = writer.add_outline_item(title=f"{d.cycle}考核评价档案", page_number=start)
        marks.append((f"{d.cycle}考核评价档案", start + 1, 0))
        levels: dict[int, IndirectObject] = {}
        for entry in layout.outline:
            under = parent if entry.level == 0 else levels.get(entry.level - 1, parent)
            levels[entry.level] = writer.add_outline_item(
                title=entry.title, page_number=start + entry.page - 1, parent=under
            )
            marks.append((entry.title, start + entry.page, entry.level + 1))
    writer.add_metadata({"/Title": title, "/Author": author, "/Subject": SUMMARY_TITLE})
    writer.page_mode = "/UseOutlines"
    write_pdf_atomically(writer, out)
    return CareerLayout(len(writer.pages), len(summary.pages), tuple(marks))


def career_record(career: Career, layout: CareerLayout) -> bytes:
    """What the package holds, readable without the PDF: the summary's data and the bookmarks."""
    record = {
        "编号": career.code,
        "姓名": career.name,
        "所属单位": career.office,
        "生成单位": career.issuer,
        "生成日期": career.made_on.isoformat(),
        "基本信息": dict(career.facts),
        **{
            t.title: [dict(zip(t.headers, row, strict=True)) for row in t.rows]
            for t in career.tables
        },
        "考核评价档案": [
            {"周期": d.cycle, "文件": f"dossiers/{d.folder}/dossier.pdf"} for d in career.dossiers
        ],
        "页数": layout.pages,
        "书签": [{"标题": t, "页": p, "层级": lv} for t, p, lv in layout.bookmarks],
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()


def write_career_package(career: Career, pdf: Path, layout: CareerLayout, target: Path) -> Path:
    """The growing file as a BagIt package at `target` (replaced whole): the PDF, its record,
    and each sealed dossier with its record, as sealed."""
    payload: dict[str, Path | bytes] = {
        CAREER_PDF: pdf,
        CAREER_RECORD: career_record(career, layout),
    }
    for d in career.dossiers:
        payload[f"dossiers/{d.folder}/dossier.pdf"] = d.pdf
        payload[f"dossiers/{d.folder}/record.json"] = d.record
    info = {
        "Source-Organization": career.issuer,
        "External-Identifier": f"{career.code}-career",
        "External-Description": f"{career.name}（{career.code}）一人一档",
        "Bagging-Date": career.made_on.isoformat(),
    }
    return write_bag(target, payload, info)


def column_widths(table: CareerTable, total_mm: float) -> list[Mm]:
    """Widths shared out by what the columns hold: every header keeps to one line, and the room
    left goes to the columns whose values are longer than their header (a reason, a name)."""
    half = CELL_POINTS / 2 * 0.3528  # mm a half-width character takes
    need = [display_width(h) * half + CELL_PAD_MM for h in table.headers]
    want = [
        max(n, min(max((display_width(row[i]) for row in table.rows), default=0), 24) * half
            + CELL_PAD_MM)
        for i, n in enumerate(need)
    ]  # fmt: skip
    if sum(want) <= total_mm:
        return [Mm(w * total_mm / sum(want)) for w in want]
    spare, extra = total_mm - sum(need), [w - n for w, n in zip(want, need, strict=True)]
    return [Mm(n + spare * e / sum(extra)) for n, e in zip(need, extra, strict=True)]


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _face(style: object, east: str, points: float) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size = "Times New Roman", Pt(points)
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east)


def _run(paragraph: object, text: str, east: str, points: float, bold: bool = False) -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size, run.bold = Pt(points), bold
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east)


def _heading(doc: object, text: str) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(6)
    p.paragraph_format.keep_with_next = True
    _run(p, text, "黑体", 14)


def _grid(table: object, widths: Sequence[Mm]) -> None:
    table.style = "Table Grid"  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER  # type: ignore[attr-defined]
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = width


def _widths(table: object, widths: Sequence[Mm]) -> None:
    """Cell widths as well as the grid's: LibreOffice reads the grid, Word the cells."""
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cell(cell: object, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    _run(p, text, "黑体" if bold else "仿宋_GB2312", CELL_POINTS)
    if bold:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(row: object) -> None:
    header = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(header)  # type: ignore[attr-defined]

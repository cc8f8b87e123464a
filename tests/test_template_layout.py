"""Layouts as a clerk sees them: every default template, filled with its longest realistic
values and converted as a cycle converts, is read back from its PDF's text positions for words
broken over lines, signature blocks alone on a page and pages left mostly blank; and the reader
itself is tried on documents made to show each fault."""

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt

from appraisal.pdf import convert_many
from appraisal.pdf.layout import layout_problems, unbreakable
from appraisal.render.manifest import resolve_templates
from appraisal.render.proofs import Proof, proof_templates

pytestmark = pytest.mark.libreoffice

TEMPLATES = resolve_templates(None)
# Lists of 1 to 20 rows: a short document, and ones whose tables end at other places on a page.
ROWS = (1, 5, 8, 12, 20)


@pytest.fixture(scope="module")
def proofs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Proof]:
    made = {}
    for rows in ROWS:
        folder = tmp_path_factory.mktemp(f"proofs-{rows}")
        made.update({(p.spec.id, rows): p for p in proof_templates(TEMPLATES, folder, rows=rows)})
    return made


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("template_id", list(TEMPLATES.templates))
def test_every_default_template_prints_without_layout_faults(
    proofs: dict[tuple[str, int], Proof], template_id: str, rows: int
) -> None:
    proof = proofs[template_id, rows]
    assert proof.pdf is not None, proof.problems
    if template_id == "assessment_material" and rows == 5:
        # Known fault, left open: with the longest 考核材料 the text ends at page 1's foot and
        # the 考核组意见 row stands alone on page 2 (keeping it with the material is not solved).
        pytest.xfail("考核材料: 签字栏 alone on page 2 with the longest material (open)")
    assert proof.problems == []


def _doc(tmp: Path, name: str) -> tuple[Document, Path]:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    return doc, tmp / f"{name}.docx"


def _table(doc: Document, width_mm: float, text: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    widths = [(25, "出生年月"), (width_mm, text)]
    for column, cell, (w, t) in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = Mm(w)  # LibreOffice reads the grid, Word the cell
        run = cell.paragraphs[0].add_run(t)
        run.font.size = Pt(12)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Documents each made to show one fault, and their sound twins."""
    tmp = tmp_path_factory.mktemp("faults")
    docs: dict[str, Path] = {}

    narrow, path = _doc(tmp, "narrow")
    _table(narrow, 20, "1972年11月")
    narrow.save(str(path))
    docs["narrow"] = path
    wide, path = _doc(tmp, "wide")
    _table(wide, 40, "1972年11月")
    wide.save(str(path))
    docs["wide"] = path

    for name, tail in (("torn", ["负责人（签字）：", "年　月　日"]), ("titled", None)):
        doc, path = _doc(tmp, name)
        doc.add_paragraph("中共滨江市委统战部：")
        doc.add_paragraph("本单位对所列人员无异议。").add_run().add_break(WD_BREAK.PAGE)
        if tail:
            for line in tail:
                doc.add_paragraph(line)
        else:
            doc.add_paragraph().add_run("回　执").font.size = Pt(22)
            doc.add_paragraph("正文继续。")
        doc.save(str(path))
        docs[name] = path
    results = convert_many(list(docs.values()), tmp / "pdf")
    assert all(r.ok for r in results), [r.error for r in results]
    return {name: r.pdf for name, r in zip(docs, results, strict=True) if r.pdf}


def test_a_date_wrapped_in_a_narrow_cell_is_named(made: dict[str, Path]) -> None:
    words = unbreakable(["1972年11月", "出生年月"])
    assert words == {"1972年11月", "出生年月"}
    assert layout_problems(made["narrow"], words) == ["第1页：“1972年11月”折行，被拆开"]
    assert layout_problems(made["wide"], words) == []


def test_a_signature_block_alone_on_its_page_and_the_blank_before_it_are_named(
    made: dict[str, Path],
) -> None:
    problems = layout_problems(made["torn"], set())
    assert "第2页只有签字盖章栏，与上文分开了" in problems
    assert any(p.startswith("第1页下方空白约") for p in problems), problems
    # A page that opens with a title (回执, 目录) begins there on purpose.
    assert layout_problems(made["titled"], set()) == []


def test_letters_set_twenty_eight_characters_a_line(proofs: dict[tuple[str, int], Proof]) -> None:
    """GB/T 9704: 28 characters of 三号 to a line. Every full line of the letter's body that is
    all Chinese (digits are spaced out by pdftotext) holds exactly 28."""
    proof = proofs["solicitation_letter", 1]
    assert proof.pdf is not None
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(proof.pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    all_chinese = re.compile(r"[\u4e00-\u9fff，、。；：（）]+")
    chinese = [line for line in text.splitlines() if all_chinese.fullmatch(line)]
    full = [line for line in chinese if len(line) > 24]
    assert full, chinese
    assert {len(line) for line in full} == {28}, full

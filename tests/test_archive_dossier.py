"""assemble_dossier: real LibreOffice PDFs and image scans into one numbered, outlined PDF."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import RectangleObject

from appraisal.archive.dossier import (
    COVER_TITLE,
    DossierError,
    OutlineEntry,
    Part,
    Section,
    assemble_dossier,
    part_pages,
    plan_pages,
    read_layout,
)
from appraisal.pdf import convert_many, pdf_fonts, pdfa_claim
from appraisal.pdf.sample import write_sample_docx

META = {
    "title": "张三丰 2026年度综合评价档案",
    "author": "中共某市委统战部",
    "subject": "考核评价档案",
}
NOMINATION_ID = "AP-0001-NM-7K3QX9M2TD-H4"
EVALUATION_ID = "AP-0001-EV-2JEN09B450-2V"
LETTER_ID = "AP-0001-ZQ-F095ZAW6DT-0B"


def _require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (make setup installs LibreOffice/poppler)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run these tests")
        pytest.skip(reason)


def _cover_docx(path: Path) -> Path:
    doc = Document()
    doc.add_heading("中共某市委统战部 考核评价档案", level=1)
    doc.add_paragraph("姓名：张三丰    考核周期：2026年度党外代表人士综合评价")
    doc.add_paragraph("目　录")
    rows = [("序号", "文件名称", "文档编号", "页码"), ("1", "推荐表", NOMINATION_ID, "2")]
    table = doc.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    doc.save(str(path))
    return path


def _letter_docx(path: Path) -> Path:
    doc = Document()
    doc.add_heading("关于征求有关人员意见的函", level=1)
    doc.add_paragraph("滨江市师范大学党组织：根据工作安排，现将下列人员名单函告你单位。")
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PDF/A-2b files from LibreOffice: a one-page cover, two two-page forms, a letter."""
    _require("soffice", "pdftotext", "pdffonts", "pdfinfo")
    src = tmp_path_factory.mktemp("dossier-docx")
    docs = {
        "cover": _cover_docx(src / "cover.docx"),
        "nomination": write_sample_docx(src / "nomination.docx"),
        "evaluation": write_sample_docx(src / "evaluation.docx", title="党外代表人士综合评价表"),
        "letter": _letter_docx(src / "letter.docx"),
    }
    results = convert_many(list(docs.values()), tmp_path_factory.mktemp("dossier-pdf"))
    assert all(r.pdf for r in results), [r.error for r in results]
    return {name: r.pdf for name, r in zip(docs, results, strict=True) if r.pdf}


def scan(path: Path, *, landscape: bool = False, rotate: int = 0, origin=(0, 0)) -> Path:
    """An image-only page as a scanner makes it; optionally turned by /Rotate and with its
    boxes moved off (0, 0), the content moved along so it still shows."""
    size = (1754, 1240) if landscape else (1240, 1754)
    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).rectangle((100, 100, 400, 160), fill=0)  # "ink" near the top
    img.save(path, "PDF", resolution=150)
    if rotate or origin != (0, 0):
        writer = PdfWriter(clone_from=path)
        page = writer.pages[0]
        dx, dy = origin
        page.add_transformation(Transformation().translate(dx, dy))
        box = RectangleObject(
            [dx, dy, dx + float(page.mediabox.width), dy + float(page.mediabox.height)]
        )
        page.mediabox = box
        page.cropbox = box
        page.rotation = rotate
        writer.write(path)
    return path


def text_of_page(pdf: Path, page: int, corner: bool = False) -> str:
    """The page's text; with `corner`, only the top right corner of an A4 page (the 页号)."""
    crop = ["-x", "420", "-y", "0", "-W", "175", "-H", "60"] if corner else []
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), *crop, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
    )
    return re.sub(r"\s+", "", done.stdout.decode())


def render_gray(pdf: Path, page: int, out_prefix: Path, dpi: int = 40) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-f", str(page), "-l",
         str(page), str(pdf), str(out_prefix)],
        check=True,
    )  # fmt: skip
    return Image.open(f"{out_prefix}.png").convert("L")


@pytest.fixture(scope="module")
def mixed(office_pdfs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """Cover, 推荐 (form + scanned return), an empty stage, 综合评价 (form + a landscape scan
    turned by /Rotate), 征求意见 (letter)."""
    folder = tmp_path_factory.mktemp("dossier-mixed")
    sections = [
        Section(
            "推荐",
            [
                Part("推荐表", office_pdfs["nomination"], NOMINATION_ID),
                Part("推荐表（签署回件 第1版）", scan(folder / "ret1.pdf"), NOMINATION_ID),
            ],
        ),
        Section("考核", []),
        Section(
            "综合评价",
            [
                Part("综合评价表", office_pdfs["evaluation"], EVALUATION_ID),
                Part(
                    "综合评价表（签署回件 第1版）",
                    scan(folder / "ret2.pdf", landscape=True, rotate=90),
                    EVALUATION_ID,
                ),
            ],
        ),
        Section("征求意见", [Part("征求意见函", office_pdfs["letter"], LETTER_ID)]),
    ]
    out = folder / "dossier.pdf"
    layout = assemble_dossier(office_pdfs["cover"], sections, out, **META, keywords="档案,2026")
    return sections, out, layout


@pytest.mark.libreoffice
def test_outline_has_the_cover_one_entry_per_stage_and_one_per_part(mixed) -> None:
    sections, _, layout = mixed
    starts = plan_pages(1, sections)
    assert starts == [[2, 4], [], [5, 7], [8]]
    assert layout.pages == 8
    assert layout.outline == (
        OutlineEntry(COVER_TITLE, 1, 0),
        OutlineEntry("推荐", 2, 0),
        OutlineEntry("推荐表", 2, 1),
        OutlineEntry("推荐表（签署回件 第1版）", 4, 1),
        OutlineEntry("综合评价", 5, 0),
        OutlineEntry("综合评价表", 5, 1),
        OutlineEntry("综合评价表（签署回件 第1版）", 7, 1),
        OutlineEntry("征求意见", 8, 0),
        OutlineEntry("征求意见函", 8, 1),
    )


@pytest.mark.libreoffice
def test_read_layout_reads_back_what_was_written(mixed) -> None:
    _, out, layout = mixed
    assert read_layout(out) == layout


@pytest.mark.libreoffice
def test_every_page_after_the_cover_carries_its_physical_number(mixed) -> None:
    _, out, layout = mixed
    assert text_of_page(out, 1, corner=True) == ""  # the cover is not stamped
    for page in range(2, layout.pages + 1):
        assert text_of_page(out, page, corner=True) == str(page), page


@pytest.mark.libreoffice
def test_every_font_is_embedded(mixed) -> None:
    _, out, _ = mixed
    fonts = pdf_fonts(out)
    assert any(f.name == "LiberationSerif" for f in fonts)
    assert all(f.embedded for f in fonts), fonts


@pytest.mark.libreoffice
def test_metadata_reads_back_in_the_info_dictionary_and_xmp(mixed) -> None:
    _, out, _ = mixed
    reader = PdfReader(out)
    info = reader.metadata
    assert info is not None
    assert (info.title, info.author, info.subject) == (
        META["title"],
        META["author"],
        "考核评价档案",
    )
    assert info.creator == "appraisal"
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title == {"x-default": META["title"]}
    assert xmp.dc_creator == [META["author"]] and xmp.pdf_keywords == "档案,2026"
    shown = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True).stdout.decode()
    assert f"Title:           {META['title']}" in shown
    assert f"Author:          {META['author']}" in shown


@pytest.mark.libreoffice
def test_a_scan_among_the_parts_drops_the_pdfa_claim(office_pdfs, mixed) -> None:
    _, out, layout = mixed
    assert pdfa_claim(office_pdfs["cover"]) == (2, "B")
    assert layout.pdfa is False and pdfa_claim(out) is None
    assert "/OutputIntents" not in PdfReader(out).trailer["/Root"]


@pytest.mark.libreoffice
def test_all_pdfa_inputs_keep_the_claim_and_the_output_intent(office_pdfs, tmp_path) -> None:
    sections = [
        Section("推荐", [Part("推荐表", office_pdfs["nomination"], NOMINATION_ID)]),
        Section("征求意见", [Part("征求意见函", office_pdfs["letter"], LETTER_ID)]),
    ]
    out = tmp_path / "pdfa.pdf"
    layout = assemble_dossier(office_pdfs["cover"], sections, out, **META)
    assert layout.pdfa is True and read_layout(out).pdfa is True
    assert pdfa_claim(out) == (2, "B")
    intents = PdfReader(out).trailer["/Root"]["/OutputIntents"]
    profile = intents[0].get_object()["/DestOutputProfile"].get_object()
    assert profile.get_data()[36:40] == b"acsp"  # an ICC profile made it across


@pytest.mark.libreoffice
def test_the_same_inputs_give_the_same_bytes(office_pdfs, mixed, tmp_path) -> None:
    sections, first, _ = mixed
    again = tmp_path / "again.pdf"
    assemble_dossier(office_pdfs["cover"], sections, again, **META, keywords="档案,2026")
    assert again.read_bytes() == first.read_bytes()


@pytest.mark.libreoffice
def test_the_number_sits_at_the_top_right_and_covers_nothing(office_pdfs, mixed, tmp_path):
    _, out, _ = mixed
    before = render_gray(office_pdfs["nomination"], 1, tmp_path / "before", dpi=60)
    after = render_gray(out, 2, tmp_path / "after", dpi=60)
    w, h = after.size
    drawn = ImageChops.difference(before, after).point(lambda v: 255 if v > 64 else 0).getbbox()
    assert drawn is not None
    x0, y0, x1, y1 = drawn
    assert x0 > w * 0.8 and y1 < h * 0.06
    under = before.crop((x0 - 3, y0 - 3, x1 + 3, y1 + 3))
    assert under.getextrema()[0] > 200  # the page was blank where the number went


@pytest.mark.libreoffice
def test_a_digitally_signed_pdfa_part_keeps_the_claim_but_not_the_signature(
    office_pdfs, tmp_path
) -> None:
    from appraisal.simulate.signing import digitally_sign, make_demo_pki

    pki = make_demo_pki(tmp_path / "pki")
    signed = digitally_sign(
        office_pdfs["letter"],
        tmp_path / "signed.pdf",
        key=pki.signer_key,
        cert=pki.signer_cert,
        signer_name=pki.signer_name,
    )
    assert pdfa_claim(signed) == (2, "B") and b"/ByteRange" in signed.read_bytes()
    sections = [
        Section(
            "征求意见",
            [
                Part("征求意见函", office_pdfs["letter"], LETTER_ID),
                Part("征求意见函（签署回件 第1版）", signed, LETTER_ID),
            ],
        )
    ]
    out = tmp_path / "signed-dossier.pdf"
    layout = assemble_dossier(office_pdfs["cover"], sections, out, **META)
    assert layout.pdfa is True and pdfa_claim(out) == (2, "B")
    assert b"/ByteRange" not in out.read_bytes()
    assert "/AcroForm" not in PdfReader(out).trailer["/Root"]


# Below: no LibreOffice needed; covers and parts are scans.


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_the_number_lands_at_the_visual_top_right(tmp_path, rotate) -> None:
    _require("pdftoppm")
    part = scan(
        tmp_path / "part.pdf", landscape=rotate in (90, 270), rotate=rotate, origin=(100, 50)
    )
    out = tmp_path / "d.pdf"
    assemble_dossier(
        scan(tmp_path / "cover.pdf"), [Section("推荐", [Part("回件", part, "X")])], out, **META
    )
    before = render_gray(part, 1, tmp_path / "before")
    after = render_gray(out, 2, tmp_path / "after")
    w, h = after.size
    assert h > w and before.size == after.size  # shown upright, as portrait
    drawn = ImageChops.difference(before, after).point(lambda v: 255 if v > 64 else 0).getbbox()
    assert drawn is not None, "no page number drawn"
    x0, _, _, y1 = drawn
    assert x0 > w * 0.8 and y1 < h * 0.06  # the top right corner, as archivists number pages


@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_a_corrupt_part_is_named_in_the_error(tmp_path, damage) -> None:
    cover = scan(tmp_path / "cover.pdf")
    good = scan(tmp_path / "good.pdf")
    bad = tmp_path / "bad.pdf"
    if damage == "random":
        bad.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    else:
        bad.write_bytes(good.read_bytes()[:-2000])
    sections = [
        Section(
            "综合评价",
            [
                Part("综合评价表", good, "A"),
                Part("综合评价表（签署回件 第1版）", bad, EVALUATION_ID),
            ],
        )
    ]
    with pytest.raises(DossierError) as caught:
        assemble_dossier(cover, sections, tmp_path / "d.pdf", **META)
    message = str(caught.value)
    assert (
        "综合评价表（签署回件 第1版）" in message
        and EVALUATION_ID in message
        and str(bad) in message
    )
    assert f"{bad}：无法作为 PDF 读取 / not a readable PDF" in message, message
    assert not (tmp_path / "d.pdf").exists()
    with pytest.raises(DossierError, match=EVALUATION_ID):
        plan_pages(1, sections)


def test_a_missing_part_is_named_in_the_error(tmp_path) -> None:
    sections = [Section("推荐", [Part("推荐表", tmp_path / "nowhere.pdf", NOMINATION_ID)])]
    with pytest.raises(
        DossierError, match=f"推荐表 \\({NOMINATION_ID}\\)，文件 .*：找不到或无法读取文件 / "
    ):
        assemble_dossier(scan(tmp_path / "c.pdf"), sections, tmp_path / "d.pdf", **META)


def test_page_counts_read_beforehand_stand_and_the_rest_are_read_when_planned(tmp_path) -> None:
    one = scan(tmp_path / "one.pdf")
    two = tmp_path / "two.pdf"
    writer = PdfWriter(clone_from=one)
    writer.append(one)
    writer.write(two)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 nothing more")
    parts = [Part("a", one, "A"), Part("b", two, "B"), Part("c", bad, "C"), Part("a", one, "A")]
    # An unreadable part is left for plan_pages to name.
    assert part_pages(parts) == {one: 1, two: 2}
    sections = [Section("推荐", parts[:2]), Section("考核", [Part("d", two, "D")])]
    assert plan_pages(1, sections) == [[2, 3], [5]]
    # What was read beforehand is taken as it is, the rest read now.
    assert plan_pages(1, sections, {two: 7}) == [[2, 3], [10]]
    with pytest.raises(DossierError, match="C"):
        plan_pages(1, [Section("考核", [parts[2]])], part_pages(parts))


def test_a_part_encrypted_with_an_empty_password_is_opened(tmp_path) -> None:
    locked = PdfWriter(clone_from=scan(tmp_path / "plain.pdf"))
    locked.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    locked.write(tmp_path / "locked.pdf")
    assert PdfReader(tmp_path / "locked.pdf").is_encrypted
    out = tmp_path / "d.pdf"
    sections = [Section("推荐", [Part("推荐表", tmp_path / "locked.pdf", NOMINATION_ID)])]
    layout = assemble_dossier(scan(tmp_path / "c.pdf"), sections, out, **META)
    assert layout.pages == 2 and not PdfReader(out).is_encrypted


def test_a_part_without_pages_takes_no_page_and_no_bookmark(tmp_path) -> None:
    empty = tmp_path / "empty.pdf"
    PdfWriter().write(empty)
    sections = [
        Section("推荐", [Part("空白", empty, "E"), Part("推荐表", scan(tmp_path / "a.pdf"), "A")]),
        Section("考核", [Part("空白", empty, "E")]),
    ]
    assert plan_pages(1, sections) == [[2, 2], [3]]
    layout = assemble_dossier(scan(tmp_path / "c.pdf"), sections, tmp_path / "d.pdf", **META)
    assert layout.outline == (
        OutlineEntry(COVER_TITLE, 1, 0),
        OutlineEntry("推荐", 2, 0),
        OutlineEntry("推荐表", 2, 1),
    )
    assert read_layout(tmp_path / "d.pdf") == layout


def test_a_signed_part_keeps_its_look_but_not_its_signature(tmp_path) -> None:
    _require("pdftotext")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from appraisal.simulate.signing import make_demo_pki

    pki = make_demo_pki(tmp_path / "pki", signer_name="Demo Reviewer")
    signer = signers.SimpleSigner.load(str(pki.signer_key), str(pki.signer_cert))
    signed = tmp_path / "signed.pdf"
    with scan(tmp_path / "unsigned.pdf").open("rb") as src, signed.open("wb") as dst:
        signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name="Seal"),
            signer,
            stamp_style=TextStampStyle(stamp_text="SEALED BY %(signer)s"),
            new_field_spec=fields.SigFieldSpec("Seal", box=(300, 100, 560, 180)),
        ).sign_pdf(IncrementalPdfFileWriter(src, strict=False), output=dst)
    out = tmp_path / "d.pdf"
    sections = [Section("推荐", [Part("推荐表（签署回件 第1版）", signed, NOMINATION_ID)])]
    assemble_dossier(scan(tmp_path / "c.pdf"), sections, out, **META)
    reader = PdfReader(out)
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert "/Annots" not in reader.pages[1]
    assert b"/ByteRange" not in out.read_bytes()
    assert "SEALEDBYDemoReviewer" in text_of_page(out, 2)

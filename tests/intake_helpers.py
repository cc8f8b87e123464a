"""Real returned files for the intake tests: generated-looking PDFs, blank scans, hostile PDFs."""

import io
import shutil
import zlib
from pathlib import Path

import pytest
import segno
from docx import Document as Docx
from docx.enum.text import WD_BREAK
from docx.shared import Cm
from PIL import Image

from appraisal.identity import document_id
from appraisal.models.vocab import Stage

DOC_ID = document_id(
    cycle_id=7, stage=Stage.EVALUATION, template_id="evaluation_form", person_code="P0001",
    recipient="统战部",
)  # fmt: skip
OTHER_ID = document_id(
    cycle_id=7, stage=Stage.NOTIFICATION, template_id="notice", person_code="P0002",
    recipient="本人",
)  # fmt: skip


def generated_pdf(directory: Path, doc_id: str = DOC_ID) -> Path:
    """A two-page document as the engine generates it: ID as text and QR code on every page."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/system-deps.sh")
    from appraisal.pdf.convert import convert_one

    doc = Docx()
    header = doc.sections[0].header.paragraphs[0]
    header.text = f"文档编号：{doc_id}"
    qr = io.BytesIO()
    segno.make(doc_id, error="m").save(qr, kind="png", scale=8, border=4)
    qr.seek(0)
    doc.sections[0].header.add_paragraph().add_run().add_picture(qr, width=Cm(2.2))
    doc.add_heading("征求意见函", level=1)
    doc.add_paragraph("经研究，现就下列同志的综合评价结果征求贵单位意见。" * 3)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("回执")
    doc.add_paragraph("□无异议      □有异议")
    doc.add_paragraph("签字：")
    doc.add_paragraph("（盖章）")
    doc.add_paragraph("2026年11月22日")
    docx = directory / f"{doc_id}.docx"
    doc.save(str(docx))
    return convert_one(docx, directory / "generated.pdf", pdfa=False)


def blank_scan(path: Path, pages: int = 1) -> Path:
    """An image-only PDF with nothing on it: no text layer and no QR code."""
    imgs = [Image.new("L", (1240, 1754), 250) for _ in range(pages)]
    imgs[0].save(path, "PDF", resolution=150, save_all=True, append_images=imgs[1:])
    return path


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF file from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def operator_bomb(path: Path, repeats: int = 2_000_000) -> Path:
    """A 200 KB PDF whose one page holds 66 MB of text operators: under pypdf's decompression
    cap, but reading its text takes minutes and gigabytes."""
    content = zlib.compress(b"BT /F1 12 Tf 72 700 Td (A) Tj ET\n" * repeats, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode()
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(raw_pdf(objects))
    return path

"""Helpers for the renderer tests: small templates written with python-docx, docxtpl's output."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from appraisal.render import Image, make_environment

# The parts docxtpl renders; our copies of every other member are the template's own bytes,
# while python-docx rewrites them on save, so only these can be compared.
RENDERED = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml")


def one_paragraph_template(path: Path, *paragraphs: str, title: str = "") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if title:
        doc.core_properties.title = title
    doc.save(path)
    return path


def docxtpl_render(path: Path, context: dict[str, Any]) -> bytes:
    """Plain docxtpl with our sandboxed environment, pictures as its InlineImage."""
    tpl = DocxTemplate(path)
    ctx = {
        k: InlineImage(tpl, io.BytesIO(v.data), width=Mm(v.width_mm)) if isinstance(v, Image) else v
        for k, v in context.items()
    }
    tpl.render(ctx, make_environment())
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def rendered_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith(RENDERED)}


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def document_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)

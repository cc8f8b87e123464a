"""A simulated reviewer who stamps the PDF itself: an image of the unit's seal placed on the last
page with a PDF editor, no printing, no scanning, no digital signature. The text layer stays, so
intake matches it by its printed ID and compares its pages with the original's."""

import io
import random
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter

from appraisal.simulate import marks

SEAL_POINTS = 120.0  # a 42 mm seal


def eseal_return(pdf: Path, out: Path, *, seed: int, seal_text: str) -> Path:
    """`pdf` with a red seal image over the lower right of its last page, written to `out`.

    The same arguments give the same bytes; a different seed gives a different seal.
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    rng = random.Random(seed)
    radius = 160
    seal = Image.new("RGB", (2 * radius + 8, 2 * radius + 8), "white")
    marks.stamp(seal, seal_text, (radius + 4, radius + 4), radius, rng)
    reader = PdfReader(pdf)
    box = reader.pages[-1].mediabox
    width, height = float(box.width), float(box.height)
    overlay = io.BytesIO()
    canvas = Canvas(overlay, pagesize=(width, height), invariant=True)
    x = width * rng.uniform(0.5, 0.6)
    y = height * rng.uniform(0.15, 0.25)
    # The white around the seal is transparent, so the print under it stays visible.
    white = [245, 255, 245, 255, 245, 255]
    canvas.drawImage(ImageReader(seal), x, y, SEAL_POINTS, SEAL_POINTS, mask=white)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=reader)
    writer.pages[-1].merge_page(PdfReader(overlay).pages[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer.write(fh)
    return out

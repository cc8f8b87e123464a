"""A contact sheet: the pages of several PDFs side by side in one image, one PDF a row, to look
at every template's layout at once as a clerk would see the printed pages."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from appraisal.pdf.pdfinfo import page_images

LABEL_HEIGHT = 28
GAP = 12
LABEL_FACE = "Noto Sans CJK SC"


def _label_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", f"{LABEL_FACE}:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    try:
        return ImageFont.truetype(found, 18) if found else ImageFont.load_default()
    except OSError:
        return ImageFont.load_default()


def contact_sheet(rows: Sequence[tuple[str, Sequence[Path]]], out: Path) -> tuple[int, int]:
    """One row per (label, page images); writes `out` (PNG) and returns its size in pixels."""
    opened = [(label, [Image.open(p).convert("RGB") for p in pages]) for label, pages in rows]
    width = GAP + max(sum(i.width + GAP for i in pages) for _, pages in opened)
    tallest = [max((i.height for i in pages), default=0) for _, pages in opened]
    heights = [LABEL_HEIGHT + h + GAP for h in tallest]
    sheet = Image.new("RGB", (width, GAP + sum(heights)), "#d9dcdf")
    draw = ImageDraw.Draw(sheet)
    font = _label_font()
    y = GAP
    for (label, pages), height in zip(opened, heights, strict=True):
        draw.text((GAP, y), f"{label}（{len(pages)} 页）", fill="#1f2328", font=font)
        x = GAP
        for image in pages:
            sheet.paste(image, (x, y + LABEL_HEIGHT))
            draw.rectangle(
                (x - 1, y + LABEL_HEIGHT - 1, x + image.width, y + LABEL_HEIGHT + image.height),
                outline="#8c959f",
            )
            x += image.width + GAP
        y += height
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)
    return sheet.size


def pdfs_sheet(rows: Sequence[tuple[str, Path]], out: Path, dpi: int = 60) -> tuple[int, int]:
    """The contact sheet of labelled PDFs at `dpi`."""
    with tempfile.TemporaryDirectory(prefix="sheet-") as tmp:
        pages = [(label, page_images(pdf, Path(tmp), dpi)) for label, pdf in rows]
        return contact_sheet(pages, out)

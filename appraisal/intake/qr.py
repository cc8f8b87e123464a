"""Document IDs from the QR codes on a PDF's pages: rasterize with poppler, decode with zbar."""

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from PIL import Image
from pyzbar.pyzbar import Decoded, ZBarSymbol, decode

from appraisal.identity import parse_document_id

# Long side of the rendered page in pixels: 150 and 300 dpi on A4. Scaling to a fixed size (not
# a dpi) bounds the memory a page with a huge MediaBox can take.
SIZES = (1754, 3508)
# The ID is on every page; a long scan with no legible code on its first pages will not have one
# on page 40 either, and each rendering costs ~0.2-0.6 s.
MAX_PAGES = 6


def render_page(pdf: Path, page: int, long_side: int, workdir: Path) -> Image.Image:
    """Page `page` (1-based) as a greyscale image."""
    root = workdir / f"p{page}-{long_side}"
    subprocess.run(
        ["pdftoppm", "-q", "-gray", "-singlefile", "-f", str(page), "-l", str(page),
         "-scale-to", str(long_side), str(pdf), str(root)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    # PGM, not PNG: compressing a noisy scan costs pdftoppm ten times the rendering.
    with Image.open(root.with_suffix(".pgm")) as img:
        return img.convert("L")


def decode_codes(img: Image.Image) -> list[Decoded]:
    # pyzbar is untyped (see pyproject.toml): it returns a list of Decoded tuples.
    return cast(list[Decoded], decode(img, symbols=[ZBarSymbol.QRCODE]))


def ids_in_image(img: Image.Image) -> list[str]:
    """Valid document IDs encoded in the QR codes of an image, in reading order."""
    found = []
    for code in decode_codes(img):
        doc_id = parse_document_id(code.data.decode("utf-8", errors="replace"))
        if doc_id and doc_id not in found:
            found.append(doc_id)
    return found


def _attempts(pages: int) -> Iterator[tuple[int, int]]:
    # All pages at the low resolution first: it is four times cheaper and usually enough.
    for size in SIZES:
        for page in range(1, min(pages, MAX_PAGES) + 1):
            yield page, size


def find_qr_ids(pdf: Path, pages: int) -> tuple[str, ...]:
    """IDs from the first page whose QR code holds a valid document ID, or ()."""
    with tempfile.TemporaryDirectory(prefix="appraisal-qr-") as tmp:
        for page, size in _attempts(pages):
            try:
                img = render_page(pdf, page, size, Path(tmp))
            except subprocess.CalledProcessError:
                continue  # an unrenderable page; another may still carry the code
            ids = ids_in_image(img)
            if ids:
                return tuple(ids)
    return ()

"""Whether a born-digital return adds anything to the pages of the document it returns.

Runs in the bounded child process (the return is untrusted). Two steps, the cheap one first:

1. Each page of the return is compared, as PDF structure, with the original's page at the same
   place: its content stream, the objects it draws (images, forms) and its annotations. A page
   equal in all of them shows exactly what the original shows.
2. Only pages that differ are rasterised, the return's and the original's at the same small size,
   and compared pixel by pixel: ink is where the return is dark and the original has nothing
   printed at or next to that spot. A seal, a signature or a pasted image makes hundreds of such
   pixels; a file written again by another program (print to PDF) makes none, although it draws
   the original's thin rules and glyph edges darker or lighter than poppler did the first time.
"""

import hashlib
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageFilter

from appraisal.intake.inspection import Marks

# Pages rendered at this size, A4's proportions, about 75 dpi: a 42 mm seal is ~1,700 pixels,
# a signature several hundred.
SIZE = (620, 877)
# A pixel is ink when the return is darker than DARK there (of 255: a red seal is ~80, blue or
# black ink darker) and the original is lighter than PAPER at it and its 8 neighbours.
DARK = 128
PAPER = 230
# Fewer ink pixels than this on a page are specks, not a mark: a 1 pt signature drawn with a PDF
# editor's pen is ~300, a 42 mm seal ~1,000-2,000, a tick ~25; a reprinted page 0.
MIN_INK = 40
# The structure walk goes no deeper than this; a hostile file's loops end here.
MAX_DEPTH = 12


def _digest(obj: Any, h: "hashlib._Hash", seen: set[int], depth: int = 0) -> None:
    """Feed what `obj` draws into `h`: streams' bytes and every dictionary below, not /Parent."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > MAX_DEPTH:
        return
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            h.update(b"@")
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, StreamObject):
        # Image data is compared as stored (decoding a JPEG proves nothing more).
        h.update(obj.get_data() if obj.get("/Subtype") != "/Image" else obj._data)
    if isinstance(obj, DictionaryObject):
        for key in sorted(obj):
            if key not in ("/Parent", "/Length", "/Filter", "/DecodeParms", "/P"):
                h.update(key.encode())
                _digest(obj[key], h, seen, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _digest(item, h, seen, depth + 1)
    elif not isinstance(obj, StreamObject):
        h.update(repr(obj).encode())


def page_print(page: Any) -> str:
    """A digest of everything a page shows: its content, resources and annotations."""
    h = hashlib.sha256()
    contents = page.get_contents()
    h.update(contents.get_data() if contents is not None else b"")
    seen: set[int] = set()
    _digest(page.get("/Resources"), h, seen)
    _digest(page.get("/Annots"), h, seen)
    return h.hexdigest()


def _render(pdf: Path, page: int, workdir: Path) -> Image.Image:
    root = workdir / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-q", "-gray", "-singlefile", "-f", str(page), "-l", str(page),
         "-scale-to-x", str(SIZE[0]), "-scale-to-y", str(SIZE[1]), str(pdf), str(root)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with Image.open(root.with_suffix(".pgm")) as img:
        return img.convert("L")


def ink(returned: Image.Image, original: Image.Image | None) -> int:
    """Pixels dark in `returned` where `original` (a blank page when None) shows paper."""
    if original is None:
        original = Image.new("L", returned.size, 255)
    paper = original.filter(ImageFilter.MinFilter(3)).point(lambda v: 255 if v > PAPER else 0)
    dark = returned.point(lambda v: 255 if v < DARK else 0)
    return ImageChops.multiply(paper, dark).histogram()[255]


def compare_pages(returned: Path, original: Path) -> dict[str, str]:
    """{"marks": a Marks value, "detail": what was found, in words}."""
    from pypdf import PdfReader

    ours, theirs = PdfReader(original), PdfReader(returned, strict=False)
    prints = [page_print(p) for p in ours.pages]
    differ = [
        n
        for n, page in enumerate(theirs.pages, 1)
        if n > len(prints) or page_print(page) != prints[n - 1]
    ]
    if not differ:
        return {"marks": Marks.SAME_PAGES, "detail": "every page is the original's, unchanged"}
    with tempfile.TemporaryDirectory(prefix="appraisal-pages-") as tmp:
        mine, yours = Path(tmp) / "original", Path(tmp) / "returned"
        mine.mkdir()
        yours.mkdir()
        for n in differ:
            before = _render(original, n, mine) if n <= len(prints) else None
            found = ink(_render(returned, n, yours), before)
            if found >= MIN_INK:
                return {"marks": Marks.ADDED, "detail": f"page {n}: {found} pixels of added ink"}
    which = f"page {differ[0]}" if len(differ) == 1 else f"pages {', '.join(map(str, differ))}"
    return {
        "marks": Marks.NO_INK,
        "detail": f"{which}: written anew, but no ink added to what the original shows",
    }

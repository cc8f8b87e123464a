"""A simulated reviewer's paper return: print, sign, stamp, tick the reply, scan.

The output is image-only (no text layer), like a real scan, so intake has to find the document
through the QR code. Marks go where the document asks for them (the words 盖章, 签字, 无异议 and
有异议 located with pdftotext), never over the QR code.
"""

import datetime as dt
import html
import random
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter

from appraisal.intake.qr import decode_codes
from appraisal.models.vocab import Reply
from appraisal.pdf.pdfinfo import page_images
from appraisal.simulate import marks

_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the scanned page

    def at(self, phrase: str) -> tuple[float, float, float, float]:
        """The box of `phrase` inside this word, by character share."""
        x0, y0, x1, y1 = self.box
        i = self.text.index(phrase)
        per = (x1 - x0) / max(1, len(self.text))
        return x0 + i * per, y0, x0 + (i + len(phrase)) * per, y1


def _words(pdf: Path, dpi: int) -> list[list[Word]]:
    raw = subprocess.run(
        ["pdftotext", "-q", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    scale = dpi / 72
    return [
        [
            Word(html.unescape(t), tuple(float(v) * scale for v in (a, b, c, d)))  # type: ignore[arg-type]
            for a, b, c, d, t in _WORD.findall(body)
        ]
        for _w, _h, body in _PAGE.findall(raw)
    ]


def _find(words: list[Word], phrase: str) -> tuple[float, float, float, float] | None:
    for word in words:
        if phrase in word.text:
            return word.at(phrase)
    return None


Box = tuple[float, float, float, float]


def _clear_spot(avoid: list[Box], page: tuple[int, int], centre: tuple[float, float],
                half: tuple[float, float]) -> tuple[int, int]:  # fmt: skip
    """Where a mark of half-size `half` near `centre` stays on the page and off the QR codes."""
    (w, h), (rx, ry) = page, half
    for dx, dy in [(0, 0), (0, 1), (1, 0), (1, 1), (-1, 0), (0, 2), (2, 0), (-1, 1), (2, 2)]:
        x = min(max(centre[0] + dx * rx, rx), w - rx)
        y = min(max(centre[1] + dy * ry, ry), h - ry)
        if not any(
            x + rx > a[0] and x - rx < a[2] and y + ry > a[1] and y - ry < a[3] for a in avoid
        ):
            return int(x), int(y)
    return int(centre[0]), int(centre[1])


def _sign_and_stamp(
    page: Image.Image, words: list[Word], signer: str, seal: str, size: int, dpi: int,
    rng: random.Random,
) -> None:  # fmt: skip
    qr = [(c.rect.left - 8, c.rect.top - 8, c.rect.left + c.rect.width + 8,
           c.rect.top + c.rect.height + 8) for c in decode_codes(page.convert("L"))]  # fmt: skip
    w, h = page.size
    radius = int(dpi * 0.8)  # a 42 mm seal
    seal_at = _find(words, "盖章") or _find(words, "公章")
    centre = ((seal_at[0] + seal_at[2]) / 2, seal_at[1]) if seal_at else (w * 0.7, h * 0.75)
    centre = (centre[0] + rng.uniform(-0.1, 0.1) * radius, centre[1])
    cx, cy = _clear_spot(qr, (w, h), centre, (radius, radius))
    half = (size * len(signer) * 0.45, size * 0.8)
    sign_at = _find(words, "签字") or _find(words, "签名")
    near = (
        (sign_at[2] + size + half[0], (sign_at[1] + sign_at[3]) / 2)
        if sign_at
        else (cx, cy + radius + size)
    )
    sx, sy = _clear_spot(qr, (w, h), near, half)
    marks.signature(page, signer, (int(sx - half[0]), int(sy - half[1])), size, rng)
    marks.stamp(page, seal, (cx, cy), radius, rng)


def _reply_marks(
    page: Image.Image, words: list[Word], reply: Reply, text: str, size: int, rng: random.Random
) -> None:
    where = _find(words, reply.value)
    if where is None:  # a template without the printed choice: write the answer out
        w, h = page.size
        where = (w * 0.2, h * 0.62, w * 0.2 + 3 * size, h * 0.62 + size)
        marks.handwriting(page, reply.value, (int(where[0]), int(where[1])), size, rng)
    x0, y0, _x1, y1 = where
    em = y1 - y0
    marks.tick(page, (x0 - 0.6 * em, (y0 + y1) / 2), em, rng)
    if text:
        line_chars = max(8, int((page.width * 0.75 - x0) / size))
        for n, start in enumerate(range(0, len(text), line_chars)):
            at = (int(x0), int(y1 + size * (0.6 + 1.4 * n)))
            marks.handwriting(page, text[start : start + line_chars], at, size, rng)


def _degrade(page: Image.Image, rng: random.Random) -> Image.Image:
    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor="white")
    grain = marks.noise(page.size, rng).convert("RGB")
    return Image.blend(page, grain, 0.04).filter(ImageFilter.GaussianBlur(0.4))


def scan_return(
    pdf: Path,
    out: Path,
    *,
    seed: int,
    signer_name: str,
    stamp_text: str,
    reply: Reply | None = None,
    reply_text: str = "",
    dpi: int = 150,
    scanned_at: dt.datetime | None = None,
) -> Path:
    """Sign and stamp the last page of `pdf`, tick `reply` (with `reply_text`), scan to `out`.

    The same arguments give the same bytes: the file's dates are `scanned_at`, or a fixed date.
    """
    rng = random.Random(seed)
    words = _words(pdf, dpi)
    size = int(dpi * 0.22)  # handwriting ~5.6 mm high
    with tempfile.TemporaryDirectory(prefix="appraisal-scan-") as tmp:
        pages = [Image.open(p).convert("RGB") for p in page_images(pdf, Path(tmp), dpi, gray=True)]
    if not pages:
        raise ValueError(f"{pdf}: no pages to scan")
    words += [[] for _ in range(len(pages) - len(words))]
    for i, page in enumerate(pages):
        if reply is not None and (_find(words[i], reply.value) or i == len(pages) - 1):
            _reply_marks(page, words[i], reply, reply_text, size, rng)
            reply = None
    _sign_and_stamp(pages[-1], words[-1], signer_name, stamp_text, size, dpi, rng)
    scanned = [_degrade(p, rng) for p in pages]
    out.parent.mkdir(parents=True, exist_ok=True)
    when = (scanned_at or _FIXED_DATE).astimezone(dt.UTC).timetuple()
    scanned[0].save(
        out, "PDF", resolution=dpi, save_all=True, append_images=scanned[1:], quality=75,
        creationDate=when, modDate=when, title=None,  # Pillow's default title is the file name
    )  # fmt: skip
    return out

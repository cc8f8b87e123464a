"""The simulated paper reviewer: where its marks land, and that it is repeatable."""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from intake_helpers import DOC_ID, generated_pdf
from PIL import Image, ImageChops

from appraisal.intake.qr import ids_in_image
from appraisal.models.vocab import Reply
from appraisal.simulate import scan_return

DPI = 150


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_pdf(tmp_path_factory.mktemp("simulate"))


def _pages(pdf: Path, tmp: Path) -> list[Image.Image]:
    # PPM: pdftoppm takes seconds to PNG-compress a noisy scan.
    subprocess.run(["pdftoppm", "-r", str(DPI), str(pdf), str(tmp / "pg")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp.glob("pg-*.ppm"))]


def _where(channel: Image.Image, test: Callable[[int], bool]) -> Image.Image:
    return channel.point(lambda v: 255 if test(v) else 0)


def _red(img: Image.Image) -> Image.Image:
    r, g, b = img.split()
    return ImageChops.multiply(
        _where(r, lambda v: v > 150),
        ImageChops.multiply(_where(g, lambda v: v < 110), _where(b, lambda v: v < 110)),
    )


def _ink(img: Image.Image) -> Image.Image:
    """Blue-black ballpoint: bluer than red by a margin, and dark in red."""
    r, _g, b = img.split()
    return ImageChops.multiply(
        _where(ImageChops.subtract(b, r), lambda v: v > 25), _where(r, lambda v: v < 140)
    )


def _count(
    img: Image.Image, box: tuple[float, ...], colour: Callable[[Image.Image], Image.Image]
) -> int:
    return colour(img.crop(tuple(int(v) for v in box))).histogram()[255]


def _box_of(pdf: Path, phrase: str) -> tuple[float, float, float, float]:
    """Pixel box of the printed word holding `phrase` on the last page."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    last = xml.rsplit("<page ", 1)[1]
    for m in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', last
    ):
        if phrase in m.group(5):
            x0, y0, x1, y1 = (float(v) * DPI / 72 for v in m.groups()[:4])
            share = (x1 - x0) / len(m.group(5))
            start = x0 + m.group(5).index(phrase) * share
            return start - 40, y0 - 15, start + 10, y1 + 15  # the box printed before the word
    raise AssertionError(f"{phrase} not printed in {pdf}")


def test_stamp_and_signature_go_on_the_last_page_only(generated: Path, tmp_path: Path) -> None:
    scan = scan_return(
        generated, tmp_path / "s.pdf", seed=1, signer_name="陈静", stamp_text="某某大学党委"
    )
    first, last = _pages(scan, tmp_path)
    whole = (0, 0, first.width, first.height)
    assert _count(first, whole, _red) < 50
    assert _count(last, whole, _red) > 3000  # a 42 mm seal of red ink
    assert _count(last, whole, _ink) > 150 and _count(first, whole, _ink) < 30  # the signature
    assert ids_in_image(last.convert("L")) == [DOC_ID]  # the seal never covers the QR code


@pytest.mark.parametrize(("reply", "ticked", "blank"), [
    (Reply.OBJECTION, "有异议", "无异议"),
    (Reply.NO_OBJECTION, "无异议", "有异议"),
])  # fmt: skip
def test_reply_is_ticked_on_the_printed_choice(
    generated: Path, tmp_path: Path, reply: Reply, ticked: str, blank: str
) -> None:
    text = "该同志有未结案件，正在立案审查" if reply is Reply.OBJECTION else ""
    scan = scan_return(
        generated, tmp_path / "r.pdf", seed=5, signer_name="周强", stamp_text="某某市纪委监委",
        reply=reply, reply_text=text,
    )  # fmt: skip
    last = _pages(scan, tmp_path)[-1]
    assert _count(last, _box_of(generated, ticked), _ink) > 40
    assert _count(last, _box_of(generated, blank), _ink) < 10
    if text:  # the objection is written out below the choice
        x0, _y0, _x1, y1 = _box_of(generated, ticked)
        assert _count(last, (x0, y1, last.width, y1 + DPI), _ink) > 500


def test_same_seed_same_bytes_other_seed_other_hand(generated: Path, tmp_path: Path) -> None:
    def scan(seed: int, name: str) -> bytes:
        out = scan_return(
            generated, tmp_path / name, seed=seed, signer_name="陈静", stamp_text="某某大学"
        )
        return out.read_bytes()

    first = scan(3, "a.pdf")
    assert scan(3, "b.pdf") == first
    assert scan(4, "c.pdf") != first

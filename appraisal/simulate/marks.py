"""What a reviewer adds to paper: a handwritten signature, a red round stamp, a tick, a note.

Drawn with Pillow in a CJK font found through fontconfig, with seeded jitter so each reviewer's
hand looks a little different and the same seed draws the same marks.
"""

import math
import random
import subprocess
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

INK = (20, 30, 90)  # blue-black ballpoint
SEAL_RED = (215, 30, 40)
FONT_FAMILIES = {
    "sans": "Noto Sans CJK SC",
    "bold": "Noto Sans CJK SC:bold",
    "serif": "Noto Serif CJK SC",
}


@lru_cache
def _font_file(family: str) -> tuple[str, int]:
    pattern = FONT_FAMILIES[family]
    out = subprocess.run(
        ["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True, text=True, check=True
    ).stdout
    path, _, index = out.partition("|")
    if not path:
        raise RuntimeError(f"no font for {pattern!r}: install fonts-noto-cjk")
    return path, int(index or 0)


@lru_cache(maxsize=64)
def font(family: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_file(family)
    return ImageFont.truetype(path, size, index=index)


def _glyph(char: str, size: int, colour: tuple[int, int, int], angle: float) -> Image.Image:
    f = font("serif", size)
    x0, _, x1, _ = f.getbbox(char)
    pad = size // 4
    # Full line height, not the ink's box: a comma must sit low and a dash in the middle.
    # getbbox is typed as floats, but a FreeType font measures whole pixels.
    img = Image.new("RGBA", (int(x1 - x0) + 2 * pad, int(size * 1.5)), (0, 0, 0, 0))
    ImageDraw.Draw(img).text((pad - x0, pad), char, font=f, fill=colour)
    return img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)


def handwriting(
    page: Image.Image, text: str, at: tuple[int, int], size: int, rng: random.Random
) -> tuple[int, int]:
    """Write `text` at `at` (top left) in a hasty hand; returns the right-bottom corner."""
    x, y = at
    bottom = y
    for char in text:
        if char == " ":
            x += size // 2
            continue
        s = int(size * rng.choice((0.9, 1.0, 1.12)))  # few sizes: each loaded font costs 50 ms
        glyph = _glyph(char, s, INK, rng.uniform(-12, 8))
        dy = int(rng.uniform(-0.12, 0.12) * size)
        page.paste(glyph, (x, y + dy), glyph)
        x += int(glyph.width * rng.uniform(0.62, 0.8))
        bottom = max(bottom, y + dy + glyph.height)
    return x, bottom


def signature(
    page: Image.Image, name: str, at: tuple[int, int], size: int, rng: random.Random
) -> None:
    """The signer's name, slanted and run together, with a flourish underneath."""
    x1, y1 = handwriting(page, name, at, size, rng)
    draw = ImageDraw.Draw(page)
    x0, base = at[0] - size // 3, y1 - size // 5
    # A loose cubic curve under the name, as people finish a signature.
    c1 = (x0 + (x1 - x0) * 0.3, base + size * rng.uniform(0.2, 0.5))
    c2 = (x0 + (x1 - x0) * 0.8, base - size * rng.uniform(0.3, 0.7))
    end = (x1 + size * 0.6, base - size * rng.uniform(0.2, 0.6))
    points = []
    for i in range(41):
        t = i / 40
        px = (
            (1 - t) ** 3 * x0
            + 3 * (1 - t) ** 2 * t * c1[0]
            + 3 * (1 - t) * t**2 * c2[0]
            + t**3 * end[0]
        )
        py = (
            (1 - t) ** 3 * base
            + 3 * (1 - t) ** 2 * t * c1[1]
            + 3 * (1 - t) * t**2 * c2[1]
            + t**3 * end[1]
        )
        points.append((px, py))
    draw.line(points, fill=INK, width=max(2, size // 14), joint="curve")


def tick(page: Image.Image, centre: tuple[float, float], size: float, rng: random.Random) -> None:
    cx, cy = centre
    j = rng.uniform(-0.1, 0.1) * size
    points = [
        (cx - 0.45 * size, cy + j),
        (cx - 0.1 * size, cy + 0.4 * size),
        (cx + 0.6 * size, cy - 0.6 * size + j),
    ]
    ImageDraw.Draw(page).line(points, fill=INK, width=max(2, int(size / 7)), joint="curve")


def noise(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Uniform grey noise from the seeded generator (Pillow's own noise ignores our seed)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _seal_mask(text: str, radius: int, rng: random.Random) -> Image.Image:
    """A round official seal as a grey mask: ring, star, the name along the upper arc."""
    side = 2 * radius + 8
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    c = side / 2
    ring = max(3, radius // 18)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star_r = radius * 0.3
    star = [
        (c + (star_r if i % 2 == 0 else star_r * 0.38) * math.sin(i * math.pi / 5),
         c - (star_r if i % 2 == 0 else star_r * 0.38) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]  # fmt: skip
    draw.polygon(star, fill=255)
    chars = list(text) or ["章"]
    size = max(10, int(radius * 0.32))
    span = min(250.0, 24.0 * len(chars) + 40)
    text_r = radius - ring - size * 0.7
    for i, char in enumerate(chars):
        # Angles run clockwise from the left across the top; 0 degrees is straight up.
        a = -span / 2 + span * (i + 0.5) / len(chars)
        g = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(g).text((size, size), char, font=font("bold", size), fill=255, anchor="mm")
        g = g.rotate(-a, resample=Image.Resampling.BICUBIC)
        gx = c + text_r * math.sin(math.radians(a)) - size
        gy = c - text_r * math.cos(math.radians(a)) - size
        mask.paste(255, (int(gx), int(gy)), g)
    # Ink never lands evenly: knock out specks so the paper shows through.
    speckle = noise((side, side), rng).point(lambda v: 0 if v < 40 else 255)
    mask = ImageChops.multiply(mask, speckle)
    return mask.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)


def stamp(
    page: Image.Image, text: str, centre: tuple[int, int], radius: int, rng: random.Random
) -> None:
    """Press a red seal onto `page` (RGB): multiplied, so the print under it stays visible."""
    mask = _seal_mask(text, radius, rng)
    layer = Image.new("RGB", page.size, (255, 255, 255))
    ink = Image.new("RGB", mask.size, SEAL_RED)
    layer.paste(ink, (centre[0] - mask.width // 2, centre[1] - mask.height // 2), mask)
    page.paste(ImageChops.multiply(page, layer))

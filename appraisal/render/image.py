"""Pictures placed per document (the QR code): context values that render to drawing XML."""

from __future__ import annotations

import hashlib
import struct
import zlib
from contextvars import ContextVar
from functools import lru_cache
from typing import Protocol

import segno
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as _DocxImage
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Mm

# Placeholders python-docx writes into its inline-picture XML, replaced per placement: the XML
# then matches what docxtpl's InlineImage produces, without building it element by element.
_CX, _CY, _RID, _SHAPE = "987654321", "987654322", "rId987654323", "987654324"


class ImagePlacer(Protocol):
    def place(self, image: Image) -> tuple[str, int]:
        """Register `image` in the part being rendered; return its rId and drawing id."""
        ...

    def mark_raw(self) -> None:
        """A value printed markup (not escaped text) into the part being rendered."""
        ...


_placer: ContextVar[ImagePlacer | None] = ContextVar("appraisal_render_placer", default=None)


def active_placer() -> ContextVar[ImagePlacer | None]:
    """The context variable the renderer sets while it renders one part."""
    return _placer


@lru_cache(maxsize=8)
def _inline_xml(filename: str) -> str:
    return CT_Inline.new_pic_inline(int(_SHAPE), _RID, filename, Emu(int(_CX)), Emu(int(_CY))).xml


class Image:
    """A PNG or JPEG shown inline at `width_mm`, height from its aspect ratio."""

    def __init__(self, data: bytes, width_mm: float) -> None:
        try:
            info = _DocxImage.from_blob(data)
        except (UnrecognizedImageError, ValueError, IndexError) as exc:
            raise ValueError(
                f"不是 PNG、JPEG 或 GIF 图片（{len(data)} 字节） / "
                f"not a PNG/JPEG/GIF image ({len(data)} bytes): {exc}"
            ) from None
        if not width_mm > 0:
            raise ValueError(
                f"图片宽度须大于 0，现为 {width_mm} 毫米 / "
                f"image width must be positive, got {width_mm} mm"
            )
        self.data = data
        self.width_mm = width_mm
        self.ext: str = info.ext
        self.content_type: str = info.content_type
        self.filename: str = info.filename
        self.cx, self.cy = (int(v) for v in info.scaled_dimensions(Mm(width_mm), None))
        # Same key python-docx uses to store one copy of identical pictures.
        self.sha1 = hashlib.sha1(data).hexdigest()

    def drawing_xml(self, rid: str, shape_id: int) -> str:
        inline = (
            _inline_xml(self.filename)
            .replace(_CX, str(self.cx))
            .replace(_CY, str(self.cy))
            .replace(_RID, rid)
            .replace(_SHAPE, str(shape_id))
        )
        # Same splice as docxtpl's InlineImage: close the text run, add a drawing run, reopen.
        return (
            f'</w:t></w:r><w:r><w:drawing>{inline}</w:drawing></w:r><w:r><w:t xml:space="preserve">'
        )

    def __html__(self) -> str:
        placer = _placer.get()
        if placer is None:
            raise ValueError(
                "图片只能出现在文档正文中，不能放在这里 / "
                "a picture can only appear in the document text, not here"
            )
        rid, shape_id = placer.place(self)
        return self.drawing_xml(rid, shape_id)

    def __str__(self) -> str:
        return self.__html__()

    def __repr__(self) -> str:
        return f"Image({self.filename}, {len(self.data)} bytes, {self.width_mm} mm)"


# segno's PNG of a QR code, black on white, eight pixels a module, a quiet zone of four.
QR_SCALE = 8
QR_BORDER = 4
# A module is one byte of one-bit pixels at this scale: dark 0x00 (black), light 0xFF (white).
_MODULE_BYTES = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def qr_png(matrix: tuple[bytearray, ...]) -> bytes:
    """The very bytes segno's `save(kind="png", scale=8, border=4)` writes for `matrix` (rows
    of 0 light and 1 dark), without its pixel-by-pixel loop: 2 ms less a document."""
    side = (len(matrix) + 2 * QR_BORDER) * QR_SCALE  # pixels
    row_bytes = side // 8
    quiet = b"\x00" + b"\xff" * row_bytes  # filter "None", all white
    edge = b"\xff" * QR_BORDER
    repeat = (b"\x02" + b"\x00" * row_bytes) * (QR_SCALE - 1)  # filter "Up": as the row above
    rows = [quiet * (QR_BORDER * QR_SCALE)]
    for row in matrix:
        rows.append(b"\x00" + edge + bytes(row).translate(_MODULE_BYTES) + edge + repeat)
    rows.append(quiet * (QR_BORDER * QR_SCALE))
    header = struct.pack(">2I5B", side, side, 1, 0, 0, 0, 0)  # one-bit greyscale
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)),
            _png_chunk(b"IEND", b""),
        )
    )


def qr_image(text: str, width_mm: float = 20) -> Image:
    """A QR code of `text` (medium error correction survives a stamp or a fold)."""
    qr = segno.make(text, error="m", micro=False)
    return Image(qr_png(qr.matrix), width_mm)

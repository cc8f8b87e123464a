"""The QR code's PNG is written by our own short path: byte for byte what segno writes."""

import io
import random
import string

import segno

from appraisal.render.image import QR_BORDER, QR_SCALE, qr_image, qr_png


def _segno_png(qr: segno.QRCode) -> bytes:
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buf.getvalue()


def test_our_png_is_segnos_for_every_size_of_code() -> None:
    rng = random.Random(2026)
    alphabet = string.ascii_uppercase + string.digits + "-"
    texts = ["AP-0001-NO-00A6N5REQ7-J7", "中文编号-甲乙丙", "x"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(60)]
    versions = set()
    for text in texts:
        qr = segno.make(text, error="m", micro=False)
        versions.add(qr.version)
        assert qr_png(qr.matrix) == _segno_png(qr), text
    assert len(versions) >= 8  # small and large codes alike


def test_the_document_picture_is_that_png() -> None:
    text = "AP-0001-AS-0123456789-K2"
    image = qr_image(text)
    assert image.data == _segno_png(segno.make(text, error="m", micro=False))
    assert image.content_type == "image/png" and image.width_mm == 20

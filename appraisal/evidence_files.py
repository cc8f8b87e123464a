"""Files a person sends in (a 履职申报's evidence: a PDF, JPG or PNG; a 年度履职报告: a PDF),
checked before they are kept.

The file's first bytes decide what it is, never its name: a .pdf that is really a Word file is
refused, naming it, as is one too big, empty or a PDF that cannot be opened.
"""

from collections.abc import Mapping
from pathlib import Path

from appraisal.pdf.pdfinfo import PdfInfoError, pdf_pages

# First bytes → the suffix the kept file gets and the media type it is served with.
KINDS: dict[bytes, tuple[str, str]] = {
    b"%PDF-": (".pdf", "application/pdf"),
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": (".png", "image/png"),
}
MEDIA = {suffix: media for suffix, media in KINDS.values()}
PDF_ONLY = {b"%PDF-": KINDS[b"%PDF-"]}
NOT_EVIDENCE = (
    "不是 PDF、JPG 或 PNG 文件，请扫描或拍照后上传 / the evidence must be a PDF, JPG or PNG"
)


class EvidenceError(Exception):
    """Evidence that cannot be kept, with the reason naming the file."""


def checked_evidence(source: Path, shown: str, limit: int) -> tuple[str, int]:
    """The suffix the evidence is kept under and its size; refused, naming `shown`, when it is
    not a PDF/JPG/PNG, is empty or larger than `limit` bytes, or is a PDF that cannot be read."""
    suffix, size, _ = checked_upload(source, shown, limit)
    return suffix, size


def checked_upload(
    source: Path,
    shown: str,
    limit: int,
    kinds: Mapping[bytes, tuple[str, str]] = KINDS,
    not_kind: str = NOT_EVIDENCE,
) -> tuple[str, int, int]:
    """The suffix, size and pages (1 for an image) of a file of one of `kinds`; refused, naming
    `shown`, when it is of none (`not_kind` says so), empty, larger than `limit` bytes, or a PDF
    that cannot be read."""
    try:
        size = source.stat().st_size
        with source.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise EvidenceError(f"{shown} 无法读取 / cannot read the file: {e}") from e
    if size == 0:
        raise EvidenceError(f"{shown} 是空文件 / the file is empty")
    if size > limit:
        raise EvidenceError(
            f"{shown} 有 {size / 1048576:.1f} MB，超过 {limit // 1048576} MB 的上限，请压缩或"
            f"降低扫描分辨率后再上传 / the file is larger than {limit // 1048576} MB"
        )
    suffix = next((s for magic, (s, _) in kinds.items() if head.startswith(magic)), None)
    if suffix is None:
        raise EvidenceError(f"{shown} {not_kind}")
    pages = 1
    if suffix == ".pdf":
        try:
            pages = pdf_pages(source)
        except PdfInfoError as e:
            raise EvidenceError(f"{shown} 无法打开，文件可能已损坏 / the PDF cannot be read") from e
        if pages < 1:
            raise EvidenceError(f"{shown} 没有页面 / the PDF has no pages")
    return suffix, size, pages

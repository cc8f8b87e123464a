"""What inspecting one returned file found: plain values the intake records or quarantines on.

A reason is written for the person who has to act on it (the reviewer who sent the file, or the
staff member chasing it), in Chinese and English, and always names the file.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from appraisal.files import shown_name
from appraisal.identity import cycle_of


class Problem(StrEnum):
    NOT_PDF = "not_pdf"
    ENCRYPTED = "encrypted"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    NO_ID = "no_id"
    TIMEOUT = "timeout"
    TOO_COMPLEX = "too_complex"
    # Not taken in at all, nothing stored: left where it is (or gone), with its line of output.
    NOT_REGULAR = "not_regular"
    GONE = "gone"


LEFT_ALONE = frozenset({Problem.NOT_REGULAR, Problem.GONE})


class Marks(StrEnum):
    """What a born-digital, unsigned return shows beyond the original's pages."""

    SAME_PAGES = "same_pages"  # every page is the original's page, unchanged
    NO_INK = "no_ink"  # pages were written anew but show nothing the original does not
    ADDED = "added"  # some page shows ink, a stamp or an image the original does not have
    UNCOMPARED = "uncompared"  # the comparison itself failed (timeout, unrenderable page)


class MatchedBy(StrEnum):
    TEXT = "text"
    QR = "qr"
    FILENAME = "filename"


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as pyHanko judged it."""

    field_name: str
    signer: str
    signed_at: str  # ISO 8601 as the signer's machine claimed it; not a trusted time
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # intact and the cryptographic signature verifies
    trusted: bool  # the signer's certificate chains to a configured trust root
    covers_whole_file: bool
    modified_after_signing: bool
    summary: str


@dataclass(frozen=True)
class SignatureInfo:
    """All signatures of a file, and the overall verdict staff see."""

    signed: bool = False
    signer: str = ""
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    modified_after_signing: bool = False
    summary: str = ""
    signatures: tuple[SignatureCheck, ...] = ()


UNSIGNED = SignatureInfo()


@dataclass(frozen=True)
class Inspection:
    path: Path
    size: int
    sha256: str = ""  # empty only when the file was refused before reading (too large)
    pages: int = 0
    text_ids: tuple[str, ...] = ()
    qr_ids: tuple[str, ...] = ()
    filename_id: str | None = None
    document_id: str | None = None
    matched_by: MatchedBy | None = None
    id_conflict: str = ""  # set when the ID sources disagree; the preferred one still wins
    signature: SignatureInfo = field(default=UNSIGNED)
    text_layer: bool = False  # born digital (or a scan with OCR), not an image-only scan
    marks: Marks | None = None  # set when the pages were compared with the original's
    marks_detail: str = ""
    problem: Problem | None = None
    reason: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def cycle_id(self) -> int | None:
        return cycle_of(self.document_id) if self.document_id else None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things staff should look at even though the file was matched."""
        notes = []
        if self.id_conflict:
            notes.append(self.id_conflict)
        sig = self.signature
        if sig.signed and (sig.modified_after_signing or not sig.valid or not sig.trusted):
            notes.append(sig.summary)
        return tuple(notes)


def choose_id(
    text_ids: tuple[str, ...], qr_ids: tuple[str, ...], filename_id: str | None
) -> tuple[str | None, MatchedBy | None, str]:
    """The document ID to match on, how it was found, and a note if the sources disagree.

    The text layer is what the document itself says, so it wins over the QR code, which wins
    over a file name someone typed.
    """
    sources: list[tuple[MatchedBy, tuple[str, ...]]] = [
        (MatchedBy.TEXT, text_ids),
        (MatchedBy.QR, qr_ids),
        (MatchedBy.FILENAME, (filename_id,) if filename_id else ()),
    ]
    chosen: tuple[str, MatchedBy] | None = None
    seen: dict[str, list[str]] = {}
    for how, ids in sources:
        for doc_id in ids:
            seen.setdefault(doc_id, []).append(how.value)
            if chosen is None:
                chosen = (doc_id, how)
    if chosen is None:
        return None, None, ""
    conflict = ""
    if len(seen) > 1:
        listed = "; ".join(f"{doc_id} ({', '.join(hows)})" for doc_id, hows in seen.items())
        conflict = (
            f"文档编号不一致 / document IDs disagree: {listed}; matched {chosen[0]} "
            f"from the {chosen[1].value}: check this is the right document"
        )
    return chosen[0], chosen[1], conflict


def _bytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def reason_for(
    problem: Problem, name: str, detail: str = "", *, limit: int = 0, size: int = 0
) -> str:
    """A sentence a person can act on, naming the file (escaped: names come from senders)."""
    name = shown_name(name)
    note = f" ({detail})" if detail else ""
    match problem:
        case Problem.NOT_PDF:
            return (
                f"不是PDF文件 / not a PDF: {name}{note}; scan or export the signed document "
                "as PDF and send it again"
            )
        case Problem.ENCRYPTED:
            return (
                f"PDF已加密 / encrypted PDF: {name} is protected by a password or permissions; "
                "send it again without protection"
            )
        case Problem.UNREADABLE:
            return (
                f"PDF文件损坏或不完整 / unreadable PDF: {name} is truncated or damaged{note}; "
                "send the file again"
            )
        case Problem.TOO_LARGE:
            return (
                f"文件过大 / file too large: {name} is {_bytes(size)}, the limit is "
                f"{_bytes(limit)}; scan at 150-300 dpi in greyscale, or split it"
            )
        case Problem.NO_ID:
            return (
                f"未找到文档编号 / no document ID found in {name}: check the QR code is on the "
                "page and legible, or put the ID in the file name"
            )
        case Problem.TIMEOUT:
            return (
                f"处理超时 / took too long to read: {name} was stopped after {limit} s; it may be "
                "damaged or unusually complex: print and scan it again, or export it again as PDF"
            )
        case Problem.TOO_COMPLEX:
            return (
                f"文件过于复杂 / too complex to read: {name} needed more than {limit} MB of "
                "memory; print and scan it again, or export it again as PDF"
            )
        case Problem.NOT_REGULAR:
            return f"不是普通文件，未导入 / not a regular file, left alone: {name} is {detail}"
        case Problem.GONE:
            return (
                f"文件已不存在 / the file is gone: {name} was moved or deleted before it could be "
                "read; nothing was recorded"
            )

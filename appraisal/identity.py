"""Stable document IDs: printed on every page (text and QR) and read back from returned scans.

An ID is a pure function of what the document is (cycle, stage, template, person, recipient), so
running a stage again yields the same IDs. Form: ``AP-0007-EV-7K3QX9M2TD-H4``: cycle number, stage
code, ten Crockford base32 characters of a SHA-256 digest, and two check characters that catch
any single mistyped or misread character and any swap of neighbours.
"""

import hashlib
import re

from appraisal.models.vocab import Stage
from appraisal.stages import STAGE_CODES

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_BODY = 10
ID_PATTERN = re.compile(
    rf"AP-(\d{{4,}})-({'|'.join(STAGE_CODES.values())})-([{ALPHABET}]{{{_BODY}}})-([{ALPHABET}]{{2}})"
)
# Scans and file names drop or mangle the hyphens; this finds the same IDs without them.
LOOSE_PATTERN = re.compile(
    rf"AP[-_ ]?(\d{{4,}})[-_ ]?({'|'.join(STAGE_CODES.values())})[-_ ]?"
    rf"([{ALPHABET}]{{{_BODY}}})[-_ ]?([{ALPHABET}]{{2}})"
)


def _check_chars(payload: str) -> str:
    # Position-weighted sum modulo the prime 1021: weight times difference is below 1021 in size,
    # so one changed character or two swapped neighbours always change the sum, and a misread ID
    # is rejected instead of matching another document.
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(payload)) % 1021
    return ALPHABET[total // 32] + ALPHABET[total % 32]


def document_id(
    *, cycle_id: int, stage: Stage, template_id: str, person_code: str, recipient: str
) -> str:
    key = "\x1f".join([str(cycle_id), stage.value, template_id, person_code, recipient])
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    body = "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(_BODY))
    payload = f"{cycle_id:04d}{STAGE_CODES[stage]}{body}"
    return f"AP-{cycle_id:04d}-{STAGE_CODES[stage]}-{body}-{_check_chars(payload)}"


def parse_document_id(text: str) -> str | None:
    """The first valid document ID in `text` (hyphens optional), normalised, or None."""
    for m in LOOSE_PATTERN.finditer(text.upper()):
        cycle, stage, body, check = m.groups()
        if _check_chars(f"{cycle}{stage}{body}") == check:
            return f"AP-{cycle}-{stage}-{body}-{check}"
    return None


def cycle_of(doc_id: str) -> int:
    m = ID_PATTERN.fullmatch(doc_id)
    if not m:
        raise ValueError(f"not a document ID: {doc_id!r}")
    return int(m.group(1))

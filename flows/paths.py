"""Where a cycle's files live under the output folder."""

from pathlib import Path

from appraisal.settings import get_settings
from models.vocab import Stage


def cycle_dir(cycle_id: int) -> Path:
    return get_settings().output_dir.resolve() / f"cycle-{cycle_id:04d}"


def documents_dir(cycle_id: int, stage: Stage) -> Path:
    return cycle_dir(cycle_id) / "documents" / stage.value


def pdf_cache_dir(cycle_id: int) -> Path:
    """PDFs by the SHA-256 of their .docx: an unchanged document is never converted twice."""
    return cycle_dir(cycle_id) / ".pdf-cache"


def outbox_dir(cycle_id: int, stage: Stage) -> Path:
    return cycle_dir(cycle_id) / "outbox" / stage.value


def returns_dir(cycle_id: int) -> Path:
    """Accepted returns, by document ID and version; never overwritten."""
    return cycle_dir(cycle_id) / "returns"


def quarantine_dir(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "quarantine"


def held_dir(cycle_id: int) -> Path:
    """Returns that show no signature or stamp, until staff accept or reject them."""
    return cycle_dir(cycle_id) / "held"


def parts_dir(cycle_id: int) -> Path:
    """One record per stage part: who made it, how many documents, how long it took."""
    return cycle_dir(cycle_id) / "logs" / "parts"

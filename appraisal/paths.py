"""Where a cycle's files live under the output folder, and how the database names them.

The database names every file by its path relative to the output folder
(`cycle-0001/returns/AP-.../v1.pdf`), never by an absolute path, so an output folder moved to
another disk or restored from a backup elsewhere still matches its database: point
`APPRAISAL_OUTPUT_DIR` (and, for SQLite, the database inside it) at the new place.
"""

from pathlib import Path

from appraisal.models.vocab import Stage
from appraisal.settings import get_settings


def output_root() -> Path:
    return get_settings().output_dir.resolve()


def stored(path: Path) -> str:
    """The name the database keeps for `path`, a file under the output folder."""
    root = output_root()
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        raise ValueError(f"{path} is not under the output folder {root}") from None


def located(name: str) -> Path:
    """The file the database names `name`. An absolute name (written before names became
    relative, and not migrated) is taken as it is."""
    path = Path(name)
    return path if path.is_absolute() else output_root() / path


def cycle_dir(cycle_id: int) -> Path:
    return output_root() / f"cycle-{cycle_id:04d}"


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


def dossiers_dir(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "dossiers"


def register_path(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "register.xlsx"

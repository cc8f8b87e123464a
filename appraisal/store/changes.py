"""What an import changed: counts for the summary and audit rows for the log."""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlmodel import Session

from appraisal.models import AuditEntry
from appraisal.models.base import utcnow

# Keeps IN lists well below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 2000
T = TypeVar("T")


@dataclass(frozen=True)
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows left out because the duty was recorded through the year (appraisal/store/records.py).
    kept: int = 0

    def __add__(self, other: "ImportCounts") -> "ImportCounts":
        return ImportCounts(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.kept + other.kept,
        )

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def as_text(value: Any) -> str | None:
    """How a value reads in the audit log: the word staff see, dates as 1975-03-08."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def differences(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Sequence[str]
) -> dict[str, tuple[Any, Any]]:
    """field → (old, new) for every field whose value changed."""
    return {f: (before[f], after[f]) for f in fields if before[f] != after[f]}


class AuditLog:
    """Audit rows gathered during an import and written in one bulk insert."""

    def __init__(self, actor: str) -> None:
        self.actor = actor
        self.at = utcnow()
        self.rows: list[dict[str, Any]] = []

    def record(
        self, entity: str, key: str, field: str, before: Any, after: Any, reason: str
    ) -> None:
        self.rows.append(
            {
                "at": self.at,
                "actor": self.actor,
                "entity": entity,
                "entity_key": key,
                "field": field,
                "before": _clip(as_text(before)),
                "after": _clip(as_text(after)),
                "reason": reason[:1024],
            }
        )

    def changes(
        self, entity: str, key: str, diff: Mapping[str, tuple[Any, Any]], reason: str
    ) -> None:
        for field, (old, new) in diff.items():
            self.record(entity, key, field, old, new, reason)

    def write(self, session: Session) -> int:
        for part in chunks(self.rows):
            session.execute(insert(AuditEntry), list(part))
        written, self.rows = len(self.rows), []
        return written


def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= 4096 else text[:4095] + "…"

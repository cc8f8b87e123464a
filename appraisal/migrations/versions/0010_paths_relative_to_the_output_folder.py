"""file names relative to the output folder

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00

Documents, returns, intake events and dossiers named their files by absolute path, so an output
folder moved to another disk, or restored from a backup to another place, no longer matched its
database. Every name becomes the part from `cycle-NNNN/` on, which is where each file lives under
the output folder wherever that folder is now. A name without such a part is left as it is
(readers take an absolute name as it is).
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "document": ("docx_path", "pdf_path"),
    "signoff": ("file_path",),
    "intakeevent": ("stored_path",),
    "dossier": ("path",),
}
_UNDER_OUTPUT = re.compile(r"(?:^|/)(cycle-\d{4}(?:/.*)?)$")


def _relative(name: str) -> str | None:
    if not name.startswith("/"):
        return None
    found = _UNDER_OUTPUT.search(name)
    return found.group(1) if found else None


def _rename(convert: Callable[[str], str | None]) -> None:
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        for column in columns:
            rows = conn.execute(
                sa.text(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")
            ).all()
            for key, name in rows:
                new = convert(name)
                if new is not None and new != name:
                    conn.execute(
                        sa.text(f"UPDATE {table} SET {column} = :new WHERE id = :key"),
                        {"new": new, "key": key},
                    )


def upgrade() -> None:
    _rename(_relative)


def downgrade() -> None:
    # Back to absolute names under the output folder as it is configured now.
    from appraisal.settings import get_settings

    root = get_settings().output_dir.resolve()
    _rename(lambda name: None if name.startswith("/") else str(root / name))

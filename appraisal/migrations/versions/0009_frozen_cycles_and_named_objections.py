"""frozen cycles and named objections

A cycle records when staff last reopened it, and a solicitation reply the people its objection
names. Objections recorded before are given their people: a letter listing one person names that
person; otherwise the results the reply flagged, which its audit entries tell.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTION = "有异议"

_signoff = sa.table(
    "signoff",
    sa.column("id", sa.Integer),
    sa.column("document_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("reply", sa.String),
    sa.column("reply_people", sa.JSON),
)
_document = sa.table(
    "document",
    sa.column("id", sa.String),
    sa.column("people", sa.JSON),
)
_audit = sa.table(
    "auditentry",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("field", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("signoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_people", sa.JSON(), nullable=False, server_default="[]")
        )
    _name_the_objected()


def _name_the_objected() -> None:
    conn = op.get_bind()
    objections = conn.execute(
        sa.select(
            _signoff.c.id,
            _signoff.c.document_id,
            _signoff.c.version,
            _document.c.people,
        )
        .join(_document, _document.c.id == _signoff.c.document_id)
        .where(_signoff.c.reply == OBJECTION)
    ).all()
    for signoff_id, doc_id, version, listed in objections:
        listed = list(listed or [])
        named = listed if len(listed) == 1 else _flagged_by(conn, doc_id, version, listed)
        named = [c for c in listed if c in set(named)]
        conn.execute(
            sa.update(_signoff).where(_signoff.c.id == signoff_id).values(reply_people=named)
        )


def _flagged_by(conn: sa.Connection, doc_id: str, version: int, listed: list[str]) -> list[str]:
    """The people whose results this reply flagged: `record_reply` wrote the reply and each flag
    in one batch of audit entries, all stamped with one time."""
    if not listed:
        return []
    replied_at = conn.execute(
        sa.select(sa.func.max(_audit.c.at)).where(
            _audit.c.entity == "signoff",
            _audit.c.entity_key == f"{doc_id}/v{version}",
            _audit.c.field == "reply",
        )
    ).scalar()
    if replied_at is None:
        return []
    flags = sa.select(_audit.c.entity_key).where(
        _audit.c.entity == "result",
        _audit.c.field == "flagged",
        _audit.c.at == replied_at,
        _audit.c.entity_key.in_(listed),
    )
    return list(conn.execute(flags).scalars())


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): copying a table that other
    # tables' rows refer to would break their foreign keys.
    with op.batch_alter_table("signoff", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reply_people")
    with op.batch_alter_table("cycle", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reopened_at")

"""offices and staff roles

Staff accounts get a role (管理员, 经办, 审核, 只读) and an office; people and cycles get the office
that owns them. One top office, 本单位, is made and everything that exists is given to it, and
existing accounts become 管理员 of it: before this, every account could do everything, and
still can until an administrator says otherwise.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROOT_OFFICE_ID = 1


def upgrade() -> None:
    office = op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index(op.f("ix_office_parent_id"), "office", ["parent_id"], unique=False)
    op.bulk_insert(
        office,
        [
            {
                "id": ROOT_OFFICE_ID,
                "name": "本单位",
                "parent_id": None,
                "contact": "",
                "phone": "",
                "created_at": datetime.now(UTC),  # SQLite takes no SQL function here
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":  # the row above was given its id by hand
        op.execute("SELECT setval('office_id_seq', (SELECT max(id) FROM office))")
    for table in ("staffuser", "cycle", "person"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "office_id", sa.Integer(), nullable=False, server_default=str(ROOT_OFFICE_ID)
                )
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_office_id"), ["office_id"])
            batch_op.create_foreign_key(f"fk_{table}_office_id", "office", ["office_id"], ["id"])
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=8), nullable=False, server_default="管理员")
        )


def downgrade() -> None:
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.drop_column("role")
    for table in ("person", "cycle", "staffuser"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_office_id", type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_office_id"))
            batch_op.drop_column("office_id")
    op.drop_index(op.f("ix_office_parent_id"), table_name="office")
    op.drop_table("office")

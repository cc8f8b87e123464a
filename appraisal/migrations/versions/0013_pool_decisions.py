"""pool decisions: the rolling adjustment (有进有出) decided per person and approved

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
# Written beside another branch's 0012; whoever merges both re-chains this one after it.
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIERS = ("名人", "代表人士", "精英")
MOVES = ("入库", "保留", "晋升", "调整", "出库")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def upgrade() -> None:
    op.create_table(
        "pooldecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_tier", _enum(TIERS, "tier", 16), nullable=True),
        sa.Column("proposed", _enum(MOVES, "poolmove", 8), nullable=False),
        sa.Column("proposed_reason", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("decided", _enum(MOVES, "poolmove", 8), nullable=False),
        sa.Column("to_tier", _enum(TIERS, "tier", 16), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id"),
    )
    op.create_index(op.f("ix_pooldecision_cycle_id"), "pooldecision", ["cycle_id"], unique=False)
    op.create_index(op.f("ix_pooldecision_person_id"), "pooldecision", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pooldecision_person_id"), table_name="pooldecision")
    op.drop_index(op.f("ix_pooldecision_cycle_id"), table_name="pooldecision")
    op.drop_table("pooldecision")

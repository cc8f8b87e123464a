"""nominations: candidates proposed by nominating bodies (提名推荐) and staff's decisions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIERS = ("名人", "代表人士", "精英")
BODY_KINDS = ("民主党派", "无党派", "民族宗教", "非公经济", "港澳台海外社团", "其他")
STATUSES = ("待定", "采纳", "不采纳")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("body", _text(128), nullable=False),
        sa.Column("body_kind", _enum(BODY_KINDS, "bodykind", 16), nullable=False),
        sa.Column("candidate_key", _text(128), nullable=False),
        sa.Column("person_code", _text(64), nullable=False),
        sa.Column("name", _text(64), nullable=False),
        sa.Column("gender", _text(4), nullable=False),
        sa.Column("ethnicity", _text(32), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("party", _text(64), nullable=False),
        sa.Column("category", _text(64), nullable=False),
        sa.Column("sector", _text(64), nullable=False),
        sa.Column("employer", _text(256), nullable=False),
        sa.Column("post", _text(128), nullable=False),
        sa.Column("education", _text(64), nullable=False),
        sa.Column("title", _text(64), nullable=False),
        sa.Column("phone", _text(64), nullable=False),
        sa.Column("tier", _enum(TIERS, "tier", 16), nullable=False),
        sa.Column("reason", _text(2048), nullable=False),
        sa.Column("career", sa.JSON(), nullable=False),
        sa.Column("source", _text(256), nullable=False),
        sa.Column("status", _enum(STATUSES, "nominationstatus", 8), nullable=False),
        sa.Column("decision_reason", _text(1024), nullable=False),
        sa.Column("decided_by", _text(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "body", "candidate_key"),
    )
    op.create_index(op.f("ix_nomination_cycle_id"), "nomination", ["cycle_id"], unique=False)
    op.create_index(
        op.f("ix_nomination_candidate_key"), "nomination", ["candidate_key"], unique=False
    )
    op.create_index(op.f("ix_nomination_person_id"), "nomination", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_nomination_person_id"), table_name="nomination")
    op.drop_index(op.f("ix_nomination_candidate_key"), table_name="nomination")
    op.drop_index(op.f("ix_nomination_cycle_id"), table_name="nomination")
    op.drop_table("nomination")

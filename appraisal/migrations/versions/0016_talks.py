"""talks: a log of 谈心谈话 per person, entered through the year (五位一体)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TALK_KINDS = ("日常谈心", "提醒谈话", "谈话函询")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "talk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", _enum(TALK_KINDS, "talkkind", 8), nullable=False),
        sa.Column("talker", _text(64), nullable=False),
        sa.Column("talker_post", _text(128), nullable=False),
        sa.Column("place", _text(128), nullable=False),
        sa.Column("summary", _text(2048), nullable=False),
        sa.Column("follow_up", _text(1024), nullable=False),
        sa.Column("source", _text(256), nullable=False),
        sa.Column("recorded_by", _text(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_talk_person_id"), "talk", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_talk_person_id"), table_name="talk")
    op.drop_table("talk")

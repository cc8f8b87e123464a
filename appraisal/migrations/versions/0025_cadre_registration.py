"""cadre registration: the sections of a cadre's 年度考核登记表 per person and cycle (个人总结,
主管领导评语 with the proposed grade, 考核委员会意见 with the indicator ratings, 本人意见)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRADES = ("优秀", "良好", "称职", "基本称职", "不称职")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "cadreregistration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("summary", _text(4000), nullable=False),
        sa.Column("summary_channel", _text(16), nullable=False),
        sa.Column("summary_by", _text(64), nullable=False),
        _when("summary_at"),
        sa.Column("comment", _text(1500), nullable=False),
        sa.Column("commenter", _text(64), nullable=False),
        sa.Column(
            "proposed_grade",
            sa.Enum(*GRADES, name="grade", native_enum=False, length=8, create_constraint=False),
            nullable=True,
        ),
        sa.Column("comment_by", _text(64), nullable=False),
        _when("comment_at"),
        sa.Column("committee", _text(1000), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("committee_by", _text(64), nullable=False),
        _when("committee_at"),
        sa.Column("agrees", sa.Boolean(), nullable=True),
        sa.Column("opinion", _text(500), nullable=False),
        sa.Column("opinion_channel", _text(16), nullable=False),
        sa.Column("opinion_by", _text(64), nullable=False),
        _when("opinion_at"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id"),
    )
    op.create_index(op.f("ix_cadreregistration_cycle_id"), "cadreregistration", ["cycle_id"])
    op.create_index(op.f("ix_cadreregistration_person_id"), "cadreregistration", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cadreregistration_person_id"), table_name="cadreregistration")
    op.drop_index(op.f("ix_cadreregistration_cycle_id"), table_name="cadreregistration")
    op.drop_table("cadreregistration")

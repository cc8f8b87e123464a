"""honoured figures (统战名人) with their memorial sites and publicity activities

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SITE_KINDS = ("名人故居", "纪念馆", "教育基地", "其他")
ACTIVITY_KINDS = ("纪念活动", "主题教育", "出版", "展览", "其他")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", _text(64), nullable=False),
        sa.Column("years", _text(64), nullable=False),
        sa.Column("native_place", _text(64), nullable=False),
        sa.Column("identity", _text(256), nullable=False),
        sa.Column("biography", _text(4000), nullable=False),
        sa.Column("selected_on", sa.Date(), nullable=True),
        sa.Column("selected_day_known", sa.Boolean(), nullable=False),
        sa.Column("decided_by", _text(128), nullable=False),
        sa.Column("decision_number", _text(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", _text(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "name"),
    )
    op.create_index(op.f("ix_figure_office_id"), "figure", ["office_id"], unique=False)
    op.create_index(op.f("ix_figure_person_id"), "figure", ["person_id"], unique=False)
    op.create_table(
        "figuresite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("figure_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(SITE_KINDS, "sitekind", 8), nullable=False),
        sa.Column("name", _text(128), nullable=False),
        sa.Column("address", _text(256), nullable=False),
        sa.Column("opening", _text(128), nullable=False),
        sa.Column("plaque_on", sa.Date(), nullable=True),
        sa.Column("plaque_day_known", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", _text(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["figure_id"], ["figure.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_figuresite_figure_id"), "figuresite", ["figure_id"], unique=False)
    op.create_table(
        "figureactivity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("figure_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("held_day_known", sa.Boolean(), nullable=False),
        sa.Column("kind", _enum(ACTIVITY_KINDS, "activitykind", 8), nullable=False),
        sa.Column("summary", _text(1024), nullable=False),
        sa.Column("organiser", _text(128), nullable=False),
        sa.Column("recorded_by", _text(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["figure_id"], ["figure.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_figureactivity_figure_id"), "figureactivity", ["figure_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_figureactivity_figure_id"), table_name="figureactivity")
    op.drop_table("figureactivity")
    op.drop_index(op.f("ix_figuresite_figure_id"), table_name="figuresite")
    op.drop_table("figuresite")
    op.drop_index(op.f("ix_figure_person_id"), table_name="figure")
    op.drop_index(op.f("ix_figure_office_id"), table_name="figure")
    op.drop_table("figure")

"""objection holds and grade approvals: an objection holds a person's result until staff decide,
and the 审核's 审定 of each grade before notification

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 22:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRADES = ("优秀", "良好", "称职", "基本称职", "不称职")
STATUSES = ("待核实", "核实后维持", "调整")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "objectionhold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("document_id", _text(64), nullable=False),
        sa.Column("body", _text(128), nullable=False),
        sa.Column("text", _text(4096), nullable=False),
        sa.Column("status", _enum(STATUSES, "holdstatus", 8), nullable=False),
        sa.Column("original_grade", _enum(GRADES, "grade", 8), nullable=True),
        sa.Column("new_grade", _enum(GRADES, "grade", 8), nullable=True),
        sa.Column("decision_reason", _text(2048), nullable=False),
        sa.Column("decided_by", _text(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id", "document_id"),
    )
    op.create_index(op.f("ix_objectionhold_cycle_id"), "objectionhold", ["cycle_id"])
    op.create_index(op.f("ix_objectionhold_person_id"), "objectionhold", ["person_id"])
    op.create_table(
        "gradeapproval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("engine_grade", _enum(GRADES, "grade", 8), nullable=True),
        sa.Column("grade", _enum(GRADES, "grade", 8), nullable=False),
        sa.Column("reason", _text(2048), nullable=False),
        sa.Column("approved_by", _text(64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("after_notification", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id"),
    )
    op.create_index(op.f("ix_gradeapproval_cycle_id"), "gradeapproval", ["cycle_id"])
    op.create_index(op.f("ix_gradeapproval_person_id"), "gradeapproval", ["person_id"])
    # A cycle already told its people needs no 审定 now: its results stand as notified. Those
    # still short of notification wait at 审定 like any new cycle (see the README).
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO gradeapproval (cycle_id, person_id, engine_grade, grade, reason,"
            " approved_by, approved_at, after_notification)"
            " SELECT r.cycle_id, r.person_id, r.grade, r.grade, '', 'migration', :at, false"
            " FROM result r JOIN stagerun s ON s.cycle_id = r.cycle_id"
            " WHERE s.stage = 'notification' AND r.grade IS NOT NULL"
        ),
        {"at": datetime.now(UTC)},
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_gradeapproval_person_id"), table_name="gradeapproval")
    op.drop_index(op.f("ix_gradeapproval_cycle_id"), table_name="gradeapproval")
    op.drop_table("gradeapproval")
    op.drop_index(op.f("ix_objectionhold_person_id"), table_name="objectionhold")
    op.drop_index(op.f("ix_objectionhold_cycle_id"), table_name="objectionhold")
    op.drop_table("objectionhold")

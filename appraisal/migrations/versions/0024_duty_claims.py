"""duty claims: a duty a member says the office did not record, with evidence, until staff accept
(it becomes a 履职记录, source 本人申报) or decline it with a reason

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "全会", "常委会", "其他会议", "活动", "调研", "视察", "培训", "提案", "社情民意", "发言",
    "进社区", "建议", "询问",
)  # fmt: skip
ROLES = ("独立", "领衔", "联名")
STATUSES = ("待审核", "已采纳", "未采纳")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _enum(values: tuple[str, ...], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def upgrade() -> None:
    op.create_table(
        "dutyclaim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "dutykind", 16), nullable=False),
        sa.Column("title", _text(256), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("role", _enum(ROLES, "dutyrole", 8), nullable=True),
        sa.Column("note", _text(1024), nullable=False),
        sa.Column("evidence_name", _text(255), nullable=False),
        sa.Column("evidence_path", _text(512), nullable=False),
        sa.Column("evidence_sha256", _text(64), nullable=False),
        sa.Column("evidence_size", sa.Integer(), nullable=False),
        sa.Column("channel", _text(16), nullable=False),
        sa.Column("submitted_by", _text(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum(STATUSES, "claimstatus", 8), nullable=False),
        sa.Column("decided_by", _text(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", _text(1024), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["record_id"], ["dutyrecord.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_dutyclaim_person_id"), "dutyclaim", ["person_id"])
    op.create_index(op.f("ix_dutyclaim_cycle_id"), "dutyclaim", ["cycle_id"])
    op.create_index(op.f("ix_dutyclaim_year"), "dutyclaim", ["year"])
    op.create_index(op.f("ix_dutyclaim_status"), "dutyclaim", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dutyclaim_status"), table_name="dutyclaim")
    op.drop_index(op.f("ix_dutyclaim_year"), table_name="dutyclaim")
    op.drop_index(op.f("ix_dutyclaim_cycle_id"), table_name="dutyclaim")
    op.drop_index(op.f("ix_dutyclaim_person_id"), table_name="dutyclaim")
    op.drop_table("dutyclaim")

"""duty events: what a department organised or received and recorded through the year (谁组织谁
记录), each member's DutyRecord pointing at it; a 登记 account's duty kinds and department

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("全会", "常委会", "其他会议", "活动", "调研", "视察", "培训", "提案", "社情民意", "发言",
         "进社区", "建议", "询问")  # fmt: skip
OUTCOMES = ("无", "立案", "重点", "优秀", "采用", "批示")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def upgrade() -> None:
    op.create_table(
        "dutyevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "dutykind", 16), nullable=False),
        sa.Column("title", _text(256), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", _text(256), nullable=False),
        sa.Column("notes", _text(1024), nullable=False),
        sa.Column("organiser", _text(64), nullable=False),
        sa.Column("outcome", _enum(OUTCOMES, "dutyoutcome", 8), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_by", _text(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dutyevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dutyevent_year"), ["year"], unique=False)
        batch_op.create_index(batch_op.f("ix_dutyevent_office_id"), ["office_id"], unique=False)
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_dutyrecord_event_id"), ["event_id"], unique=False)
        batch_op.create_foreign_key("fk_dutyrecord_event_id", "dutyevent", ["event_id"], ["id"])
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duty_kinds", _text(256), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("department", _text(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("staffuser", schema=None) as batch_op:
        batch_op.drop_column("department")
        batch_op.drop_column("duty_kinds")
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.drop_constraint("fk_dutyrecord_event_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_dutyrecord_event_id"))
        batch_op.drop_column("event_id")
    with op.batch_alter_table("dutyevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dutyevent_office_id"))
        batch_op.drop_index(batch_op.f("ix_dutyevent_year"))
    op.drop_table("dutyevent")

"""people's information: 工作单位 and 职务 apart, 籍贯, dates, and dated entries

Person gets 工作单位 (employer) and 职务 (post) in place of the one column 工作单位及职务
(employer_post), and 籍贯, 入党派时间, 参加工作时间. The old column is split where the rule of
appraisal/employer_split.py can split it without guessing; a row it cannot split keeps the whole
text as its 工作单位 with an empty 职务, and `appraisal people unsplit` lists it for staff.
A new table holds each person's dated entries: 简历, 奖惩, 培训, 挂职.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from appraisal.employer_split import split_or_whole

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("employer", sa.String(length=256), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("post", sa.String(length=128), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("native_place", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("party_joined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("work_started_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    person = sa.table(
        "person",
        sa.column("id", sa.Integer()),
        sa.column("employer_post", sa.String()),
        sa.column("employer", sa.String()),
        sa.column("post", sa.String()),
    )
    rows = bind.execute(sa.select(person.c.id, person.c.employer_post)).all()
    updates = []
    for pid, text in rows:
        split = split_or_whole(text or "")
        employer, post = split.employer, split.post
        if len(post) > 128:  # longer than a post can be: left whole for staff to split
            employer, post = text, ""
        updates.append({"b_id": pid, "b_employer": employer, "b_post": post})
    if updates:
        bind.execute(
            person.update()
            .where(person.c.id == sa.bindparam("b_id"))
            .values(employer=sa.bindparam("b_employer"), post=sa.bindparam("b_post")),
            updates,
        )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("employer_post")
    op.create_table(
        "personentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "简历",
                "奖惩",
                "培训",
                "挂职",
                name="entrykind",
                native_enum=False,
                create_constraint=False,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("text", sa.String(length=512), nullable=False),
        sa.Column(
            "merit",
            sa.Enum(
                "奖励", "惩处", name="merit", native_enum=False, create_constraint=False, length=8
            ),
            nullable=True,
        ),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_personentry_person_id"), "personentry", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_personentry_person_id"), table_name="personentry")
    op.drop_table("personentry")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("employer_post", sa.String(length=256), nullable=False, server_default="")
        )
    person = sa.table(
        "person",
        sa.column("employer_post", sa.String()),
        sa.column("employer", sa.String()),
        sa.column("post", sa.String()),
    )
    # The old rosters wrote "单位 职务"; the old code took the first word as the 工作单位.
    op.execute(
        person.update().values(
            employer_post=sa.func.trim(person.c.employer + sa.literal(" ") + person.c.post)
        )
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("post")
        batch_op.drop_column("employer")
        batch_op.drop_column("native_place")
        batch_op.drop_column("party_joined_on")
        batch_op.drop_column("work_started_on")

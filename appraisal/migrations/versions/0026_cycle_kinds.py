"""cycle kinds: a cycle member's 十百千 tier may be empty, for the kinds that need none (政协委员
年度履职, 干部年度考核 select people outside the pool; appraisal/kinds.py)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIERS = ("名人", "代表人士", "精英")


def _tier() -> sa.Enum:
    return sa.Enum(*TIERS, name="tier", native_enum=False, length=16, create_constraint=False)


def upgrade() -> None:
    with op.batch_alter_table("cyclemember", schema=None) as batch_op:
        batch_op.alter_column("tier", existing_type=_tier(), nullable=True)


def downgrade() -> None:
    # A member without a tier has no tier to go back to: the downgrade refuses rather than
    # inventing one.
    bind = op.get_bind()
    empty = bind.execute(sa.text("SELECT count(*) FROM cyclemember WHERE tier IS NULL")).scalar()
    if empty:
        raise RuntimeError(
            f"{empty} 名周期成员没有梯队（政协、干部考核周期），不能降级 / "
            "cycle members without a tier: cannot downgrade"
        )
    with op.batch_alter_table("cyclemember", schema=None) as batch_op:
        batch_op.alter_column("tier", existing_type=_tier(), nullable=False)

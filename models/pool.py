"""The rolling adjustment of the pool after a cycle: one decision per person, approved once."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field
from appraisal.models.vocab import PoolMove, Tier


class PoolDecision(SQLModel, table=True):
    """What the engine proposed for one person of a cycle, what staff decided, and who approved.

    Tiers and memberships change only on approval, so a decision can be changed until then."""

    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # The tier before the adjustment; None for someone not in the pool yet (入库).
    from_tier: Tier | None = enum_field(Tier, 16, default=None)
    proposed: PoolMove = enum_field(PoolMove, 8)
    proposed_reason: str = Field(default="", max_length=1024)
    decided: PoolMove = enum_field(PoolMove, 8)
    # The tier after it; None for someone leaving.
    to_tier: Tier | None = enum_field(Tier, 16, default=None)
    reason: str = Field(default="", max_length=1024)
    decided_by: str = Field(max_length=64)
    decided_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    approved_by: str = Field(default="", max_length=64)
    approved_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))

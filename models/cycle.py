"""An evaluation cycle, who is in it, and what it concluded for each person."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import empty_list, enum_field, json_field, timestamp_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import Band, CycleKind, Decision, Grade, Stage, Tier


class Cycle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=128)
    kind: CycleKind = enum_field(CycleKind, 16)
    year: int
    stage: Stage = enum_field(Stage, 16, default=Stage.MOBILIZATION)
    # The scheme is copied in whole so results can be recomputed exactly years later.
    scheme_name: str = Field(max_length=128)
    scheme_version: str = Field(max_length=32)
    scheme_toml: str
    scheme_sha256: str = Field(max_length=64)
    # The issuing office as printed on letters, fixed at start so reruns print the same words.
    office: dict[str, str] = json_field(default_factory=dict)
    created_at: datetime = timestamp_field()
    # When staff last reopened the finished cycle: dossiers sealed before it may change again.
    reopened_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The office that runs it: its staff and its parent offices' see it, no one else.
    office_id: int = Field(default=ROOT_OFFICE_ID, foreign_key="office.id", index=True)


class StageRun(SQLModel, table=True):
    """When a stage first ran; its documents are dated from it, so a rerun prints the same date."""

    __table_args__ = (UniqueConstraint("cycle_id", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    stage: Stage = enum_field(Stage, 16)
    started_on: date
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class CycleMember(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # The tier when the cycle started; None in a kind that needs none (政协委员, 干部: their
    # cycle does not look at the 十百千 pool, appraisal/kinds.py).
    tier: Tier | None = enum_field(Tier, 16, default=None)
    # Staff's decision for someone the engine cannot grade (or should not yet): the evaluation
    # gate does not wait for their grade, and they get no 结果通知书.
    decision: Decision | None = enum_field(Decision, 8, default=None)
    decision_reason: str = Field(default="", max_length=1024)
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Result(SQLModel, table=True):
    """The engine's conclusion for one person in one cycle, and staff's pool decision."""

    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    points: float  # 履职积分, normalised to 100
    org_score: float | None  # 组织考核
    appraisal_score: float | None  # 民主测评; None when no valid tally
    composite: float | None
    grade: Grade | None = enum_field(Grade, 8, default=None)
    band: Band | None = enum_field(Band, 1, default=None)
    vetoes: list[str] = json_field(default_factory=empty_list)
    deductions: float = 0.0
    actions: list[str] = json_field(default_factory=empty_list)
    explanation: list[str] = json_field(default_factory=empty_list)
    detail: dict[str, Any] = json_field(default_factory=dict)
    flagged: bool = False  # an objection came back in solicitation
    pool_decision: str = Field(default="", max_length=32)
    updated_at: datetime = timestamp_field()

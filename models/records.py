"""What a year's assessment is computed from: duty records, ballots, scores and findings."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import (
    Attendance,
    Dimension,
    DutyKind,
    DutyOutcome,
    DutyRole,
    DutySource,
    FindingCategory,
    FindingEffect,
    RaterGroup,
)

# The 考核材料's longest text: a few paragraphs.
MATERIAL_LIMIT = 4000
# Each dimension's column in AssessmentScore (and field in the records sheet's rows).
DIMENSION_FIELDS: dict[Dimension, str] = {
    Dimension.POLITICAL: "political",
    Dimension.THINKING: "thinking",
    Dimension.DUTY: "duty",
    Dimension.INTEGRITY: "integrity",
}


class DutyRecord(SQLModel, table=True):
    """One 履职记录. `record_key` is the sheet's 记录编号, or a digest of the row without one."""

    __table_args__ = (UniqueConstraint("person_id", "year", "record_key"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    record_key: str = Field(max_length=64)
    kind: DutyKind = enum_field(DutyKind, 16)
    title: str = Field(default="", max_length=256)
    held_on: date | None = None
    attendance: Attendance | None = enum_field(Attendance, 8, default=None)
    role: DutyRole | None = enum_field(DutyRole, 8, default=None)
    outcome: DutyOutcome = enum_field(DutyOutcome, 8, default=DutyOutcome.NONE)
    # How many signed a proposal jointly (the lead author included), when known: a co-signer's
    # share of the points is divided by it where the scheme says so.
    cosigners: int | None = None
    source: DutySource = enum_field(DutySource, 8, default=DutySource.IMPORTED)
    recorded_by: str = Field(default="", max_length=64)
    recorded_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The meeting, activity or proposal this record is one member's part of, when the
    # organising department recorded it (record_key "EV-<event id>").
    event_id: int | None = Field(default=None, foreign_key="dutyevent.id", index=True)


class DutyEvent(SQLModel, table=True):
    """What a department organised or received and recorded through the year (谁组织谁记录): a
    meeting, activity, 调研, 视察, training or 进社区 with its attendance; or a 提案, 社情民意,
    发言, 建议 or 询问 with its authors and outcome. Each member's part is a DutyRecord."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    kind: DutyKind = enum_field(DutyKind, 16)
    title: str = Field(max_length=256)
    held_on: date  # held, or for a 提案 and the like: submitted
    place: str = Field(default="", max_length=256)
    notes: str = Field(default="", max_length=1024)
    # The department that recorded it (the account's), printed as 记录单位.
    organiser: str = Field(default="", max_length=64)
    outcome: DutyOutcome = enum_field(DutyOutcome, 8, default=DutyOutcome.NONE)
    # The office whose staff see it: the recording account's.
    office_id: int = Field(default=ROOT_OFFICE_ID, foreign_key="office.id", index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = timestamp_field()


class BallotTally(SQLModel, table=True):
    """民主测评: the votes one rater group cast for one person."""

    __table_args__ = (UniqueConstraint("person_id", "year", "rater_group"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    rater_group: RaterGroup = enum_field(RaterGroup, 16)
    due: int  # raters who should have voted
    issued: int
    returned: int
    excellent: int
    competent: int
    basic: int
    incompetent: int
    abstain: int
    # The 民主测评票 (a ballot sheet's document ID) whose counts first made this row; None for
    # a row imported from the records workbook. A count entered later over an imported row
    # keeps None: which rater groups assess a person is read from the imported rows, and must
    # not change as the sheets are counted (appraisal/ballot_sheets.py).
    sheet_id: str | None = Field(default=None, max_length=64)


class BallotSheetCount(SQLModel, table=True):
    """计票: what the tellers counted on one 民主测评票 sheet (a Document listing the people one
    rater group assesses): the ballots issued and returned, or a waiver with its reason. The
    votes per person are the BallotTally rows the count wrote."""

    document_id: str = Field(primary_key=True, foreign_key="document.id", max_length=64)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    issued: int | None = None  # 发出
    returned: int | None = None  # 收回
    waived: str = Field(default="", max_length=1024)  # the reason, when staff waived the count
    entered_by: str = Field(default="", max_length=64)
    entered_at: datetime = timestamp_field()
    # When this count last changed a tally (made one, or changed its numbers): a person's
    # 民主测评结果汇总表 made before then is made again (appraisal/store/ballots.py).
    changed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class AssessmentScore(SQLModel, table=True):
    """组织考核: the assessment team's ratings of the four dimensions (0 to 100 each) and their
    written 考核材料; the scheme's [assessment] weights make the score. A row from before the
    dimensions holds only the total (`score`), which counts as the 组织考核 score itself."""

    __table_args__ = (UniqueConstraint("person_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    score: float | None = None  # the total, as imported before the dimensions
    political: float | None = None  # 政治表现
    thinking: float | None = None  # 思想状况
    duty: float | None = None  # 履行职责
    integrity: float | None = None  # 廉洁自律
    material: str = Field(default="", max_length=MATERIAL_LIMIT)  # 考核材料
    assessor: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=1024)

    def ratings(self) -> dict[Dimension, float] | None:
        """The four ratings, or None for a row holding the total only."""
        values = {d: getattr(self, f) for d, f in DIMENSION_FIELDS.items()}
        if any(v is None for v in values.values()):
            return None
        return values


class Finding(SQLModel, table=True):
    """A negative-list (负面清单) finding against a person."""

    __table_args__ = (UniqueConstraint("person_id", "year", "item_code"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    item_code: str = Field(max_length=16)
    category: FindingCategory = enum_field(FindingCategory, 16)
    effect: FindingEffect = enum_field(FindingEffect, 8)
    source_body: str = Field(max_length=128)
    evidence: str = Field(default="", max_length=2048)

"""SQLModel tables. This package imports nothing of ours but itself."""

from sqlmodel import SQLModel

from appraisal.models.approval import GradeApproval, ObjectionHold
from appraisal.models.audit import AuditEntry
from appraisal.models.cadre import CadreRegistration
from appraisal.models.claim import DutyClaim
from appraisal.models.cycle import Cycle, CycleMember, Result, StageRun
from appraisal.models.document import Document, SignOff
from appraisal.models.dossier import Dossier
from appraisal.models.figure import Figure, FigureActivity, FigureSite
from appraisal.models.intake import IntakeEvent
from appraisal.models.nomination import Nomination
from appraisal.models.office import Office
from appraisal.models.person import Person, PersonEntry, PoolMembership, Talk
from appraisal.models.pool import PoolDecision
from appraisal.models.portal import (
    AccessLog,
    LoginAttempt,
    OutboxMessage,
    PortalSession,
    Reviewer,
    ReviewerLink,
    StaffUser,
)
from appraisal.models.records import (
    AssessmentScore,
    BallotSheetCount,
    BallotTally,
    DutyEvent,
    DutyRecord,
    Finding,
)
from appraisal.models.report import AnnualReport
from appraisal.models.review import ReviewRequest

metadata = SQLModel.metadata

__all__ = [
    "AccessLog",
    "AnnualReport",
    "AssessmentScore",
    "AuditEntry",
    "BallotSheetCount",
    "BallotTally",
    "CadreRegistration",
    "Cycle",
    "CycleMember",
    "Document",
    "Dossier",
    "DutyClaim",
    "DutyEvent",
    "DutyRecord",
    "Figure",
    "FigureActivity",
    "FigureSite",
    "Finding",
    "GradeApproval",
    "IntakeEvent",
    "LoginAttempt",
    "Nomination",
    "ObjectionHold",
    "Office",
    "OutboxMessage",
    "Person",
    "PersonEntry",
    "PoolDecision",
    "PoolMembership",
    "PortalSession",
    "Result",
    "ReviewRequest",
    "Reviewer",
    "ReviewerLink",
    "SignOff",
    "StaffUser",
    "StageRun",
    "Talk",
    "metadata",
]

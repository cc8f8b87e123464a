"""SQLModel tables. This package imports nothing of ours but itself."""

from sqlmodel import SQLModel

from models.audit import AuditEntry
from models.cycle import Cycle, CycleMember, Result, StageRun
from models.document import Document, SignOff
from models.dossier import Dossier
from models.intake import IntakeEvent
from models.person import Person, PoolMembership
from models.portal import (
    AccessLog,
    LoginAttempt,
    OutboxMessage,
    PortalSession,
    Reviewer,
    ReviewerLink,
    StaffUser,
)
from models.records import AssessmentScore, BallotTally, DutyRecord, Finding

metadata = SQLModel.metadata

__all__ = [
    "AccessLog",
    "AssessmentScore",
    "AuditEntry",
    "BallotTally",
    "Cycle",
    "CycleMember",
    "Document",
    "Dossier",
    "DutyRecord",
    "Finding",
    "IntakeEvent",
    "LoginAttempt",
    "OutboxMessage",
    "Person",
    "PoolMembership",
    "PortalSession",
    "Result",
    "Reviewer",
    "ReviewerLink",
    "SignOff",
    "StaffUser",
    "StageRun",
    "metadata",
]

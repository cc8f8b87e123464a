"""Where each stage of a cycle stands, and whether its gate is open.

A stage's gate opens when every document that needs a sign-off has one: a signed return whose
signature (if digital) held up, plus for solicitation letters the reply; or a waiver with a reason.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, cast

from sqlmodel import Session, col, select

from appraisal.models import CycleMember, Document, IntakeEvent, Person, Result, SignOff
from appraisal.models.vocab import Reply, SignOffMethod, Stage

WORK_STAGES: tuple[Stage, ...] = (
    Stage.NOMINATION,
    Stage.ASSESSMENT,
    Stage.EVALUATION,
    Stage.SOLICITATION,
    Stage.NOTIFICATION,
)


@dataclass(frozen=True)
class Outstanding:
    """A document still owed a sign-off, or (document_id "") a person still owed a grade."""

    document_id: str
    template_id: str
    recipient: str
    person: str
    missing: str  # what is still needed, in words
    since: date
    due_on: date | None
    overdue: bool
    code: str = ""  # the person's 编号, when the item is about one person


@dataclass
class StageProgress:
    stage: Stage
    generated: int = 0
    delivered: int = 0
    returned: int = 0
    waived: int = 0
    overdue: int = 0
    objections: int = 0
    outstanding: list[Outstanding] = field(default_factory=list)

    @property
    def gate_open(self) -> bool:
        return self.generated > 0 and not self.outstanding

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage.value,
            "generated": self.generated,
            "delivered": self.delivered,
            "returned": self.returned,
            "waived": self.waived,
            "overdue": self.overdue,
            "objections": self.objections,
            "gate_open": self.gate_open,
            "outstanding": [
                {
                    "document_id": o.document_id,
                    "template_id": o.template_id,
                    "recipient": o.recipient,
                    "person": o.person,
                    "missing": o.missing,
                    "since": o.since.isoformat(),
                    "due_on": o.due_on.isoformat() if o.due_on else None,
                    "overdue": o.overdue,
                    "code": o.code,
                }
                for o in self.outstanding
            ],
        }


class Returned(Protocol):
    """What the gate reads of a return or waiver: a SignOff, or a row of these columns."""

    method: SignOffMethod
    signature_valid: bool | None
    reply: Reply | None


class _ReturnRow(Returned, Protocol):
    document_id: str


class _DocumentRow(Protocol):
    """The columns cycle_progress reads of a document, `name` the person's if any."""

    id: str
    template_id: str
    recipient_name: str
    delivered_at: datetime | None
    needs_signoff: bool
    due_on: date | None
    created_at: datetime
    name: str | None


def missing_signoff(stage: Stage, returns: Sequence[Returned]) -> str | None:
    """What a document of `stage` still lacks, or None when its sign-off is complete."""
    if any(s.method == SignOffMethod.WAIVER for s in returns):
        return None
    good = [s for s in returns if s.signature_valid is not False]
    if not good:
        if returns:
            return "a valid signed return (the digital signature failed validation)"
        return "signed return"
    if stage == Stage.SOLICITATION and all(s.reply is None for s in good):
        return "reply (无异议 / 有异议)"
    return None


def missing_grade(org_score: float | None, appraisal_score: float | None) -> str:
    """What stands between a person without a grade and the evaluation gate, in words."""
    lacking = [
        *(["组织考核得分"] if org_score is None else []),
        *(["有效的民主测评"] if appraisal_score is None else []),
    ]
    what = f"（缺少{'、'.join(lacking)}）" if lacking else ""
    return (
        f"等次未评定{what}：补录后运行 appraisal cycle rescore，或记录暂缓评定/免评 / no grade: "
        "import the missing records and rescore, or record a decision (暂缓评定 or 免评)"
    )


def cycle_signoffs(session: Session, cycle_id: int) -> dict[str, list[SignOff]]:
    """Every return and waiver of the cycle, by document ID, oldest version first."""
    signoffs: dict[str, list[SignOff]] = {}
    query = (
        select(SignOff)
        .join(Document, col(SignOff.document_id) == col(Document.id))
        .where(Document.cycle_id == cycle_id)
        .order_by(col(SignOff.document_id), col(SignOff.version))
    )
    for s in session.exec(query):
        signoffs.setdefault(s.document_id, []).append(s)
    return signoffs


def cycle_progress(
    session: Session, cycle_id: int, today: date, stages: Iterable[Stage] = WORK_STAGES
) -> dict[Stage, StageProgress]:
    """Progress of every working stage (or of `stages`), two queries a stage.

    A stage at a time, over rows of the columns it needs rather than whole Documents and
    SignOffs: at 10,000 people the assessment alone has some 45,000 documents.
    """
    wanted = set(stages)
    progress = {stage: StageProgress(stage) for stage in WORK_STAGES if stage in wanted}
    for stage, p in progress.items():
        returns: dict[str, list[Returned]] = defaultdict(list)
        # Rows, which sqlmodel types as plain tuples, though their columns read by name.
        rows = session.exec(
            select(SignOff.document_id, SignOff.method, SignOff.signature_valid, SignOff.reply)
            .join(Document, col(SignOff.document_id) == col(Document.id))
            .where(Document.cycle_id == cycle_id, Document.stage == stage)
            .order_by(col(SignOff.document_id), col(SignOff.version))
        )
        for s in cast(Iterable[_ReturnRow], rows):
            returns[s.document_id].append(s)
        held = set(
            session.exec(
                select(IntakeEvent.document_id)
                .join(Document, col(IntakeEvent.document_id) == col(Document.id))
                .where(Document.cycle_id == cycle_id, Document.stage == stage)
                .where(IntakeEvent.outcome == "held")
            )
        )
        docs = session.exec(
            # sqlmodel's select() is typed for up to four columns; sqlalchemy's takes these.
            select(  # type: ignore[call-overload]
                Document.id,
                Document.template_id,
                Document.recipient_name,
                Document.delivered_at,
                Document.needs_signoff,
                Document.due_on,
                Document.created_at,
                Person.name,
            )
            .join(Person, col(Document.person_id) == col(Person.id), isouter=True)
            .where(Document.cycle_id == cycle_id, Document.stage == stage)
            .order_by(col(Document.id))
        )
        for doc in cast(Iterable[_DocumentRow], docs):
            got = returns.get(doc.id, [])
            p.generated += 1
            p.delivered += doc.delivered_at is not None
            p.waived += any(s.method == SignOffMethod.WAIVER for s in got)
            p.returned += any(s.method != SignOffMethod.WAIVER for s in got)
            p.objections += any(s.reply == Reply.OBJECTION for s in got)
            if not doc.needs_signoff:
                continue
            missing = missing_signoff(stage, got)
            if missing is None:
                continue
            if doc.id in held:
                missing += f" (one is held for staff review: appraisal signoff held {cycle_id})"
            overdue = doc.due_on is not None and doc.due_on < today
            p.overdue += overdue
            p.outstanding.append(
                Outstanding(
                    document_id=doc.id,
                    template_id=doc.template_id,
                    recipient=doc.recipient_name,
                    person=doc.name or "",
                    missing=missing,
                    since=doc.created_at.date(),
                    due_on=doc.due_on,
                    overdue=overdue,
                )
            )
        if stage == Stage.EVALUATION and p.generated:
            p.outstanding += ungraded(session, cycle_id)
    return progress


def ungraded(session: Session, cycle_id: int) -> list[Outstanding]:
    """Members the engine could not grade and staff have decided nothing for: the evaluation
    gate waits for them, so no one is told 未评定 in a result notice."""
    query = (
        # sqlmodel's select() is typed for up to four columns; sqlalchemy's takes these five.
        select(  # type: ignore[call-overload]
            Person.code, Person.name, Result.org_score, Result.appraisal_score, Result.updated_at
        )
        .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .join(
            Result,
            (col(Result.person_id) == col(Person.id)) & (col(Result.cycle_id) == cycle_id),
            isouter=True,
        )
        .where(
            CycleMember.cycle_id == cycle_id,
            col(CycleMember.decision).is_(None),
            col(Result.grade).is_(None),
        )
        .order_by(Person.code)
    )
    return [
        Outstanding(
            document_id="",
            template_id="",
            recipient="统战部",
            person=name,
            missing=missing_grade(org, appraisal),
            since=(updated.date() if updated else date.min),
            due_on=None,
            overdue=False,
            code=code,
        )
        for code, name, org, appraisal, updated in session.exec(query)
    ]

"""Where each stage of a cycle stands, read from the database; the rules are appraisal.gates."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Protocol, cast

from sqlmodel import Session, col, func, select

from appraisal.gates import Outstanding, Returned, StageDocument, StageProgress, missing_grade
from appraisal.kinds import work_stages
from appraisal.models import (
    CycleMember,
    Document,
    IntakeEvent,
    Person,
    Result,
    SignOff,
    StageRun,
)
from appraisal.models.vocab import Stage
from appraisal.stages import BALLOT, TALLY


class _ReturnRow(Returned, Protocol):
    document_id: str


def document_count(session: Session, cycle_id: int) -> int:
    """How many documents the cycle has generated, over all its stages."""
    query = select(func.count()).select_from(Document).where(Document.cycle_id == cycle_id)
    return int(session.exec(query).one())


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


def stage_returns(
    session: Session, cycle_id: int, stage: Stage
) -> tuple[dict[str, list[Returned]], set[str]]:
    """A stage's returns by document, in version order, and the documents with a return held
    for staff review."""
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
    return returns, held_documents(session, cycle_id, stage)


def held_documents(session: Session, cycle_id: int, stage: Stage | None = None) -> set[str]:
    """The documents of a cycle (of one stage, when given) with a return held for staff
    review."""
    query = (
        select(IntakeEvent.document_id)
        .join(Document, col(IntakeEvent.document_id) == col(Document.id))
        .where(Document.cycle_id == cycle_id, IntakeEvent.outcome == "held")
    )
    if stage is not None:
        query = query.where(Document.stage == stage)
    return {d for d in session.exec(query) if d is not None}


def cycle_progress(
    session: Session, cycle_id: int, today: date, stages: Iterable[Stage] | None = None
) -> dict[Stage, StageProgress]:
    """Progress of every working stage of the cycle's kind (or of `stages`), two queries a
    stage.

    A stage at a time, over rows of the columns it needs rather than whole Documents and
    SignOffs: at 10,000 people the assessment alone has some 45,000 documents.
    """
    from appraisal.store.cycles import get_cycle

    own = work_stages(get_cycle(session, cycle_id).kind)
    wanted = set(own if stages is None else stages)
    finished = set(
        session.exec(
            select(StageRun.stage).where(
                StageRun.cycle_id == cycle_id, col(StageRun.finished_at).is_not(None)
            )
        )
    )
    progress = {
        stage: StageProgress(stage, finished=stage in finished) for stage in own if stage in wanted
    }
    held_note = f"有回件待工作人员核对 / held for staff review：appraisal signoff held {cycle_id}"
    for stage, p in progress.items():
        returns, held = stage_returns(session, cycle_id, stage)
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
        for doc in cast(Iterable[StageDocument], docs):
            p.count(doc, returns.get(doc.id, []), today, held_note if doc.id in held else "")
        if stage == Stage.EVALUATION and p.generated:
            p.outstanding += ungraded_members(session, cycle_id)
        if stage == Stage.APPROVAL and p.finished:
            p.outstanding += unapproved_members(session, cycle_id)
        if stage == Stage.ASSESSMENT and p.generated:
            p.outstanding += uncounted(session, cycle_id, today)
    return progress


def unapproved_members(session: Session, cycle_id: int) -> list[Outstanding]:
    """Members whose grade the 审核 has not 审定 yet: the 审定 gate waits for them. A person an
    objection holds is not waited for (they are 审定 once it is decided, and told then)."""
    from appraisal.store.approvals import not_approved
    from appraisal.store.cycles import get_cycle

    return [
        Outstanding(
            document_id="",
            template_id="",
            recipient="审核",
            person=r.name,
            missing=f"等次“{r.grade}”待审定 / the grade awaits 审定 (appraisal approve)",
            since=date.min,
            due_on=None,
            overdue=False,
            code=r.code,
        )
        for r in not_approved(session, get_cycle(session, cycle_id))
    ]


def uncounted(session: Session, cycle_id: int, today: date) -> list[Outstanding]:
    """What the assessment gate waits for besides signed returns: every 民主测评票 sheet's count
    (or a waiver), then the 民主测评结果汇总表 those counts make."""
    # Imported here: the count's store reads plans and scheme, which read this module's peers.
    from appraisal.store.ballots import awaiting_tally_tables, uncounted_sheets

    items = [
        Outstanding(
            document_id=s.document_id,
            template_id=BALLOT,
            recipient=f"{s.group}计票人",
            person="",
            missing=f"计票结果（{s.group} {s.label}）：appraisal ballots enter {cycle_id} 或 "
            f"ballots import / ballot count not entered",
            since=today,
            due_on=None,
            overdue=False,
        )
        for s in uncounted_sheets(session, cycle_id)
    ]
    if items:
        return items
    awaiting = awaiting_tally_tables(session, cycle_id)
    query = select(Person.code, Person.name).where(col(Person.code).in_(awaiting))
    names = {code: name for code, name in session.exec(query)} if awaiting else {}
    return [
        Outstanding(
            document_id="",
            template_id=TALLY,
            recipient="考核组",
            person=names.get(code, ""),
            missing=f"民主测评结果汇总表待生成：appraisal cycle advance {cycle_id} / the tally "
            "table is made once the counts are in",
            since=today,
            due_on=None,
            overdue=False,
            code=code,
        )
        for code in awaiting
    ]


def ungraded_members(session: Session, cycle_id: int) -> list[Outstanding]:
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

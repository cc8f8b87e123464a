"""Whether a cycle's records may still change, and reopening a finished cycle.

A cycle is frozen once it is done: its sealed dossiers and its register are the record, and no
return, reply or waiver is added to it. A person is frozen earlier, once their dossier is sealed
(and the cycle not reopened since): a document whose change would contradict that dossier takes
nothing more (their own documents, a letter listing only them, a letter whose objection names
them), and no new objection may name them. A letter listing several people stays open until the
cycle is done. Reopening, audited and with a reason, is the only way back.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from appraisal.models import AuditEntry, Cycle, Document, Dossier, Person, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Reply, Stage
from appraisal.stages import takes_reply
from appraisal.store.changes import chunks
from appraisal.store.cycles import CycleError, get_cycle, set_stage


@dataclass(frozen=True)
class Frozen:
    """Why a document may no longer change, in Chinese and English."""

    document_id: str
    cycle_id: int
    zh: str
    en: str

    def __str__(self) -> str:
        """For staff, with the way back."""
        return (
            f"{self.document_id}：{self.zh}，不再接受回件、回执意见或免签；如需更正，请先重新开启"
            f"本周期（appraisal cycle reopen {self.cycle_id} --reason …）"
            f" / {self.document_id}: {self.en}, so it takes no more returns, replies or waivers;"
            f" to correct it, reopen the cycle first"
            f" (appraisal cycle reopen {self.cycle_id} --reason ...)"
        )

    def for_reviewer(self) -> str:
        return (
            f"{self.zh}，本文件不再接收回件或意见；如需更正，请与工作人员联系"
            f" / {self.en}: this document takes no more returns or replies;"
            " to correct it, contact the staff"
        )


@dataclass(frozen=True)
class SealedPerson:
    code: str
    name: str
    sealed_at: datetime


def objection_people(signoff: SignOff, listed: Sequence[str]) -> list[str]:
    """Whom a return's objection concerns: the people it names, or everyone its letter lists
    when it names nobody (an objection recorded with a batch of returns); [] for no objection."""
    if signoff.reply != Reply.OBJECTION:
        return []
    return list(signoff.reply_people) or list(listed)


def concerned(
    doc: Document, owner: str | None, signoffs: Sequence[SignOff], named: Iterable[str] = ()
) -> set[str]:
    """Whose sealed dossier a change to `doc` would contradict: the person of a personal
    document, the one person a letter lists, the people its standing objection concerns, and
    `named`, whom a new objection would name. `signoffs` are the document's, oldest first."""
    codes = set(named)
    if owner:
        codes.add(owner)
    if len(doc.people) == 1:
        codes.update(doc.people)
    standing = next((s for s in reversed(signoffs) if s.reply is not None), None)
    if standing is not None:
        codes.update(objection_people(standing, doc.people))
    return codes


def decide(
    cycle: Cycle, document_id: str, codes: Iterable[str], sealed: Mapping[str, SealedPerson]
) -> Frozen | None:
    """Frozen when the cycle is done, or when one of `codes` has a sealed dossier."""
    cycle_id = cycle.id or 0
    if cycle.stage == Stage.DONE:
        return Frozen(
            document_id,
            cycle_id,
            f"第{cycle_id}号考核周期“{cycle.name}”已办结归档",
            f"cycle {cycle_id} ({cycle.name}) is finished and archived",
        )
    hit = sorted(c for c in codes if c in sealed)
    if not hit:
        return None
    p = sealed[hit[0]]
    on = p.sealed_at.date().isoformat()
    return Frozen(
        document_id,
        cycle_id,
        f"{p.name}（{p.code}）的档案已于{on}封存",
        f"the dossier of {p.name} ({p.code}) was sealed on {on}",
    )


def sealed_people(
    session: Session, cycle: Cycle, codes: Collection[str] | None = None
) -> dict[str, SealedPerson]:
    """The people of the cycle (or those of `codes`) whose dossier was sealed since the cycle
    was last reopened, by 编号."""
    query = (
        select(Person.code, Person.name, Dossier.sealed_at)
        .join(Dossier, col(Dossier.person_id) == col(Person.id))
        .where(Dossier.cycle_id == cycle.id)
    )
    if cycle.reopened_at is not None:
        query = query.where(col(Dossier.sealed_at) > cycle.reopened_at)
    parts = [query] if codes is None else [
        query.where(col(Person.code).in_(part)) for part in chunks(sorted(codes))
    ]  # fmt: skip
    return {
        code: SealedPerson(code, name, at)
        for part in parts
        for code, name, at in session.exec(part)
    }


def why_frozen(
    session: Session, document_id: str | None, named: Iterable[str] = ()
) -> Frozen | None:
    """Why `document_id` may take no return, reply or waiver (nor an objection naming `named`),
    or None when it may, or when there is no such document."""
    doc = session.get(Document, document_id) if document_id else None
    return None if doc is None else document_frozen(session, doc, named)


def document_frozen(session: Session, doc: Document, named: Iterable[str] = ()) -> Frozen | None:
    """`why_frozen` for a document already at hand (a caller that holds its row lock)."""
    cycle = get_cycle(session, doc.cycle_id)
    if cycle.stage == Stage.DONE:
        return decide(cycle, doc.id, (), {})
    owner = session.get(Person, doc.person_id) if doc.person_id is not None else None
    replies: list[SignOff] = []
    if takes_reply(doc.stage):
        replies = list(
            session.exec(
                select(SignOff)
                .where(SignOff.document_id == doc.id, col(SignOff.reply).is_not(None))
                .order_by(col(SignOff.version))
            )
        )
    codes = concerned(doc, owner.code if owner else None, replies, named)
    return decide(cycle, doc.id, codes, sealed_people(session, cycle, codes) if codes else {})


def frozen_codes(session: Session, cycle: Cycle) -> set[str]:
    """The people whose dossier must stay as sealed: everyone once the cycle is done. A person
    whose grade a 复核 changed after their seal is not: the archive seals them again."""
    from appraisal.store.reviews import changed_since_seal

    if cycle.stage == Stage.DONE:
        query = select(Person.code).join(Dossier, col(Dossier.person_id) == col(Person.id))
        frozen = set(session.exec(query.where(Dossier.cycle_id == cycle.id)))
    else:
        frozen = set(sealed_people(session, cycle))
    return frozen - changed_since_seal(session, cycle)


def can_reopen(session: Session, cycle: Cycle) -> bool:
    return cycle.stage == Stage.DONE or bool(frozen_codes(session, cycle))


def reopen_cycle(session: Session, cycle: Cycle, *, reason: str, actor: str) -> int:
    """Take a finished cycle back to its archive stage and unfreeze its sealed dossiers, so a
    correction can be recorded and `appraisal archive` reseals what it changes. Returns how many
    sealed dossiers may change again."""
    reason = reason.strip()
    cycle_id = cycle.id or 0
    if not reason:
        raise CycleError("重新开启周期须写明原因 / reopening a cycle needs a reason (--reason)")
    unfrozen = len(frozen_codes(session, cycle))
    if cycle.stage != Stage.DONE and not unfrozen:
        raise CycleError(
            f"第{cycle_id}号考核周期尚未办结，也没有已封存的档案，无需重新开启"
            f" / cycle {cycle_id} is not finished and has no sealed dossier: nothing is frozen"
        )
    at = utcnow()
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            entity="cycle",
            entity_key=cycle.name,
            field="reopened",
            before=cycle.reopened_at.isoformat() if cycle.reopened_at else None,
            after=at.isoformat(),
            reason=reason,
        )
    )
    if cycle.stage == Stage.DONE:
        set_stage(
            session, cycle, Stage.ARCHIVE, actor=actor, reason=f"重新开启 / reopened: {reason}"
        )
    cycle.reopened_at = at
    session.add(cycle)
    return unfrozen

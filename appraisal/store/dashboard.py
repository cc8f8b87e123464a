"""What the portal shows: a cycle's progress, results and files, and one reviewer's documents."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from appraisal.gates import StageProgress, missing_signoff
from appraisal.models import Cycle, Document, Dossier, Person, Result, ReviewerLink, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Grade, SignOffMethod, Stage
from appraisal.scheme import parse_scheme
from appraisal.store.cycles import get_cycle
from appraisal.store.freeze import concerned, decide, objection_people, sealed_people
from appraisal.store.nominations import members_without_form
from appraisal.store.progress import cycle_progress, cycle_signoffs, held_documents
from appraisal.store.sessions import link_ending
from appraisal.store.stage_runs import stage_finished


@dataclass(frozen=True)
class Objection:
    """A person flagged by a solicitation reply, and what the replies said."""

    code: str
    name: str
    text: str


@dataclass(frozen=True)
class DossierRow:
    code: str
    name: str
    pages: int
    path: str


@dataclass(frozen=True)
class CycleBoard:
    cycle: Cycle
    progress: list[StageProgress]
    grades: dict[str, int]
    objections: list[Objection]
    dossiers: list[DossierRow]
    links: list[ReviewerLink]
    reviewers: list[tuple[str, str]]  # (kind, name) of everyone documents went to
    gate_closed: bool = False  # the current stage's run ended and its gate is closed
    link_states: dict[int, str] = field(default_factory=dict)  # link id → where it stands, in words

    @property
    def current(self) -> StageProgress | None:
        return next((p for p in self.progress if p.stage == self.cycle.stage), None)

    @property
    def can_advance(self) -> bool:
        """There is work for `cycle advance`: a stage to start or to finish (after a crash),
        or an open gate to pass."""
        return self.cycle.stage != Stage.DONE and not self.gate_closed


def cycle_board(session: Session, cycle: Cycle, today: date) -> CycleBoard:
    assert cycle.id is not None
    progress = list(cycle_progress(session, cycle.id, today).values())
    results = session.exec(select(Result).where(Result.cycle_id == cycle.id)).all()
    counted = Counter(r.grade for r in results if r.grade is not None)
    # The scheme's own scale, and any other grade someone was given (by a 复核, say).
    scale = [g.grade for g in parse_scheme(cycle.scheme_toml, cycle.name).grades]
    grades = {g.value: counted.get(g, 0) for g in Grade if g in scale or counted.get(g)}
    flagged = session.exec(
        select(Result, Person)
        .join(Person, col(Result.person_id) == col(Person.id))
        .where(Result.cycle_id == cycle.id, col(Result.flagged))
        .order_by(Person.code)
    ).all()
    objections = [Objection(p.code, p.name, str(r.detail.get("objection", ""))) for r, p in flagged]
    rows = session.exec(
        select(Dossier, Person)
        .join(Person, col(Dossier.person_id) == col(Person.id))
        .where(Dossier.cycle_id == cycle.id)
        .order_by(Person.code)
    ).all()
    dossiers = [DossierRow(p.code, p.name, d.pages, d.path) for d, p in rows]
    links = session.exec(
        select(ReviewerLink)
        .where(ReviewerLink.cycle_id == cycle.id)
        .order_by(col(ReviewerLink.id).desc())
    ).all()
    reviewers = session.exec(
        select(Document.recipient_kind, Document.recipient_name)
        .where(Document.cycle_id == cycle.id)
        .distinct()
        .order_by(Document.recipient_kind, Document.recipient_name)
    ).all()
    current = next((p for p in progress if p.stage == cycle.stage), None)
    closed = current is not None and not current.gate_open
    if cycle.stage == Stage.NOMINATION and members_without_form(session, cycle.id):
        closed = False  # members accepted from a nomination since it ran: their 推荐表 to make
    return CycleBoard(
        cycle, progress, grades, objections, dossiers, list(links),
        [(kind, name) for kind, name in reviewers],
        gate_closed=closed and stage_finished(session, cycle.id, cycle.stage),
        link_states={k.id: link_state(k, cycle.stage) for k in links if k.id is not None},
    )  # fmt: skip


def link_state(link: ReviewerLink, stage: Stage) -> str:
    """Where a reviewer link stands, as staff read it on the board."""
    ending = link_ending(link, utcnow())
    if ending == "revoked":
        return "已撤销"
    if ending is not None:
        return "已过期"
    # The inbox still opens after archiving, but only to look: it takes no more files.
    return "仅可查看（已归档）" if stage == Stage.DONE else "有效"


@dataclass(frozen=True)
class InboxRow:
    document: Document
    person: str  # 姓名 of the person a personal document is about, or the letter's people
    status: str  # in words: what the reviewer still owes, or that nothing is owed
    done: bool
    returns: int
    reply: str  # the reply recorded, if any
    letter_people: list[tuple[str, str]]  # (编号, 姓名) a letter concerns
    finished: str = ""  # why the document takes nothing more (its cycle or dossier is closed)
    latest: SignOff | None = None  # the newest return received (not a waiver)
    waiver: SignOff | None = None  # staff excused the reviewer from returning it
    answer: SignOff | None = None  # the return carrying the reply shown (and changed by 修改)
    awaits_reply: bool = False  # returned, but the solicitation reply is still to be given
    held: bool = False  # a return came and waits for staff to look at it; the reviewer waits

    @property
    def concerns(self) -> list[str]:
        """姓名 of the people the shown objection concerns (a letter's everyone when it names
        no one), in the letter's order."""
        if self.answer is None:
            return []
        codes = objection_people(self.answer, [c for c, _ in self.letter_people])
        return [name for code, name in self.letter_people if code in codes]


def reviewer_documents(session: Session, link: ReviewerLink) -> list[InboxRow]:
    """The documents of one reviewer in one cycle, and where each stands."""
    docs = session.exec(
        select(Document)
        .where(
            Document.cycle_id == link.cycle_id,
            Document.recipient_kind == link.reviewer_kind,
            Document.recipient_name == link.reviewer_name,
        )
        .order_by(Document.stage, Document.id)
    ).all()
    signoffs = cycle_signoffs(session, link.cycle_id)
    ids = {d.person_id for d in docs if d.person_id is not None}
    codes = {c for d in docs for c in (d.people or [])}
    people = session.exec(
        select(Person).where(col(Person.id).in_(ids) | col(Person.code).in_(codes))
    ).all()
    by_id = {p.id: p for p in people}
    by_code = {p.code: p for p in people}
    cycle = get_cycle(session, link.cycle_id)
    # Everyone these documents concern: the people of personal documents and those listed.
    concern = {p.code for p in people}
    sealed = {} if cycle.stage == Stage.DONE else sealed_people(session, cycle, concern)
    held = held_documents(session, link.cycle_id)
    rows = []
    for doc in docs:
        returns = signoffs.get(doc.id, [])
        missing = missing_signoff(doc.stage, returns) if doc.needs_signoff else None
        waits_for_staff = missing is not None and doc.id in held
        listed = [(c, by_code[c].name) for c in (doc.people or []) if c in by_code]
        owner = by_id.get(doc.person_id) if doc.person_id is not None else None
        received = sorted(
            (s for s in returns if s.method != SignOffMethod.WAIVER), key=lambda s: s.version
        )
        answered = [s for s in received if s.reply is not None]
        frozen = decide(
            cycle, doc.id, concerned(doc, owner.code if owner else None, returns), sealed
        )
        rows.append(
            InboxRow(
                document=doc,
                person=owner.name if owner else "、".join(n for _, n in listed),
                status=_in_words(missing, doc.needs_signoff, returns, waits_for_staff),
                done=missing is None,
                returns=len(received),
                reply=next((s.reply.value for s in reversed(answered) if s.reply), ""),
                letter_people=listed,
                finished=frozen.for_reviewer() if frozen else "",
                latest=received[-1] if received else None,
                waiver=next((s for s in returns if s.method == SignOffMethod.WAIVER), None),
                answer=answered[-1] if answered else None,
                awaits_reply=missing is not None and missing.startswith("reply"),
                held=waits_for_staff,
            )
        )
    return rows


def reviewer_document(session: Session, link: ReviewerLink, document_id: str) -> Document | None:
    """The document if it is addressed to the link's reviewer in the link's cycle, else None."""
    doc = session.get(Document, document_id)
    if (
        doc is None
        or doc.cycle_id != link.cycle_id
        or doc.recipient_kind != link.reviewer_kind
        or doc.recipient_name != link.reviewer_name
    ):
        return None
    return doc


def cycle_document(session: Session, cycle_id: int, document_id: str) -> Document | None:
    """The document if it belongs to the cycle, else None."""
    doc = session.get(Document, document_id)
    return doc if doc is not None and doc.cycle_id == cycle_id else None


def person_dossier(session: Session, cycle_id: int, code: str) -> Dossier | None:
    """The dossier sealed for person `code` in the cycle, if there is one."""
    return session.exec(
        select(Dossier)
        .join(Person, col(Dossier.person_id) == col(Person.id))
        .where(Dossier.cycle_id == cycle_id, Person.code == code)
    ).first()


def _in_words(missing: str | None, needs: bool, returns: list[SignOff], held: bool) -> str:
    if not needs:
        return "仅供阅知，无需回传"
    if missing is None:
        if any(s.method == SignOffMethod.WAIVER for s in returns):
            return "已免于回传"
        return "已回传"
    if held:
        return "已收到，待工作人员核对"
    if missing.startswith("reply"):
        return "已回传，请填写回执意见"
    if returns:
        return "回传文件的数字签名未通过验证，请重新签署后上传"
    return "待签署回传"


def dossier_name(session: Session, code: str) -> str:
    """The 姓名 of the person with 编号 `code`, for naming their dossier's download."""
    person = session.exec(select(Person).where(Person.code == code)).first()
    return person.name if person is not None else ""

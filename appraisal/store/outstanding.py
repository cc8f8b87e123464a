"""What a stage still awaits, with names: each document owed a return, who owes it, whom it is
about, and how late it is; and the stage's documents counted so the numbers add up."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, cast

from sqlmodel import Session, col, select

from appraisal.gates import Outstanding, missing_signoff
from appraisal.kinds import work_stages
from appraisal.models import Document, Person, SignOff
from appraisal.models.vocab import SignOffMethod, Stage
from appraisal.store.progress import stage_returns, ungraded_members


class _DocRow(Protocol):
    """The columns of a document this module reads: a Document, or a row of these columns."""

    @property
    def id(self) -> str: ...
    @property
    def template_id(self) -> str: ...
    @property
    def recipient_kind(self) -> str: ...
    @property
    def recipient_name(self) -> str: ...
    @property
    def needs_signoff(self) -> bool: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def person_id(self) -> int | None: ...
    @property
    def people(self) -> list[str]: ...


@dataclass(frozen=True)
class AwaitedDocument:
    """A document of the stage still owed a return (or its reply), in names."""

    document_id: str
    title: str
    reviewer_kind: str
    reviewer_name: str
    people: tuple[tuple[str, str], ...]  # (编号, 姓名) of whom it is about
    missing: str  # what is still needed, in Chinese
    due_on: date | None
    days_overdue: int  # 0 when not (yet) overdue
    held: bool = False  # a return of it waits for staff review

    @property
    def reviewer(self) -> str:
        name = self.reviewer_name or self.reviewer_kind
        return name if name == self.reviewer_kind else f"{name}（{self.reviewer_kind}）"

    @property
    def about(self) -> str:
        return "、".join(f"{c} {n}" for c, n in self.people)


@dataclass(frozen=True)
class ReviewerGroup:
    kind: str
    name: str
    label: str
    documents: list[AwaitedDocument]

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass(frozen=True)
class PersonGroup:
    code: str
    name: str
    documents: list[AwaitedDocument]


@dataclass
class StageAccount:
    """The stage's documents, each counted once: 仅供阅知 (no return asked), 已回传, 已免于回传,
    or 待回传; the evaluation also waits for people without a grade."""

    stage: Stage
    generated: int = 0
    for_reading: int = 0
    returned: int = 0
    waived: int = 0
    awaited: list[AwaitedDocument] = field(default_factory=list)
    ungraded: list[Outstanding] = field(default_factory=list)
    # 审定, which makes no document: (审定, waiting, held by an objection), in people
    approvals: tuple[int, int, int] | None = None

    @property
    def needs_return(self) -> int:
        return self.generated - self.for_reading

    @property
    def overdue(self) -> list[AwaitedDocument]:
        return [d for d in self.awaited if d.days_overdue]

    def by_reviewer(self) -> list[ReviewerGroup]:
        groups: dict[tuple[str, str], list[AwaitedDocument]] = defaultdict(list)
        for d in self.awaited:
            groups[(d.reviewer_kind, d.reviewer_name)].append(d)
        return [
            ReviewerGroup(kind, name, docs[0].reviewer, docs)
            for (kind, name), docs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]

    def by_person(self) -> list[PersonGroup]:
        groups: dict[tuple[str, str], list[AwaitedDocument]] = defaultdict(list)
        for d in self.awaited:
            for person in d.people or (("", "（不涉及个人）"),):
                groups[person].append(d)
        return [PersonGroup(c, n, docs) for (c, n), docs in sorted(groups.items())]

    def explained(self) -> str:
        """The counts in one sentence that adds up, as staff read it under the table."""
        if self.approvals is not None:
            done, waiting, held = self.approvals
            return (
                f"审定不生成文件：已审定 {done} 人、待审定 {waiting} 人、"
                f"因征求意见有异议暂缓 {held} 人（暂缓者核实决定后再审定，不影响其他人的通知）。"
            )
        parts = [f"已生成 {self.generated} 份"]
        if self.for_reading:
            parts.append(f"其中 {self.for_reading} 份仅供阅知，无需回传")
        parts.append(
            f"需回传的 {self.needs_return} 份中，已回传 {self.returned} 份、"
            f"已免于回传 {self.waived} 份、待回传 {len(self.awaited)} 份"
        )
        if self.ungraded:
            parts.append(f"另有 {len(self.ungraded)} 人等次尚未评定")
        return "；".join(parts) + "。"


def missing_in_words(missing: str) -> str:
    """What the gate says a document lacks (appraisal.gates), as staff read it."""
    if missing.startswith("reply"):
        return "已回传，待录入回执意见（无异议/有异议）"
    if missing.startswith("a valid"):
        return "回传件的数字签名未通过验证，待重新签署回传"
    return "待签署回传"


def stage_account(
    session: Session,
    cycle_id: int,
    stage: Stage,
    today: date,
    titles: Mapping[str, str] | None = None,
    document_ids: Iterable[str] | None = None,
) -> StageAccount:
    """The stage's documents counted, and those still awaited with their reviewer and people;
    `titles` (template id -> title) names the documents; `document_ids` narrows the awaited
    list to those IDs (the counts stay the stage's)."""
    titles = titles or {}
    account = StageAccount(stage)
    returns, held = stage_returns(session, cycle_id, stage)
    # Rows of the columns this needs, not whole Documents: a stage may have 45,000 of them.
    docs = session.exec(
        # sqlmodel's select() is typed for up to four columns; sqlalchemy's takes these.
        select(  # type: ignore[call-overload]
            Document.id,
            Document.template_id,
            Document.recipient_kind,
            Document.recipient_name,
            Document.needs_signoff,
            Document.due_on,
            Document.person_id,
            Document.people,
        )
        .where(Document.cycle_id == cycle_id, Document.stage == stage)
        .order_by(col(Document.id))
    )
    only = set(document_ids) if document_ids is not None else None
    waiting: list[tuple[_DocRow, str]] = []
    for doc in cast(Iterable[_DocRow], docs):
        account.generated += 1
        got = returns.get(doc.id, [])
        if not doc.needs_signoff:
            account.for_reading += 1
            continue
        missing = missing_signoff(stage, got)
        if missing is None:
            if any(s.method == SignOffMethod.WAIVER for s in got):
                account.waived += 1
            else:
                account.returned += 1
        elif only is None or doc.id in only:
            waiting.append((doc, missing))
    names = _names(session, [doc for doc, _ in waiting])  # only the awaited ones' people
    for doc, missing in waiting:
        late = (today - doc.due_on).days if doc.due_on and doc.due_on < today else 0
        account.awaited.append(
            AwaitedDocument(
                document_id=doc.id,
                title=titles.get(doc.template_id, doc.template_id),
                reviewer_kind=doc.recipient_kind,
                reviewer_name=doc.recipient_name,
                people=_people_of(doc, names),
                missing=missing_in_words(missing),
                due_on=doc.due_on,
                days_overdue=late,
                held=doc.id in held,
            )
        )
    if stage == Stage.EVALUATION and account.generated:
        account.ungraded = ungraded_members(session, cycle_id)
    if stage == Stage.APPROVAL:
        from appraisal.store.approvals import approval_board
        from appraisal.store.cycles import get_cycle

        board = approval_board(session, get_cycle(session, cycle_id))
        account.approvals = (len(board.approved), len(board.waiting), len(board.held))
    return account


def _names(session: Session, docs: Iterable[_DocRow]) -> tuple[dict[int, Person], dict[str, str]]:
    docs = list(docs)
    ids = {d.person_id for d in docs if d.person_id is not None}
    codes = {c for d in docs for c in (d.people or [])}
    by_id: dict[int, Person] = {}
    by_code: dict[str, str] = {}
    if ids or codes:
        found = session.exec(
            select(Person).where(col(Person.id).in_(ids) | col(Person.code).in_(codes))
        ).all()
        by_id = {p.id: p for p in found if p.id is not None}
        by_code = {p.code: p.name for p in found}
    return by_id, by_code


def _people_of(
    doc: _DocRow, names: tuple[dict[int, Person], dict[str, str]]
) -> tuple[tuple[str, str], ...]:
    by_id, by_code = names
    if doc.person_id is not None and doc.person_id in by_id:
        person = by_id[doc.person_id]
        return ((person.code, person.name),)
    return tuple((c, by_code.get(c, "")) for c in (doc.people or []))


def document_people(session: Session, doc: Document) -> list[tuple[str, str]]:
    """(编号, 姓名) of the people a document is about: its person, or the people a letter lists."""
    return list(_people_of(doc, _names(session, [doc])))


def overdue_documents(
    session: Session, cycle_id: int, today: date, titles: Mapping[str, str] | None = None
) -> list[AwaitedDocument]:
    """Every working stage's overdue documents, with names: what a reminder chases."""
    from appraisal.store.cycles import get_cycle

    found: list[AwaitedDocument] = []
    for stage in work_stages(get_cycle(session, cycle_id).kind):
        found += stage_account(session, cycle_id, stage, today, titles).overdue
    return found


def document_signoffs(session: Session, document_id: str) -> list[SignOff]:
    """A document's returns and waivers, oldest version first."""
    query = select(SignOff).where(SignOff.document_id == document_id).order_by(col(SignOff.version))
    return list(session.exec(query))

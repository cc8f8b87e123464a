"""Nominations (提名推荐): what the bodies proposed for a cycle, the checks, and staff's decisions.

A body's workbook is recorded all or nothing; the same body's candidate imported again updates
the row while it is undecided and never adds a second one. Staff decide each candidate once:
two bodies' nominations of one person are decided together. Accepting makes the candidate a
member of the cycle (a new person gets a record first); the pool takes them in only through the
rolling adjustment after the cycle (入库)."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from appraisal.documents.views import EntryLine, Nominated
from appraisal.models import (
    Cycle,
    CycleMember,
    Document,
    Nomination,
    Person,
    PersonEntry,
    PoolMembership,
    ReviewerLink,
)
from appraisal.models.base import utcnow
from appraisal.models.vocab import EntryKind, NominationStatus, Stage
from appraisal.nomination_checks import Candidate, Facts, Findings, check_nominations
from appraisal.scheme import parse_scheme
from appraisal.sheets.errors import SheetIssue, raise_if_any
from appraisal.sheets.nominations import (
    FORM,
    NOMINEES,
    NominationSheet,
    NomineeRow,
    read_nominations,
)
from appraisal.sheets.roster import derive_code
from appraisal.stages import NOMINATION_FORM, STAGE_ORDER
from appraisal.store.changes import AuditLog, ImportCounts
from appraisal.store.cycles import CycleError
from appraisal.store.links import link_actor

ENTITY = "nomination"

# The columns a body gives; a re-import compares these.
_GIVEN = (
    "body_kind", "person_code", "name", "gender", "ethnicity", "birth_date", "party",
    "category", "sector", "employer", "post", "education", "title", "phone", "tier", "reason",
    "career",
)  # fmt: skip


class NominationError(CycleError):
    """A nomination request that cannot be carried out, with the reason in staff's words."""


@dataclass(frozen=True)
class NominationImport:
    counts: ImportCounts
    warnings: tuple[str, ...]
    kept: tuple[str, ...] = ()  # rows already decided, left as they were


@dataclass
class NominationView:
    """One nomination with its checks, for lists and the summary."""

    nomination: Nomination
    findings: Findings
    # As the checks saw it: for someone on the roster, the roster's values where the body left
    # a field blank.
    candidate: Candidate
    others: list[str] = field(default_factory=list)  # the other bodies nominating the same person
    became: str = ""  # the 编号 an accepted newcomer was given

    @property
    def id(self) -> int:
        assert self.nomination.id is not None
        return self.nomination.id


def takes_nominations(cycle: Cycle) -> bool:
    """Whether the cycle still takes nominations and decides them: until its assessment starts,
    in whichever stages come before it (提名推荐, and 动员部署 where a cycle has it)."""
    return STAGE_ORDER.index(cycle.stage) < STAGE_ORDER.index(Stage.ASSESSMENT)


def _open(cycle: Cycle, doing: str) -> None:
    if not takes_nominations(cycle):
        raise NominationError(
            f"第{cycle.id}号考核周期（{cycle.name}）已过提名推荐阶段，不能再{doing}"
            " / the cycle is past its nomination stage"
        )


def _career(row: NomineeRow) -> list[dict[str, Any]]:
    return [
        {
            "start": line.started_on.isoformat(),
            "end": line.ended_on.isoformat() if line.ended_on else "",
            "text": line.text,
        }
        for line in row.career
    ]


def _values(row: NomineeRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in _GIVEN if name != "career"}
    values["career"] = _career(row)
    return values


def record_nominations(
    session: Session, cycle: Cycle, sheet: NominationSheet, *, actor: str
) -> NominationImport:
    """Record a workbook's nominations for the cycle, audited; only while it takes them."""
    _open(cycle, "录入推荐人选")
    source = sheet.file.name
    rows = [(row, f"{source} 第{row.row}行") for row in sheet.rows]
    counts, kept = _record(session, cycle, rows, AuditLog(actor), "导入 ")
    return NominationImport(counts, sheet.warnings, tuple(kept))


def _record(
    session: Session,
    cycle: Cycle,
    rows: list[tuple[NomineeRow, str]],
    log: AuditLog,
    how: str,
) -> tuple[ImportCounts, list[str]]:
    """Each row (and where it came from) added, or updated while undecided; the same body's
    candidate never twice. Returns the counts and the rows left alone because decided."""
    assert cycle.id is not None
    existing = {
        (n.body, n.candidate_key): n
        for n in session.exec(select(Nomination).where(Nomination.cycle_id == cycle.id))
    }
    added = updated = unchanged = 0
    kept: list[str] = []
    codes = [row.person_code for row, _ in rows if row.person_code]
    query = select(Person.code, Person.name).where(col(Person.code).in_(codes))
    names = {code: name for code, name in session.exec(query)}
    for row, where in rows:
        values = _values(row)
        if row.person_code and not row.name:
            values["name"] = names.get(row.person_code, "")
        found = existing.get((row.body, row.key))
        if found is None:
            found = Nomination(
                cycle_id=cycle.id, body=row.body, candidate_key=row.key,
                source=where[:256], **values,
            )  # fmt: skip
            session.add(found)
            session.flush()
            what = f"{row.body} 推荐 {values['name'] or row.person_code}（{row.tier.value}）"
            log.record(ENTITY, f"{cycle.name}/{found.id}", "recorded", None, what, how + where)
            existing[(row.body, row.key)] = found
            added += 1
            continue
        before = {name: getattr(found, name) for name in _GIVEN}
        diff = {k: (before[k], values[k]) for k in _GIVEN if before[k] != values[k]}
        if not diff:
            unchanged += 1
        elif found.status != NominationStatus.PENDING:
            kept.append(f"{where}：{row.body} 推荐的 {row.name} 已{found.status.value}，未更新")
            unchanged += 1
        else:
            for name, (_, new) in diff.items():
                setattr(found, name, new)
            found.source = where[:256]
            session.add(found)
            log.changes(ENTITY, f"{cycle.name}/{found.id}", diff, f"重新{how}{where}")
            updated += 1
    log.write(session)
    session.flush()
    return ImportCounts(added, updated, unchanged), kept


def import_nomination_file(
    session: Session, cycle: Cycle, path: Path, *, actor: str
) -> NominationImport:
    """Read a nomination workbook (WorkbookError lists every bad row) and record it."""
    _open(cycle, "录入推荐人选")
    return record_nominations(session, cycle, read_nominations(path), actor=actor)


# The reviewer kind of a nominating body: its link opens the 提名推荐 page.
NOMINATING_BODY = "推荐单位"
ONLINE = FORM  # the source of a nomination a body made on its portal page


@dataclass(frozen=True)
class Proposal:
    """What a body's proposal did: 新增, 修改 or 未变 (the same candidate sent again)."""

    nomination: Nomination
    outcome: str


def _body_of(link: ReviewerLink, cycle: Cycle) -> str:
    """The nominating body a link speaks for; anything else may not nominate through it."""
    if link.cycle_id != cycle.id or link.reviewer_kind != NOMINATING_BODY:
        raise NominationError("只有推荐单位可以通过链接提名推荐 / only a nominating body's link")
    return link.reviewer_name


def _on_roster(session: Session, rows: list[NomineeRow]) -> dict[int, str]:
    """Of rows naming someone on the roster, those whose 编号 and 姓名 are not one person's, by
    row, with the reason. A body names a person by both, so it learns nothing of the roster by
    trying 编号: the answer is the same whether the 编号 exists or not."""
    codes = [r.person_code for r in rows if r.person_code]
    query = select(Person.code, Person.name).where(col(Person.code).in_(codes))
    names = dict(session.exec(query).all())
    bad: dict[int, str] = {}
    for r in rows:
        if not r.person_code:
            continue
        if not r.name:
            bad[r.row] = "以编号推荐人才库中的人选时，须同时填写姓名"
        elif names.get(r.person_code) != r.name:
            bad[r.row] = (
                f"名册中没有编号为 {r.person_code}、姓名为 {r.name} 的人员；请核对编号和姓名，"
                "新人选请留空编号"
            )
    return bad


def propose_nomination(
    session: Session,
    cycle: Cycle,
    link: ReviewerLink,
    row: NomineeRow,
    *,
    nomination_id: int | None = None,
) -> Proposal:
    """A body's proposal through its link (`row` from `read_nomination_form`, its body the
    link's), audited as the link; or, with `nomination_id`, its correction of one of its own
    nominations still 待定. The same candidate proposed again updates the row it has."""
    _open(cycle, "提名推荐")
    body = _body_of(link, cycle)
    if row.body != body:
        raise NominationError(f"推荐单位应为本单位（{body}） / the body is the link's")
    if problem := _on_roster(session, [row]).get(row.row):
        raise NominationError(f"编号、姓名：{problem}")
    log = AuditLog(link_actor(link)[:64])
    if nomination_id is None:
        counts, kept = _record(session, cycle, [(row, ONLINE)], log, "")
        found = session.exec(
            select(Nomination).where(
                Nomination.cycle_id == cycle.id,
                Nomination.body == body,
                Nomination.candidate_key == row.key,
            )
        ).one()
        if kept:
            raise NominationError(
                f"本单位已推荐过 {found.name}，且已{found.status.value}，不能再修改"
                " / already decided"
            )
        outcome = "新增" if counts.added else "修改" if counts.updated else "未变"
        return Proposal(found, outcome)
    found = _own_pending(session, cycle, body, nomination_id, "修改")
    if row.key != found.candidate_key:
        other = session.exec(
            select(Nomination).where(
                Nomination.cycle_id == cycle.id,
                Nomination.body == body,
                Nomination.candidate_key == row.key,
            )
        ).first()
        if other is not None:
            raise NominationError(
                f"本单位已推荐过该人选（第{other.id}号推荐），请修改那一条或撤回本条"
                " / the body already nominated this candidate"
            )
    values = _values(row)
    if row.person_code and not row.name:
        values["name"] = found.name
    values["candidate_key"] = row.key
    before = {name: getattr(found, name) for name in values}
    diff = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    if not diff:
        return Proposal(found, "未变")
    for name, (_, new) in diff.items():
        setattr(found, name, new)
    found.source = ONLINE
    session.add(found)
    log.changes(ENTITY, f"{cycle.name}/{found.id}", diff, f"{ONLINE}修改")
    log.write(session)
    session.flush()
    return Proposal(found, "修改")


def _own_pending(
    session: Session, cycle: Cycle, body: str, nomination_id: int, doing: str
) -> Nomination:
    found = session.get(Nomination, nomination_id)
    if found is None or found.cycle_id != cycle.id or found.body != body:
        # Another body's nomination is not said to exist.
        raise NominationError(f"本单位没有第{nomination_id}号推荐 / no such nomination")
    if found.status != NominationStatus.PENDING:
        raise NominationError(
            f"第{found.id}号推荐（{found.name}）已{found.status.value}，不能再{doing}"
            " / already decided"
        )
    return found


def withdraw_nomination(
    session: Session, cycle: Cycle, link: ReviewerLink, nomination_id: int
) -> Nomination:
    """A body takes back one of its nominations while it is 待定: the row goes, the audit trail
    keeps what it said. Returns the nomination as it was."""
    _open(cycle, "撤回推荐")
    body = _body_of(link, cycle)
    found = _own_pending(session, cycle, body, nomination_id, "撤回")
    log = AuditLog(link_actor(link)[:64])
    what = f"{found.body} 推荐 {found.name or found.person_code}（{found.tier.value}）"
    log.record(ENTITY, f"{cycle.name}/{found.id}", "withdrawn", what, None, "推荐单位撤回")
    session.delete(found)
    log.write(session)
    session.flush()
    return found


def import_body_nominations(
    session: Session, cycle: Cycle, link: ReviewerLink, path: Path, *, max_bytes: int | None = None
) -> NominationImport:
    """A body's own workbook, uploaded through its link: the same reading and recording as
    staff's import, audited as the link. All or nothing: a row naming another body, or a 编号
    whose 姓名 is not the roster's, refuses the file (WorkbookError names each row)."""
    _open(cycle, "录入推荐人选")
    body = _body_of(link, cycle)
    sheet = read_nominations(path, max_bytes=max_bytes)
    file = sheet.file.name
    issues = [
        SheetIssue(file, f"推荐单位“{r.body}”不是本单位（{body}）：只能推荐本单位的人选",
                   NOMINEES.name, r.row, "推荐单位")
        for r in sheet.rows
        if r.body != body
    ]  # fmt: skip
    issues += [
        SheetIssue(file, reason, NOMINEES.name, row, "编号")
        for row, reason in _on_roster(session, list(sheet.rows)).items()
    ]
    raise_if_any(sorted(issues, key=lambda i: i.row or 0))
    rows = [(row, f"{file} 第{row.row}行") for row in sheet.rows]
    counts, kept = _record(session, cycle, rows, AuditLog(link_actor(link)[:64]), "链接导入 ")
    return NominationImport(counts, sheet.warnings, tuple(kept))


@dataclass(frozen=True)
class BodyNominationView:
    """One of a body's nominations as the body sees it: its own entries, its status, and the
    checks worded for it (nothing of the roster or of other bodies)."""

    nomination: Nomination
    problems: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def pending(self) -> bool:
        return self.nomination.status == NominationStatus.PENDING


def body_nominations(
    session: Session, cycle: Cycle, link: ReviewerLink
) -> list[BodyNominationView]:
    """The nominations the link's body made in the cycle, in the order made."""
    body = _body_of(link, cycle)
    return [
        BodyNominationView(v.nomination, tuple(v.findings.problems),
                           tuple(v.findings.body_warnings))
        for v in sorted(nominations_of(session, cycle), key=lambda v: v.id)
        if v.nomination.body == body
    ]  # fmt: skip


def _facts(session: Session, cycle: Cycle, nominations: list[Nomination]) -> Facts:
    assert cycle.id is not None
    codes = {n.person_code for n in nominations if n.person_code}
    names = {n.name for n in nominations if not n.person_code}
    # A newcomer accepted here is on the roster now: they are not someone else of that name.
    made_here = {n.person_id for n in nominations if n.person_id and not n.person_code}
    roster = {
        p.code: (p.name, p.birth_date)
        for p in session.exec(
            select(Person).where(col(Person.code).in_(codes) | col(Person.name).in_(names))
        )
        if p.id not in made_here
    }
    in_pool = (
        select(Person.code, PoolMembership.tier)
        .join(PoolMembership, col(PoolMembership.person_id) == col(Person.id))
        .where(col(Person.code).in_(codes), col(PoolMembership.left_on).is_(None))
    )
    pool = {code: tier for code, tier in session.exec(in_pool)}
    members = frozenset(
        session.exec(
            select(Person.code)
            .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
            .where(CycleMember.cycle_id == cycle.id, col(Person.code).in_(codes))
        )
    )
    return Facts(year=cycle.year, roster=roster, pool={k: str(v) for k, v in pool.items()},
                 members=members)  # fmt: skip


def _candidate(n: Nomination, roster: dict[str, Person]) -> Candidate:
    """The nomination as the checks see it; someone on the roster with the roster's values where
    the body left a field blank."""
    person = roster.get(n.person_code) if n.person_code else None

    def pick(name: str) -> Any:
        own = getattr(n, name)
        return own if own or person is None else getattr(person, name)

    return Candidate(
        body=n.body, tier=n.tier.value, person_code=n.person_code, name=pick("name"),
        gender=pick("gender"), ethnicity=pick("ethnicity"), birth_date=pick("birth_date"),
        party=pick("party"), category=pick("category"), employer=pick("employer"),
        post=pick("post"), reason=n.reason,
    )  # fmt: skip


def nominations_of(session: Session, cycle: Cycle) -> list[NominationView]:
    """The cycle's nominations by body and row, each with its problems and warnings."""
    assert cycle.id is not None
    found = list(
        session.exec(
            select(Nomination)
            .where(Nomination.cycle_id == cycle.id)
            .order_by(col(Nomination.body), col(Nomination.id))
        )
    )
    facts = _facts(session, cycle, found)
    codes = [n.person_code for n in found if n.person_code]
    roster = {p.code: p for p in session.exec(select(Person).where(col(Person.code).in_(codes)))}
    rules = parse_scheme(cycle.scheme_toml, f"cycle {cycle.id}").nomination
    candidates = [_candidate(n, roster) for n in found]
    checked = check_nominations(candidates, rules, facts)
    bodies: dict[str, list[str]] = defaultdict(list)
    for n in found:
        bodies[n.candidate_key].append(n.body)
    made = [n.person_id for n in found if n.person_id and not n.person_code]
    became = {p.id: p.code for p in session.exec(select(Person).where(col(Person.id).in_(made)))}
    return [
        NominationView(
            n,
            f,
            c,
            [b for b in bodies[n.candidate_key] if b != n.body],
            became.get(n.person_id, "") if n.person_id else "",
        )
        for n, f, c in zip(found, checked, candidates, strict=True)
    ]


@dataclass(frozen=True)
class NominationDecision:
    status: NominationStatus
    decided: tuple[int, ...]  # the nominations decided: the one named and its duplicates
    person: Person | None  # the member made or found, when accepted
    created: bool  # whether a new person record was made


def _month(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _new_person(session: Session, cycle: Cycle, n: Nomination, career: list[dict[str, Any]],
                actor: str, log: AuditLog) -> Person:  # fmt: skip
    assert n.birth_date is not None  # the workbook refuses a new candidate without one
    code = derive_code(n.name, n.birth_date)
    if session.exec(select(Person).where(Person.code == code)).first() is not None:
        raise NominationError(
            f"{n.name}（{n.birth_date:%Y.%m}）：名册中已有编号 {code} 的人员，"
            "请确认是否同一人，是则以编号推荐 / a person with this name and birth month exists"
        )
    person = Person(
        code=code, name=n.name, gender=n.gender, ethnicity=n.ethnicity, birth_date=n.birth_date,
        birth_day_known=False, party=n.party, category=n.category, sector=n.sector,
        employer=n.employer, post=n.post, tier=n.tier, education=n.education, title=n.title,
        phone=n.phone, office_id=cycle.office_id,
    )  # fmt: skip
    session.add(person)
    session.flush()
    assert person.id is not None
    for line in career:
        session.add(
            PersonEntry(
                person_id=person.id, kind=EntryKind.CAREER, started_on=date.fromisoformat(
                    line["start"]), ended_on=_month(line["end"]), text=line["text"][:512],
                source=f"推荐：{n.body}"[:256], recorded_by=actor[:128],
            )
        )  # fmt: skip
    log.record("person", code, "created", None, f"{n.name}（{n.tier.value}）",
               f"采纳{n.body}的推荐")  # fmt: skip
    return person


def decide_nomination(
    session: Session,
    cycle: Cycle,
    nomination_id: int,
    status: NominationStatus,
    *,
    reason: str,
    actor: str,
) -> NominationDecision:
    """Staff's decision on a nomination and on every other body's nomination of the same person,
    audited. 采纳 makes the candidate a member of the cycle (a new person gets a record, with
    the nominated tier and 简历, but not a place in the pool); 不采纳 needs a reason."""
    _open(cycle, "决定推荐人选")
    views = nominations_of(session, cycle)
    view = next((v for v in views if v.id == nomination_id), None)
    if view is None:
        raise NominationError(
            f"第{cycle.id}号考核周期没有第{nomination_id}号推荐 / no such nomination"
        )
    n = view.nomination
    reason = reason.strip()
    if status == NominationStatus.PENDING:
        raise NominationError("决定只能是采纳或不采纳 / decide 采纳 or 不采纳")
    if status == NominationStatus.DECLINED and not reason:
        raise NominationError(
            f"{n.body} 推荐的 {n.name}：不采纳须写明理由 / declining needs a reason (--reason)"
        )
    group = [v for v in views if v.nomination.candidate_key == n.candidate_key]
    if status == NominationStatus.DECLINED and any(
        v.nomination.status == NominationStatus.ACCEPTED for v in group
    ):
        # Accepting made them a member (and maybe a person record); that is not undone here.
        raise NominationError(
            f"{n.body} 推荐的 {n.name}已采纳并列入本周期评价对象，不能改为不采纳；"
            "如不再评价，请在周期中对其作暂缓评定或免评 / already accepted"
        )
    if status == NominationStatus.ACCEPTED and view.findings.problems:
        raise NominationError(
            f"{n.body} 推荐的 {n.name}有问题，不能采纳：{'；'.join(view.findings.problems)}"
            " / the nomination has problems"
        )
    log = AuditLog(actor)
    person: Person | None = None
    created = False
    if status == NominationStatus.ACCEPTED:
        person, created = _member(session, cycle, n, group, actor, log)
    at = utcnow()
    why = reason or ("采纳" if status == NominationStatus.ACCEPTED else "")
    for v in group:
        other = v.nomination
        if other.status == status and other.person_id == (person.id if person else None):
            continue
        log.record(ENTITY, f"{cycle.name}/{other.id}", "status", other.status, status,
                   why if other.id == n.id else f"{why}（与第{n.id}号推荐一并决定）")  # fmt: skip
        other.status, other.decision_reason = status, reason[:1024]
        other.decided_by, other.decided_at = actor[:64], at
        other.person_id = person.id if person else None
        session.add(other)
    log.write(session)
    session.flush()
    return NominationDecision(status, tuple(v.id for v in group), person, created)


def _member(session: Session, cycle: Cycle, n: Nomination, group: list[NominationView],
            actor: str, log: AuditLog) -> tuple[Person, bool]:  # fmt: skip
    """The accepted candidate as a member of the cycle, and whether their record is new."""
    assert cycle.id is not None
    created = False
    person = next(
        (session.get(Person, v.nomination.person_id) for v in group if v.nomination.person_id),
        None,
    )
    if person is None and n.person_code:
        person = session.exec(select(Person).where(Person.code == n.person_code)).one()
    if person is None:
        career = next((v.nomination.career for v in group if v.nomination.career), [])
        person = _new_person(session, cycle, n, career, actor, log)
        created = True
    assert person.id is not None
    member = session.exec(
        select(CycleMember).where(
            CycleMember.cycle_id == cycle.id, CycleMember.person_id == person.id
        )
    ).first()
    if member is None:
        session.add(CycleMember(cycle_id=cycle.id, person_id=person.id, tier=person.tier))
        log.record("cycle", cycle.name, "member added", None, person.code,
                   f"采纳{n.body}的推荐")  # fmt: skip
    return person, created


def nominated_members(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> dict[str, Nominated]:
    """The accepted nomination of each member (of those in `codes`) a body proposed, by 编号:
    what their 推荐表 carries. Of two bodies' nominations, the first recorded. A member whose
    推荐表 was already made to their own unit, before they were nominated, keeps it: a second
    one to the body would be the same form twice."""
    query = (
        select(Nomination, Person)
        .join(Person, col(Person.id) == col(Nomination.person_id))
        .where(Nomination.cycle_id == cycle_id, Nomination.status == NominationStatus.ACCEPTED)
        .order_by(col(Nomination.id))
    )
    if codes is not None:
        query = query.where(col(Person.code).in_(list(codes)))
    found: dict[str, Nominated] = {}
    ids: dict[str, int] = {}
    for n, person in session.exec(query):
        if person.code in found or person.id is None:
            continue
        career = tuple(
            EntryLine(date.fromisoformat(c["start"]), _month(c["end"]), c["text"]) for c in n.career
        )
        found[person.code] = Nominated(n.body, n.reason, career)
        ids[person.code] = person.id
    if not found:
        return found
    by_id = {pid: code for code, pid in ids.items()}
    for pid, recipient in session.exec(
        select(Document.person_id, Document.recipient_name).where(
            Document.cycle_id == cycle_id,
            Document.template_id == NOMINATION_FORM,
            col(Document.person_id).in_(list(ids.values())),
        )
    ):
        code = by_id.get(pid or 0)
        if code is not None and recipient != found[code].body:
            del found[code]
    return found


def members_without_form(session: Session, cycle_id: int) -> list[str]:
    """The 编号 of members who have no 推荐表 yet: those accepted from a nomination after the
    nomination stage ran. Running the stage again makes theirs."""
    made = select(Document.person_id).where(
        Document.cycle_id == cycle_id,
        Document.template_id == NOMINATION_FORM,
        col(Document.person_id).is_not(None),
    )
    query = (
        select(Person.code)
        .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .where(CycleMember.cycle_id == cycle_id, col(Person.id).not_in(made))
        .order_by(col(Person.code))
    )
    return list(session.exec(query))

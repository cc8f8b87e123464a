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
)
from appraisal.models.base import utcnow
from appraisal.models.vocab import EntryKind, NominationStatus, Stage
from appraisal.nomination_checks import Candidate, Facts, Findings, check_nominations
from appraisal.scheme import parse_scheme
from appraisal.sheets.nominations import NominationSheet, NomineeRow, read_nominations
from appraisal.sheets.roster import derive_code
from appraisal.stages import NOMINATION_FORM
from appraisal.store.changes import AuditLog, ImportCounts
from appraisal.store.cycles import CycleError

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


# Bodies nominate once the 工作通知 reaches them, before every 回执 is in.
OPEN_STAGES = (Stage.MOBILIZATION, Stage.NOMINATION)


def _open(cycle: Cycle, doing: str) -> None:
    if cycle.stage not in OPEN_STAGES:
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
    """Record a workbook's nominations for the cycle, audited; only at the nomination stage."""
    _open(cycle, "录入推荐人选")
    assert cycle.id is not None
    existing = {
        (n.body, n.candidate_key): n
        for n in session.exec(select(Nomination).where(Nomination.cycle_id == cycle.id))
    }
    log = AuditLog(actor)
    added = updated = unchanged = 0
    kept: list[str] = []
    source = sheet.file.name
    codes = [row.person_code for row in sheet.rows if row.person_code]
    query = select(Person.code, Person.name).where(col(Person.code).in_(codes))
    names = {code: name for code, name in session.exec(query)}
    for row in sheet.rows:
        values = _values(row)
        if row.person_code and not row.name:
            values["name"] = names.get(row.person_code, "")
        found = existing.get((row.body, row.key))
        where = f"{source} 第{row.row}行"
        if found is None:
            found = Nomination(
                cycle_id=cycle.id, body=row.body, candidate_key=row.key,
                source=f"{where}"[:256], **values,
            )  # fmt: skip
            session.add(found)
            session.flush()
            what = f"{row.body} 推荐 {values['name'] or row.person_code}（{row.tier.value}）"
            log.record(ENTITY, f"{cycle.name}/{found.id}", "recorded", None, what, f"导入 {where}")
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
            log.changes(ENTITY, f"{cycle.name}/{found.id}", diff, f"重新导入 {where}")
            updated += 1
    log.write(session)
    session.flush()
    return NominationImport(ImportCounts(added, updated, unchanged), sheet.warnings, tuple(kept))


def import_nomination_file(
    session: Session, cycle: Cycle, path: Path, *, actor: str
) -> NominationImport:
    """Read a nomination workbook (WorkbookError lists every bad row) and record it."""
    _open(cycle, "录入推荐人选")
    return record_nominations(session, cycle, read_nominations(path), actor=actor)


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

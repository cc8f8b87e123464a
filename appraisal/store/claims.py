"""履职申报: a member claims a duty the office did not record, with evidence, and staff (经办)
accept it, which makes it a 履职记录 (source 本人申报, record_key "CL-<claim id>"), or decline it
with a reason the member reads on their own page.

A claim comes through the member's own link, or staff enter a paper claim on their behalf with
the scanned file. The evidence is kept as it came (named by its SHA-256, never overwritten) under
the output folder. A claim is never changed by the member: a resubmission is a new claim, and a
claim is decided once — the second decision is refused, naming who decided and when. Once the
cycle's evaluation has begun it takes no more claims and none is accepted into it: a record added
then would change a result already worked out. One function per operation.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from appraisal.evidence_files import EvidenceError, checked_evidence
from appraisal.files import copy_checked, keep_unique
from appraisal.models import Cycle, DutyClaim, DutyRecord, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import ClaimStatus, DutyKind, DutyRole, DutySource, Stage
from appraisal.paths import cycle_dir, located, stored
from appraisal.settings import get_settings
from appraisal.stages import STAGE_ORDER
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import cycle_people
from appraisal.store.links import BY_LINK
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.stage_runs import stage_run

BY_STAFF = "工作人员代录"
ENTITY = "duty_claim"


class ClaimError(Exception):
    """A claim that cannot be recorded or decided, with the reason (naming the claim or file)."""


@dataclass(frozen=True)
class ClaimRow:
    """A claim with the person it is of, as staff lists show it."""

    claim: DutyClaim
    code: str
    name: str


def record_key(claim_id: int) -> str:
    return f"CL-{claim_id}"


def closed_reason(session: Session, cycle: Cycle) -> str | None:
    """Why the cycle takes no more claims, in words for the member; None while it does."""
    assert cycle.id is not None
    if STAGE_ORDER.index(cycle.stage) > STAGE_ORDER.index(Stage.EVALUATION) or (
        stage_run(session, cycle.id, Stage.EVALUATION) is not None
    ):
        return "本周期综合评价已经开始，不再接收履职申报，如有疑问请联系工作人员"
    return None


def submit_claim(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    kind: DutyKind,
    title: str,
    held_on: date | None,
    role: DutyRole | None,
    note: str,
    source: Path,
    file_name: str,
    actor: str,
    by_link: bool = False,
) -> DutyClaim:
    """Record a claim of person `code` for the cycle's year with `source` as its evidence,
    through the member's own link (`by_link`) or by staff (`actor`) from a paper claim.
    Refused, naming the field or the file, when something is missing or wrong."""
    found = cycle_people(session, cycle.id or 0, [code])
    if not found:
        raise ClaimError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in the cycle")
    person = found[0]
    label = f"{person.name}（{code}）"
    if (why := closed_reason(session, cycle)) is not None:
        raise ClaimError(f"{label}：{why}")
    title = title.strip()
    if not title:
        raise ClaimError(f"{label}：请填写履职事项名称（如会议、活动或提案的名称） / the title")
    if held_on is not None and held_on.year != cycle.year:
        raise ClaimError(
            f"{label}：履职日期 {held_on} 不在 {cycle.year} 年度内，请申报本年度的履职事项 / "
            "the date is not in the cycle's year"
        )
    shown = Path(file_name).name[:120] or source.name
    try:
        suffix, size = checked_evidence(source, shown, get_settings().max_return_bytes)
    except EvidenceError as exc:
        raise ClaimError(f"{label}：证明材料 {exc}") from exc
    folder = cycle_dir(cycle.id or 0) / "claims" / code
    tmp, digest = copy_checked(source, folder)
    kept = keep_unique(tmp, folder / f"申报材料-{digest[:12]}{suffix}", digest)
    assert person.id is not None and cycle.id is not None
    claim = DutyClaim(
        person_id=person.id, cycle_id=cycle.id, year=cycle.year, kind=kind, title=title[:256],
        held_on=held_on, role=role, note=note.strip()[:1024], evidence_name=shown,
        evidence_path=stored(kept), evidence_sha256=digest, evidence_size=size,
        channel=BY_LINK if by_link else BY_STAFF, submitted_by=actor[:64],
    )  # fmt: skip
    session.add(claim)
    session.flush()
    log = AuditLog(actor)
    log.record(
        ENTITY, _key(claim, code), "status", None, claim.status,
        f"{claim.channel}：{kind}“{claim.title}”，证明材料 {shown}",
    )  # fmt: skip
    log.write(session)
    return claim


def _key(claim: DutyClaim, code: str) -> str:
    return f"{claim.year}/{code}/#{claim.id}"


def person_claims(session: Session, person_id: int, year: int) -> list[DutyClaim]:
    """A member's claims of the year, newest first."""
    query = (
        select(DutyClaim)
        .where(DutyClaim.person_id == person_id, DutyClaim.year == year)
        .order_by(col(DutyClaim.id).desc())
    )
    return list(session.exec(query))


def list_claims(
    session: Session, *, status: ClaimStatus | None = None, scope: Scope = EVERYWHERE
) -> list[ClaimRow]:
    """Claims of cycles in `scope` (of one status when given), oldest first: the queue."""
    query = scope.only(
        select(DutyClaim, Person.code, Person.name)
        .join(Person, col(Person.id) == col(DutyClaim.person_id))
        .join(Cycle, col(Cycle.id) == col(DutyClaim.cycle_id)),
        Cycle.office_id,
    ).order_by(col(DutyClaim.id))
    if status is not None:
        query = query.where(DutyClaim.status == status)
    return [ClaimRow(c, code, name) for c, code, name in session.exec(query)]


def get_claim(session: Session, claim_id: int, scope: Scope = EVERYWHERE) -> ClaimRow:
    """Claim `claim_id` if it is of a cycle in `scope`; ClaimError otherwise (the same answer
    for a claim that is another office's as for one that does not exist)."""
    query = scope.only(
        select(DutyClaim, Person.code, Person.name)
        .join(Person, col(Person.id) == col(DutyClaim.person_id))
        .join(Cycle, col(Cycle.id) == col(DutyClaim.cycle_id))
        .where(DutyClaim.id == claim_id),
        Cycle.office_id,
    )
    found = session.exec(query).first()
    if found is None:
        raise ClaimError(f"没有第{claim_id}号履职申报 / no such claim")
    return ClaimRow(*found)


def _claim_decided(session: Session, row: ClaimRow, status: ClaimStatus, actor: str,
                   reason: str) -> DutyClaim:  # fmt: skip
    """Mark the claim decided, once: the conditional update lets one of two staff deciding at
    the same moment through, and refuses the other."""
    claim = row.claim
    done = session.execute(
        update(DutyClaim)
        .where(col(DutyClaim.id) == claim.id, col(DutyClaim.status) == ClaimStatus.PENDING)
        .values(status=status, decided_by=actor[:64], decided_at=utcnow(), reason=reason[:1024])
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(claim)
        when = claim.decided_at.date().isoformat() if claim.decided_at else ""
        raise ClaimError(
            f"第{claim.id}号履职申报（{row.name}）已于 {when} 由 {claim.decided_by} 决定为"
            f"“{claim.status}”，不能再次决定 / the claim was already decided"
        )
    session.refresh(claim)
    return claim


def _cycle_open(session: Session, row: ClaimRow) -> None:
    cycle = session.get(Cycle, row.claim.cycle_id)
    assert cycle is not None
    if closed_reason(session, cycle) is not None:
        raise ClaimError(
            f"第{row.claim.id}号履职申报（{row.name}）：“{cycle.name}”的综合评价已经开始，"
            "不能再采纳为履职记录；如需计入，请先重新运行综合评价 / the evaluation has begun"
        )


def accept_claim(
    session: Session, *, claim_id: int, actor: str, note: str = "", scope: Scope = EVERYWHERE
) -> DutyRecord:
    """采纳: the claim becomes a 履职记录 of its year (source 本人申报, recorded by `actor`)."""
    row = get_claim(session, claim_id, scope)
    _cycle_open(session, row)
    claim = _claim_decided(session, row, ClaimStatus.ACCEPTED, actor, note.strip())
    assert claim.id is not None
    record = DutyRecord(
        person_id=claim.person_id, year=claim.year, record_key=record_key(claim.id),
        kind=claim.kind, title=claim.title, held_on=claim.held_on, role=claim.role,
        source=DutySource.CLAIMED, recorded_by=actor[:64], recorded_at=claim.decided_at,
    )  # fmt: skip
    session.add(record)
    session.flush()
    claim.record_id = record.id
    session.add(claim)
    log = AuditLog(actor)
    key = _key(claim, row.code)
    log.record(ENTITY, key, "status", ClaimStatus.PENDING, claim.status, note or "采纳")
    log.record("duty_record", f"{row.code}/{claim.year}/{record.record_key}", "record", None,
               f"{claim.kind} {claim.title}", f"采纳第{claim.id}号履职申报")  # fmt: skip
    log.write(session)
    session.flush()
    return record


def decline_claim(
    session: Session, *, claim_id: int, actor: str, reason: str, scope: Scope = EVERYWHERE
) -> DutyClaim:
    """不予采纳, with the reason the member reads on their page (required)."""
    reason = reason.strip()
    row = get_claim(session, claim_id, scope)
    if not reason:
        raise ClaimError(
            f"第{claim_id}号履职申报（{row.name}）：不予采纳须写明理由，申报人将看到这一理由 / "
            "a reason is required"
        )
    claim = _claim_decided(session, row, ClaimStatus.DECLINED, actor, reason)
    log = AuditLog(actor)
    log.record(ENTITY, _key(claim, row.code), "status", ClaimStatus.PENDING, claim.status, reason)
    log.write(session)
    session.flush()
    return claim


def evidence_file(claim: DutyClaim) -> Path:
    return located(claim.evidence_path)

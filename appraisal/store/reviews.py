"""复核: a person's request for a review of their result, and staff's decision on it.

A person may ask within the scheme's window (`[review] days` working days after their
考核结果通知书 was issued), through their own link or on paper, which staff record. Staff decide
维持 or 变更 with a reason; 变更 changes the Result's grade, and the old grade stays on the request
and in the audit trail. One function per operation: `request_review`, `decide_review`,
`list_reviews`. The 复核决定书 and the dossier's reseal are written by appraisal/reviewing.py.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from appraisal.files import copy_checked, keep_unique
from appraisal.models import Cycle, Document, Dossier, Person, Result, ReviewRequest
from appraisal.models.base import utcnow
from appraisal.models.vocab import Grade, ReviewStatus, Stage
from appraisal.paths import cycle_dir, located, stored
from appraisal.scheme import parse_scheme
from appraisal.stages import RESULT_NOTICE
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import cycle_people
from appraisal.store.links import BY_LINK
from appraisal.store.results import change_grade, off_scale
from appraisal.store.stage_runs import stage_run

ON_PAPER = "书面申请"
LATE_NOTE = "逾期受理"
CHANGED_NOTE = "复核变更"


class ReviewError(Exception):
    """A 复核 request or decision that cannot be taken, with the reason."""


@dataclass(frozen=True)
class Window:
    """When a person's review window opened (the notice's date) and the last day in it."""

    issued_on: date
    closes_on: date

    def open_on(self, day: date) -> bool:
        return self.issued_on <= day <= self.closes_on


@dataclass(frozen=True)
class ReviewRow:
    """One person of the cycle with a notice, and their request if they made one."""

    code: str
    name: str
    grade: str  # the Result's grade now
    window: Window | None  # None: no 考核结果通知书 was issued to them
    request: ReviewRequest | None


def working_days_after(start: date, days: int) -> date:
    """The `days`-th working day after `start`, Monday to Friday. Public holidays (and the
    weekend days worked in their place) are not modelled: staff take a request the calendar
    made late as 逾期受理 with that reason."""
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _person(session: Session, cycle: Cycle, code: str) -> Person:
    assert cycle.id is not None
    found = cycle_people(session, cycle.id, [code])
    if not found:
        raise ReviewError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in cycle")
    return found[0]


def _notice(session: Session, cycle: Cycle, person: Person) -> Document | None:
    return session.exec(
        select(Document).where(
            Document.cycle_id == cycle.id,
            Document.person_id == person.id,
            Document.template_id == RESULT_NOTICE,
        )
    ).first()


def review_window(session: Session, cycle: Cycle, person: Person) -> Window | None:
    """The person's window, or None when no 考核结果通知书 has been issued to them. A notice is
    dated from its stage's first run (as the 成文日期 it prints), whatever day it was remade."""
    assert cycle.id is not None
    if _notice(session, cycle, person) is None:
        return None
    run = stage_run(session, cycle.id, Stage.NOTIFICATION)
    if run is None:
        return None
    days = parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}").review.days
    return Window(run.started_on, working_days_after(run.started_on, days))


def _existing(session: Session, cycle: Cycle, person: Person) -> ReviewRequest | None:
    return session.exec(
        select(ReviewRequest).where(
            ReviewRequest.cycle_id == cycle.id, ReviewRequest.person_id == person.id
        )
    ).first()


def _result(session: Session, cycle: Cycle, person: Person) -> Result | None:
    return session.exec(
        select(Result).where(Result.cycle_id == cycle.id, Result.person_id == person.id)
    ).first()


def _keep_file(cycle: Cycle, code: str, source: Path) -> tuple[str, str]:
    """The attached PDF, copied beside the cycle's other files under a name it never loses."""
    try:
        head = source.read_bytes()[:5]
    except OSError as e:
        raise ReviewError(f"附件 {source.name} 无法读取 / cannot read the attachment: {e}") from e
    if head != b"%PDF-":
        raise ReviewError(f"附件 {source.name} 不是 PDF 文件 / the attachment is not a PDF")
    assert cycle.id is not None
    folder = cycle_dir(cycle.id) / "reviews" / code
    tmp, digest = copy_checked(source, folder)
    kept = keep_unique(tmp, folder / f"复核申请-{digest[:12]}.pdf", digest)
    return stored(kept), digest


def request_review(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    grounds: str,
    actor: str,
    on: date,
    by_link: bool = False,
    file: Path | None = None,
    late_reason: str = "",
) -> ReviewRequest:
    """Record a person's 复核申请 made on `on`: through their own link (`by_link`), or on paper
    as staff (`actor`) record it. After the window only staff may record one, with
    `late_reason` (逾期受理); a person's own late request is refused naming the day it closed."""
    person = _person(session, cycle, code)
    grounds, late_reason = grounds.strip(), late_reason.strip()
    label = f"{person.name}（{code}）"
    if not grounds:
        raise ReviewError(f"{label}：请写明申请复核的理由 / the grounds are empty")
    if _existing(session, cycle, person) is not None:
        raise ReviewError(
            f"{label}已在本周期提出过复核申请，每人每周期一次 / already asked for a review"
        )
    window = review_window(session, cycle, person)
    if window is None:
        raise ReviewError(
            f"{label}尚未收到考核结果通知书，不能申请复核 / no result notice issued yet"
        )
    if on < window.issued_on:
        raise ReviewError(
            f"{label}：申请日期{on.isoformat()}早于通知书成文日期{window.issued_on.isoformat()}"
            " / the request predates the notice"
        )
    if not window.open_on(on):
        closed = f"复核申请期限已于{window.closes_on.isoformat()}届满"
        if by_link:
            raise ReviewError(
                f"{closed}，无法在线申请；如有正当理由，请与工作人员联系"
                f" / the review window closed on {window.closes_on.isoformat()}"
            )
        if not late_reason:
            raise ReviewError(
                f"{label}：{closed}；如确需受理，请写明逾期受理的理由（--late-reason）"
                f" / the window closed on {window.closes_on.isoformat()}: give a reason to take"
                " it late"
            )
    else:
        late_reason = ""
    result = _result(session, cycle, person)
    file_path, sha = _keep_file(cycle, code, file) if file is not None else ("", "")
    assert cycle.id is not None and person.id is not None
    row = ReviewRequest(
        cycle_id=cycle.id,
        person_id=person.id,
        channel=BY_LINK if by_link else ON_PAPER,
        recorded_by=actor,
        requested_on=on,
        grounds=grounds,
        file_path=file_path,
        file_sha256=sha,
        late_reason=late_reason,
        original_grade=result.grade if result else None,
    )
    session.add(row)
    log = AuditLog(actor)
    key = f"{cycle.name}/{code}"
    log.record("review", key, "requested", None, on.isoformat(), late_reason or grounds[:200])
    log.write(session)
    session.flush()
    return row


def decide_review(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    new_grade: Grade | None,
    reason: str,
    actor: str,
    on: date,
) -> ReviewRequest:
    """Decide the person's pending request: 维持 (`new_grade` None) or 变更 to `new_grade`, one of
    the scheme's grades, which becomes their Result's grade (the old one stays on the request
    and in the audit trail). Decided once: a decision is corrected by reopening, not here."""
    person = _person(session, cycle, code)
    label = f"{person.name}（{code}）"
    row = _existing(session, cycle, person)
    if row is None:
        raise ReviewError(f"{label}没有复核申请 / no review request to decide")
    if row.status != ReviewStatus.PENDING:
        raise ReviewError(
            f"{label}的复核申请已于{row.decided_on}决定（{row.status.value}） / already decided"
        )
    reason = reason.strip()
    if not reason:
        raise ReviewError(f"{label}：复核决定须写明理由 / a decision needs a reason")
    result = _result(session, cycle, person)
    if new_grade is not None:
        if problem := off_scale(cycle, new_grade, label):
            raise ReviewError(problem)
        if result is None:
            raise ReviewError(f"{label}没有评价结果，无法变更等次 / no result to change")
        if result.grade == new_grade:
            raise ReviewError(
                f"{label}的等次已是“{new_grade.value}”：不变更请选择维持 / that is the grade now"
            )
    log = AuditLog(actor)
    key = f"{cycle.name}/{code}"
    row.original_grade = result.grade if result else row.original_grade
    row.status = ReviewStatus.KEPT if new_grade is None else ReviewStatus.CHANGED
    row.new_grade = new_grade
    row.decision_reason = reason
    row.decided_by = actor
    row.decided_on = on
    row.decided_at = utcnow()
    session.add(row)
    log.record("review", key, "decision", ReviewStatus.PENDING.value, row.status.value, reason)
    if new_grade is not None and result is not None:
        change_grade(session, cycle, result, new_grade, step="review", reason=reason,
                     note=f"{CHANGED_NOTE}：{reason}", log=log, key=key)  # fmt: skip
    log.write(session)
    session.flush()
    return row


def set_decision_document(session: Session, row: ReviewRequest, document_id: str) -> None:
    row.document_id = document_id
    session.add(row)


def list_reviews(session: Session, cycle: Cycle) -> list[ReviewRow]:
    """Everyone of the cycle who was sent a 考核结果通知书 or asked for a review, by 编号."""
    assert cycle.id is not None
    people = cycle_people(session, cycle.id)
    requests = {
        r.person_id: r
        for r in session.exec(select(ReviewRequest).where(ReviewRequest.cycle_id == cycle.id))
    }
    grades: dict[int, Grade | str | None] = {
        pid: g
        for pid, g in session.exec(
            select(Result.person_id, Result.grade).where(Result.cycle_id == cycle.id)
        )
    }
    noticed = set(
        session.exec(
            select(Document.person_id).where(
                Document.cycle_id == cycle.id, Document.template_id == RESULT_NOTICE
            )
        )
    )
    run = stage_run(session, cycle.id, Stage.NOTIFICATION)
    days = parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}").review.days
    rows = []
    for p in sorted(people, key=lambda p: p.code):
        request = requests.get(p.id or 0)
        if p.id not in noticed and request is None:
            continue
        window = (
            Window(run.started_on, working_days_after(run.started_on, days))
            if run is not None and p.id in noticed
            else None
        )
        grade = grades.get(p.id or 0)
        shown = grade.value if isinstance(grade, Grade) else (grade or "")
        rows.append(ReviewRow(p.code, p.name, shown, window, request))
    return rows


def person_review(session: Session, cycle: Cycle, code: str) -> ReviewRow:
    """One person's row of `list_reviews`, for their own link page."""
    person = _person(session, cycle, code)
    result = _result(session, cycle, person)
    return ReviewRow(
        person.code,
        person.name,
        result.grade.value if result and result.grade else "",
        review_window(session, cycle, person),
        _existing(session, cycle, person),
    )


def changed_since_seal(session: Session, cycle: Cycle) -> set[str]:
    """The people whose grade a 复核 changed after their dossier was sealed: their sealed
    package no longer says what the register does, so the archive seals them again."""
    query = (
        select(Person.code, ReviewRequest.decided_at, Dossier.sealed_at)
        .join(ReviewRequest, col(ReviewRequest.person_id) == col(Person.id))
        .join(
            Dossier,
            (col(Dossier.person_id) == col(Person.id))
            & (col(Dossier.cycle_id) == col(ReviewRequest.cycle_id)),
        )
        .where(ReviewRequest.cycle_id == cycle.id, ReviewRequest.status == ReviewStatus.CHANGED)
    )
    return {code for code, decided, sealed in session.exec(query) if _after(decided, sealed)}


def _after(decided: datetime | None, sealed: datetime) -> bool:
    if decided is None:
        return False
    # SQLite hands back naive UTC; PostgreSQL aware.
    return _naive(decided) > _naive(sealed)


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def decision_number(session: Session, cycle: Cycle, row: ReviewRequest) -> str:
    """The 复核决定书's 文号: the office's prefix, the year and 复 with the request's place among
    the cycle's requests, so writing it again prints the same number."""
    ids = list(
        session.exec(
            select(ReviewRequest.id)
            .where(ReviewRequest.cycle_id == cycle.id)
            .order_by(col(ReviewRequest.id))
        )
    )
    prefix = cycle.office.get("number_prefix", "")
    return f"{prefix}〔{cycle.year}〕复{ids.index(row.id) + 1}号"


def sealed_at(session: Session, cycle: Cycle, code: str) -> datetime | None:
    """When the person's dossier of the cycle was last sealed; None if it never was."""
    person = _person(session, cycle, code)
    return session.exec(
        select(Dossier.sealed_at).where(
            Dossier.cycle_id == cycle.id, Dossier.person_id == person.id
        )
    ).first()


def notice_review(session: Session, cycle: Cycle, document: Document) -> ReviewRow | None:
    """The 复核 of the person a 考核结果通知书 is to; None for any other document."""
    if document.template_id != RESULT_NOTICE or document.person_id is None:
        return None
    person = session.get(Person, document.person_id)
    return person_review(session, cycle, person.code) if person is not None else None


def attached_file(row: ReviewRequest) -> Path | None:
    return located(row.file_path) if row.file_path else None

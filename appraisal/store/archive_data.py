"""Read a cycle out of the database as the plain values the archive works from."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from appraisal.archive.contents import (
    DossierDocument,
    PersonFile,
    Recorded,
    ReportFile,
    ReturnFile,
)
from appraisal.archive.contents import recorded_checksums as checksums
from appraisal.archive.register import AuditRow, RegisterRow, Reread, StageCompletion
from appraisal.db import database_configured, get_engine, session_scope
from appraisal.gates import missing_signoff
from appraisal.identity import ID_PATTERN, cycle_of
from appraisal.kinds import PERSONAL_NOTICES, work_stages
from appraisal.models import (
    AnnualReport,
    AuditEntry,
    Cycle,
    CycleMember,
    Document,
    Dossier,
    GradeApproval,
    Person,
    PoolMembership,
    Result,
    ReviewRequest,
    SignOff,
)
from appraisal.models.vocab import Decision, Reply, ReviewStatus, SignOffMethod, Stage
from appraisal.paths import located
from appraisal.person_fields import ARCHIVED_FIELDS, REGISTER_FIELDS, plain_values
from appraisal.stages import WORK_STAGES
from appraisal.store.changes import as_text, chunks
from appraisal.store.cycles import cycle_codes, cycle_people, get_cycle
from appraisal.store.decisions import decisions
from appraisal.store.freeze import objection_people
from appraisal.store.holds import held_person_ids
from appraisal.store.progress import cycle_progress
from appraisal.store.stage_runs import not_finished, stage_run

RESULT_FIELDS = (
    "points", "org_score", "appraisal_score", "composite", "grade", "band", "vetoes",
    "deductions", "actions", "explanation", "detail", "flagged", "pool_decision",
)  # fmt: skip


def stages_not_run(session: Session, cycle_id: int) -> tuple[Stage, ...]:
    from appraisal.store.cycles import get_cycle

    missing = not_finished(session, cycle_id, work_stages(get_cycle(session, cycle_id).kind))
    # Cycles started before 动员部署 existed began at 提名推荐 and never had it to run.
    if (
        Stage.MOBILIZATION in missing
        and stage_run(session, cycle_id, Stage.MOBILIZATION) is None
        and stage_run(session, cycle_id, Stage.NOMINATION) is not None
    ):
        missing = tuple(s for s in missing if s is not Stage.MOBILIZATION)
    # Nor 审定: cycles told their results before it existed went from 征求意见 to 情况通报.
    if (
        Stage.APPROVAL in missing
        and stage_run(session, cycle_id, Stage.APPROVAL) is None
        and stage_run(session, cycle_id, Stage.NOTIFICATION) is not None
    ):
        missing = tuple(s for s in missing if s is not Stage.APPROVAL)
    return missing


def _path(text: str) -> Path | None:
    return located(text) if text else None


def _return(s: SignOff, listed: Sequence[str]) -> ReturnFile:
    """One return of a document that lists the people `listed`."""
    return ReturnFile(
        version=s.version,
        method=s.method.value,
        path=_path(s.file_path),
        sha256=s.sha256,
        pages=s.pages,
        matched_by=s.matched_by,
        signer=s.signer,
        signature_valid=s.signature_valid,
        signature_covers_file=s.signature_covers_file,
        reply=s.reply.value if s.reply else "",
        reply_text=s.reply_text,
        reason=s.reason,
        recorded_by=s.recorded_by,
        recorded_at=s.recorded_at,
        reply_people=tuple(objection_people(s, listed)),
    )


def _audit(session: Session, keys: Iterable[str]) -> dict[str, list[AuditEntry]]:
    by_key: dict[str, list[AuditEntry]] = defaultdict(list)
    for part in chunks(sorted(set(keys))):
        query = select(AuditEntry).where(col(AuditEntry.entity_key).in_(part))
        for entry in session.exec(query):
            by_key[entry.entity_key].append(entry)
    return by_key


def _audit_dict(e: AuditEntry) -> dict[str, Any]:
    return {
        "at": e.at,
        "actor": e.actor,
        "entity": e.entity,
        "key": e.entity_key,
        "field": e.field,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
    }


def person_files(
    session: Session, cycle_id: int, titles: Mapping[str, str], codes: Iterable[str] = ()
) -> list[PersonFile]:
    """One PersonFile per member of the cycle (or of `codes`), in 编号 order.

    `titles` maps template ids to the titles printed on the documents.
    """
    cycle = get_cycle(session, cycle_id)
    wanted = sorted(set(codes))
    return files_of(session, cycle, cycle_people(session, cycle_id, wanted or None), titles)


def files_of(
    session: Session, cycle: Cycle, people: Sequence[Person], titles: Mapping[str, str]
) -> list[PersonFile]:
    """The PersonFile of each of `people` (members of `cycle`, read already), in their order."""
    assert cycle.id is not None
    cycle_id = cycle.id
    not_run = stages_not_run(session, cycle_id)
    ids = [p.id for p in people]
    # Only these people's own documents, and the letters to bodies (few, each about many).
    docs = _letters(session, cycle_id)
    for part in chunks(ids):
        docs += session.exec(
            select(Document)
            .where(Document.cycle_id == cycle_id, col(Document.person_id).in_(part))
            .order_by(*_IN_ORDER)
        )
    signoffs = _signoffs(session, [d.id for d in docs])
    results: dict[int, Result] = {}
    for part in chunks(ids):
        query = select(Result).where(Result.cycle_id == cycle_id, col(Result.person_id).in_(part))
        results.update((r.person_id, r) for r in session.exec(query))
    memberships: dict[int, list[PoolMembership]] = defaultdict(list)
    for part in chunks(ids):
        for m in session.exec(
            select(PoolMembership).where(col(PoolMembership.person_id).in_(part))
        ):
            memberships[m.person_id].append(m)

    reports: dict[int, list[ReportFile]] = defaultdict(list)
    for part in chunks(ids):
        of_reports = (
            select(AnnualReport)
            .where(AnnualReport.cycle_id == cycle_id, col(AnnualReport.person_id).in_(part))
            .order_by(col(AnnualReport.person_id), col(AnnualReport.version))
        )
        for a in session.exec(of_reports):
            reports[a.person_id].append(
                ReportFile(
                    version=a.version,
                    path=located(a.file_path),
                    sha256=a.file_sha256,
                    pages=a.pages,
                    file_name=a.file_name,
                    channel=a.channel,
                    submitted_on=a.submitted_on,
                    recorded_by=a.recorded_by,
                    note=a.note,
                )
            )

    by_person: dict[int, list[Document]] = defaultdict(list)
    id_of = {p.code: p.id for p in people if p.id is not None}
    for d in docs:
        if d.stage not in WORK_STAGES:
            continue
        if d.person_id is not None:
            by_person[d.person_id].append(d)
        # A letter to a body concerns each person it lists: it goes in each of their dossiers.
        for code in d.people:
            if code in id_of and d.person_id != id_of[code]:
                by_person[id_of[code]].append(d)

    keys: dict[int, list[str]] = {}
    for p in people:
        own = [p.code, f"{cycle.name}/{p.code}"]
        for d in by_person[p.id or 0]:
            own.append(d.id)
            own += [f"{d.id}/v{s.version}" for s in signoffs[d.id]]
        keys[p.id or 0] = own
    audit = _audit(session, (k for ks in keys.values() for k in ks))

    decided = decisions(session, cycle_id)
    held = held_person_ids(session, cycle_id)
    approved = {
        a.person_id: a
        for a in session.exec(select(GradeApproval).where(GradeApproval.cycle_id == cycle_id))
    }
    files = []
    for p in people:
        pid = p.id or 0
        result = results.get(pid)
        documents = tuple(_dossier_document(d, titles, signoffs[d.id]) for d in by_person[pid])
        entries = sorted(
            (e for k in keys[pid] for e in audit.get(k, [])), key=lambda e: (e.at, e.id or 0)
        )
        files.append(
            PersonFile(
                cycle_id=cycle_id,
                cycle_name=cycle.name,
                year=cycle.year,
                scheme_name=cycle.scheme_name,
                scheme_version=cycle.scheme_version,
                scheme_sha256=cycle.scheme_sha256,
                code=p.code,
                name=p.name,
                person=plain_values(p, ARCHIVED_FIELDS),
                result=_result(
                    result,
                    decided.get(p.code),
                    approved.get(pid),
                    pid in held,
                    awaiting_notice=_awaits_notice(approved.get(pid), by_person[pid]),
                ),
                documents=documents,
                audit=tuple(_audit_dict(e) for e in entries),
                pool=tuple(
                    {
                        "tier": m.tier.value,
                        "joined_on": m.joined_on,
                        "join_reason": m.join_reason,
                        "left_on": m.left_on,
                        "leave_reason": m.leave_reason,
                    }
                    for m in sorted(memberships[pid], key=lambda m: (m.joined_on, m.id or 0))
                ),
                stages_not_run=not_run,
                reports=tuple(reports[pid]),
            )
        )
    return files


def _awaits_notice(approval: GradeApproval | None, documents: Sequence[Document]) -> bool:
    """审定 after the others were told (a hold decided late) and no 结果通知书 made yet."""
    return (
        approval is not None
        and approval.after_notification
        and not any(
            d.template_id in PERSONAL_NOTICES and d.person_id is not None for d in documents
        )
    )


def _result(
    result: Result | None,
    decision: tuple[Decision, str] | None,
    approval: GradeApproval | None = None,
    held: bool = False,
    awaiting_notice: bool = False,
) -> dict[str, Any] | None:
    """The result as the record keeps it, with staff's decision when there is one, its 审定,
    and whether an objection still holds it."""
    if result is None:
        return None
    out = {f: _plain(getattr(result, f)) for f in RESULT_FIELDS}
    if decision is not None:
        out["decision"], out["decision_reason"] = decision[0].value, decision[1]
    if approval is not None:
        out["approval"] = {
            "engine_grade": approval.engine_grade.value if approval.engine_grade else "",
            "grade": approval.grade.value,
            "reason": approval.reason,
            "by": approval.approved_by,
        }
    if held:
        out["held"] = True
    if awaiting_notice:
        out["awaiting_notice"] = True
    return out


_IN_ORDER = (col(Document.created_at), col(Document.id))


def _letters(session: Session, cycle_id: int) -> list[Document]:
    query = (
        select(Document)
        .where(Document.cycle_id == cycle_id, col(Document.person_id).is_(None))
        .order_by(*_IN_ORDER)
    )
    return list(session.exec(query))


def _signoffs(session: Session, document_ids: list[str]) -> dict[str, list[SignOff]]:
    """The returns and waivers of these documents, oldest version first."""
    out: dict[str, list[SignOff]] = defaultdict(list)
    for part in chunks(document_ids):
        query = (
            select(SignOff)
            .where(col(SignOff.document_id).in_(part))
            .order_by(col(SignOff.document_id), col(SignOff.version))
        )
        for so in session.exec(query):
            out[so.document_id].append(so)
    return out


def _dossier_document(
    d: Document, titles: Mapping[str, str], signoffs: list[SignOff]
) -> DossierDocument:
    return DossierDocument(
        document_id=d.id,
        stage=d.stage,
        template_id=d.template_id,
        title=titles.get(d.template_id, d.template_id),
        recipient=d.recipient_name,
        docx=located(d.docx_path),
        docx_sha256=d.docx_sha256,
        pdf=_path(d.pdf_path),
        pdf_sha256=d.pdf_sha256,
        needs_signoff=d.needs_signoff,
        missing=missing_signoff(d.stage, signoffs) if d.needs_signoff else None,
        returns=tuple(_return(s, d.people) for s in signoffs),
        shared=d.person_id is None,
    )


def recorded_checksums(
    session: Session, cycle_name: str, document_ids: list[str]
) -> dict[str, str] | None:
    """The SHA-256 the database recorded for every original and return of these documents, by
    their paths inside a package's data/; None when it does not hold the cycle named."""
    cycles = {cycle_of(d) for d in document_ids if ID_PATTERN.fullmatch(d)}
    held = [session.get(Cycle, c) for c in cycles]
    if not held or any(c is None or c.name != cycle_name for c in held):
        return None
    docs: list[Document] = []
    for part in chunks(document_ids):
        docs += session.exec(select(Document).where(col(Document.id).in_(part)))
    signoffs = _signoffs(session, [d.id for d in docs])
    return checksums([_dossier_document(d, {}, signoffs[d.id]) for d in docs])


@contextmanager
def database_checksums() -> Iterator[Recorded | None]:
    """`recorded_checksums` on a session of the configured database, for verifying packages;
    None when no database is configured or it cannot be reached."""
    if not database_configured():
        yield None
        return
    try:
        get_engine()
    except sa.exc.OperationalError:
        yield None
        return
    with session_scope() as session:
        yield partial(recorded_checksums, session)


def cycle_letters(
    session: Session, cycle_id: int, titles: Mapping[str, str]
) -> list[DossierDocument]:
    """Every letter to a body in the cycle's working stages, with its returns."""
    docs = [d for d in _letters(session, cycle_id) if d.stage in WORK_STAGES]
    signoffs = _signoffs(session, [d.id for d in docs])
    return [_dossier_document(d, titles, signoffs[d.id]) for d in docs]


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, dict) else value


# The register reads this many people at a time, and the audit trail in pages of this many rows.
REGISTER_PAGE = 500


def register_inputs(
    session: Session, cycle_id: int, today: date
) -> tuple[Reread[RegisterRow], list[StageCompletion], Reread[AuditRow]]:
    """The rows of the cycle register: people, stage completion, the cycle's audit trail.

    People and the audit trail are read from `session` a page at a time on each pass the writer
    makes, so they are never all held; the session must stay open while the register is written.
    """
    cycle = get_cycle(session, cycle_id)
    outcomes = _solicitation_outcomes(session, cycle_id)
    stages = [
        StageCompletion(
            stage=s.stage.value,
            generated=s.generated,
            returned=s.returned,
            waived=s.waived,
            overdue=s.overdue,
            objections=s.objections,
            gate_open=s.gate_open,
        )
        for s in cycle_progress(session, cycle_id, today).values()
    ]
    rows = Reread(lambda: _register_rows(session, cycle_id, outcomes))
    return rows, stages, Reread(lambda: _audit_rows(session, cycle))


def _solicitation_outcomes(session: Session, cycle_id: int) -> list[tuple[list[str], str]]:
    """Each 征求意见函 still unanswered or answered with an objection: whom the register names
    it against (everyone an unanswered letter lists; the people an objection concerns), and what
    it says. Letters answered without objection, and objections about others, say nothing."""
    query = (
        select(Document.id, Document.recipient_name, col(Document.people))
        .where(Document.cycle_id == cycle_id, Document.stage == Stage.SOLICITATION)
        .order_by(*_IN_ORDER)
    )
    letters = list(session.exec(query))
    replies = _signoffs(session, [doc_id for doc_id, _, _ in letters])
    outcomes = []
    for doc_id, name, people in letters:
        latest = next((s for s in reversed(replies[doc_id]) if s.reply), None)
        if latest is None:
            outcomes.append((people, f"{name}未回复"))
        elif latest.reply == Reply.OBJECTION:
            named = objection_people(latest, people)
            outcomes.append((named, f"有异议（{name}）：{latest.reply_text}"))
    return outcomes


def _register_rows(
    session: Session, cycle_id: int, outcomes: list[tuple[list[str], str]]
) -> Iterator[RegisterRow]:
    for codes in chunks(cycle_codes(session, cycle_id), REGISTER_PAGE):
        people = cycle_people(session, cycle_id, codes)
        ids = [p.id for p in people]
        results: dict[int | None, Result] = {
            r.person_id: r
            for r in session.exec(
                select(Result).where(Result.cycle_id == cycle_id, col(Result.person_id).in_(ids))
            )
        }
        sealed = set(
            session.exec(
                select(Dossier.person_id).where(
                    Dossier.cycle_id == cycle_id, col(Dossier.person_id).in_(ids)
                )
            )
        )
        receipts = _receipts(session, cycle_id, ids)
        reviewed = review_notes(session, cycle_id, ids)
        listed = set(codes)
        solicitation: dict[str, list[str]] = defaultdict(list)
        for names, text in outcomes:
            for code in names:
                if code in listed:
                    solicitation[code].append(text)
        for p in people:
            r = results.get(p.id)
            objections = [t for t in solicitation.get(p.code, []) if t.startswith("有异议")]
            pending = [t for t in solicitation.get(p.code, []) if not t.startswith("有异议")]
            yield RegisterRow(
                **plain_values(p, REGISTER_FIELDS),
                points=r.points if r else None,
                assessment=r.org_score if r else None,
                appraisal=r.appraisal_score if r else None,
                composite=r.composite if r else None,
                grade=r.grade.value if r and r.grade else "",
                band=r.band.value if r and r.band else "",
                vetoes=tuple(r.vetoes) if r else (),
                solicitation="；".join(objections or pending) or "无异议",
                receipt=receipts.get(p.id or 0, "未发出"),
                decision=r.pool_decision if r else "",
                sealed=(p.id in sealed),
                review=reviewed.get(p.id or 0, ""),
            )


def review_notes(session: Session, cycle_id: int, person_ids: list[int | None]) -> dict[int, str]:
    """复核 of these people as the register notes it: 复核变更 with the old and new grade and the
    reason, 复核维持, or 复核待决定."""
    notes = {}
    query = select(ReviewRequest).where(
        ReviewRequest.cycle_id == cycle_id, col(ReviewRequest.person_id).in_(person_ids)
    )
    for r in session.exec(query):
        if r.status == ReviewStatus.CHANGED:
            was = r.original_grade.value if r.original_grade else "未评定"
            now = r.new_grade.value if r.new_grade else ""
            notes[r.person_id] = f"复核变更：{was}→{now}（{r.decision_reason}）"
        else:
            notes[r.person_id] = f"复核{r.status.value}"
    return notes


def _receipts(session: Session, cycle_id: int, person_ids: list[int | None]) -> dict[int, str]:
    """通报回执 of these people: whether their own result notice came back signed."""
    notices = list(
        session.exec(
            select(Document)
            .where(
                Document.cycle_id == cycle_id,
                Document.stage == Stage.NOTIFICATION,
                col(Document.person_id).in_(person_ids),
                col(Document.needs_signoff),
            )
            .order_by(*_IN_ORDER)
        )
    )
    replies = _signoffs(session, [d.id for d in notices])
    receipt: dict[int, str] = {}
    for d in notices:
        got = [s for s in replies[d.id] if s.method != SignOffMethod.WAIVER]
        waived = any(s.method == SignOffMethod.WAIVER for s in replies[d.id])
        receipt[d.person_id or 0] = (
            f"已签收 {got[0].recorded_at.date().isoformat()}"
            if got
            else ("免签：" + replies[d.id][-1].reason if waived else "未回执")
        )
    return receipt


def _audit_rows(session: Session, cycle: Cycle) -> Iterator[AuditRow]:
    """The audit entries of the cycle, its members, its documents and their returns, oldest
    first; the database sorts them and hands them over a page at a time."""
    key = col(AuditEntry.entity_key)
    documents = select(Document.id).where(Document.cycle_id == cycle.id)
    members = (
        select(sa.literal(f"{cycle.name}/") + col(Person.code))
        .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .where(CycleMember.cycle_id == cycle.id)
    )
    versions = (
        select(col(SignOff.document_id) + "/v" + sa.cast(col(SignOff.version), sa.String))
        .join(Document, col(SignOff.document_id) == col(Document.id))
        .where(Document.cycle_id == cycle.id)
    )
    # Texts sort by code point, as Python sorts them, whatever the database's locale.
    binary = "C" if session.get_bind().dialect.name == "postgresql" else "BINARY"
    query = (
        select(AuditEntry)
        .where(sa.or_(key == cycle.name, key.in_(documents), key.in_(members), key.in_(versions)))
        .order_by(
            col(AuditEntry.at),
            col(AuditEntry.entity).collate(binary),
            key.collate(binary),
            col(AuditEntry.field).collate(binary),
            col(AuditEntry.id),
        )
        .execution_options(yield_per=REGISTER_PAGE)
    )
    for e in session.exec(query):
        yield AuditRow(
            at=e.at,
            actor=e.actor,
            entity=f"{e.entity} {e.entity_key}",
            field=e.field,
            before=as_text(e.before) or "",
            after=as_text(e.after) or "",
            reason=e.reason,
        )

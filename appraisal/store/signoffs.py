"""Record returned files, replies and waivers against documents; nothing collected is overwritten.

Every file that comes in ends in exactly one place: stored as a new version of its document's
return, noted as a duplicate of a version already stored, held for staff to look at, or moved to
quarantine with a reason a person can act on. Each is logged as an IntakeEvent.

A return is immutable and equal to its file: the database names it (`returns/<ID>/v<n>.pdf`,
n the version its row got) and the file is written under that name only while the row's
transaction holds the document, so two returns can never share a version or a file.
"""

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

from sqlmodel import Session, col, func, select

from appraisal.db import begin_writing
from appraisal.files import ChangedFile, copy_checked, keep_unique, shown_name
from appraisal.identity import cycle_of
from appraisal.intake import Inspection, unsigned
from appraisal.models import Cycle, Document, IntakeEvent, Person, Result, SignOff
from appraisal.models.vocab import Reply, SignOffMethod
from appraisal.paths import located, stored
from appraisal.stages import takes_reply
from appraisal.store.changes import AuditLog
from appraisal.store.freeze import document_frozen, why_frozen
from appraisal.store.holds import hold_for_objection

RECORDED, DUPLICATE, QUARANTINED, HELD = "recorded", "duplicate", "quarantined", "held"
# A dropped file that changed while it was read: left in the folder for the next import.
LEFT = "left"
# A held return staff accepted; its file became a recorded return.
ACCEPTED = "accepted"


class SignOffError(Exception):
    """A staff request about sign-offs that cannot be carried out, with the reason."""


@dataclass(frozen=True)
class IntakeOutcome:
    file_name: str
    outcome: str
    document_id: str = ""
    version: int = 0
    message: str = ""


def _next_version(session: Session, document_id: str) -> int:
    top = session.exec(
        select(func.max(SignOff.version)).where(SignOff.document_id == document_id)
    ).one()
    return (top or 0) + 1


def _lock_document(session: Session, document_id: str) -> Document | None:
    """The document, held by this transaction until it ends: returns and waivers of one
    document are recorded one at a time, so the next version and the duplicate check are
    exact. PostgreSQL locks the row; on SQLite `begin_writing` already holds the database."""
    query = select(Document).where(Document.id == document_id).with_for_update()
    return session.exec(query).first()


def generated_pdf(session: Session, document_id: str) -> Path | None:
    """The PDF the engine generated for a document, to compare a return with."""
    doc = session.get(Document, document_id)
    return located(doc.pdf_path) if doc is not None and doc.pdf_path else None


class _EventDetails(TypedDict, total=False):
    problem: str
    reason: str
    stored_path: str


def _log(
    session: Session,
    cycle: Cycle,
    ins: Inspection,
    outcome: str,
    source: str,
    **fields: Unpack[_EventDetails],
) -> None:
    session.add(
        IntakeEvent(
            cycle_id=cycle.id or 0, file_name=ins.path.name, sha256=ins.sha256, size=ins.size,
            outcome=outcome, document_id=ins.document_id or "", source=source, **fields,
        )
    )  # fmt: skip


def _keep(ins: Inspection, folder: Path) -> Path:
    """A copy of the inspected file in `folder` under its own name (or a free variant of it)."""
    tmp, digest = copy_checked(ins.path, folder, ins.sha256)
    return keep_unique(tmp, folder / ins.path.name, digest)


def _versions(session: Session, document_id: str) -> list[SignOff]:
    """The document's sign-offs: with its row locked, their versions and files stay as read."""
    return list(session.exec(select(SignOff).where(SignOff.document_id == document_id)))


def _store_version(
    session: Session, signoff: SignOff, ins: Inspection, folder: Path, *, version: int
) -> SignOff:
    """Give `signoff` the document's next `version` (read under the document's lock) and put
    the inspected file under it."""
    tmp, _ = copy_checked(ins.path, folder, ins.sha256)
    try:
        signoff.version = version
        target = folder / f"v{signoff.version}.pdf"
        signoff.file_path = stored(target)
        session.add(signoff)
        session.flush()
        # The version is this transaction's until it ends; a file already at its name is what
        # an attempt that never committed left behind.
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return signoff


def record_return(
    session: Session,
    *,
    cycle: Cycle,
    ins: Inspection,
    returns_dir: Path,
    quarantine_dir: Path,
    held_dir: Path,
    source: str = "folder",
    reply: Reply | None = None,
    actor: str,
) -> IntakeOutcome:
    """Record one inspected file; the caller removes the original once this is committed,
    unless the outcome is LEFT (the file changed after it was inspected)."""
    begin_writing(session)
    folders = _Folders(returns_dir, quarantine_dir, held_dir)
    try:
        return _record(session, cycle, ins, folders, source, reply, actor)
    except ChangedFile as exc:  # raised before anything was written
        return IntakeOutcome(ins.path.name, LEFT, ins.document_id or "", 0, str(exc))


@dataclass(frozen=True)
class _Folders:
    returns: Path
    quarantine: Path
    held: Path


def _record(
    session: Session, cycle: Cycle, ins: Inspection, folders: _Folders, source: str,
    reply: Reply | None, actor: str,
) -> IntakeOutcome:  # fmt: skip
    def refuse(problem: str, reason: str) -> IntakeOutcome:
        kept = _keep(ins, folders.quarantine)
        _log(session, cycle, ins, QUARANTINED, source, problem=problem, reason=reason,
             stored_path=stored(kept))  # fmt: skip
        return IntakeOutcome(ins.path.name, QUARANTINED, ins.document_id or "", 0, reason)

    # Held from here to the commit; read once, for the frozen check and all that follows.
    doc = _lock_document(session, ins.document_id) if ins.ok and ins.document_id else None
    if doc is not None and (frozen := document_frozen(session, doc)) is not None:
        return refuse("frozen", f"{shown_name(ins.path.name)}: {frozen}")
    if not ins.ok or ins.document_id is None:
        return refuse(str(ins.problem or "no_id"), ins.reason)
    doc_id = ins.document_id
    name = shown_name(ins.path.name)  # as it can be printed: names come from senders
    if cycle_of(doc_id) != cycle.id:
        reason = (
            f"{name}: 文档编号 {doc_id} 属于第{cycle_of(doc_id)}号考核周期，不属于本周期"
            f" / the document ID belongs to cycle {cycle_of(doc_id)}, not to cycle {cycle.id}:"
            " import it into that cycle"
        )
        return refuse("other_cycle", reason)
    if doc is None:
        reason = (
            f"{name}: 文档编号 {doc_id} 在本周期没有对应的文件 / no document of this "
            "cycle has this ID: was the document generated by a stage that has not run here?"
        )
        return refuse("unknown_document", reason)
    versions = _versions(session, doc_id)
    same = next((v for v in versions if v.sha256 == ins.sha256), None)
    if same is not None:
        _log(session, cycle, ins, DUPLICATE, source, stored_path=same.file_path,
             reason=f"same file as version {same.version}, recorded before")  # fmt: skip
        return IntakeOutcome(
            ins.path.name, DUPLICATE, doc_id, same.version, f"already recorded as v{same.version}"
        )
    waiting = _held(session, doc_id, ins.sha256)
    if waiting is not None:
        why = f"same file as held return #{waiting.id}, waiting for staff review"
        _log(session, cycle, ins, DUPLICATE, source, stored_path=waiting.stored_path, reason=why)
        return IntakeOutcome(ins.path.name, DUPLICATE, doc_id, 0, why)
    verdict = unsigned(ins, doc.pdf_sha256)
    if verdict is not None and not verdict.hold:
        return refuse("unsigned", verdict.reason)
    if verdict is not None:
        kept = _keep(ins, folders.held)
        _log(session, cycle, ins, HELD, source, problem="unmarked", reason=verdict.reason,
             stored_path=stored(kept))  # fmt: skip
        return IntakeOutcome(ins.path.name, HELD, doc_id, 0, verdict.reason)
    sig = ins.signature
    signoff = _store_version(
        session,
        SignOff(
            document_id=doc_id,
            version=0,  # claimed by _store_version
            method=SignOffMethod.DIGITAL if sig.signed else SignOffMethod.SCAN,
            signer=sig.signer or doc.recipient_name,
            sha256=ins.sha256,
            pages=ins.pages,
            matched_by=str(ins.matched_by or ""),
            signature_valid=(sig.valid and sig.trusted and not sig.modified_after_signing)
            if sig.signed
            else None,
            signature_covers_file=sig.covers_whole_file if sig.signed else None,
            reply=reply if takes_reply(doc.stage) else None,
            recorded_by=actor,
        ),
        ins,
        folders.returns / doc_id,
        version=max((v.version for v in versions), default=0) + 1,
    )
    notes = "; ".join(ins.warnings)
    _log(session, cycle, ins, RECORDED, source, stored_path=signoff.file_path, reason=notes)
    how = f"matched by {ins.matched_by}" + (f"; {sig.summary}" if sig.signed else "")
    return IntakeOutcome(
        ins.path.name, RECORDED, doc_id, signoff.version, how + (f"; {notes}" if notes else "")
    )


def _held(session: Session, document_id: str, sha256: str) -> IntakeEvent | None:
    return session.exec(
        select(IntakeEvent).where(
            IntakeEvent.document_id == document_id,
            IntakeEvent.sha256 == sha256,
            IntakeEvent.outcome == HELD,
        )
    ).first()


def waive(session: Session, *, document_id: str, reason: str, actor: str) -> SignOff:
    """Close a document's sign-off without a return, with the recorded reason."""
    return waive_many(session, document_ids=[document_id], reason=reason, actor=actor)[0]


def waive_many(
    session: Session,
    *,
    document_ids: Sequence[str],
    reason: str,
    actor: str,
    cycle_id: int | None = None,
) -> list[SignOff]:
    """Close many documents' sign-offs without a return, all with one recorded reason: all or
    nothing, so a mistyped ID leaves every document as it was. `cycle_id` keeps them to one
    cycle (the portal's page is one cycle's)."""
    wanted = list(dict.fromkeys(d.strip() for d in document_ids if d.strip()))
    if not wanted:
        raise SignOffError("请至少选择一份文件 / choose at least one document")
    if not reason.strip():
        raise SignOffError("免于回传须写明理由 / a waiver needs a reason (--reason)")
    begin_writing(session)  # before the first read, or SQLite cannot take the write lock
    docs: dict[str, Document] = {}
    problems: list[str] = []
    for document_id in wanted:
        doc = _lock_document(session, document_id)
        if doc is None or (cycle_id is not None and doc.cycle_id != cycle_id):
            problems.append(_no_such_document(session, document_id, cycle_id))
        elif not doc.needs_signoff:
            problems.append(f"{document_id} 仅供阅知，无需回传，也无需免于回传 / needs no sign-off")
        elif (frozen := why_frozen(session, document_id)) is not None:
            problems.append(str(frozen))
        else:
            docs[document_id] = doc
    if problems:
        raise SignOffError("；\n".join(problems) + "\n未作任何免于回传 / nothing was waived")
    log = AuditLog(actor)
    waivers = []
    for document_id in wanted:
        waiver = SignOff(
            document_id=document_id,
            version=_next_version(session, document_id),
            method=SignOffMethod.WAIVER,
            reason=reason.strip(),
            recorded_by=actor,
        )
        session.add(waiver)
        session.flush()  # the next document's version query sees this one's
        log.record("document", document_id, "signoff", None, "waived", reason.strip())
        waivers.append(waiver)
    log.write(session)
    return waivers


def _no_such_document(session: Session, document_id: str, cycle_id: int | None) -> str:
    """The refusal for an ID no document (of the cycle) has, naming the IDs it is close to."""
    where = cycle_id
    if where is None:
        try:
            where = cycle_of(document_id)
        except ValueError:
            where = None
    query = select(Document.id)
    if where is not None:
        query = query.where(Document.cycle_id == where)
    known = list(session.exec(query))
    close = difflib.get_close_matches(document_id, known, n=3, cutoff=0.8)
    hint = f"（相近的编号：{'、'.join(close)}）" if close else ""
    scope = "本周期" if cycle_id is not None else ""
    return f"{scope}没有编号为 {document_id} 的文件{hint} / no document {document_id}"


def record_reply(
    session: Session,
    *,
    document_id: str,
    reply: Reply,
    text: str,
    people: list[str],
    actor: str,
) -> list[str]:
    """A solicitation reply on the latest return; an objection flags the people it names and
    holds their result until staff decide (appraisal/store/holds.py).

    Returns the codes of the people flagged.
    """
    if frozen := why_frozen(session, document_id, people if reply == Reply.OBJECTION else ()):
        raise SignOffError(str(frozen))
    doc = session.get(Document, document_id)
    if doc is None:
        raise SignOffError(f"no document {document_id}")
    if not takes_reply(doc.stage):
        raise SignOffError(f"{document_id} is not a solicitation letter; it takes no reply")
    latest = session.exec(
        select(SignOff)
        .where(SignOff.document_id == document_id, SignOff.method != SignOffMethod.WAIVER)
        .order_by(col(SignOff.version).desc())
    ).first()
    if latest is None:
        raise SignOffError(f"{document_id}: record the signed return first, then its reply")
    listed = _letter_people(session, doc)
    if reply == Reply.OBJECTION:
        if not text.strip():
            raise SignOffError("an objection needs its text (--text)")
        if not people and len(listed) == 1:
            people = list(listed)
        unknown = sorted(set(people) - set(listed))
        if not people or unknown:
            names = ", ".join(f"{c} {n}" for c, n in listed.items())
            raise SignOffError(
                f"name the people the objection concerns (--person), from this letter: {names}"
                + (f"; not on it: {', '.join(unknown)}" if unknown else "")
            )
    log = AuditLog(actor)
    log.record("signoff", f"{document_id}/v{latest.version}", "reply", latest.reply, reply, text)
    latest.reply, latest.reply_text = reply, text.strip()
    latest.reply_people = [c for c in listed if c in people] if reply == Reply.OBJECTION else []
    session.add(latest)
    flagged = _flag(session, doc, people, text.strip(), log) if reply == Reply.OBJECTION else []
    log.write(session)
    return flagged


def _letter_people(session: Session, doc: Document) -> dict[str, str]:
    """编号 -> 姓名 of the people a document concerns."""
    codes = doc.people or []
    if doc.person_id is not None:
        person = session.get(Person, doc.person_id)
        codes = [person.code] if person else []
    found = session.exec(select(Person).where(col(Person.code).in_(codes))).all()
    names = {p.code: p.name for p in found}
    return {c: names[c] for c in codes if c in names}


def _flag(session: Session, doc: Document, codes: list[str], text: str, log: AuditLog) -> list[str]:
    people = session.exec(select(Person).where(col(Person.code).in_(codes))).all()
    for person in people:
        result = session.exec(
            select(Result).where(Result.cycle_id == doc.cycle_id, Result.person_id == person.id)
        ).first()
        if result is None:
            continue
        before = result.detail.get("objection", "")
        note = f"{doc.recipient_name}：{text}"
        result.detail = {**result.detail, "objection": f"{before}；{note}" if before else note}
        log.record("result", person.code, "flagged", result.flagged, True, note)
        result.flagged = True
        session.add(result)
        hold_for_objection(session, doc, person, text, log)
    return [p.code for p in people]


def move_out(source: Path) -> None:
    """Remove a dropped file once its outcome is committed (it now lives in one place only)."""
    source.unlink(missing_ok=True)


__all__ = [
    "ACCEPTED",
    "DUPLICATE",
    "HELD",
    "LEFT",
    "QUARANTINED",
    "RECORDED",
    "IntakeOutcome",
    "SignOffError",
    "generated_pdf",
    "move_out",
    "record_reply",
    "record_return",
    "waive",
    "waive_many",
]

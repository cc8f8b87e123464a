"""谈心谈话 through the year (五位一体): staff log each talk with a person when it is held; a
talk is changed or removed only with a reason, and every change is in the person's audit log.

The portal's person page and `appraisal talks` call these functions and nothing else; the
谈心谈话记录表 and the growing file read the talks as plain TalkLine values."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from appraisal.clock import today as clock_today
from appraisal.db import begin_writing
from appraisal.documents.views import TalkLine
from appraisal.models import Person, Talk
from appraisal.models.vocab import TalkKind
from appraisal.sheets.errors import SheetIssue, raise_if_any
from appraisal.sheets.talks import TalkSheet
from appraisal.sheets.values import CellError, clean_text, is_blank, parse_date
from appraisal.store.changes import AuditLog, ImportCounts, chunks
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.person_info import ENTITY, PersonInfoError, person_in_scope, reason_given

FIELD = "谈心谈话"  # the audit log's field for a talk added, changed or removed
# The longest each part may be, as the table holds them.
LIMITS = {"谈话人": 64, "谈话人职务": 128, "谈话地点": 128, "谈话内容": 2048, "后续跟进": 1024}


@dataclass(frozen=True)
class NewTalk:
    held_on: date
    kind: TalkKind
    talker: str
    talker_post: str
    place: str
    summary: str
    follow_up: str


def talk_words(held_on: date, kind: TalkKind | str, talker: str, talker_post: str,
               summary: str, follow_up: str = "") -> str:  # fmt: skip
    """A talk as the audit log keeps it: 2026-03-15 提醒谈话 王明（统战部副部长）：内容；跟进：…"""
    who = f"{talker}（{talker_post}）" if talker_post else talker
    line = f"{held_on:%Y-%m-%d} {TalkKind(kind).value} {who}：{summary}"
    return f"{line}；后续跟进：{follow_up}" if follow_up else line


def parse_talk(
    held_on: str,
    kind: str,
    talker: str,
    summary: str,
    *,
    talker_post: str = "",
    place: str = "",
    follow_up: str = "",
) -> NewTalk:
    """A talk from the words staff typed; a bad part is refused naming it."""
    if is_blank(held_on):
        raise PersonInfoError("谈话时间 必填 / the date is required")
    try:
        when = parse_date(held_on)
    except CellError as exc:
        raise PersonInfoError(f"谈话时间：{exc}") from None
    if not when.day_known:
        raise PersonInfoError(f"谈话时间 {held_on.strip()} 应写到日，如 2026-03-15 / give the day")
    if when.value > clock_today():
        raise PersonInfoError(f"谈话时间 {when.value} 晚于今天 / in the future")
    chosen = next((k for k in TalkKind if k.value == kind.strip()), None)
    if chosen is None:
        kinds = "、".join(k.value for k in TalkKind)
        raise PersonInfoError(f"谈话类别应为 {kinds} 之一，不是“{kind.strip()}” / unknown kind")
    parts = {"谈话人": talker, "谈话人职务": talker_post, "谈话地点": place,
             "谈话内容": summary, "后续跟进": follow_up}  # fmt: skip
    clean = {k: clean_text(v) if not is_blank(v) else "" for k, v in parts.items()}
    for label in ("谈话人", "谈话内容"):
        if not clean[label]:
            raise PersonInfoError(f"{label} 必填 / {label} is required")
    for label, text in clean.items():
        if len(text) > LIMITS[label]:
            raise PersonInfoError(
                f"{label} 太长：{len(text)} 个字符，最多 {LIMITS[label]} 个 / too long"
            )
    return NewTalk(when.value, chosen, clean["谈话人"], clean["谈话人职务"], clean["谈话地点"],
                   clean["谈话内容"], clean["后续跟进"])  # fmt: skip


def add_talk(
    session: Session,
    *,
    code: str,
    talk: NewTalk,
    actor: str,
    reason: str = "录入谈话记录",
    scope: Scope = EVERYWHERE,
    source: str = "录入",
) -> Talk:
    """Log a talk held with the person (a new talk needs no reason beyond being recorded)."""
    begin_writing(session)
    person = person_in_scope(session, scope, code)
    reason = reason_given(reason)
    assert person.id is not None
    row = Talk(
        person_id=person.id, held_on=talk.held_on, kind=talk.kind, talker=talk.talker,
        talker_post=talk.talker_post, place=talk.place, summary=talk.summary,
        follow_up=talk.follow_up, source=source[:256], recorded_by=actor[:128],
    )  # fmt: skip
    session.add(row)
    log = AuditLog(actor)
    log.record(ENTITY, person.code, FIELD, None, _words(row), reason)
    log.write(session)
    session.flush()
    return row


def change_talk(
    session: Session,
    *,
    code: str,
    talk_id: int,
    talk: NewTalk,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
) -> tuple[str, str]:
    """Correct a talk on record; returns its words (before, after). Nothing is written when
    nothing changed."""
    begin_writing(session)
    row = _talk_of(session, scope, code, talk_id)
    reason = reason_given(reason)
    before = _words(row)
    row.held_on, row.kind, row.talker, row.talker_post = (
        talk.held_on, talk.kind, talk.talker, talk.talker_post,
    )  # fmt: skip
    row.place, row.summary, row.follow_up = talk.place, talk.summary, talk.follow_up
    after = _words(row)
    if before == after:
        return before, after
    session.add(row)
    log = AuditLog(actor)
    log.record(ENTITY, code.strip(), FIELD, before, after, reason)
    log.write(session)
    session.flush()
    return before, after


def remove_talk(
    session: Session,
    *,
    code: str,
    talk_id: int,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
) -> Talk:
    """Remove a talk entered by mistake (the audit log keeps what it said)."""
    begin_writing(session)
    row = _talk_of(session, scope, code, talk_id)
    reason = reason_given(reason)
    words = _words(row)
    session.delete(row)
    log = AuditLog(actor)
    log.record(ENTITY, code.strip(), FIELD, words, None, reason)
    log.write(session)
    session.flush()
    return row


def person_talks(session: Session, person_id: int, year: int | None = None) -> list[Talk]:
    """The person's talks, oldest first (of one year when `year` is given)."""
    query = select(Talk).where(col(Talk.person_id) == person_id)
    if year is not None:
        query = query.where(col(Talk.held_on) >= date(year, 1, 1),
                            col(Talk.held_on) <= date(year, 12, 31))  # fmt: skip
    return list(session.exec(query.order_by(col(Talk.held_on), col(Talk.id))))


def talk_line(row: Talk) -> TalkLine:
    who = f"{row.talker}（{row.talker_post}）" if row.talker_post else row.talker
    return TalkLine(row.held_on, row.kind.value, who, row.place, row.summary, row.follow_up)


def talks_by_code(
    session: Session, people: Collection[Person], year: int
) -> dict[str, list[TalkLine]]:
    """The talks held with these people in `year`, by 编号, each in date order."""
    by_id = {p.id: p.code for p in people if p.id is not None}
    found: dict[str, list[TalkLine]] = defaultdict(list)
    for part in chunks(list(by_id)):
        query = (
            select(Talk)
            .where(col(Talk.person_id).in_(part))
            .where(col(Talk.held_on) >= date(year, 1, 1), col(Talk.held_on) <= date(year, 12, 31))
            .order_by(col(Talk.person_id), col(Talk.held_on), col(Talk.id))
        )
        for row in session.exec(query):
            found[by_id[row.person_id]].append(talk_line(row))
    return dict(found)


def _talk_of(session: Session, scope: Scope, code: str, talk_id: int) -> Talk:
    person = person_in_scope(session, scope, code)
    row = session.get(Talk, talk_id)
    if row is None or row.person_id != person.id:
        raise PersonInfoError(f"{code.strip()} 没有第 {talk_id} 号谈话记录 / no such talk")
    return row


def _words(row: Talk) -> str:
    words = talk_words(row.held_on, row.kind, row.talker, row.talker_post, row.summary,
                       row.follow_up)  # fmt: skip
    return f"{words}（地点：{row.place}）" if row.place else words


def import_talks(
    session: Session, *, sheet: TalkSheet, actor: str, scope: Scope = EVERYWHERE
) -> ImportCounts:
    """Back-fill the log from a workbook: talks not on record (same person, date, kind, 谈话人
    and 谈话内容) are added, each audited with its file and row; talks on record are left as
    they are, so a second import adds nothing. A row naming nobody, another office's person, or
    a 姓名 that is not the 编号's is refused with the rest."""
    begin_writing(session)
    rows, source = sheet.rows, sheet.file
    codes = list(dict.fromkeys(r.code for r in rows))
    people: dict[str, Person] = {}
    for some in chunks(codes):
        for p in session.exec(select(Person).where(col(Person.code).in_(some))):
            people[p.code] = p
    issues = list(sheet.issues)
    for r in rows:
        person = people.get(r.code)
        if person is None:
            issues.append(SheetIssue(source, f"编号 {r.code} 不在人员库中", r.sheet, r.row, "编号"))
        elif not scope.covers(person.office_id):
            issues.append(SheetIssue(source, f"编号 {r.code} 是其他单位的人员，不能由本单位导入",
                                     r.sheet, r.row, "编号"))  # fmt: skip
        elif r.name and r.name != person.name:
            issues.append(SheetIssue(source, f"编号 {r.code} 是{person.name}，不是{r.name}",
                                     r.sheet, r.row, "姓名"))  # fmt: skip
    raise_if_any(sorted(issues, key=lambda i: (i.sheet, i.row or 0)))
    ids = [p.id for p in people.values() if p.id is not None]
    on_record: set[tuple[object, ...]] = set()
    for part in chunks(ids):
        for t in session.exec(select(Talk).where(col(Talk.person_id).in_(part))):
            on_record.add((t.person_id, t.held_on, t.kind, t.talker, t.summary))
    counts = ImportCounts()
    log = AuditLog(actor)
    for r in rows:
        person = people[r.code]
        key = (person.id, r.held_on, r.kind, r.talker, r.summary)
        if key in on_record:
            counts += ImportCounts(unchanged=1)
            continue
        on_record.add(key)
        why = f"导入 {source} 工作表 {r.sheet} 第{r.row}行"
        row = Talk(
            person_id=person.id or 0, held_on=r.held_on, kind=r.kind, talker=r.talker,
            talker_post=r.talker_post, place=r.place, summary=r.summary, follow_up=r.follow_up,
            source=why[:256], recorded_by=actor[:128],
        )  # fmt: skip
        session.add(row)
        log.record(ENTITY, person.code, FIELD, None, _words(row), why)
        counts += ImportCounts(added=1)
    log.write(session)
    session.flush()
    return counts

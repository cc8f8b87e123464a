"""计票: the counts of each 民主测评票 sheet, read back and entered by staff.

The assessment stage prints one sheet per rater group listing the people it assesses (split at
the scheme's `sheet_people`). The tellers count each sheet: 发出 and 收回 for the sheet, and for
every person on it 优秀, 称职, 基本称职, 不称职 and 弃权. Staff enter them here (the portal's 计票
page, `appraisal ballots enter`, or the filled 计票汇总表 with `appraisal ballots import`); each
count writes the BallotTally rows scoring reads, so scoring/ballots.py is unchanged. A sheet whose
people all have tallies imported from the records workbook counts as counted. The assessment gate
waits for every sheet (appraisal/store/progress.py), or for staff to waive one with a reason.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from appraisal.ballot_sheets import (
    TALLY_FIELDS,
    VOTES,
    group_order,
    tally_ready,
)
from appraisal.db import begin_writing
from appraisal.documents.plan import sheet_label
from appraisal.models import BallotSheetCount, BallotTally, Cycle, Document, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import RaterGroup, Stage
from appraisal.scheme import parse_scheme
from appraisal.sheets.ballots import SHEET, Block, BlockPerson, CountedBlock
from appraisal.stages import BALLOT, TALLY, stage_name
from appraisal.store.changes import AuditLog, chunks
from appraisal.store.cycle_data import rater_groups_by_code
from appraisal.store.cycles import cycle_codes, get_cycle

ENTITY = "ballot_sheet"  # the audit log's entity for a sheet's count or waiver
COUNTED, IMPORTED, WAIVED, UNCOUNTED = "已计票", "已导入", "已免计票", "未计票"


class BallotError(ValueError):
    """Counts that cannot be entered, in words for staff (each problem on its own line)."""


Votes = tuple[int, int, int, int, int]  # 优秀, 称职, 基本称职, 不称职, 弃权


@dataclass(frozen=True)
class SheetPerson:
    code: str
    name: str
    votes: Votes | None  # as recorded for the sheet's group, if any


@dataclass(frozen=True)
class Sheet:
    """One printed 民主测评票 sheet and where its count stands."""

    document_id: str
    group: str
    number: int  # its place among its group's sheets, from 1
    sheets: int  # how many sheets its group has
    people: tuple[SheetPerson, ...]
    state: str  # COUNTED, IMPORTED, WAIVED or UNCOUNTED
    issued: int | None = None
    returned: int | None = None
    due: int | None = None  # the group's raters, when the scheme says
    waived: str = ""  # the reason

    @property
    def label(self) -> str:
        return sheet_label(self.number, self.sheets)

    @property
    def title(self) -> str:
        """How staff tell a sheet: 领导班子 第1张，共2张（AP-0001-AS-…）."""
        return f"{self.group} {self.label}（{self.document_id}）"

    @property
    def counted(self) -> bool:
        return self.state != UNCOUNTED


@dataclass(frozen=True)
class SheetCounts:
    """What the tellers counted on one sheet."""

    issued: int
    returned: int
    votes: Mapping[str, Votes] = field(default_factory=dict)  # by 编号


def votes_words(votes: Votes) -> str:
    return "，".join(f"{label} {n}" for label, n in zip(VOTES, votes, strict=True))


def _counts_words(issued: int | None, returned: int | None) -> str:
    return f"发出 {issued}，收回 {returned}"


def ballot_sheets(session: Session, cycle_id: int) -> list[Sheet]:
    """Every 民主测评票 sheet of the cycle, by rater group and sheet, with its count."""
    cycle = get_cycle(session, cycle_id)
    docs = list(
        session.exec(
            select(Document.id, Document.recipient_name, col(Document.people)).where(
                Document.cycle_id == cycle_id, Document.template_id == BALLOT
            )
        )
    )
    if not docs:
        return []
    order = {code: i for i, code in enumerate(cycle_codes(session, cycle_id))}
    codes = sorted({c for _, _, people in docs for c in people})
    names: dict[str, str] = {}
    ids: dict[str, int] = {}
    for some in chunks(codes):
        for pid, code, name in session.exec(
            select(Person.id, Person.code, Person.name).where(col(Person.code).in_(some))
        ):
            names[code], ids[code] = name, pid or 0
    tallies: dict[tuple[int, str], BallotTally] = {}
    for part in chunks(sorted(ids.values())):
        for t in session.exec(
            select(BallotTally).where(
                BallotTally.year == cycle.year, col(BallotTally.person_id).in_(part)
            )
        ):
            tallies[(t.person_id, t.rater_group.value)] = t
    counts = {
        c.document_id: c
        for c in session.exec(select(BallotSheetCount).where(BallotSheetCount.cycle_id == cycle_id))
    }
    raters = {g.value: n for g, n in parse_scheme(cycle.scheme_toml).ballots.raters.items()}
    by_group: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for doc_id, group, people in docs:
        by_group[group].append((doc_id, list(people)))
    sheets = []
    for group in sorted(by_group, key=group_order):
        listed = sorted(by_group[group], key=lambda d: order.get(d[1][0], 0) if d[1] else 0)
        for number, (doc_id, people) in enumerate(listed, 1):
            found = [tallies.get((ids.get(c, 0), group)) for c in people]
            row = counts.get(doc_id)
            if row is not None and row.waived:
                state = WAIVED
            elif row is not None and row.issued is not None:
                state = COUNTED
            elif people and all(t is not None for t in found):
                state = IMPORTED
            else:
                state = UNCOUNTED
            sheets.append(
                Sheet(
                    document_id=doc_id,
                    group=group,
                    number=number,
                    sheets=len(listed),
                    people=tuple(
                        SheetPerson(c, names.get(c, ""), _votes(t))
                        for c, t in zip(people, found, strict=True)
                    ),
                    state=state,
                    issued=row.issued if row else None,
                    returned=row.returned if row else None,
                    due=raters.get(group),
                    waived=row.waived if row else "",
                )
            )
    return sheets


def _votes(t: BallotTally | None) -> Votes | None:
    if t is None:
        return None
    return (t.excellent, t.competent, t.basic, t.incompetent, t.abstain)


def find_sheet(sheets: Sequence[Sheet], document_id: str) -> Sheet:
    wanted = document_id.strip().upper()
    for s in sheets:
        if s.document_id == wanted:
            return s
    raise BallotError(f"本周期没有文档编号为 {document_id} 的民主测评票 / no such ballot sheet")


def check_counts(sheet: Sheet, counts: SheetCounts) -> list[str]:
    """Every problem of a sheet's counts, each naming the sheet (and the person): 收回 ≤ 发出,
    non-negative whole numbers, and for each person votes + 弃权 = 收回 (a ballot with no tick
    for a person is an abstention for them)."""
    where = f"测评票 {sheet.title}"
    problems = []
    for label, n in (("发出", counts.issued), ("收回", counts.returned)):
        if n < 0:
            problems.append(f"{where}：{label} {n} 不能为负数 / must not be negative")
    if counts.returned > counts.issued:
        problems.append(
            f"{where}：收回 {counts.returned} 张多于发出 {counts.issued} 张 / more ballots "
            "returned than issued"
        )
    listed = {p.code for p in sheet.people}
    for code in counts.votes:
        if code not in listed:
            problems.append(f"{where}：{code} 不在本张测评票上 / not on this sheet")
    for p in sheet.people:
        votes = counts.votes.get(p.code)
        who = f"{where} {p.code} {p.name}"
        if votes is None:
            problems.append(f"{who}：缺少票数 / no counts given")
            continue
        negative = [label for label, n in zip(VOTES, votes, strict=True) if n < 0]
        if negative:
            problems.append(f"{who}：{'、'.join(negative)} 不能为负数 / must not be negative")
        elif sum(votes) != counts.returned:
            terms = " + ".join(f"{label} {n}" for label, n in zip(VOTES, votes, strict=True))
            problems.append(
                f"{who}：{terms} = {sum(votes)}，不等于收回 {counts.returned} 张（未划“√”或多划的"
                "票计为弃权）/ votes and abstentions must add up to the ballots returned"
            )
    return problems


def _open_for_counts(cycle: Cycle) -> None:
    if cycle.stage != Stage.ASSESSMENT:
        raise BallotError(
            f"第{cycle.id}号考核周期处于{stage_name(cycle.stage)}阶段：计票结果只能在组织考核阶段录入"
            "（之后更正请走复核）/ ballot counts are entered at the assessment stage only"
        )


@dataclass
class Entered:
    """What entering counts did, sheet by sheet."""

    counted: list[str] = field(default_factory=list)  # sheet titles
    unchanged: list[str] = field(default_factory=list)

    def words(self) -> str:
        parts = [f"已录入 {len(self.counted)} 张"]
        if self.unchanged:
            parts.append(f"未变 {len(self.unchanged)} 张")
        return "，".join(parts)


def enter_counts(
    session: Session,
    cycle_id: int,
    entries: Sequence[tuple[str, SheetCounts]],
    *,
    actor: str,
    reason: str = "",
    source: str = "录入计票结果",
) -> Entered:
    """Record the counts of sheets (document ID, counts), all or none: BallotError lists every
    problem. Counts that differ from what is on record (a sheet counted before, or tallies
    imported) need a reason, and the audit log keeps both."""
    begin_writing(session)
    cycle = get_cycle(session, cycle_id)
    _open_for_counts(cycle)
    sheets = ballot_sheets(session, cycle_id)
    problems: list[str] = []
    checked: list[tuple[Sheet, SheetCounts]] = []
    for doc_id, counts in entries:
        try:
            sheet = find_sheet(sheets, doc_id)
        except BallotError as exc:
            problems.append(str(exc))
            continue
        problems += check_counts(sheet, counts)
        checked.append((sheet, counts))
    if not problems and not reason.strip():
        problems += [
            f"测评票 {s.title}：与已记录的不同（{diff}），须说明理由 / differs from what is "
            "recorded: give a reason"
            for s, c in checked
            if (diff := _contradiction(s, c))
        ]
    if problems:
        raise BallotError("\n".join(problems))
    log = AuditLog(actor)
    done = Entered()
    ids = _person_ids(session, [p.code for s, _ in checked for p in s.people])
    for sheet, counts in checked:
        if sheet.state == COUNTED and not _contradiction(sheet, counts):
            done.unchanged.append(sheet.title)
            continue
        _write(session, cycle, sheet, counts, ids, log, reason.strip() or source)
        done.counted.append(sheet.title)
    log.write(session)
    session.flush()
    return done


def _contradiction(sheet: Sheet, counts: SheetCounts) -> str:
    """How the counts differ from what is on record about the sheet, or "" if they don't."""
    diff = []
    if sheet.state == COUNTED and (sheet.issued, sheet.returned) != (
        counts.issued,
        counts.returned,
    ):
        was = _counts_words(sheet.issued, sheet.returned)
        diff.append(f"原为{was}")
    for p in sheet.people:
        if p.votes is not None and p.votes != counts.votes.get(p.code):
            diff.append(f"{p.code} {p.name} 原为{votes_words(p.votes)}")
    return "；".join(diff)


def _person_ids(session: Session, codes: Collection[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for part in chunks(sorted(set(codes))):
        for pid, code in session.exec(
            select(Person.id, Person.code).where(col(Person.code).in_(part))
        ):
            ids[code] = pid or 0
    return ids


def _write(
    session: Session,
    cycle: Cycle,
    sheet: Sheet,
    counts: SheetCounts,
    ids: Mapping[str, int],
    log: AuditLog,
    reason: str,
) -> None:
    group = RaterGroup(sheet.group)
    row = session.get(BallotSheetCount, sheet.document_id)
    before = (
        ""
        if row is None
        else (f"免计票：{row.waived}" if row.waived else _counts_words(row.issued, row.returned))
    )
    if row is None:
        row = BallotSheetCount(document_id=sheet.document_id, cycle_id=cycle.id or 0)
    row.issued, row.returned, row.waived = counts.issued, counts.returned, ""
    row.entered_by, row.entered_at = log.actor, utcnow()
    session.add(row)
    log.record(ENTITY, sheet.document_id, "计票", before or None,
               _counts_words(counts.issued, counts.returned), reason)  # fmt: skip
    due = sheet.due or counts.issued
    changed = False
    for p in sheet.people:
        votes = counts.votes[p.code]
        values = {"due": due, "issued": counts.issued, "returned": counts.returned,
                  **dict(zip(TALLY_FIELDS, votes, strict=True))}  # fmt: skip
        tally = session.exec(
            select(BallotTally).where(
                BallotTally.person_id == ids[p.code],
                BallotTally.year == cycle.year,
                BallotTally.rater_group == group,
            )
        ).first()
        key = f"{p.code}/{cycle.year}/{sheet.group}"
        if tally is None:
            # Made by this sheet: which groups assess the person stays as it was.
            tally = BallotTally(person_id=ids[p.code], year=cycle.year, rater_group=group,
                                sheet_id=sheet.document_id, **values)  # fmt: skip
            log.record("ballot_tally", key, "票数", None, votes_words(votes), reason)
            changed = True
        else:
            old = {k: getattr(tally, k) for k in values}
            for k, v in values.items():
                setattr(tally, k, v)
            if old != values:
                log.changes("ballot_tally", key,
                            {k: (old[k], values[k]) for k in values if old[k] != values[k]},
                            reason)  # fmt: skip
                changed = True
        session.add(tally)
    if changed:
        row.changed_at = row.entered_at
        session.add(row)


def waive_sheet(
    session: Session, cycle_id: int, document_id: str, *, actor: str, reason: str
) -> Sheet:
    """Waive counting one sheet (lost, spoilt, the group did not meet), with a reason: the gate
    no longer waits for it, and the people it lists are scored on their other groups' votes."""
    if not reason.strip():
        raise BallotError("免计票须说明理由 / a reason is required")
    begin_writing(session)
    cycle = get_cycle(session, cycle_id)
    _open_for_counts(cycle)
    sheet = find_sheet(ballot_sheets(session, cycle_id), document_id)
    if sheet.state == WAIVED:
        return sheet
    if sheet.state == COUNTED:
        raise BallotError(f"测评票 {sheet.title} 已录入计票结果，不能免计票 / already counted")
    row = session.get(BallotSheetCount, sheet.document_id) or BallotSheetCount(
        document_id=sheet.document_id, cycle_id=cycle_id
    )
    row.waived, row.entered_by, row.entered_at = reason.strip(), actor, utcnow()
    session.add(row)
    log = AuditLog(actor)
    log.record(ENTITY, sheet.document_id, "免计票", None, sheet.title, reason.strip())
    log.write(session)
    session.flush()
    return find_sheet(ballot_sheets(session, cycle_id), document_id)


def uncounted_sheets(session: Session, cycle_id: int) -> list[Sheet]:
    """The sheets still owed a count: the assessment gate waits for them, and evaluation does
    not score before they are in."""
    return [s for s in ballot_sheets(session, cycle_id) if not s.counted]


def waived_groups(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> dict[str, set[str]]:
    """By 编号 (of everyone, or of `codes`), the rater groups whose sheet listing them staff
    waived counting."""
    query = (
        select(Document.recipient_name, col(Document.people))
        .join(BallotSheetCount, col(BallotSheetCount.document_id) == col(Document.id))
        .where(BallotSheetCount.cycle_id == cycle_id, col(BallotSheetCount.waived) != "")
    )
    wanted = None if codes is None else set(codes)
    out: dict[str, set[str]] = defaultdict(set)
    for group, people in session.exec(query):
        for code in people:
            if wanted is None or code in wanted:
                out[code].add(group)
    return dict(out)


def awaiting_tally_tables(session: Session, cycle_id: int) -> list[str]:
    """Members whose sheets are all counted (or waived) but whose 民主测评结果汇总表 is not made
    yet, or was made before a count of theirs changed: running the assessment stage again makes
    or remakes theirs, and nothing else changes."""
    cycle = get_cycle(session, cycle_id)
    if not session.exec(
        select(Document.id).where(Document.cycle_id == cycle_id, Document.template_id == BALLOT)
    ).first():
        return []  # the stage has not made its sheets yet
    groups = rater_groups_by_code(session, cycle)
    made: dict[str, datetime] = {}
    for code, created, delivered in session.exec(
        select(Person.code, Document.created_at, Document.delivered_at)
        .join(Document, col(Document.person_id) == col(Person.id))
        .where(Document.cycle_id == cycle_id, Document.template_id == TALLY)
    ):
        made[code] = delivered or created
    counted: dict[str, datetime] = {}
    for people, at in session.exec(
        select(col(Document.people), BallotSheetCount.changed_at)
        .join(BallotSheetCount, col(BallotSheetCount.document_id) == col(Document.id))
        .where(BallotSheetCount.cycle_id == cycle_id, col(BallotSheetCount.changed_at).is_not(None))
    ):
        assert at is not None
        for code in people:
            counted[code] = max(counted.get(code, at), at)
    ids = _person_ids(session, list(groups))
    tallied: dict[int, set[str]] = defaultdict(set)
    for part in chunks(sorted(ids.values())):
        for pid, group in session.exec(
            select(BallotTally.person_id, BallotTally.rater_group).where(
                BallotTally.year == cycle.year, col(BallotTally.person_id).in_(part)
            )
        ):
            tallied[pid].add(RaterGroup(group).value)
    waived = waived_groups(session, cycle_id)

    def stale(code: str) -> bool:
        return code not in made or (code in counted and counted[code] > made[code])

    return [
        code
        for code, gs in sorted(groups.items())
        if stale(code) and tally_ready(gs, tallied[ids.get(code, 0)], waived.get(code, ()))
    ]


def count_book_blocks(session: Session, cycle_id: int) -> list[Block]:
    """The blocks of the cycle's 计票汇总表, one per sheet, with the counts entered so far."""
    return [
        Block(
            document_id=s.document_id,
            group=s.group,
            label=s.label,
            people=tuple(BlockPerson(p.code, p.name, p.votes) for p in s.people),
            issued=s.issued,
            returned=s.returned,
        )
        for s in ballot_sheets(session, cycle_id)
        if s.state != WAIVED
    ]


def import_count_book(
    session: Session,
    cycle_id: int,
    file: str,
    blocks: Sequence[CountedBlock],
    *,
    actor: str,
    reason: str = "",
) -> Entered:
    """The filled blocks of a 计票汇总表, all or none; each problem names the file, the sheet,
    the block's row and the person."""
    sheets = ballot_sheets(session, cycle_id)
    problems = []
    for b in blocks:
        where = f"{file}，工作表 {SHEET}，第{b.row}行"
        counts = SheetCounts(b.issued, b.returned, b.votes)
        try:
            sheet = find_sheet(sheets, b.document_id)
        except BallotError as exc:
            problems.append(f"{where}：{exc}")
            continue
        problems += [f"{where}：{p}" for p in check_counts(sheet, counts)]
    if problems:
        raise BallotError("\n".join(problems))
    entries = [(b.document_id, SheetCounts(b.issued, b.returned, b.votes)) for b in blocks]
    return enter_counts(
        session, cycle_id, entries, actor=actor, reason=reason, source=f"导入计票汇总表 {file}"
    )

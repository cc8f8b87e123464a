"""What a person's growing file (一人一档) holds, read from the database: their information and
dated entries (简历, 奖惩, 培训, 挂职), pool stays and adjustments, every cycle's result, every
change, and where their sealed dossiers are."""

from datetime import date

from sqlmodel import Session, col, select

from appraisal.archive.career import Career, CareerTable, CycleDossier
from appraisal.clock import office_time
from appraisal.documents.views import EntryLine
from appraisal.models import Cycle, Dossier, Nomination, PoolDecision
from appraisal.models.vocab import EntryKind
from appraisal.paths import located
from appraisal.person_words import change_what, person_facts
from appraisal.stages import STAGE_NAMES
from appraisal.store.offices import Scope
from appraisal.store.people_view import PersonRecord, person_record
from appraisal.store.person_info import person_entries
from appraisal.store.talks import person_talks, talk_line

# Every change in a life's file, not the page's latest 200.
ALL_CHANGES = 1_000_000


def career_of(
    session: Session, scope: Scope, code: str, *, made_on: date, issuer: str
) -> Career | None:
    """The growing file of the person with this 编号, if they are in `scope`; else None.
    Only cycles and dossiers of offices in `scope` are in it, as on the person's page."""
    record = person_record(session, scope, code, changes=ALL_CHANGES)
    if record is None:
        return None
    person = record.person
    return Career(
        code=person.code,
        name=person.name,
        office=record.office,
        issuer=issuer,
        made_on=made_on,
        facts=tuple(person_facts(person)),
        tables=(
            *_entries(session, person.id or 0),
            _talks(session, person.id or 0),
            _nominations(session, scope, person.id or 0, person.code),
            _stays(record),
            _cycles(record),
            _adjustments(session, scope, person.id or 0),
            _changes(record),
        ),
        dossiers=_dossiers(session, scope, person.id or 0),
    )


def _entries(session: Session, person_id: int) -> list[CareerTable]:
    """简历, 奖惩, 培训, 挂职 as 信息管理 keeps them, each in date order."""
    tables = []
    for kind, rows in person_entries(session, person_id).items():
        lines = [EntryLine(e.started_on, e.ended_on, e.text, e.merit.value if e.merit else "")
                 for e in rows]  # fmt: skip
        if kind is EntryKind.MERIT:
            headers: tuple[str, ...] = ("起止年月", "类别", "内容")
            table: tuple[tuple[str, ...], ...] = tuple(
                (line.span, line.merit, line.text) for line in lines
            )
        else:
            headers = ("起止年月", "单位及职务" if kind is EntryKind.CAREER else "内容")
            table = tuple((line.span, line.text) for line in lines)
        tables.append(CareerTable(kind.value, headers, table, f"没有{kind.value}记录。"))
    return tables


def _nominations(session: Session, scope: Scope, person_id: int, code: str) -> CareerTable:
    """Every body's nomination of the person (提名推荐) and what staff decided on it; a
    newcomer's rows are theirs once accepted made them a person."""
    found = session.exec(
        select(Nomination, Cycle)
        .join(Cycle, col(Cycle.id) == col(Nomination.cycle_id))
        .where((col(Nomination.person_id) == person_id) | (col(Nomination.person_code) == code))
        .order_by(col(Cycle.id), col(Nomination.id))
    )
    rows = tuple(
        (
            cycle.name,
            n.body,
            n.reason,
            n.status.value,
            n.decision_reason,
            office_time(n.decided_at).strftime("%Y-%m-%d") if n.decided_at else "",
        )
        for n, cycle in found
        if scope.covers(cycle.office_id)
    )
    headers = ("周期", "推荐单位", "推荐理由", "决定", "说明", "决定日期")
    return CareerTable("提名推荐", headers, rows, "没有提名推荐记录。")


def _talks(session: Session, person_id: int) -> CareerTable:
    """谈心谈话 through the years, oldest first, as staff logged them."""
    rows = tuple(
        (f"{t.held_on:%Y-%m-%d}", t.kind, t.talker,
         f"{t.summary}（谈话地点：{t.place}）" if t.place else t.summary, t.follow_up)
        for t in map(talk_line, person_talks(session, person_id))
    )  # fmt: skip
    headers = ("谈话时间", "谈话类别", "谈话人", "谈话内容", "后续跟进")
    return CareerTable("谈心谈话", headers, rows, "没有谈心谈话记录。")


def _adjustments(session: Session, scope: Scope, person_id: int) -> CareerTable:
    """Every rolling adjustment (有进有出) decided for the person, approved or still open."""
    found = session.exec(
        select(PoolDecision, Cycle)
        .join(Cycle, col(Cycle.id) == col(PoolDecision.cycle_id))
        .where(col(PoolDecision.person_id) == person_id)
        .order_by(col(Cycle.id))
    )
    rows = tuple(
        (
            cycle.name,
            d.from_tier.value if d.from_tier else "未入库",
            d.decided.value,
            d.to_tier.value if d.to_tier else "出库",
            d.reason or d.proposed_reason,
            office_time(d.approved_at).strftime("%Y-%m-%d") if d.approved_at else "待审核",
        )
        for d, cycle in found
        if scope.covers(cycle.office_id)
    )
    headers = ("周期", "原梯队", "调整", "新梯队", "理由", "批准日期")
    return CareerTable("人才库调整", headers, rows, "没有人才库调整记录。")


def _stays(record: PersonRecord) -> CareerTable:
    rows = tuple(
        (
            s.tier.value,
            s.joined_on.isoformat(),
            s.join_reason,
            s.left_on.isoformat() if s.left_on else "在库",
            s.leave_reason,
        )
        for s in sorted(record.stays, key=lambda s: (s.joined_on, s.id or 0))
    )
    headers = ("梯队", "入库日期", "入库原因", "出库日期", "出库原因")
    return CareerTable("人才库经历", headers, rows, "没有入库记录。")


def _cycles(record: PersonRecord) -> CareerTable:
    rows = []
    for c in sorted(record.cycles, key=lambda c: c.cycle.id or 0):
        r = c.result
        rows.append(
            (
                c.cycle.name,
                str(c.cycle.year),
                STAGE_NAMES[c.cycle.stage],
                f"{r.composite:.2f}" if r and r.composite is not None else "",
                r.grade.value if r and r.grade else "",
                r.band.value if r and r.band else "",
                c.member.decision.value if c.member.decision else "",
                r.pool_decision if r else "",
            )
        )
    headers = ("周期", "年度", "阶段", "综合得分", "等次", "档次", "决定", "人才库调整")
    return CareerTable("历次考核评价", headers, tuple(rows), "尚未参加考核周期。")


def _changes(record: PersonRecord) -> CareerTable:
    rows = tuple(
        (
            office_time(e.at).strftime("%Y-%m-%d %H:%M"),
            change_what(e.entity, e.entity_key, e.field),
            e.before or "",
            e.after or "",
            e.actor.removeprefix("staff:"),
            e.reason,
        )
        for e in reversed(record.changes)  # oldest first, as a file is read
    )
    headers = ("时间", "项目", "原值", "新值", "经办", "依据")
    return CareerTable("变更记录", headers, rows, "没有变更记录。")


def _dossiers(session: Session, scope: Scope, person_id: int) -> tuple[CycleDossier, ...]:
    found = session.exec(
        select(Dossier, Cycle)
        .join(Cycle, col(Cycle.id) == col(Dossier.cycle_id))
        .where(col(Dossier.person_id) == person_id)
        .order_by(col(Cycle.id))
    )
    return tuple(
        CycleDossier(
            cycle=cycle.name,
            folder=f"cycle-{cycle.id:04d}",
            package=located(d.path),
        )
        for d, cycle in found
        if scope.covers(cycle.office_id)
    )

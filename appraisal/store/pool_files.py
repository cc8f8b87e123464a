"""The documents of an approved pool adjustment, written into the cycle's folder: the
滚动调整审批表 (from its Word template) and the 人才库名单 as it stands after the adjustment."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from appraisal.documents.adjustment import DecidedMove, approval_form, write_pool_list
from appraisal.employer_split import joined
from appraisal.models import Cycle, Person, PoolMembership
from appraisal.models.vocab import Tier
from appraisal.paths import cycle_dir
from appraisal.render.on_demand import on_demand_id, write_on_demand
from appraisal.stages import POOL_ADJUSTMENT
from appraisal.store.offices import scope_of
from appraisal.store.pool import PoolError, board

FORM_NAME = "滚动调整审批表.docx"
LIST_NAME = "人才库名单.xlsx"


@dataclass(frozen=True)
class PoolFiles:
    form: Path
    pool_list: Path
    document_id: str


def pool_dir(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "pool"


def written_files(cycle_id: int) -> PoolFiles | None:
    """The documents, if an approval has written them."""
    folder = pool_dir(cycle_id)
    form, pool_list = folder / FORM_NAME, folder / LIST_NAME
    if not (form.is_file() and pool_list.is_file()):
        return None
    return PoolFiles(form, pool_list, on_demand_id(cycle_id, POOL_ADJUSTMENT))


def write_pool_files(
    session: Session, cycle: Cycle, templates_dir: Path | None = None
) -> PoolFiles:
    """Both documents, from the approved decisions and the pool as it is now; rewriting them
    gives the same 审批表 and the 名单 of the day. PoolError before approval."""
    assert cycle.id is not None
    found = board(session, cycle)
    if not found.approved or found.approved_at is None:
        raise PoolError(
            f"第{cycle.id}号考核周期的人才库调整尚未审核批准，审批表和名单在批准后生成"
            " / not approved yet"
        )
    moves = [
        DecidedMove(
            r.code,
            r.name,
            r.from_tier,
            r.move,
            r.to_tier,
            r.reason,
            r.proposed if r.changed else None,
        )
        for r in found.rows
    ]
    clerks = sorted({r.decided_by for r in found.rows if r.decided_by})
    context: dict[str, Any] = approval_form(
        office=cycle.office.get("name", ""),
        cycle_name=cycle.name,
        moves=moves,
        after=found.after,
        caps=found.caps,
        clerks=clerks,
        approver=found.approved_by,
        approved_on=found.approved_at.date(),
    )
    folder = pool_dir(cycle.id)
    form = folder / FORM_NAME
    doc_id = write_on_demand(cycle.id, POOL_ADJUSTMENT, context, form, templates_dir)
    pool_list = folder / LIST_NAME
    write_pool_list(pool_list, _pool_rows(session, cycle), "“十百千”人才库名单")
    return PoolFiles(form, pool_list, doc_id)


def _pool_rows(session: Session, cycle: Cycle) -> dict[Tier, list[list[Any]]]:
    """The people in the pool now, over the cycle's offices, by tier and code."""
    query = (
        select(Person, PoolMembership)
        .join(PoolMembership, col(PoolMembership.person_id) == col(Person.id))
        .where(col(PoolMembership.left_on).is_(None))
        .order_by(col(Person.code))
    )
    query = scope_of(session, cycle.office_id).only(query, Person.office_id)
    by_tier: dict[Tier, list[list[Any]]] = defaultdict(list)
    for person, stay in session.exec(query):
        by_tier[person.tier].append(
            [
                person.code,
                person.name,
                person.gender,
                person.birth_date.strftime("%Y.%m"),
                person.party,
                person.sector,
                joined(person.employer, person.post),
                stay.joined_on.isoformat(),
                stay.join_reason,
            ]
        )
    return dict(by_tier)

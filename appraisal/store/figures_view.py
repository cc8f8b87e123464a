"""统战名人 as staff read them: the list (with the quota and the people whose tier says 名人 but
who have no figure record), one figure with its sites, activities and history, and the rows of
the 统战名人名录 workbook."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from appraisal.documents.figures import FigureEntry
from appraisal.models import AuditEntry, Figure, FigureActivity, FigureSite, Person
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import Tier
from appraisal.store.figures import (
    ENTITY,
    Quota,
    activity_words,
    day_text,
    field_values,
    figure_in_scope,
    figure_quota,
    quota_warning,
)
from appraisal.store.offices import EVERYWHERE, Scope, people_in


@dataclass(frozen=True)
class FigureRow:
    id: int
    name: str
    years: str
    identity: str
    sites: int
    last_activity: str  # 2026.04.05 纪念活动：…, or ""
    person_code: str  # a linked person's 编号, or ""


@dataclass(frozen=True)
class FigureBoard:
    rows: list[FigureRow]
    quota: Quota
    warning: str  # over the quota, or ""
    # People whose tier is 名人 but who have no figure record: (编号, 姓名).
    unrecorded: list[tuple[str, str]] = field(default_factory=list)


def _figures(session: Session, scope: Scope) -> list[Figure]:
    # By 入选时间, those without one last, the same on SQLite and PostgreSQL.
    undated = col(Figure.selected_on).is_(None)
    query = select(Figure).order_by(undated, col(Figure.selected_on), col(Figure.id))
    return list(session.exec(scope.only(query, Figure.office_id)))


def _codes(session: Session, figures: list[Figure]) -> dict[int, str]:
    ids = [f.person_id for f in figures if f.person_id is not None]
    if not ids:
        return {}
    found = session.exec(select(Person.id, Person.code).where(col(Person.id).in_(ids)))
    return {pid: code for pid, code in found if pid is not None}


def list_figures(
    session: Session, scope: Scope = EVERYWHERE, office_id: int = ROOT_OFFICE_ID
) -> FigureBoard:
    """Every figure in scope, the quota of `office_id`'s scheme, and the 名人 without a record."""
    figures = _figures(session, scope)
    ids = [f.id for f in figures]
    sites: dict[int, int] = defaultdict(int)
    for site in session.exec(select(FigureSite).where(col(FigureSite.figure_id).in_(ids))):
        sites[site.figure_id] += 1
    last: dict[int, FigureActivity] = {}
    order = (col(FigureActivity.held_on), col(FigureActivity.id))
    for a in session.exec(
        select(FigureActivity).where(col(FigureActivity.figure_id).in_(ids)).order_by(*order)
    ):
        last[a.figure_id] = a
    codes = _codes(session, figures)
    rows = [
        FigureRow(
            id=f.id or 0, name=f.name, years=f.years, identity=f.identity,
            sites=sites[f.id or 0],
            last_activity=activity_words(last[f.id or 0]) if (f.id or 0) in last else "",
            person_code=codes.get(f.person_id or 0, ""),
        )
        for f in figures
    ]  # fmt: skip
    linked = set(codes.values())
    prominent = people_in(scope).where(col(Person.tier) == Tier.PROMINENT).order_by(Person.code)
    unrecorded = [(p.code, p.name) for p in session.exec(prominent) if p.code not in linked]
    quota = figure_quota(session, office_id)
    return FigureBoard(rows, quota, quota_warning(len(rows), quota), unrecorded)


@dataclass(frozen=True)
class FigureRecord:
    figure: Figure
    fields: list[tuple[str, str]]
    sites: list[FigureSite]
    activities: list[FigureActivity]  # newest first
    person: tuple[str, str] | None  # the linked person's 编号 and 姓名
    changes: list[AuditEntry]  # newest first


def figure_record(session: Session, scope: Scope, figure_id: int) -> FigureRecord:
    """One figure and everything kept about it; NoSuchFigure outside the scope."""
    figure = figure_in_scope(session, scope, figure_id)
    sites = session.exec(
        select(FigureSite).where(FigureSite.figure_id == figure_id).order_by(col(FigureSite.id))
    ).all()
    activities = session.exec(
        select(FigureActivity)
        .where(FigureActivity.figure_id == figure_id)
        .order_by(col(FigureActivity.held_on).desc(), col(FigureActivity.id).desc())
    ).all()
    person = session.get(Person, figure.person_id) if figure.person_id else None
    changes = session.exec(
        select(AuditEntry)
        .where(AuditEntry.entity == ENTITY, AuditEntry.entity_key == f"figure/{figure_id}")
        .order_by(col(AuditEntry.id).desc())
    ).all()
    return FigureRecord(
        figure, field_values(figure), list(sites), list(activities),
        (person.code, person.name) if person else None, list(changes),
    )  # fmt: skip


def figure_entries(session: Session, scope: Scope = EVERYWHERE) -> list[FigureEntry]:
    """The 统战名人名录's content: each figure's fields with its sites and activities as lines."""
    entries = []
    for f in _figures(session, scope):
        record = figure_record(session, scope, f.id or 0)
        entries.append(
            FigureEntry(
                fields=dict(record.fields),
                selected=day_text(f.selected_on, f.selected_day_known),
                person_code=record.person[0] if record.person else "",
                sites=[
                    (
                        s.kind.value,
                        s.name,
                        s.address,
                        s.opening,
                        day_text(s.plaque_on, s.plaque_day_known),
                    )
                    for s in record.sites
                ],
                activities=[
                    (day_text(a.held_on, a.held_day_known), a.kind.value, a.summary, a.organiser)
                    for a in reversed(record.activities)
                ],
            )
        )
    return entries


def figure_of(session: Session, person_id: int) -> tuple[int, str] | None:
    """The figure record linked to a person (its number and name), if staff made one."""
    found = session.exec(select(Figure).where(Figure.person_id == person_id)).first()
    return (found.id or 0, found.name) if found is not None else None

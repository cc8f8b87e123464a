"""届末评价: each year of the term under one scheme (points, grade, the year's 优秀 quota), then
each member's term evaluated (appraisal/scoring/term.py).

A year with a cycle run under the same scheme (the same text) takes that cycle's results, with
the grades staff decided (审定, 异议核实, 复核): the annual evaluation is what the term adds up.
Any other year is scored from its 履职记录, among the people with a record that year (so its 优秀
quota is shared among them). Who is evaluated: everyone in scope with a result or a record in
any year of the term.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.models import Cycle, DutyRecord, Person, Result
from appraisal.models.vocab import Grade
from appraisal.scheme import Scheme
from appraisal.scheme.model import TermRules
from appraisal.scoring import score_cohort
from appraisal.scoring.term import TermResult, YearResult, evaluate_term, flag_words, term_years
from appraisal.store.changes import chunks
from appraisal.store.cycle_data import people_inputs
from appraisal.store.offices import EVERYWHERE, Scope


class TermError(ValueError):
    """A term that cannot be evaluated, said in Chinese."""


@dataclass(frozen=True)
class TermBoard:
    scheme: str  # name and version
    years: tuple[int, ...]
    flag: str  # 连续两年不合格
    rows: tuple[TermResult, ...]  # by person code
    sources: tuple[tuple[int, str], ...] = ()  # where each year's results come from, in words

    @property
    def flagged(self) -> tuple[TermResult, ...]:
        return tuple(r for r in self.rows if r.resign)


def term_rules(scheme: Scheme) -> TermRules:
    if scheme.term is None:
        raise TermError(
            f"方案“{scheme.name}”没有届末评价规则（[term]）；请使用政协委员方案（cppcc.toml）"
            "或在方案中加入 [term] / the scheme has no [term] rules"
        )
    return scheme.term


def evaluate_terms(
    session: Session, *, scheme: Scheme, first: int, last: int, scope: Scope = EVERYWHERE
) -> TermBoard:
    rules = term_rules(scheme)
    try:
        years = term_years(first, last)
    except ValueError as exc:
        raise TermError(str(exc)) from None
    query = scope.only(
        select(DutyRecord.year, DutyRecord.person_id)
        .join(Person, col(Person.id) == col(DutyRecord.person_id))
        .where(col(DutyRecord.year).between(first, last))
        .distinct(),
        Person.office_id,
    )
    pairs = session.exec(query).all()
    ids = sorted({pid for _, pid in pairs})
    people = {
        p.id: p
        for part in chunks(ids)
        for p in session.exec(select(Person).where(col(Person.id).in_(part)))
    }
    by_year: dict[int, list[Person]] = defaultdict(list)
    for year, pid in pairs:
        by_year[year].append(people[pid])
    results: dict[str, dict[int, YearResult]] = defaultdict(dict)
    names: dict[str, str] = {}
    sources: list[tuple[int, str]] = []
    for year in years:
        cycle = _cycle_of(session, scheme, year)
        if cycle is not None:
            sources.append((year, f"周期“{cycle.name}”的结果（含审定、复核后的等次）"))
            for code, name, result in _cycle_results(session, cycle, scope):
                results[code][year] = result
                names[code] = name
            continue
        members = by_year.get(year, [])
        if not members:
            sources.append((year, "无周期结果，也无履职记录"))
            continue
        sources.append((year, "按履职记录计算（该年度没有按本方案进行的考核周期）"))
        for score in score_cohort(scheme, people_inputs(session, members, year)):
            results[score.code][year] = YearResult(score.points.points, score.grade)
            names[score.code] = score.name
    rows = tuple(
        evaluate_term(rules, code, names[code], years, results[code], scheme.decimals)
        for code in sorted(results)
    )
    return TermBoard(
        f"{scheme.name} {scheme.version}", years, flag_words(rules), rows, tuple(sources)
    )


def _cycle_of(session: Session, scheme: Scheme, year: int) -> Cycle | None:
    """The year's latest cycle run under exactly this scheme that has results."""
    query = (
        select(Cycle)
        .where(Cycle.year == year, Cycle.scheme_sha256 == scheme.sha256)
        .where(select(Result.id).where(Result.cycle_id == Cycle.id).exists())
        .order_by(col(Cycle.id).desc())
    )
    return session.exec(query).first()


def _cycle_results(
    session: Session, cycle: Cycle, scope: Scope
) -> list[tuple[str, str, YearResult]]:
    query = scope.only(
        select(Person.code, Person.name, Result.points, Result.grade)
        .join(Person, col(Person.id) == col(Result.person_id))
        .where(Result.cycle_id == cycle.id),
        Person.office_id,
    )
    return [
        (code, name, YearResult(points, None if grade is None else Grade(grade)))
        for code, name, points, grade in session.exec(query)
    ]

"""届末评价 from the records: each year of the term scored under one scheme (points, grade, the
year's 优秀 quota), then each member's term evaluated (appraisal/scoring/term.py).

Who is evaluated: everyone in scope with a 履职记录 in any year of the term; a year scores the
people with a record that year, so its 优秀 quota is shared among them.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.models import DutyRecord, Person
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
    for year in years:
        members = by_year.get(year, [])
        if not members:
            continue
        for score in score_cohort(scheme, people_inputs(session, members, year)):
            results[score.code][year] = YearResult(score.points.points, score.grade)
            names[score.code] = score.name
    rows = tuple(
        evaluate_term(rules, code, names[code], years, results[code], scheme.decimals)
        for code in sorted(results)
    )
    return TermBoard(f"{scheme.name} {scheme.version}", years, flag_words(rules), rows)

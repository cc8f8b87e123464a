"""届末评价: a member's points and grades over the years of a term (届, e.g. 2023–2027), the
term's total and average, and the flag for years below standard in a row (连续两年不合格 →
劝其辞去委员, as the scheme's [term] says). Pure: the years' results in, the evaluation out."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from appraisal.models.vocab import Grade
from appraisal.scheme.model import TermRules
from appraisal.scoring.numbers import exact, fmt, num, rounded


@dataclass(frozen=True)
class YearResult:
    """One year of a member's record under the scheme: the points and the grade they give."""

    points: float
    grade: Grade | None


@dataclass(frozen=True)
class TermResult:
    code: str
    name: str
    years: tuple[tuple[int, YearResult | None], ...]  # every year of the term; None: no record
    total: float  # the points of the years with a record, added up
    average: float | None  # over those years; None when there is none
    below: tuple[int, ...]  # the years below standard
    run: int  # the longest run of consecutive years below standard
    resign: bool  # the run reached the scheme's years_in_row: 劝其辞去委员
    lines: tuple[str, ...]


def term_years(first: int, last: int) -> tuple[int, ...]:
    if last < first:
        raise ValueError(f"届末评价：起始年度 {first} 晚于终止年度 {last} / from after to")
    return tuple(range(first, last + 1))


def evaluate_term(
    rules: TermRules,
    code: str,
    name: str,
    years: Sequence[int],
    results: Mapping[int, YearResult],
    decimals: int,
) -> TermResult:
    """A year without a result (no record that year) counts neither way and breaks a run."""
    recorded = [(y, results[y]) for y in years if y in results]
    total = sum((exact(r.points) for _, r in recorded), Fraction(0))
    average = rounded(total / len(recorded), decimals) if recorded else None
    below = tuple(y for y, r in recorded if r.grade in rules.below_grades)
    run = longest = 0
    for year in years:
        result = results.get(year)
        run = run + 1 if result is not None and result.grade in rules.below_grades else 0
        longest = max(longest, run)
    resign = longest >= rules.years_in_row
    span = f"{years[0]}–{years[-1]}" if years else ""
    lines = [
        f"{span} 年度中有记录 {len(recorded)} 年，积分合计 {fmt(total, decimals)}"
        + (f"，年均 {fmt(average, decimals)}。" if average is not None else "。")
    ]
    missing = [str(y) for y in years if y not in results]
    if missing:
        lines.append(f"{'、'.join(missing)} 年度无履职记录，不评定。")
    if below:
        words = "、".join(str(y) for y in below)
        lines.append(f"{words} 年度不合格（{'、'.join(rules.below_grades)}）：进行提醒谈话。")
    if resign:
        lines.append(f"连续 {longest} 年不合格，达到 {rules.years_in_row} 年：劝其辞去委员。")
    return TermResult(
        code=code,
        name=name,
        years=tuple((y, results.get(y)) for y in years),
        total=num(total),
        average=None if average is None else num(average),
        below=below,
        run=longest,
        resign=resign,
        lines=tuple(lines),
    )


_COUNT = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


def flag_words(rules: TermRules) -> str:
    """The flag as staff say it: 连续两年不合格."""
    n = rules.years_in_row
    return f"连续{_COUNT.get(n, str(n))}年不合格"

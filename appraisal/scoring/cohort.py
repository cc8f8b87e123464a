"""A whole cycle's results: each person scored alone, then the optional 优秀 quota across them.

The quota allows at most floor(N × percent / 100) 优秀 among the N people of the cycle. Those
graded 优秀 are ranked by composite (highest first), ties by person code, and everyone past the
quota drops to the next grade of the scheme; their band, actions and explanation follow. Results
come back in the order given, and do not depend on that order.

The quota needs only each person's code, grade and composite, so a large cohort can be scored in
slices: `standing` of each score, `over_quota` over them all, then `settle` slice by slice.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from math import floor

from appraisal.models.vocab import Grade
from appraisal.scheme.model import Scheme
from appraisal.scoring.composite import capped_band, lower_grade, recommend, score_person
from appraisal.scoring.inputs import PersonInput
from appraisal.scoring.numbers import exact, fmt
from appraisal.scoring.results import Action, PersonScore


def quota_limit(scheme: Scheme, people: int) -> int | None:
    """How many may be 优秀 among `people`; None when the scheme sets no quota."""
    percent = exact(scheme.quota.excellent_percent)
    if not percent:
        return None
    return floor(people * percent / 100)


Standing = tuple[str, Grade | None, float | None]  # code, grade and composite before the quota


def standing(score: PersonScore) -> Standing:
    return (score.code, score.grade, score.composite)


def over_quota(scheme: Scheme, standings: Sequence[Standing]) -> dict[str, int]:
    """The place in the 优秀 ranking of each person the quota moves down, by code.

    `standings` covers the whole cohort; being small, it lets a large cohort be scored a slice
    at a time: score each slice, keep its standings, then settle each slice with `settle`.
    """
    limit = quota_limit(scheme, len(standings))
    if limit is None:
        return {}
    ranked = sorted(
        (s for s in standings if s[1] is Grade.EXCELLENT),
        key=lambda s: (-Fraction(s[2] or 0), s[0]),
    )
    return {s[0]: place for place, s in enumerate(ranked, start=1) if place > limit}


def settle(
    scheme: Scheme,
    inputs: Sequence[PersonInput],
    scores: Sequence[PersonScore],
    over: dict[str, int],
    people: int,
) -> list[PersonScore]:
    """`scores` of `inputs` after the quota over a cohort of `people`, given `over_quota`."""
    limit = quota_limit(scheme, people) or 0
    return [
        _over_quota(scheme, person, score, over[score.code], limit, people)
        if score.code in over
        else score
        for person, score in zip(inputs, scores, strict=True)
    ]


def score_cohort(scheme: Scheme, inputs: Sequence[PersonInput]) -> list[PersonScore]:
    repeated = sorted(code for code, n in Counter(p.code for p in inputs).items() if n > 1)
    if repeated:
        raise ValueError(
            f"周期中有编号重复（{'、'.join(repeated)}） / "
            f"person code listed more than once in the cycle: {', '.join(repeated)}"
        )
    scores = [score_person(scheme, person) for person in inputs]
    over = over_quota(scheme, [standing(s) for s in scores])
    return settle(scheme, inputs, scores, over, len(scores))


def _over_quota(
    scheme: Scheme, person: PersonInput, score: PersonScore, place: int, limit: int, people: int
) -> PersonScore:
    grade = lower_grade(scheme, Grade.EXCELLENT)
    assert score.band is not None  # a graded person without a veto always has a band
    band = capped_band(scheme, score.band, grade)
    actions, action_lines = recommend(
        scheme, person, grade, band, bool(score.vetoes), score.points.removal_flag
    )
    if Action.REMINDER_TALK in score.actions:
        actions = (Action.REMINDER_TALK, *actions)
    old_actions = set(score.actions) - {Action.REMINDER_TALK}
    line = (
        f"优秀名额为参评人数的 {fmt(scheme.quota.excellent_percent)}%"
        f"（{people} 人中至多 {limit} 人），"
        f"按综合得分排第 {place} 位，等次由优秀调整为{grade}。"
    )
    explanation = [*score.explanation, line]
    if set(actions) - {Action.REMINDER_TALK} != old_actions:
        explanation += action_lines
    return replace(score, grade=grade, band=band, actions=actions, explanation=tuple(explanation))

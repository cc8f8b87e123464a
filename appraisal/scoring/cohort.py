"""A whole cycle's results: each person scored alone, then the optional 优秀 quota across them.

The scheme's quota.scope says who shares one quota: the whole cycle, or each unit (the people
with the same 工作单位, 所在党派或界别 or 界别). A group of N people may have floor(N × percent /
100) 优秀, and at least one when N reaches quota.at_least_one_from. Those graded 优秀 in a group
are ranked by composite (highest first), ties by person code, and everyone past the group's quota
drops to the next grade of the scheme; their band, actions and explanation follow. Everyone
graded 优秀 is told which quota applied and their place in it. Results come back in the order
given, and do not depend on that order.

The quota needs only each person's code, grade, composite and unit, so a large cohort can be
scored in slices: `standing` of each score, `quota_places` over them all, then `settle` slice by
slice.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from math import floor

from appraisal.documents.recipients import party_or_sector
from appraisal.documents.views import Affiliation
from appraisal.models.vocab import Grade
from appraisal.scheme.model import QUOTA_CYCLE, Scheme
from appraisal.scoring.composite import capped_band, lower_grade, recommend, score_person
from appraisal.scoring.inputs import PersonInput
from appraisal.scoring.numbers import exact, fmt
from appraisal.scoring.results import Action, PersonScore


def quota_limit(scheme: Scheme, people: int) -> int | None:
    """How many may be 优秀 among a group of `people`; None when the scheme sets no quota."""
    percent = exact(scheme.quota.excellent_percent)
    if not percent:
        return None
    limit = floor(people * percent / 100)
    least = scheme.quota.at_least_one_from
    return max(limit, 1) if least and people >= least else limit


def quota_unit(scheme: Scheme, person: PersonInput) -> str:
    """The unit whose quota the person shares: "" when the quota is the cycle's."""
    scope = scheme.quota.scope
    if scope == QUOTA_CYCLE:
        return ""
    if scope == "所在党派或界别":
        # The same body the 情况通报 goes to: the democratic party, else the 界别.
        return party_or_sector(Affiliation(person.code, "", person.party, person.sector, False))
    value = person.employer if scope == "工作单位" else person.sector
    return value.strip() or f"未填写{scope}"


# Code, grade and composite before the quota, and the quota unit ("" for the whole cycle).
Standing = tuple[str, Grade | None, float | None, str]


def standing(scheme: Scheme, person: PersonInput, score: PersonScore) -> Standing:
    return (score.code, score.grade, score.composite, quota_unit(scheme, person))


@dataclass(frozen=True)
class Place:
    """Where one person graded 优秀 stands in the quota they share."""

    unit: str  # "" for the whole cycle
    people: int  # in the cycle or the unit
    limit: int
    place: int  # among those graded 优秀 there, by composite then code

    @property
    def over(self) -> bool:
        return self.place > self.limit


def quota_places(scheme: Scheme, standings: Sequence[Standing]) -> dict[str, Place]:
    """The place in their quota of everyone graded 优秀, by code; {} without a quota.

    `standings` covers the whole cohort; being small, it lets a large cohort be scored a slice
    at a time: score each slice, keep its standings, then settle each slice with `settle`.
    """
    if quota_limit(scheme, 0) is None:
        return {}
    units: dict[str, list[Standing]] = defaultdict(list)
    for s in standings:
        units[s[3]].append(s)
    places: dict[str, Place] = {}
    for unit, members in units.items():
        limit = quota_limit(scheme, len(members)) or 0
        ranked = sorted(
            (s for s in members if s[1] is Grade.EXCELLENT),
            key=lambda s: (-Fraction(s[2] or 0), s[0]),
        )
        for place, s in enumerate(ranked, start=1):
            places[s[0]] = Place(unit, len(members), limit, place)
    return places


def settle(
    scheme: Scheme,
    inputs: Sequence[PersonInput],
    scores: Sequence[PersonScore],
    places: dict[str, Place],
) -> list[PersonScore]:
    """`scores` of `inputs` after the quota, given `quota_places` over the whole cohort."""
    return [
        _placed(scheme, person, score, places[score.code]) if score.code in places else score
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
    standings = [standing(scheme, p, s) for p, s in zip(inputs, scores, strict=True)]
    places = quota_places(scheme, standings)
    return settle(scheme, inputs, scores, places)


def quota_words(scheme: Scheme, place: Place) -> str:
    """Which quota applied, as the 综合评价表 says it: "本单位（工作单位：某大学）参评 8 人，
    优秀名额 1 名（8 人的 15%，向下取整）"."""
    percent = fmt(scheme.quota.excellent_percent)
    who = "本周期" if not place.unit else f"本单位（{scheme.quota.scope}：{place.unit}）"
    rounded_down = floor(place.people * exact(scheme.quota.excellent_percent) / 100)
    rule = (
        f"{place.people} 人的 {percent}% 不足 1 名，满 {scheme.quota.at_least_one_from} 人至少 1 名"
        if place.limit > rounded_down
        else f"{place.people} 人的 {percent}%，向下取整"
    )
    return f"{who}参评 {place.people} 人，优秀名额 {place.limit} 名（{rule}）"


def _placed(scheme: Scheme, person: PersonInput, score: PersonScore, place: Place) -> PersonScore:
    ranked = f"{quota_words(scheme, place)}；按综合得分在优秀人选中排第 {place.place} 位"
    if not place.over:
        line = f"{ranked}，在名额内，等次为优秀。"
        return replace(score, explanation=(*score.explanation, line))
    grade = lower_grade(scheme, Grade.EXCELLENT)
    assert score.band is not None  # a graded person without a veto always has a band
    band = capped_band(scheme, score.band, grade)
    actions, action_lines = recommend(
        scheme, person, grade, band, bool(score.vetoes), score.points.removal_flag
    )
    if Action.REMINDER_TALK in score.actions:
        actions = (Action.REMINDER_TALK, *actions)
    old_actions = set(score.actions) - {Action.REMINDER_TALK}
    explanation = [*score.explanation, f"{ranked}，超出名额，等次由优秀调整为{grade}。"]
    if set(actions) - {Action.REMINDER_TALK} != old_actions:
        explanation += action_lines
    return replace(score, grade=grade, band=band, actions=actions, explanation=tuple(explanation))

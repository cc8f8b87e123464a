"""Invariants of the engine over generated inputs (hypothesis), with the default scheme."""

from collections import Counter
from dataclasses import replace
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from appraisal.models.vocab import (
    Attendance,
    Band,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingCategory,
    FindingEffect,
    Grade,
    RaterGroup,
    Tier,
)
from appraisal.scheme import Scheme, default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import (
    DutyItem,
    FindingItem,
    PersonInput,
    Tally,
    explain_duties,
    invalid_reason,
    quota_limit,
    quota_places,
    quota_unit,
    score_cohort,
    score_person,
    score_points,
    settle,
    standing,
)

SCHEME = load_scheme(default_scheme_path())
# The same rules with one quota per 工作单位, so the per-unit quota meets the same invariants.
PER_UNIT = parse_scheme(SCHEME.text.replace('scope = "本周期"', 'scope = "工作单位"'))
EMPLOYERS = st.sampled_from(["甲大学", "乙医院", "丙公司", ""])
KNOWN_CODES = [i.code for i in SCHEME.negative_list.items]
VETO_CODES = [i.code for i in SCHEME.negative_list.items if i.effect is FindingEffect.VETO]
GRADE_RANK = {g: i for i, g in enumerate(Grade)}

duties = st.builds(
    DutyItem,
    kind=st.sampled_from(DutyKind),
    role=st.none() | st.sampled_from(DutyRole),
    attendance=st.none() | st.sampled_from(Attendance),
    outcome=st.sampled_from(DutyOutcome),
    cosigners=st.none() | st.integers(1, 9),
)


@st.composite
def tallies(draw: st.DrawFn, valid: bool | None = None) -> Tally:
    """Any tally; `valid=True` draws only tallies the scheme accepts."""
    counts = [draw(st.integers(0, 40)) for _ in range(5)]
    cast = sum(counts)
    returned = cast + draw(st.integers(0, 3))  # spoiled ballots come back too
    issued = returned + draw(st.integers(0, 5))
    due = max(issued - draw(st.integers(0, 5)), 0) if draw(st.booleans()) else issued * 3
    if draw(st.integers(0, 9)) == 0:
        issued = max(returned - 1, 0)  # more back than issued
    tally = Tally(draw(st.sampled_from(RaterGroup)), due, issued, returned, *counts)
    if valid:
        assume(invalid_reason(SCHEME.ballots, tally) == "")
    return tally


@st.composite
def invalid_tallies(draw: st.DrawFn) -> Tally:
    """A tally broken in one of the ways the brief names, built so, not filtered."""
    exc, comp, basic, inc, abstain = (draw(st.integers(0, 30)) for _ in range(5))
    cast = exc + comp + basic + inc + abstain
    group = draw(st.sampled_from(RaterGroup))
    way = draw(st.sampled_from(["quorum", "over_issued", "over_counted", "no_votes"]))
    if way == "quorum":  # fewer than half of those due returned a ballot
        due = 2 * cast + 1 + draw(st.integers(0, 20))
        return Tally(group, due, cast, cast, exc, comp, basic, inc, abstain)
    if way == "over_issued":
        returned = cast + 1
        return Tally(group, returned, returned - 1, returned, exc, comp, basic, inc, abstain)
    if way == "over_counted":
        returned = max(cast - 1 - draw(st.integers(0, 5)), 0)
        assume(cast > returned)
        return Tally(group, returned, returned, returned, exc, comp, basic, inc, abstain)
    n = abstain + 1
    return Tally(group, n, n, n, 0, 0, 0, 0, n)


findings = st.builds(
    FindingItem,
    code=st.sampled_from([*KNOWN_CODES, "X01", "X02"]),
    category=st.sampled_from(FindingCategory),
    effect=st.sampled_from(FindingEffect),
)


@st.composite
def people(draw: st.DrawFn, code: str = "P001") -> PersonInput:
    return PersonInput(
        code=code,
        name="测试",
        tier=draw(st.none() | st.sampled_from(Tier)),
        duties=tuple(draw(st.lists(duties, max_size=25))),
        tallies=tuple(draw(st.lists(tallies(), max_size=3))),
        org_score=draw(st.none() | st.floats(0, 100, allow_nan=False)),
        findings=tuple(draw(st.lists(findings, max_size=3, unique_by=lambda f: f.code))),
        previous_bands=tuple(draw(st.lists(st.sampled_from(Band), max_size=3))),
        employer=draw(EMPLOYERS),
    )


@st.composite
def strong_people(draw: st.DrawFn) -> PersonInput:
    """Someone likely to be graded 优秀, so the quota has work to do."""
    excellent = draw(st.integers(10, 30))
    tally = Tally(RaterGroup.COLLEAGUES, 40, 40, 40, excellent, draw(st.integers(0, 9)), 0, 0, 0)
    full = [DutyItem(DutyKind.PLENARY), *[DutyItem(DutyKind.PROPOSAL, outcome=DutyOutcome.KEY)] * 2]
    full += [DutyItem(DutyKind.REPORT, outcome=DutyOutcome.ADOPTED)]
    full += [DutyItem(DutyKind.ACTIVITY)] * 5
    return PersonInput(
        "P",
        "优",
        duties=tuple(full),
        tallies=(tally,),
        org_score=draw(st.floats(80, 100)),
        employer=draw(EMPLOYERS),
    )


@given(people(), st.sampled_from(VETO_CODES))
def test_a_veto_always_ends_in_c_and_incompetent(person: PersonInput, code: str) -> None:
    vetoed = replace(
        person, findings=(FindingItem(code, FindingCategory.DUTY, FindingEffect.DEDUCTION),)
    )
    score = score_person(SCHEME, vetoed)
    assert score.grade == Grade.INCOMPETENT and score.band == Band.C
    assert code in score.vetoes


@given(people())
def test_any_veto_finding_ends_in_c_and_incompetent(person: PersonInput) -> None:
    score = score_person(SCHEME, person)
    if score.vetoes:
        assert (score.grade, score.band) == (Grade.INCOMPETENT, Band.C)


@given(people())
def test_caps_always_hold(person: PersonInput) -> None:
    score = score_person(SCHEME, person)
    for name, category in SCHEME.points.categories.items():
        assert 0 <= score.points.capped[name] <= category.cap
    assert 0 <= score.points.points <= 100
    if score.appraisal.score is not None:
        assert 0 <= score.appraisal.score <= 100
    if score.composite is not None:
        assert 0 <= score.composite <= 100


@st.composite
def excellent_added(draw: st.DrawFn) -> tuple[PersonInput, PersonInput]:
    """A person with valid ballots, and the same person with one more 优秀 vote."""
    person = draw(people())
    tally = draw(tallies(valid=True))
    move_from = draw(st.sampled_from(["competent", "basic", "incompetent", "abstain", "new"]))
    if move_from == "new":
        issued = max(tally.issued, tally.returned + 1)
        more = replace(
            tally, excellent=tally.excellent + 1, returned=tally.returned + 1, issued=issued
        )
    else:
        assume(getattr(tally, move_from) > 0)
        more = replace(
            tally, excellent=tally.excellent + 1, **{move_from: getattr(tally, move_from) - 1}
        )
    others = draw(st.lists(tallies(), max_size=2))
    before = replace(person, tallies=(tally, *others), findings=())
    return before, replace(before, tallies=(more, *others))


@given(excellent_added())
def test_more_excellent_votes_never_lower_a_score(pair: tuple[PersonInput, PersonInput]) -> None:
    before, after = (score_person(SCHEME, p) for p in pair)
    assert before.appraisal.score is not None and after.appraisal.score is not None
    assert after.appraisal.score >= before.appraisal.score
    if before.composite is not None:
        assert after.composite is not None and after.composite >= before.composite
        assert before.grade is not None and after.grade is not None
        assert GRADE_RANK[after.grade] <= GRADE_RANK[before.grade]  # same grade or better


@given(people(), st.lists(invalid_tallies(), min_size=1, max_size=3))
def test_an_invalid_tally_never_produces_a_grade(person: PersonInput, invalid: list[Tally]) -> None:
    score = score_person(SCHEME, replace(person, tallies=tuple(invalid), findings=()))
    assert score.appraisal.score is None
    assert score.composite is None and score.grade is None and score.band is None


@settings(max_examples=40)
@given(
    st.sampled_from([SCHEME, PER_UNIT]),
    st.lists(people() | strong_people(), min_size=1, max_size=30),
    st.data(),
)
def test_quota_never_exceeded_and_results_are_a_pure_function(
    scheme: Scheme, drawn: list[PersonInput], data: st.DataObject
) -> None:
    cohort = [replace(p, code=f"P{i:03}") for i, p in enumerate(drawn)]
    scores = score_cohort(scheme, cohort)
    units = Counter(quota_unit(scheme, p) for p in cohort)
    excellent = Counter(quota_unit(scheme, p) for p, s in zip(cohort, scores, strict=True)
                        if s.grade == Grade.EXCELLENT)  # fmt: skip
    for unit, count in excellent.items():
        limit = quota_limit(scheme, units[unit])
        assert limit is not None and count <= limit
    assert all(s.grade != Grade.EXCELLENT or s.composite is not None for s in scores)
    assert score_cohort(scheme, cohort) == scores
    shuffled = data.draw(st.permutations(cohort))
    by_code = {s.code: s for s in score_cohort(scheme, shuffled)}
    assert [by_code[s.code] for s in scores] == scores


@settings(max_examples=40)
@given(
    st.sampled_from([SCHEME, PER_UNIT]),
    st.lists(people() | strong_people(), min_size=1, max_size=30),
    st.integers(1, 7),
)
def test_a_cohort_scored_a_slice_at_a_time_matches_the_whole(
    scheme: Scheme, drawn: list[PersonInput], size: int
) -> None:
    cohort = [replace(p, code=f"P{i:03}") for i, p in enumerate(drawn)]
    slices = [cohort[start : start + size] for start in range(0, len(cohort), size)]
    places = quota_places(scheme, [standing(scheme, p, score_person(scheme, p)) for p in cohort])
    settled = [
        score
        for some in slices
        for score in settle(scheme, some, [score_person(scheme, p) for p in some], places)
    ]
    assert settled == score_cohort(scheme, cohort)


CPPCC = load_scheme(default_scheme_path().parent / "cppcc.toml")


@settings(max_examples=150, deadline=None)
@given(st.lists(duties, max_size=25), st.sampled_from([SCHEME, CPPCC]))
def test_each_records_explanation_adds_up_to_the_raw_points(
    items: list[DutyItem], scheme: Scheme
) -> None:
    explained = explain_duties(scheme.points, items, 6)
    result = score_points(scheme.points, items, 6)
    total = sum((Fraction(r.points) for r in explained), Fraction(0))
    # Each row is rounded to 6 places for reading (a share of 1/3 or 1/7 of a point).
    assert abs(total - sum(Fraction(str(v)) for v in result.raw.values())) <= Fraction(
        len(explained) + 1, 10**6
    )
    assert all(r.rule for r in explained)
    if scheme is CPPCC:  # points from the base of 60, never capped, less absences only
        penalties = Fraction(str(result.penalties))
        assert result.points == float(max(Fraction(60) + total - penalties, Fraction(0)))

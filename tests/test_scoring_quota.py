"""The 优秀 quota per cycle or per unit, as the scheme's quota.scope says, and its rounding."""

import pytest

from appraisal.models.vocab import DutyKind, DutyOutcome, Grade, RaterGroup, Tier
from appraisal.scheme import Scheme, default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import DutyItem, PersonInput, Tally, quota_limit, quota_unit, score_cohort

SCHEME = load_scheme(default_scheme_path())
K, Out = DutyKind, DutyOutcome
FULL = (
    DutyItem(K.PLENARY),
    DutyItem(K.PROPOSAL, outcome=Out.KEY),
    DutyItem(K.PROPOSAL, outcome=Out.KEY),
    DutyItem(K.REPORT, outcome=Out.ADOPTED),
    *[DutyItem(K.ACTIVITY)] * 5,
)


def _scheme(scope: str = "本周期", least: int = 5) -> Scheme:
    text = SCHEME.text.replace('scope = "本周期"', f'scope = "{scope}"')
    return parse_scheme(text.replace("at_least_one_from = 5", f"at_least_one_from = {least}"))


def _excellent(code: str, org: float, **kw: str) -> PersonInput:
    """Someone the composite grades 优秀 (org 95 → 98, org 90 → 96), before any quota."""
    votes = Tally(RaterGroup.COLLEAGUES, 20, 20, 20, 20, 0, 0, 0, 0)
    return PersonInput(code, f"人{code}", Tier.REPRESENTATIVE, FULL, (votes,), org, **kw)  # type: ignore[arg-type]


# Six at 甲大学, four at 乙医院; the best two of all are at 乙医院.
COHORT = [
    *(_excellent(f"A{i}", 90.0 + i / 10, employer="甲大学") for i in range(6)),
    *(_excellent(f"B{i}", 99.0 - i, employer="乙医院") for i in range(4)),
]


def _grades(scheme: Scheme) -> dict[str, Grade | None]:
    return {s.code: s.grade for s in score_cohort(scheme, COHORT)}


def test_a_cycle_quota_ranks_everyone_together() -> None:
    # 15% of 10 is 1.5: one 优秀, the best composite of the cycle.
    grades = _grades(_scheme("本周期"))
    assert [c for c, g in grades.items() if g is Grade.EXCELLENT] == ["B0"]
    assert set(grades.values()) == {Grade.EXCELLENT, Grade.COMPETENT}


def test_a_unit_quota_ranks_each_unit_apart() -> None:
    scores = {s.code: s for s in score_cohort(_scheme("工作单位"), COHORT)}
    # 甲大学: 15% of 6 is 0.9, but a unit of at least 5 has one place; 乙医院 (4) has none.
    assert [c for c, s in scores.items() if s.grade is Grade.EXCELLENT] == ["A5"]
    quota = (
        "本单位（工作单位：甲大学）参评 6 人，"
        "优秀名额 1 名（6 人的 15% 不足 1 名，满 5 人至少 1 名）"
    )
    assert scores["A5"].explanation[-1] == (
        f"{quota}；按综合得分在优秀人选中排第 1 位，在名额内，等次为优秀。"
    )
    assert scores["A4"].explanation[-1] == (
        f"{quota}；按综合得分在优秀人选中排第 2 位，超出名额，等次由优秀调整为称职。"
    )
    assert scores["B0"].grade is Grade.COMPETENT
    assert (
        "本单位（工作单位：乙医院）参评 4 人，优秀名额 0 名（4 人的 15%，向下取整）"
        in (scores["B0"].explanation[-1])
    )


def test_without_the_minimum_a_small_unit_rounds_down_to_nobody() -> None:
    grades = _grades(_scheme("工作单位", least=0))
    assert Grade.EXCELLENT not in grades.values()


@pytest.mark.parametrize(
    ("people", "least", "limit"),
    [(4, 5, 0), (5, 5, 1), (6, 5, 1), (7, 5, 1), (13, 5, 1), (14, 5, 2), (6, 0, 0), (1, 1, 1)],
)
def test_rounding_down_with_at_least_one_place_from_a_size(
    people: int, least: int, limit: int
) -> None:
    assert quota_limit(_scheme(least=least), people) == limit


def test_no_quota_at_zero_percent_whatever_the_scope() -> None:
    off = parse_scheme(
        _scheme("工作单位").text.replace("excellent_percent = 15", "excellent_percent = 0")
    )
    assert quota_limit(off, 10) is None
    assert all(s.grade is Grade.EXCELLENT for s in score_cohort(off, COHORT))


def test_the_unit_each_scope_reads_from_the_persons_record() -> None:
    member = _excellent("P1", 95.0, employer="滨江大学", party="民盟盟员", sector="教育界")
    other = _excellent("P2", 95.0, employer=" ", party="无党派人士", sector="经济界")
    assert [
        quota_unit(_scheme(s), member) for s in ("本周期", "工作单位", "所在党派或界别", "界别")
    ] == [
        "",
        "滨江大学",
        "民盟",
        "教育界",
    ]
    assert quota_unit(_scheme("工作单位"), other) == "未填写工作单位"
    assert quota_unit(_scheme("所在党派或界别"), other) == "经济界"

"""One person's composite, grade, band, vetoes, deductions and actions; the cohort's 优秀 quota."""

import json

import pytest

from appraisal.models.vocab import (
    Attendance,
    Band,
    DutyKind,
    DutyOutcome,
    FindingCategory,
    FindingEffect,
    Grade,
    RaterGroup,
    Tier,
)
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import (
    Action,
    DutyItem,
    FindingItem,
    PersonInput,
    Tally,
    score_cohort,
    score_person,
)

SCHEME = load_scheme(default_scheme_path())
K, Out = DutyKind, DutyOutcome
FULL = (  # 120 raw, 100 after normalisation
    DutyItem(K.PLENARY),
    DutyItem(K.PROPOSAL, outcome=Out.KEY),
    DutyItem(K.PROPOSAL, outcome=Out.KEY),
    DutyItem(K.REPORT, outcome=Out.ADOPTED),
    *[DutyItem(K.ACTIVITY)] * 5,
)
NINETY = (
    DutyItem(K.PLENARY),
    DutyItem(K.PROPOSAL, outcome=Out.ACCEPTED),
    DutyItem(K.REPORT, outcome=Out.ADOPTED),
)


def _votes(exc: int, comp: int, basic: int = 0, inc: int = 0) -> Tally:
    n = exc + comp + basic + inc
    return Tally(RaterGroup.COLLEAGUES, n, n, n, exc, comp, basic, inc, 0)


def _person(code: str = "P001", **kw: object) -> PersonInput:
    base: dict[str, object] = {
        "code": code,
        "name": "张三",
        "tier": Tier.REPRESENTATIVE,
        "duties": FULL,
        "tallies": (_votes(20, 0),),
        "org_score": 95.0,
    }
    base.update(kw)
    return PersonInput(**base)  # type: ignore[arg-type]


def _finding(code: str, effect: FindingEffect = FindingEffect.DEDUCTION) -> FindingItem:
    return FindingItem(code, FindingCategory.DUTY, effect)


def test_composite_weights_and_grade() -> None:
    s = score_person(SCHEME, _person())
    assert (s.points.points, s.appraisal.score, s.composite) == (100, 100, 98)  # 38+30+30
    assert s.grade == Grade.EXCELLENT and s.band == Band.A
    assert s.actions == () and s.vetoes == ()
    assert any("综合得分 = 组织考核 95×0.4" in line for line in s.explanation)


def test_boundary_score_of_ninety_is_excellent_exactly() -> None:
    # 0.4×90 + 0.3×90 + 0.3×90 is 89.99999999999999 in binary floating point.
    s = score_person(SCHEME, _person(org_score=90.0, duties=NINETY, tallies=(_votes(1, 1),)))
    assert (s.points.points, s.appraisal.score, s.composite) == (90, 90, 90)
    assert s.grade == Grade.EXCELLENT


@pytest.mark.parametrize(
    ("org", "duties", "composite", "grade", "band"),
    [
        (75, FULL, 90, Grade.EXCELLENT, Band.A),  # 0.4×org + 30 (ballots) + 30 (points)
        (62.5, FULL, 85, Grade.COMPETENT, Band.A),
        (60, FULL, 84, Grade.COMPETENT, Band.B),
        (25, FULL, 70, Grade.COMPETENT, Band.B),
        (24.9, FULL, 69.96, Grade.BASIC, Band.B),
        (0, FULL, 60, Grade.BASIC, Band.B),
        (75, (), 60, Grade.BASIC, Band.B),  # no duty records: points 0
        (74.9, (), 59.96, Grade.INCOMPETENT, Band.C),
    ],
)
def test_grade_and_band_thresholds(
    org: float, duties: tuple[DutyItem, ...], composite: float, grade: Grade, band: Band
) -> None:
    s = score_person(SCHEME, _person(org_score=org, duties=duties))
    assert (s.composite, s.grade, s.band) == (composite, grade, band)


def test_below_two_thirds_caps_grade_at_basic_and_recommends_reminder_talk() -> None:
    s = score_person(SCHEME, _person(org_score=100.0, tallies=(_votes(5, 4, 6),)))  # 9 of 15
    assert s.composite is not None and s.composite >= 85
    assert s.grade == Grade.BASIC and s.band == Band.B  # the scheme caps 基本称职 at band B
    assert Action.REMINDER_TALK in s.actions and Action.REMOVAL not in s.actions
    assert any("等次调整为基本称职" in line for line in s.explanation)


def test_over_one_third_incompetent_votes_make_incompetent() -> None:
    s = score_person(SCHEME, _person(org_score=100.0, tallies=(_votes(9, 0, 0, 6),)))  # 6 of 15
    assert s.grade == Grade.INCOMPETENT and s.band == Band.C
    assert Action.REMOVAL in s.actions


def test_excellent_score_without_half_excellent_votes_is_competent() -> None:
    s = score_person(SCHEME, _person(org_score=100.0, tallies=(_votes(9, 11),)))  # ballots score 89
    assert s.composite == pytest.approx(40 + 0.3 * 89 + 30)
    assert s.grade == Grade.COMPETENT
    s = score_person(SCHEME, _person(org_score=100.0, tallies=(_votes(4, 5),)))
    assert s.composite is not None and s.composite >= 90
    assert s.grade == Grade.COMPETENT
    assert any("优秀票不足" in line for line in s.explanation)


def test_veto_ends_in_incompetent_and_band_c_whatever_the_scores() -> None:
    s = score_person(SCHEME, _person(findings=(_finding("J01", FindingEffect.DEDUCTION),)))
    assert s.composite == 98  # computed and shown, but overruled
    assert (s.grade, s.band, s.vetoes) == (Grade.INCOMPETENT, Band.C, ("J01",))
    assert Action.REMOVAL in s.actions
    assert any("J01「立案审查」：一票否决" in line for line in s.explanation)
    no_scores = score_person(
        SCHEME, _person(tallies=(), org_score=None, findings=(_finding("P03"),))
    )
    assert (no_scores.grade, no_scores.band, no_scores.composite) == (
        Grade.INCOMPETENT,
        Band.C,
        None,
    )


def test_deductions_come_off_the_composite() -> None:
    s = score_person(SCHEME, _person(findings=(_finding("D03"), _finding("Z02"))))
    assert s.deductions == 6 and s.composite == 92
    assert any("− 扣分 6 = 92" in line for line in s.explanation)


def test_unknown_code_keeps_its_own_effect_with_the_default_deduction() -> None:
    s = score_person(SCHEME, _person(findings=(_finding("X99"),)))
    assert s.deductions == 5 and s.composite == 93 and not s.findings[0].known
    assert any(
        "X99 不在方案的负面清单中" in line and "默认分值 5 分" in line for line in s.explanation
    )
    veto = score_person(SCHEME, _person(findings=(_finding("X98", FindingEffect.VETO),)))
    assert veto.vetoes == ("X98",) and veto.grade == Grade.INCOMPETENT
    political = FindingItem("P99", FindingCategory.POLITICAL, FindingEffect.DEDUCTION)
    assert score_person(SCHEME, _person(findings=(political,))).vetoes == ("P99",)


def test_scheme_decides_a_known_codes_effect() -> None:
    s = score_person(SCHEME, _person(findings=(_finding("D03", FindingEffect.VETO),)))
    assert s.vetoes == () and s.deductions == 3


def test_no_org_score_or_no_valid_tally_means_no_grade() -> None:
    s = score_person(SCHEME, _person(org_score=None))
    assert (s.composite, s.grade, s.band) == (None, None, None)
    assert any("缺少组织考核得分" in line for line in s.explanation)
    invalid = Tally(RaterGroup.LEADERS, 20, 20, 5, 5, 0, 0, 0, 0)
    s = score_person(SCHEME, _person(tallies=(invalid,)))
    assert (s.appraisal.score, s.composite, s.grade, s.band) == (None, None, None, None)
    assert any("不评定等次" in line for line in s.explanation)


def test_two_unexcused_plenary_absences_recommend_removal() -> None:
    absent = DutyItem(K.PLENARY, attendance=Attendance.UNEXCUSED)
    s = score_person(SCHEME, _person(duties=(*FULL[1:], absent, absent)))
    assert Action.REMOVAL in s.actions and s.points.removal_flag


def test_two_a_in_a_row_may_move_up_from_elite_to_representative() -> None:
    rising = {"tier": Tier.RISING}
    up = score_person(SCHEME, _person(previous_bands=(Band.A,), **rising))
    assert up.actions == (Action.MOVE_UP,) and any("代表人士" in line for line in up.explanation)
    assert score_person(SCHEME, _person(previous_bands=(Band.A, Band.B), **rising)).actions == ()
    assert score_person(SCHEME, _person(previous_bands=(), **rising)).actions == ()


@pytest.mark.parametrize("tier", [Tier.REPRESENTATIVE, Tier.PROMINENT])
def test_no_one_is_promoted_past_representative_nor_into_the_honoured_figures(tier: Tier) -> None:
    top = score_person(SCHEME, _person(tier=tier, previous_bands=(Band.A,)))
    assert top.actions == () and any("最高层级" in line for line in top.explanation)


def test_breakdown_is_plain_json() -> None:
    s = score_person(SCHEME, _person(findings=(_finding("D03"),)))
    data = json.loads(json.dumps(s.breakdown, ensure_ascii=False))
    assert data["composite"] == 95 and data["points"]["capped"]["bonus"] == 20
    assert data["scheme"]["sha256"] == SCHEME.sha256
    assert data["findings"][0]["code"] == "D03"


def test_cohort_quota_keeps_the_best_and_breaks_ties_by_code() -> None:
    people = [_person(f"P{i:03}", org_score=100.0 - (i % 3)) for i in range(10, 0, -1)]
    scores = score_cohort(SCHEME, people)
    assert [s.code for s in scores] == [p.code for p in people]  # input order kept
    excellent = [s.code for s in scores if s.grade == Grade.EXCELLENT]
    assert excellent == ["P003"]  # floor(10 × 15%) = 1; org 100 for P003, P006, P009: lowest code
    demoted = next(s for s in scores if s.code == "P006")
    assert demoted.grade == Grade.COMPETENT and demoted.band == Band.A
    assert any("优秀名额" in line and "排第 2 位" in line for line in demoted.explanation)
    kept = next(s for s in scores if s.code == "P003")
    assert kept.explanation[-1] == (
        "本周期参评 10 人，优秀名额 1 名（10 人的 15%，向下取整）；"
        "按综合得分在优秀人选中排第 1 位，在名额内，等次为优秀。"
    )


def test_cohort_without_quota_and_with_small_cohorts() -> None:
    off = parse_scheme(SCHEME.text.replace("excellent_percent = 15", "excellent_percent = 0"))
    scores = score_cohort(off, [_person(f"P{i}") for i in range(5)])
    assert all(s.grade == Grade.EXCELLENT for s in scores)
    # 15% of 4 rounds down to nobody; 15% of 5 too, but 5 people have at least one place.
    four = score_cohort(SCHEME, [_person(f"P{i}") for i in range(4)])
    assert all(s.grade == Grade.COMPETENT for s in four)
    assert "优秀名额 0 名（4 人的 15%，向下取整）" in four[0].explanation[-1]
    five = score_cohort(SCHEME, [_person(f"P{i}") for i in range(5)])
    assert [s.grade for s in five] == [Grade.EXCELLENT] + [Grade.COMPETENT] * 4
    assert "优秀名额 1 名（5 人的 15% 不足 1 名，满 5 人至少 1 名）" in five[1].explanation[-1]


def test_cohort_refuses_repeated_codes() -> None:
    with pytest.raises(ValueError, match="P001"):
        score_cohort(SCHEME, [_person("P001"), _person("P001")])


def test_inputs_that_cannot_be_scored_are_refused_in_chinese_first() -> None:
    with pytest.raises(ValueError, match=r"^周期中有编号重复（P001） / person code listed"):
        score_cohort(SCHEME, [_person(), _person()])
    with pytest.raises(
        ValueError, match=r"^P001：组织评价得分须在 0 到 100 之间（现为 101\.0） / "
    ):
        _person(org_score=101.0)
    with pytest.raises(ValueError, match=r"^履职记录 调研：联名人数须为 1 或以上 / duty record"):
        DutyItem(K.RESEARCH, cosigners=0, title="调研")


def test_a_decided_grade_brings_the_band_it_allows() -> None:
    """审定, 异议核实 and 复核 change the grade; the band follows as the engine would give it."""
    from appraisal.scoring.composite import band_for_decided

    # 89 is band A; the default scheme caps 基本称职 at B and 不称职 at C.
    assert band_for_decided(SCHEME, 89.0, Grade.COMPETENT, False, Band.B) == Band.A
    assert band_for_decided(SCHEME, 89.0, Grade.BASIC, False, Band.A) == Band.B
    assert band_for_decided(SCHEME, 76.24, Grade.INCOMPETENT, False, Band.B) == Band.C
    # A veto's band stands whatever the grade; no composite, no band to work out.
    assert band_for_decided(SCHEME, 89.0, Grade.COMPETENT, True, Band.C) == Band.C
    assert band_for_decided(SCHEME, None, Grade.COMPETENT, False, None) is None

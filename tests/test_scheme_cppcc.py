"""The CPPCC members' scheme (cppcc.toml): points from a base of 60 without cap, per-role
proposal points, grades by points alone with a 优秀 quota, and each record explained."""

from fractions import Fraction
from pathlib import Path

import pytest

from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole, Grade
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.scheme.load import SchemeError
from appraisal.scoring import (
    Action,
    DutyItem,
    PersonInput,
    explain_duties,
    score_cohort,
    score_person,
    score_points,
)

CPPCC_PATH = Path(__file__).resolve().parent.parent / "appraisal" / "schemes" / "cppcc.toml"
CPPCC = load_scheme(CPPCC_PATH)
DEFAULT = load_scheme(default_scheme_path())
K, A, Out, R = DutyKind, Attendance, DutyOutcome, DutyRole

# A member's year: the plenary's four half-days, a standing-committee meeting, two activities,
# a lead proposal made key, two co-signed proposals, a report adopted, a speech, 进社区.
YEAR = (
    *(DutyItem(K.PLENARY, attendance=A.PRESENT, title=f"全会第{i}个半天") for i in range(1, 5)),
    DutyItem(K.STANDING_COMMITTEE, attendance=A.PRESENT, title="常委会议"),
    DutyItem(K.ACTIVITY, title="专题协商"),
    DutyItem(K.RESEARCH, title="养老服务调研"),
    DutyItem(K.PROPOSAL, role=R.LEAD, outcome=Out.KEY, cosigners=4, title="关于社区养老的提案"),
    DutyItem(K.PROPOSAL, role=R.COSIGNER, cosigners=5, title="关于公交线网的提案"),
    DutyItem(K.PROPOSAL, role=R.COSIGNER, outcome=Out.EXCELLENT, title="关于垃圾分类的提案"),
    DutyItem(K.REPORT, outcome=Out.ADOPTED, title="关于停车难的信息"),
    DutyItem(K.SPEECH, title="大会发言"),
    DutyItem(K.COMMUNITY, title="进社区联系群众"),
)


def test_the_scheme_loads_and_passes_the_checks() -> None:
    assert CPPCC.points.normalise == "base" and CPPCC.points.base == 60
    assert all(c.cap is None for c in CPPCC.points.categories.values())
    assert [g.grade for g in CPPCC.grades] == [Grade.EXCELLENT, Grade.COMPETENT, Grade.INCOMPETENT]
    assert CPPCC.term is not None and CPPCC.term.years_in_row == 2


def test_every_number_says_where_it_comes_from() -> None:
    # Each kind's rule sits under a comment naming its source: a rule ([上海], [北京]) or
    # this scheme's own choice ([本方案]).
    lines = CPPCC.text.splitlines()
    for kind in CPPCC.points.kinds:
        at = lines.index(f'[points.kinds."{kind}"]')
        while not lines[at - 1].startswith("#"):  # kinds sharing one comment sit under it
            at -= 1
        comment = []
        while lines[at - 1].startswith("#"):
            at -= 1
            comment.append(lines[at])
        assert any(tag in line for line in comment for tag in ("[上海", "[北京", "[本方案")), kind


def test_points_accumulate_from_sixty_without_cap() -> None:
    result = score_points(CPPCC.points, YEAR, 2)
    # 4×5 + 5 (meetings) + 2×5 (activities) + 15+15 + 3 + 3 (proposals; the excellent one is a
    # co-signer's: no +10) + 5+5 (report) + 10 (speech) + 5 (进社区) = 96
    assert result.total == 96
    assert result.points == 156
    assert "基础分 60" in result.lines[-1]
    many = [DutyItem(K.ACTIVITY)] * 40
    assert score_points(CPPCC.points, many, 2).points == 260  # no cap anywhere


def test_nothing_done_is_sixty_and_absences_fall_below() -> None:
    assert score_points(CPPCC.points, [], 2).points == 60
    absent = [DutyItem(K.PLENARY, attendance=A.UNEXCUSED)] * 2
    result = score_points(CPPCC.points, absent, 2)
    assert result.points == 50 and result.removal_flag


def test_proposal_points_by_role_fixed_for_co_signers() -> None:
    def proposal(**kw: object) -> float:
        return score_points(CPPCC.points, [DutyItem(K.PROPOSAL, **kw)], 2).total  # type: ignore[arg-type]

    assert proposal(role=R.LEAD) == 15
    assert proposal(role=R.SOLE) == 15
    assert proposal(role=R.COSIGNER, cosigners=6) == 3  # fixed, not shared out
    assert proposal(role=R.LEAD, outcome=Out.KEY) == 30
    assert proposal(role=R.LEAD, outcome=Out.EXCELLENT) == 25
    assert proposal(role=R.COSIGNER, outcome=Out.KEY) == 3  # the +15 is the lead author's


def test_default_scheme_shares_a_co_signers_half_among_them() -> None:
    one = score_points(DEFAULT.points, [DutyItem(K.PROPOSAL, role=R.COSIGNER, cosigners=4)], 2)
    assert one.raw["proposals"] == 1.25  # 10 × 0.5 ÷ 4
    unknown = score_points(DEFAULT.points, [DutyItem(K.PROPOSAL, role=R.COSIGNER)], 2)
    assert unknown.raw["proposals"] == 5  # count unknown: the co-signers' half as it stands


@pytest.mark.parametrize("scheme", [CPPCC, DEFAULT], ids=["cppcc", "default"])
def test_explanation_adds_up_to_the_raw_points(scheme: object) -> None:
    from appraisal.scheme.model import Scheme

    assert isinstance(scheme, Scheme)
    # Shares that divide evenly: each row is rounded to the scheme's decimals for reading.
    items = [*YEAR, DutyItem(K.PROPOSAL, role=R.COSIGNER, cosigners=2, outcome=Out.ACCEPTED)]
    items += [
        DutyItem(K.MEETING, attendance=A.UNEXCUSED),
        DutyItem(K.TRAINING, attendance=A.EXCUSED),
    ]
    explained = explain_duties(scheme.points, items, scheme.decimals)
    result = score_points(scheme.points, items, scheme.decimals)
    labels = {c.label: key for key, c in scheme.points.categories.items()}
    by_category: dict[str, Fraction] = {}
    for row in explained:
        if row.category in labels:
            key = labels[row.category]
            by_category[key] = by_category.get(key, Fraction(0)) + Fraction(row.points)
    assert {k: float(v) for k, v in by_category.items() if v} == {
        k: v for k, v in result.raw.items() if v
    }
    assert sum(Fraction(r.points) for r in explained) == sum(
        Fraction(str(v)) for v in result.raw.values()
    )


def test_each_record_says_its_rule() -> None:
    rows = explain_duties(CPPCC.points, YEAR, CPPCC.decimals)
    rules = {(r.title, r.category): (r.points, r.rule) for r in rows}
    assert rules[("全会第1个半天", "会议")] == ("5", "全会每半天出席计 5 分")
    assert rules[("关于公交线网的提案", "提案")] == ("3", "联名提案每人计 3 分")
    assert rules[("关于社区养老的提案", "提案")] == (
        "30",
        "领衔提案计 15 分；重点提案加 15 分（只计领衔、独立）",
    )
    assert "优秀提案加分只计领衔、独立，联名不加分" in rules[("关于垃圾分类的提案", "提案")][1]
    assert rules[("大会发言", "大会发言")] == ("10", "发言每次计 10 分")


def test_default_explanations_name_the_factor_and_the_split() -> None:
    items = [DutyItem(K.PROPOSAL, role=R.COSIGNER, cosigners=4, title="甲")]
    (row,) = explain_duties(DEFAULT.points, items, 2)
    assert row.points == "1.25"
    assert row.rule == "提案每次计 10 分，联名按 0.5 倍计，按联名人数 4 人平分"
    bonus = explain_duties(DEFAULT.points, [DutyItem(K.PROPOSAL, role=R.LEAD, outcome=Out.KEY)], 2)
    assert [(r.category, r.points) for r in bonus] == [("提案", "25"), ("加分", "10")]
    (absent,) = explain_duties(DEFAULT.points, [DutyItem(K.PLENARY, attendance=A.UNEXCUSED)], 2)
    assert absent.points == "0" and "另从合计中扣 10 分" in absent.rule
    (unscored,) = explain_duties(DEFAULT.points, [DutyItem(K.COMMUNITY, title="乙")], 2)
    assert unscored.category == "不计分" and unscored.points == "0"


def test_grade_is_the_points_alone_with_a_quota_for_the_best() -> None:
    plain = score_person(CPPCC, PersonInput("C001", "甲", duties=YEAR))
    assert plain.composite == 156 and plain.grade is Grade.EXCELLENT
    assert "综合得分 = 履职积分 156×1 = 156。" in plain.explanation
    assert not any("民主测评" in line for line in plain.explanation)
    low = score_person(
        CPPCC, PersonInput("C002", "乙", duties=(DutyItem(K.PLENARY, attendance=A.UNEXCUSED),))
    )
    assert low.composite == 55 and low.grade is Grade.INCOMPETENT
    assert Action.REMINDER_TALK in low.actions
    fair = score_person(CPPCC, PersonInput("C003", "丙", duties=(DutyItem(K.ACTIVITY),)))
    assert fair.grade is Grade.COMPETENT and not fair.actions
    # Ten members all over 100: 20% of them (2) stay 优秀, by points.
    cohort = [
        PersonInput(f"C{i:03}", f"委员{i}", duties=YEAR + (DutyItem(K.ACTIVITY),) * i)
        for i in range(10)
    ]
    grades = {s.code: s.grade for s in score_cohort(CPPCC, cohort)}
    assert [c for c, g in grades.items() if g is Grade.EXCELLENT] == ["C008", "C009"]


def test_base_and_uncapped_categories_only_in_a_base_scheme() -> None:
    text = DEFAULT.text.replace('normalise = "cap"', 'normalise = "cap"\nbase = 60')
    with pytest.raises(SchemeError, match=r"points\.base"):
        parse_scheme(text, "edited.toml")
    text = DEFAULT.text.replace(
        'bonus = { label = "加分", cap = 20 }', 'bonus = { label = "加分" }'
    )
    with pytest.raises(SchemeError, match=r"points\.categories\.bonus\.cap"):
        parse_scheme(text, "edited.toml")
    text = CPPCC.text.replace('roles = { "独立" = 15', 'base = 5\nroles = { "独立" = 15')
    with pytest.raises(SchemeError, match="按角色计分时不能再给"):
        parse_scheme(text, "edited.toml")
    text = CPPCC.text.replace('below_grades = ["不称职"]', 'below_grades = ["基本称职"]')
    with pytest.raises(SchemeError, match=r"term\.below_grades"):
        parse_scheme(text, "edited.toml")


def test_a_member_needs_duty_records_only() -> None:
    from appraisal.scoring.readiness import NO_DUTIES, NO_ORG_SCORE, missing_inputs

    assert missing_inputs(CPPCC, PersonInput("C001", "甲", duties=YEAR)) == ()
    assert missing_inputs(CPPCC, PersonInput("C002", "乙")) == (NO_DUTIES,)
    assert NO_ORG_SCORE in missing_inputs(DEFAULT, PersonInput("C001", "甲", duties=YEAR))


def test_scheme_check_accepts_it() -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app

    result = CliRunner().invoke(app, ["scheme", "check", str(CPPCC_PATH)])
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output and "政协委员年度履职积分方案" in result.output

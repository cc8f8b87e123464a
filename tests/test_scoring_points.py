"""履职积分: the brief's worked examples, caps, penalties, removal and normalisation."""

import pytest

from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import DutyItem, score_points

SCHEME = load_scheme(default_scheme_path())
RULES = SCHEME.points
K, A, Out, R = DutyKind, Attendance, DutyOutcome, DutyRole


def _points(*items: DutyItem) -> float:
    return score_points(RULES, items, 2).points


def test_plenary_attended_excused_unexcused() -> None:
    assert _points(DutyItem(K.PLENARY, attendance=A.PRESENT)) == 50
    assert _points(DutyItem(K.PLENARY)) == 50  # a record with no attendance noted means present
    assert _points(DutyItem(K.PLENARY, attendance=A.EXCUSED)) == 30
    result = score_points(RULES, [DutyItem(K.PLENARY, attendance=A.UNEXCUSED)], 2)
    assert result.capped["meetings"] == 0 and result.penalties == 10
    assert result.points == 0  # never below zero


def test_unexcused_absences_are_deducted_from_the_total() -> None:
    reports = [DutyItem(K.REPORT), DutyItem(K.REPORT)]  # 20, capped at 15
    assert _points(*reports, DutyItem(K.PLENARY, attendance=A.UNEXCUSED)) == 5
    assert _points(*reports, DutyItem(K.MEETING, attendance=A.UNEXCUSED)) == 10
    result = score_points(RULES, [*reports, DutyItem(K.MEETING, attendance=A.UNEXCUSED)], 2)
    assert any("扣 5 分" in line for line in result.lines)


def test_proposal_submitted_and_accepted() -> None:
    assert _points(DutyItem(K.PROPOSAL, role=R.SOLE)) == 10
    assert _points(DutyItem(K.PROPOSAL, role=R.SOLE, outcome=Out.ACCEPTED)) == 25
    assert _points(DutyItem(K.PROPOSAL, role=R.LEAD, outcome=Out.ACCEPTED)) == 25


def test_cosigners_share_half() -> None:
    accepted = {"kind": K.PROPOSAL, "role": R.COSIGNER, "outcome": Out.ACCEPTED}
    assert _points(DutyItem(**accepted)) == 12.5  # type: ignore[arg-type]
    assert _points(DutyItem(**accepted, cosigners=2)) == 6.25  # type: ignore[arg-type]


def test_activities_two_each_capped_at_ten() -> None:
    result = score_points(RULES, [DutyItem(K.ACTIVITY)] * 4 + [DutyItem(K.RESEARCH)] * 3, 2)
    assert result.raw["activities"] == 14 and result.capped["activities"] == 10
    assert result.points == 10
    assert any("原 14" in line for line in result.lines)
    assert _points(DutyItem(K.ACTIVITY, attendance=A.EXCUSED)) == 0


def test_report_and_adoption_capped_at_fifteen() -> None:
    assert _points(DutyItem(K.REPORT)) == 10
    assert _points(DutyItem(K.REPORT, outcome=Out.ADOPTED)) == 15
    assert _points(DutyItem(K.REPORT, outcome=Out.ADOPTED), DutyItem(K.REPORT)) == 15


def test_bonus_for_key_proposals_and_instructions_capped_at_twenty() -> None:
    one = score_points(RULES, [DutyItem(K.PROPOSAL, role=R.SOLE, outcome=Out.KEY)], 2)
    assert one.capped == {
        "meetings": 0,
        "proposals": 25,
        "activities": 0,
        "reports": 0,
        "bonus": 10,
    }
    three = [DutyItem(K.PROPOSAL, outcome=Out.EXCELLENT)] * 2 + [
        DutyItem(K.REPORT, outcome=Out.INSTRUCTION)
    ]
    result = score_points(RULES, three, 2)
    assert result.raw["bonus"] == 30 and result.capped["bonus"] == 20


def test_full_record_normalises_to_one_hundred() -> None:
    record = [
        DutyItem(K.PLENARY),
        DutyItem(K.PROPOSAL, outcome=Out.INSTRUCTION),
        DutyItem(K.REPORT, outcome=Out.ADOPTED),
        *[DutyItem(K.INSPECTION)] * 5,
        DutyItem(K.PROPOSAL, outcome=Out.KEY),
    ]
    result = score_points(RULES, record, 2)
    assert result.total == 120 and result.points == 100


def test_scale_normalisation_from_the_scheme() -> None:
    text = SCHEME.text.replace('normalise = "cap"', 'normalise = "scale"')
    rules = parse_scheme(text).points
    result = score_points(rules, [DutyItem(K.PLENARY)], 2)
    assert result.points == pytest.approx(41.67)  # 50 × 100 / 120, rounded half-up


def test_two_unexcused_plenary_absences_flag_removal() -> None:
    one = score_points(RULES, [DutyItem(K.PLENARY, attendance=A.UNEXCUSED)], 2)
    assert not one.removal_flag
    two = score_points(RULES, [DutyItem(K.PLENARY, attendance=A.UNEXCUSED)] * 2, 2)
    assert two.removal_flag and two.unexcused == {K.PLENARY: 2}
    assert any("建议移出" in line for line in two.lines)
    others = score_points(RULES, [DutyItem(K.MEETING, attendance=A.UNEXCUSED)] * 3, 2)
    assert not others.removal_flag


def test_kind_without_a_rule_earns_nothing_and_says_so() -> None:
    start = SCHEME.text.index('[points.kinds."发言"]')
    end = SCHEME.text.index("# 提案：")
    rules = parse_scheme(SCHEME.text[:start] + SCHEME.text[end:]).points
    result = score_points(rules, [DutyItem(K.SPEECH), DutyItem(K.ACTIVITY)], 2)
    assert result.points == 2
    assert any("发言记录 1 条" in line and "不计分" in line for line in result.lines)

"""民主测评: vote values, validity of a tally, and the two-thirds, one-third and half rules."""

import pytest

from appraisal.models.vocab import Grade, RaterGroup
from appraisal.scheme import default_scheme_path, load_scheme
from appraisal.scoring import Tally, invalid_reason, score_ballots

RULES = load_scheme(default_scheme_path()).ballots
G = RaterGroup


def _tally(exc: int, comp: int, basic: int, inc: int, abstain: int = 0, **kw: int) -> Tally:
    cast = exc + comp + basic + inc + abstain
    counts = {"due": cast, "issued": cast, "returned": cast, **kw}
    return Tally(G.LEADERS, excellent=exc, competent=comp, basic=basic, incompetent=inc,
                 abstain=abstain, **counts)  # fmt: skip


def test_score_is_the_mean_vote_value_without_abstentions() -> None:
    result = score_ballots(RULES, [_tally(10, 5, 0, 0, abstain=4)], 2)
    assert result.score == pytest.approx(93.33)  # (10×100 + 5×80) / 15
    assert result.valid_votes == 15
    assert score_ballots(RULES, [_tally(1, 1, 1, 1)], 2).score == 60  # (100+80+60+0)/4


def test_quorum_is_half_of_those_due() -> None:
    half = _tally(6, 4, 0, 0, due=20)  # 10 of 20 returned: exactly half is enough
    assert invalid_reason(RULES, half) == ""
    short = _tally(6, 3, 0, 0, due=20)
    reason = invalid_reason(RULES, short)
    assert "收回 9 张" in reason and "20 人的一半" in reason
    result = score_ballots(RULES, [short], 2)
    assert result.score is None and not result.groups[0].valid
    assert any("无效" in line for line in result.lines)


def test_more_returned_than_issued_is_invalid() -> None:
    tally = _tally(8, 2, 0, 0, due=12, issued=9)
    assert "多于发出的 9 张" in invalid_reason(RULES, tally)
    assert score_ballots(RULES, [tally], 2).score is None


def test_counts_beyond_returned_ballots_or_nobody_due_are_invalid() -> None:
    assert "多于收回" in invalid_reason(RULES, _tally(8, 2, 0, 0, returned=9))
    assert "应参评人数为 0" in invalid_reason(RULES, _tally(0, 0, 0, 0, due=0, issued=0))
    assert "没有有效票" in invalid_reason(RULES, _tally(0, 0, 0, 0, abstain=5))


def test_spoiled_ballots_count_towards_quorum_but_not_votes() -> None:
    result = score_ballots(RULES, [_tally(5, 5, 0, 0, returned=12, issued=12, due=12)], 2)
    assert result.score == 90 and result.valid_votes == 10


def test_below_two_thirds_caps_at_basic_and_recommends_a_reminder_talk() -> None:
    below = score_ballots(RULES, [_tally(4, 5, 6, 0)], 2)  # 9 of 15 < 10
    assert below.grade_cap == Grade.BASIC and below.reminder_talk
    assert any("三分之二" in line and "提醒谈话" in line for line in below.lines)
    assert not any("诫勉" in line for line in below.lines)
    exactly = score_ballots(RULES, [_tally(4, 6, 5, 0)], 2)  # 10 of 15 is two thirds
    assert exactly.grade_cap is None and not exactly.reminder_talk


def test_over_one_third_incompetent_forces_incompetent() -> None:
    over = score_ballots(RULES, [_tally(5, 4, 0, 6)], 2)  # 6 of 15 > 5
    assert over.forced_grade == Grade.INCOMPETENT
    assert any("超过有效票 15 张的三分之一" in line for line in over.lines)
    exactly = score_ballots(RULES, [_tally(5, 5, 0, 5)], 2)
    assert exactly.forced_grade is None


def test_excellent_needs_half_the_valid_votes() -> None:
    assert score_ballots(RULES, [_tally(5, 5, 0, 0)], 2).excellent_allowed
    short = score_ballots(RULES, [_tally(4, 6, 0, 0)], 2)
    assert not short.excellent_allowed
    assert any("不能评为优秀" in line for line in short.lines)


def test_groups_pool_by_valid_votes_and_invalid_groups_are_left_out() -> None:
    leaders = Tally(G.LEADERS, 10, 10, 10, 10, 0, 0, 0, 0)  # 100 × 10
    colleagues = Tally(G.COLLEAGUES, 30, 30, 30, 0, 30, 0, 0, 0)  # 80 × 30
    stray = Tally(G.SECTOR, 50, 50, 5, 5, 0, 0, 0, 0)  # 5 of 50 returned: invalid
    result = score_ballots(RULES, [leaders, colleagues, stray], 2)
    assert result.score == 85  # (1000 + 2400) / 40, not the mean of 100 and 80
    assert [g.valid for g in result.groups] == [True, True, False]
    assert [g.score for g in result.groups] == [100, 80, None]
    assert result.valid_votes == 40 and result.excellent == 10


def test_no_tally_means_no_score() -> None:
    result = score_ballots(RULES, [], 2)
    assert result.score is None and result.groups == ()
    assert any("无测评得分" in line for line in result.lines)


def test_negative_counts_are_refused_naming_the_field() -> None:
    with pytest.raises(
        ValueError,
        match=r"民主测评 领导班子：弃权票数不能为负数（-1） / "
        r"tally 领导班子: abstain must not be negative",
    ):
        Tally(G.LEADERS, 10, 10, 10, 5, 5, 0, 0, -1)

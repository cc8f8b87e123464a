"""The rolling adjustment's proposals and quota caps, as pure functions over plain values."""

import pytest

from appraisal.models.vocab import Band, Decision, Grade, PoolMove, Tier
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import Action
from appraisal.scoring.adjustment import (
    Candidate,
    Move,
    MoveError,
    check_quotas,
    propose,
    tier_after,
)

RULES = load_scheme(default_scheme_path()).pool
CYCLE = "2026年度综合评价"


def _one(**kw: object) -> tuple[PoolMove, Tier | None, str]:
    base: dict[str, object] = {"code": "P1", "name": "张三", "tier": Tier.RISING, "in_pool": True,
                               "grade": Grade.COMPETENT, "band": Band.B}  # fmt: skip
    base.update(kw)
    (p,) = propose(RULES, [Candidate(**base)], CYCLE)  # type: ignore[arg-type]
    assert p.code == "P1" and p.reason.startswith(f"{CYCLE}：")
    return p.move, p.to_tier, p.reason


def test_an_excellent_elite_is_proposed_for_promotion_to_representative() -> None:
    move, to, why = _one(grade=Grade.EXCELLENT, band=Band.A)
    assert (move, to) == (PoolMove.PROMOTE, Tier.REPRESENTATIVE) and "优秀" in why


def test_the_a_streak_promotes_an_elite_too() -> None:
    move, to, why = _one(grade=Grade.COMPETENT, band=Band.A, actions=(Action.MOVE_UP.value,))
    assert (move, to) == (PoolMove.PROMOTE, Tier.REPRESENTATIVE) and "连续" in why


def test_a_representative_graded_basic_moves_down_to_elite() -> None:
    move, to, why = _one(tier=Tier.REPRESENTATIVE, grade=Grade.BASIC)
    assert (move, to) == (PoolMove.DEMOTE, Tier.RISING) and "基本称职" in why


def test_an_excellent_representative_stays_where_no_one_is_promoted_past() -> None:
    assert _one(tier=Tier.REPRESENTATIVE, grade=Grade.EXCELLENT, band=Band.A)[:2] == (
        PoolMove.KEEP, Tier.REPRESENTATIVE)  # fmt: skip


def test_removal_or_a_veto_leaves_the_pool() -> None:
    removal = (Action.REMOVAL.value,)
    move, to, why = _one(grade=Grade.INCOMPETENT, band=Band.C, vetoed=True, actions=removal)
    assert (move, to) == (PoolMove.LEAVE, None) and "否决" in why
    assert _one(tier=Tier.REPRESENTATIVE, actions=removal)[:2] == (PoolMove.LEAVE, None)


def test_a_grade_staff_decided_later_leaves_the_pool_as_the_scheme_says() -> None:
    """A 不称职 decided after an objection (异议核实) came after the engine's actions: the scheme's
    leave_grades and leave_bands still apply."""
    assert _one(grade=Grade.INCOMPETENT, band=Band.B)[:2] == (PoolMove.LEAVE, None)
    assert _one(grade=Grade.COMPETENT, band=Band.C)[:2] == (PoolMove.LEAVE, None)


def test_the_honoured_figures_are_kept_whatever_their_grade() -> None:
    move, to, why = _one(tier=Tier.PROMINENT, grade=Grade.INCOMPETENT, actions=("建议移出",))
    assert (move, to) == (PoolMove.KEEP, Tier.PROMINENT) and "荣誉" in why


def test_someone_not_in_the_pool_is_proposed_for_admission_at_their_tier() -> None:
    move, to, _ = _one(in_pool=False, tier=Tier.REPRESENTATIVE)
    assert (move, to) == (PoolMove.ADMIT, Tier.REPRESENTATIVE)
    assert _one(in_pool=False, actions=(Action.REMOVAL.value,))[:2] == (PoolMove.LEAVE, None)


def test_a_staff_decision_or_no_grade_keeps_the_person() -> None:
    move, _, why = _one(grade=None, band=None, staff_decision=Decision.EXEMPT,
                        staff_reason="长期出国")  # fmt: skip
    assert move is PoolMove.KEEP and "免评（长期出国）" in why
    assert _one(grade=None, band=None)[0] is PoolMove.KEEP


def test_the_rules_come_from_the_scheme_file() -> None:
    text = default_scheme_path().read_text(encoding="utf-8")
    edited = text.replace('promote_grades = ["优秀"]', 'promote_grades = ["优秀", "称职"]')
    rules = parse_scheme(edited).pool
    (p,) = propose(rules, [Candidate("P1", "张三", Tier.RISING, True, Grade.COMPETENT, Band.A)],
                   CYCLE)  # fmt: skip
    assert p.move is PoolMove.PROMOTE
    # A scheme stored before the adjustment existed moves no one but by the A streak.
    head, rest = text.split("[pool.adjust]")
    old = parse_scheme(head + rest.split("demote_grades")[1].split("\n", 1)[1])
    assert old.pool.adjust is None
    (kept,) = propose(old.pool, [Candidate("P1", "张三", Tier.REPRESENTATIVE, True,
                                           Grade.BASIC, Band.B)], CYCLE)  # fmt: skip
    assert kept.move is PoolMove.KEEP


@pytest.mark.parametrize(
    ("tier", "move", "message"),
    [
        (Tier.REPRESENTATIVE, PoolMove.PROMOTE, "只有精英可以晋升"),
        (Tier.RISING, PoolMove.DEMOTE, "只有代表人士可以调整"),
        (Tier.RISING, PoolMove.ADMIT, "已在人才库"),
        (None, PoolMove.KEEP, "尚未入库"),
    ],
)
def test_a_move_the_tier_does_not_allow_is_refused_in_words(
    tier: Tier | None, move: PoolMove, message: str
) -> None:
    with pytest.raises(MoveError, match=message):
        tier_after(tier, move, Tier.RISING)


def test_quotas_are_caps_that_warn_on_the_moves_into_a_full_tier() -> None:
    caps = {Tier.PROMINENT: 10, Tier.REPRESENTATIVE: 2, Tier.RISING: 5}
    now = {Tier.PROMINENT: 10, Tier.REPRESENTATIVE: 2, Tier.RISING: 4}
    moves = [
        Move("P1", Tier.RISING, Tier.REPRESENTATIVE),
        Move("P2", Tier.RISING, None),
        Move("P3", Tier.RISING, Tier.RISING),
        Move("P4", None, Tier.RISING),
    ]
    check = check_quotas(caps, now, moves)
    assert check.after == {Tier.PROMINENT: 10, Tier.REPRESENTATIVE: 3, Tier.RISING: 3}
    assert check.over == {Tier.REPRESENTATIVE: "调整后代表人士 3 人，超过名额 2 人"}
    assert check.flagged == {"P1": "调整后代表人士 3 人，超过名额 2 人"}
    within = check_quotas(caps, now, moves[1:])
    assert within.over == {} and within.flagged == {}

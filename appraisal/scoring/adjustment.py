"""The rolling adjustment (有进有出, seed 002) a cycle proposes: per person 入库, 保留, 晋升
(精英→代表人士), 调整 (代表人士→精英) or 出库, with the reason, from the scheme's pool rules; and
the tier quotas as caps that warn. Plain values in, plain values out."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appraisal.models.vocab import Band, Decision, Grade, PoolMove, Tier
from appraisal.scheme.model import PoolRules
from appraisal.scoring.results import Action

# The moves that need the scheme's words to read, in the order a list shows them.
MOVE_ORDER: tuple[PoolMove, ...] = (
    PoolMove.ADMIT,
    PoolMove.PROMOTE,
    PoolMove.DEMOTE,
    PoolMove.LEAVE,
    PoolMove.KEEP,
)


@dataclass(frozen=True)
class Candidate:
    """One person of the cycle as the adjustment sees them."""

    code: str
    name: str
    tier: Tier  # the person's tier; for someone not in the pool, the tier they would enter
    in_pool: bool
    grade: Grade | None = None
    band: Band | None = None
    vetoed: bool = False
    actions: tuple[str, ...] = ()  # the engine's recommended actions (Action values)
    staff_decision: Decision | None = None  # 暂缓评定 / 免评
    staff_reason: str = ""


@dataclass(frozen=True)
class Proposal:
    code: str
    name: str
    from_tier: Tier | None  # None: not in the pool yet
    move: PoolMove
    reason: str
    entry: Tier  # the tier 入库 enters: the one the person was put forward for

    @property
    def to_tier(self) -> Tier | None:
        return tier_after(self.from_tier, self.move, self.entry)


class MoveError(ValueError):
    """A move that cannot apply to the person's tier, in staff's words."""


def tier_after(from_tier: Tier | None, move: PoolMove, entry: Tier | None) -> Tier | None:
    """The tier `move` leaves a person of `from_tier` in (`entry`: the tier 入库 enters);
    None when they leave. MoveError for a move their tier does not allow."""
    if move is PoolMove.LEAVE:
        return None
    if move is PoolMove.ADMIT:
        if from_tier is not None:
            raise MoveError(f"已在人才库（{from_tier.value}），不能再入库")
        return entry or Tier.RISING
    if from_tier is None:
        if move is PoolMove.KEEP:
            raise MoveError("尚未入库，不能保留；请选择入库或出库")
        raise MoveError(f"尚未入库，不能{move.value}；请先入库")
    if move is PoolMove.PROMOTE:
        if from_tier is not Tier.RISING:
            raise MoveError(f"只有{Tier.RISING.value}可以晋升为{Tier.REPRESENTATIVE.value}")
        return Tier.REPRESENTATIVE
    if move is PoolMove.DEMOTE:
        if from_tier is not Tier.REPRESENTATIVE:
            raise MoveError(f"只有{Tier.REPRESENTATIVE.value}可以调整为{Tier.RISING.value}")
        return Tier.RISING
    return from_tier


def propose(rules: PoolRules, people: Sequence[Candidate], cycle_name: str) -> list[Proposal]:
    """One proposal per person, in the order given."""
    return [_propose(rules, c, cycle_name) for c in people]


def _propose(rules: PoolRules, c: Candidate, cycle_name: str) -> Proposal:
    current = c.tier if c.in_pool else None

    def made(move: PoolMove, why: str) -> Proposal:
        return Proposal(c.code, c.name, current, move, f"{cycle_name}：{why}", c.tier)

    if c.in_pool and c.tier is Tier.PROMINENT:
        return made(PoolMove.KEEP, f"{Tier.PROMINENT.value}为荣誉记录，不作滚动调整")
    if c.staff_decision is not None:
        why = f"{c.staff_decision.value}（{c.staff_reason}）" if c.staff_reason else ""
        if not c.in_pool:
            return made(PoolMove.ADMIT, f"{why or c.staff_decision.value}，按推荐层级入库")
        return made(PoolMove.KEEP, why or c.staff_decision.value)
    if c.grade is None:
        if not c.in_pool:
            return made(PoolMove.ADMIT, "尚未评定等次，按推荐层级入库")
        return made(PoolMove.KEEP, "尚未评定等次")
    said = f"等次{c.grade.value}，档次{c.band.value if c.band else '—'}"
    if c.vetoed:
        said += "，有否决事项"
    # The grade may be staff's (审定, 异议核实, 复核), decided after the engine set its actions.
    decided_out = c.grade in rules.leave_grades or (
        c.band is not None and c.band in rules.leave_bands
    )
    if Action.REMOVAL.value in c.actions or decided_out:
        if not c.in_pool:
            return made(PoolMove.LEAVE, f"{said}，按方案移出条件不予入库")
        return made(PoolMove.LEAVE, f"{said}，符合方案的移出条件")
    if not c.in_pool:
        return made(PoolMove.ADMIT, f"{said}，按推荐层级（{c.tier.value}）入库")
    adjust = rules.adjust
    if c.tier is Tier.RISING:
        if adjust is not None and c.grade in adjust.promote_grades:
            return made(PoolMove.PROMOTE, f"{said}，{Tier.RISING.value}评为{c.grade.value}")
        on_streak = adjust.promote_on_move_up if adjust is not None else True
        if on_streak and Action.MOVE_UP.value in c.actions:
            return made(PoolMove.PROMOTE, f"{said}，连续 {rules.move_up_after_a} 次A档")
    if c.tier is Tier.REPRESENTATIVE and adjust is not None and c.grade in adjust.demote_grades:
        return made(PoolMove.DEMOTE, f"{said}，{Tier.REPRESENTATIVE.value}评为{c.grade.value}")
    return made(PoolMove.KEEP, said)


@dataclass(frozen=True)
class Move:
    """One person's decided (or proposed) move, as the quota check counts it."""

    code: str
    from_tier: Tier | None
    to_tier: Tier | None


@dataclass(frozen=True)
class QuotaCheck:
    after: dict[Tier, int]  # each tier's size once every move is made
    over: dict[Tier, str]  # the tiers over their cap, with the warning staff read
    flagged: dict[str, str]  # code → warning, for each move into a tier over its cap


def check_quotas(
    caps: Mapping[Tier, int], now: Mapping[Tier, int], moves: Sequence[Move]
) -> QuotaCheck:
    """The tiers' sizes after `moves` from sizes `now`; a tier over its cap in `caps` warns, and
    so does every move into it (a cap warns, it does not refuse: the quota is staff's call)."""
    after = Counter({t: now.get(t, 0) for t in Tier})
    for m in moves:
        if m.from_tier == m.to_tier:
            continue
        if m.from_tier is not None:
            after[m.from_tier] -= 1
        if m.to_tier is not None:
            after[m.to_tier] += 1
    over = {
        t: f"调整后{t.value} {after[t]} 人，超过名额 {caps[t]} 人"
        for t in Tier
        if t in caps and after[t] > caps[t]
    }
    flagged = {
        m.code: over[m.to_tier]
        for m in moves
        if m.to_tier is not None and m.to_tier in over and m.from_tier != m.to_tier
    }
    return QuotaCheck(dict(after), over, flagged)

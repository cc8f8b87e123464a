"""民主测评: tallies → appraisal score, with the quorum, two-thirds and one-third rules.

Several rater groups: the valid tallies are pooled, so each group weighs by its valid votes, and
the share rules apply to the pooled votes. An invalid tally is left out and the reason explained;
with no valid tally there is no appraisal score (and so no composite and no grade).
"""

from collections.abc import Iterable
from fractions import Fraction

from appraisal.models.vocab import Vote
from appraisal.scheme.model import BallotRules
from appraisal.scoring.inputs import Tally
from appraisal.scoring.numbers import exact, fmt, num, rounded, share_text
from appraisal.scoring.results import AppraisalResult, GroupResult


def invalid_reason(rules: BallotRules, tally: Tally) -> str:
    """Why a tally cannot count, in Chinese; empty when it can."""
    counted = tally.valid_votes + tally.abstain
    if tally.due == 0:
        return "应参评人数为 0"
    if rules.returned_over_issued_invalid and tally.returned > tally.issued:
        return f"收回 {tally.returned} 张，多于发出的 {tally.issued} 张"
    if tally.returned < rules.quorum * tally.due:
        return f"收回 {tally.returned} 张，不足应参评 {tally.due} 人的{share_text(rules.quorum)}"
    if counted > tally.returned:
        return f"各项票数合计 {counted}，多于收回的 {tally.returned} 张"
    if tally.valid_votes == 0:
        return "没有有效票（全部弃权或废票）"
    return ""


def _mean(rules: BallotRules, counts: dict[Vote, int]) -> Fraction:
    votes = sum(counts.values())
    total = sum((exact(rules.values[v]) * n for v, n in counts.items()), Fraction(0))
    return total / votes


def score_ballots(rules: BallotRules, tallies: Iterable[Tally], decimals: int) -> AppraisalResult:
    groups: list[GroupResult] = []
    pooled = dict.fromkeys((Vote.EXCELLENT, Vote.COMPETENT, Vote.BASIC, Vote.INCOMPETENT), 0)
    lines: list[str] = []
    for tally in tallies:
        reason = invalid_reason(rules, tally)
        counts = {
            Vote.EXCELLENT: tally.excellent,
            Vote.COMPETENT: tally.competent,
            Vote.BASIC: tally.basic,
            Vote.INCOMPETENT: tally.incompetent,
        }
        if reason:
            groups.append(GroupResult(tally.rater_group, False, reason, tally.valid_votes, None))
            lines.append(f"民主测评（{tally.rater_group}）无效：{reason}，不计入。")
            continue
        score = rounded(_mean(rules, counts), decimals)
        groups.append(GroupResult(tally.rater_group, True, "", tally.valid_votes, num(score)))
        lines.append(
            f"民主测评（{tally.rater_group}）：应参评 {tally.due} 人，发出 {tally.issued} 张，"
            f"收回 {tally.returned} 张，有效票 {tally.valid_votes} 张"
            f"（优秀 {tally.excellent}、称职 {tally.competent}、基本称职 {tally.basic}、"
            f"不称职 {tally.incompetent}，弃权 {tally.abstain}），得分 {fmt(score, decimals)}。"
        )
        for vote, n in counts.items():
            pooled[vote] += n

    valid = sum(pooled.values())
    if valid == 0:
        if not groups:
            lines.append("没有民主测评票数。")
        lines.append("没有有效的民主测评，无测评得分，不评定等次。")
        return AppraisalResult(
            None, tuple(groups), 0, 0, 0, 0, 0, None, None, False, False, tuple(lines)
        )

    score = rounded(_mean(rules, pooled), decimals)
    exc, comp, inc = pooled[Vote.EXCELLENT], pooled[Vote.COMPETENT], pooled[Vote.INCOMPETENT]
    if sum(g.valid for g in groups) > 1:
        lines.append(f"各组有效票合并计算（共 {valid} 张），民主测评得分 {fmt(score, decimals)}。")
    below_pass = Fraction(exc + comp, valid) < rules.pass_share
    above_fail = Fraction(inc, valid) > rules.fail_share
    excellent_allowed = Fraction(exc, valid) >= rules.excellent_share
    if below_pass:
        lines.append(
            f"优秀和称职票共 {exc + comp} 张，"
            f"不足有效票 {valid} 张的{share_text(rules.pass_share)}："
            f"等次最高为{rules.cap_grade}，建议进行提醒谈话。"
        )
    if above_fail:
        lines.append(
            f"不称职票 {inc} 张，超过有效票 {valid} 张的{share_text(rules.fail_share)}："
            f"等次为{rules.fail_grade}。"
        )
    if not excellent_allowed:
        lines.append(
            f"优秀票 {exc} 张，不足有效票的{share_text(rules.excellent_share)}，不能评为优秀。"
        )
    return AppraisalResult(
        score=num(score),
        groups=tuple(groups),
        valid_votes=valid,
        excellent=exc,
        competent=comp,
        basic=pooled[Vote.BASIC],
        incompetent=inc,
        grade_cap=rules.cap_grade if below_pass else None,
        forced_grade=rules.fail_grade if above_fail else None,
        excellent_allowed=excellent_allowed,
        reminder_talk=below_pass,
        lines=tuple(lines),
    )

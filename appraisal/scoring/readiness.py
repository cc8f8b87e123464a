"""What a person's record lacks for the scheme to grade them, checked before a cycle starts.

Without an organisational score, or without a valid 民主测评 tally, the engine computes no
composite and grades no one (short of a veto); without any duty record of the year the 履职积分
is zero for want of data rather than of work. Staff see these before the cycle starts, not as
结果通知书 that read 未评定.

No tally at all is not a gap: the assessment prints the 民主测评票 and the gate waits for their
counts (appraisal/store/ballots.py). Tallies imported beforehand that are all invalid are.
"""

from appraisal.scheme.model import Scheme
from appraisal.scoring.assessment import org_score
from appraisal.scoring.ballots import invalid_reason
from appraisal.scoring.inputs import PersonInput

NO_ORG_SCORE = "缺少组织考核得分"
NO_VALID_TALLY = "民主测评票数均无效"
NO_DUTIES = "没有本年度履职记录"


def missing_inputs(scheme: Scheme, person: PersonInput) -> tuple[str, ...]:
    """The inputs `person` lacks, in words staff read; () when the scheme can grade them."""
    gaps: list[str] = []
    weights = scheme.composite.weights
    # A part the scheme weighs 0 (the CPPCC members' scheme grades by points alone) is not needed.
    if weights.org > 0 and org_score(scheme, person).score is None:
        gaps.append(NO_ORG_SCORE)
    tallies = person.tallies
    if (
        weights.appraisal > 0
        and tallies
        and all(invalid_reason(scheme.ballots, t) for t in tallies)
    ):
        gaps.append(NO_VALID_TALLY)
    if weights.points > 0 and not person.duties:
        gaps.append(NO_DUTIES)
    return tuple(gaps)

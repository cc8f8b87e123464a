"""The scoring engine: pure functions from a scheme and plain inputs to results and explanations.

    scores = score_cohort(load_scheme(path), [PersonInput(...), ...])

No database, no Prefect: values in, values out.
"""

from appraisal.scoring.ballots import invalid_reason, score_ballots
from appraisal.scoring.cohort import (
    Place,
    Standing,
    quota_limit,
    quota_places,
    quota_unit,
    score_cohort,
    settle,
    standing,
)
from appraisal.scoring.composite import score_person
from appraisal.scoring.inputs import DutyItem, FindingItem, PersonInput, Tally
from appraisal.scoring.negative import apply_negative_list
from appraisal.scoring.points import ItemPoints, explain_duties, score_points
from appraisal.scoring.results import (
    Action,
    AppraisalResult,
    FindingResult,
    GroupResult,
    PersonScore,
    PointsResult,
)

__all__ = [
    "Action",
    "AppraisalResult",
    "DutyItem",
    "FindingItem",
    "FindingResult",
    "GroupResult",
    "ItemPoints",
    "PersonInput",
    "PersonScore",
    "Place",
    "PointsResult",
    "Standing",
    "Tally",
    "apply_negative_list",
    "explain_duties",
    "invalid_reason",
    "quota_limit",
    "quota_places",
    "quota_unit",
    "score_ballots",
    "score_cohort",
    "score_person",
    "score_points",
    "settle",
    "standing",
]

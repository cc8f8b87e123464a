"""The breakdown a result carries: plain JSON-ready values, so a stored result shows its working."""

from dataclasses import asdict
from fractions import Fraction
from typing import Any

from appraisal.scheme.model import Scheme
from appraisal.scoring.inputs import PersonInput
from appraisal.scoring.results import AppraisalResult, FindingResult, PointsResult


def breakdown(
    scheme: Scheme,
    person: PersonInput,
    points: PointsResult,
    appraisal: AppraisalResult,
    findings: tuple[FindingResult, ...],
    composite: Fraction | None,
    org: Fraction | None = None,
) -> dict[str, Any]:
    w = scheme.composite.weights
    # A result rated by dimension keeps its ratings and weights; one from an imported total
    # keeps the breakdown it always had.
    rated: dict[str, Any] = {}
    if person.org_ratings and scheme.assessment is not None:
        weights = scheme.assessment.weights
        rated["org_dimensions"] = [
            {"dimension": d.value, "rating": r, "weight": float(weights[d])}
            for d, r in person.org_ratings
        ]
    return {
        "scheme": {"name": scheme.name, "version": scheme.version, "sha256": scheme.sha256},
        "points": {
            "raw": points.raw,
            "capped": points.capped,
            "penalties": points.penalties,
            "total": points.total,
            "score": points.points,
            "unexcused": points.unexcused,
            "removal_flag": points.removal_flag,
        },
        "appraisal": {
            "score": appraisal.score,
            "valid_votes": appraisal.valid_votes,
            "votes": {
                "优秀": appraisal.excellent,
                "称职": appraisal.competent,
                "基本称职": appraisal.basic,
                "不称职": appraisal.incompetent,
            },
            "groups": [{**asdict(g), "rater_group": str(g.rater_group)} for g in appraisal.groups],
            "grade_cap": appraisal.grade_cap,
            "forced_grade": appraisal.forced_grade,
            "excellent_allowed": appraisal.excellent_allowed,
        },
        "org_score": person.org_score if org is None else float(org),
        **rated,
        "weights": {
            "org": float(w.org),
            "appraisal": float(w.appraisal),
            "points": float(w.points),
        },
        "findings": [{**asdict(f), "effect": str(f.effect)} for f in findings],
        "composite": None if composite is None else float(composite),
    }

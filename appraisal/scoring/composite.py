"""One person's result: composite score, grade, band, vetoes, deductions and recommended actions.

Order of rules: the composite (rounded to the scheme's decimals) gives the grade and band; the
ballots can then force 不称职 (over one third) or cap the grade (under two thirds), and 优秀 needs
half the votes. A veto overrides all of it: the scheme's veto grade and band, whether or not there
is a composite. Without an organisational score or a valid tally there is no composite and, short
of a veto, no grade or band.
"""

from fractions import Fraction

from appraisal.models.vocab import Band, FindingEffect, Grade, Tier
from appraisal.scheme.model import Scheme
from appraisal.scoring.assessment import org_score
from appraisal.scoring.ballots import score_ballots
from appraisal.scoring.inputs import PersonInput
from appraisal.scoring.negative import apply_negative_list
from appraisal.scoring.numbers import exact, fmt, num, rounded
from appraisal.scoring.points import score_points
from appraisal.scoring.results import Action, PersonScore
from appraisal.scoring.snapshot import breakdown

GRADES_BEST_FIRST = tuple(Grade)


def grade_for(scheme: Scheme, composite: Fraction) -> Grade:
    reached = [g for g in scheme.grades if composite >= exact(g.min)]
    return max(reached, key=lambda g: g.min).grade


def band_for(scheme: Scheme, composite: Fraction) -> Band:
    reached = [b for b in scheme.bands if composite >= exact(b.min)]
    return max(reached, key=lambda b: b.min).band


def worse(a: Grade, b: Grade) -> Grade:
    return max(a, b, key=GRADES_BEST_FIRST.index)


def lower_grade(scheme: Scheme, grade: Grade) -> Grade:
    """The next grade down in the scheme's grade list (the 优秀 rules and the quota use this)."""
    below = sorted(
        (
            g
            for g in scheme.grades
            if GRADES_BEST_FIRST.index(g.grade) > GRADES_BEST_FIRST.index(grade)
        ),
        key=lambda g: g.min,
        reverse=True,
    )
    return below[0].grade if below else grade


def capped_band(scheme: Scheme, band: Band, grade: Grade) -> Band:
    cap = scheme.band_caps.get(grade)
    return band if cap is None else max(band, cap, key=tuple(Band).index)


def band_for_decided(
    scheme: Scheme, composite: float | None, grade: Grade, vetoed: bool, band: Band | None
) -> Band | None:
    """The band once staff decide `grade` (审定, 异议核实, 复核): the composite's, within the
    grade's ceiling, as the engine would give it with that grade; a veto's band, or a result
    without a composite, keeps `band`."""
    if vetoed or composite is None:
        return band
    return capped_band(scheme, band_for(scheme, exact(composite)), grade)


def score_person(scheme: Scheme, person: PersonInput) -> PersonScore:
    d = scheme.decimals
    points = score_points(scheme.points, person.duties, d)
    appraisal = score_ballots(scheme.ballots, person.tallies, d)
    findings, finding_lines = apply_negative_list(scheme.negative_list, person.findings)
    vetoes = tuple(f.code for f in findings if f.effect is FindingEffect.VETO)
    deductions = sum((exact(f.deduction) for f in findings), Fraction(0))
    org = org_score(scheme, person)
    w = scheme.composite.weights
    # A part weighed 0 (a CPPCC scheme grades on the 履职积分 alone) is neither needed nor
    # explained; every part the 党外 scheme weighs is, as before.
    uses_org, uses_ballots = w.org > 0, w.appraisal > 0
    lines = [
        *points.lines,
        *(appraisal.lines if uses_ballots else ()),
        *(org.lines if uses_org else ()),
        *finding_lines,
    ]

    composite: Fraction | None = None
    if org.score is None and uses_org:
        lines.append("缺少组织考核得分，无综合得分，不评定等次。")
    elif appraisal.score is not None or not uses_ballots:
        weighted = exact(w.points) * exact(points.points)
        terms = []
        if uses_org:
            assert org.score is not None
            weighted += exact(w.org) * org.score
            terms.append(f"组织考核 {fmt(org.score, d)}×{fmt(w.org)}")
        if uses_ballots:
            assert appraisal.score is not None
            weighted += exact(w.appraisal) * exact(appraisal.score)
            terms.append(f"民主测评 {fmt(appraisal.score, d)}×{fmt(w.appraisal)}")
        terms.append(f"履职积分 {fmt(points.points, d)}×{fmt(w.points)}")
        composite = rounded(max(weighted - deductions, Fraction(0)), d)
        less = f" − 扣分 {fmt(deductions, d)}" if deductions else ""
        lines.append(f"综合得分 = {' + '.join(terms)}{less} = {fmt(composite, d)}。")

    grade: Grade | None = None
    band: Band | None = None
    if vetoes:
        grade, band = scheme.veto.grade, scheme.veto.band
        lines.append(f"有否决项（{'、'.join(vetoes)}）：等次为{grade}，档次为{band}。")
    elif composite is not None:
        grade, band = grade_for(scheme, composite), band_for(scheme, composite)
        lines.append(f"综合得分 {fmt(composite, d)}，对应等次{grade}，档次{band}。")
        if appraisal.forced_grade is not None and worse(grade, appraisal.forced_grade) != grade:
            grade = appraisal.forced_grade
            lines.append(f"按民主测评不称职票规则，等次调整为{grade}。")
        if appraisal.grade_cap is not None and worse(grade, appraisal.grade_cap) != grade:
            grade = appraisal.grade_cap
            lines.append(f"按民主测评三分之二规则，等次调整为{grade}。")
        if grade is Grade.EXCELLENT and uses_ballots and not appraisal.excellent_allowed:
            grade = lower_grade(scheme, grade)
            lines.append(f"优秀票不足，等次调整为{grade}。")
        capped = capped_band(scheme, band, grade)
        if capped != band:
            band = capped
            lines.append(f"等次为{grade}，档次最高为{band}。")

    actions, action_lines = recommend(
        scheme, person, grade, band, bool(vetoes), points.removal_flag
    )
    if appraisal.reminder_talk:
        actions = (Action.REMINDER_TALK, *actions)
    lines += action_lines
    return PersonScore(
        code=person.code,
        name=person.name,
        tier=person.tier,
        points=points,
        appraisal=appraisal,
        org_score=None if org.score is None else num(org.score),
        composite=None if composite is None else num(composite),
        grade=grade,
        band=band,
        vetoes=vetoes,
        deductions=num(deductions),
        findings=findings,
        actions=actions,
        explanation=tuple(lines),
        breakdown=breakdown(scheme, person, points, appraisal, findings, composite, org.score),
    )


def recommend(
    scheme: Scheme,
    person: PersonInput,
    grade: Grade | None,
    band: Band | None,
    vetoed: bool,
    absences: bool,
) -> tuple[tuple[Action, ...], list[str]]:
    """Removal and moving up (the reminder talk comes from the ballots alone)."""
    pool = scheme.pool
    leaves = vetoed or absences or band in pool.leave_bands or grade in pool.leave_grades
    if leaves:
        reasons = [
            *(["有否决项"] if vetoed else []),
            *(["无故缺席次数达到移出标准"] if absences else []),
            *([f"档次为{band}"] if band in pool.leave_bands else []),
            *([f"等次为{grade}"] if grade in pool.leave_grades else []),
        ]
        return (Action.REMOVAL,), [f"{'，'.join(reasons)}：建议移出人才库。"]
    streak = pool.move_up_after_a
    history = (*person.previous_bands, band)
    if (
        band is not Band.A
        or len(history) < streak
        or any(b is not Band.A for b in history[-streak:])
    ):
        return (), []
    # Seed 002: 名人 are honoured historical figures, not a tier anyone is promoted into, so
    # 代表人士 is the top of what an appraisal can move someone to.
    if person.tier is not Tier.RISING:
        return (), [f"连续 {streak} 次A档，已在参评的最高层级（{person.tier}）。"]
    return (Action.MOVE_UP,), [
        f"连续 {streak} 次A档：可晋升为{Tier.REPRESENTATIVE}（须在层级名额内）。"
    ]

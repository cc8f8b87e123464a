"""Store the engine's results for a cycle; every change to a score or grade is audit-logged."""

from typing import Any

from sqlmodel import Session, col, select

from appraisal.models import Cycle, Finding, Person, Result
from appraisal.models.base import utcnow
from appraisal.models.vocab import FindingEffect, Grade
from appraisal.scheme import Scheme, parse_scheme
from appraisal.scoring import PersonScore
from appraisal.scoring.composite import band_for_decided
from appraisal.store.changes import AuditLog, ImportCounts, differences
from appraisal.store.cycles import cycle_people

TRACKED = (
    "points",
    "org_score",
    "appraisal_score",
    "composite",
    "grade",
    "band",
    "vetoes",
    "deductions",
    "actions",
)


def results_best_first(session: Session, cycle_id: int) -> list[tuple[Result, Person]]:
    """The cycle's results with their people, highest composite score first."""
    query = (
        select(Result, Person)
        .join(Person, col(Person.id) == col(Result.person_id))
        .where(Result.cycle_id == cycle_id)
        .order_by(col(Result.composite).desc())
    )
    return [(r, p) for r, p in session.exec(query)]


def _printable_detail(
    scheme: Scheme, score: PersonScore, sources: dict[str, Finding]
) -> dict[str, Any]:
    """The breakdown plus the rows the evaluation form prints (categories, vetoes, deductions)."""
    pts = score.points
    categories = [
        {
            "label": cat.label,
            "detail": f"原始{pts.raw.get(key, 0):g}分" if pts.raw.get(key, 0) else "",
            "points": pts.capped.get(key, 0),
            "cap": None if cat.cap is None else float(cat.cap),  # None: no cap
        }
        for key, cat in scheme.points.categories.items()
    ]
    if pts.penalties:
        categories.append({"label": "缺席扣分", "detail": "", "points": -pts.penalties, "cap": 0})
    vetoes, deductions = [], []
    for f in score.findings:
        found = sources.get(f.code)
        item = scheme.negative_list.item(f.code)
        category = found.category.value if found else (item.category.value if item else "")
        row = {
            "category": category,
            "text": f"{f.code} {f.text}",
            "source": f.source or (found.source_body if found else ""),
        }
        if f.effect == FindingEffect.VETO:
            vetoes.append(row)
        else:
            deductions.append({**row, "points": f.deduction})
    return {**score.breakdown, "categories": categories, "vetoes": vetoes, "deductions": deductions}


def store_scores(
    session: Session, *, cycle: Cycle, scheme: Scheme, scores: list[PersonScore], actor: str
) -> ImportCounts:
    assert cycle.id is not None
    people = {p.code: p for p in cycle_people(session, cycle.id, [s.code for s in scores])}
    ids = [p.id for p in people.values()]
    existing = {
        r.person_id: r
        for r in session.exec(
            select(Result).where(Result.cycle_id == cycle.id, col(Result.person_id).in_(ids))
        )
    }
    findings: dict[int, dict[str, Finding]] = {}
    for f in session.exec(
        select(Finding).where(Finding.year == cycle.year, col(Finding.person_id).in_(ids))
    ):
        findings.setdefault(f.person_id, {})[f.item_code] = f
    log = AuditLog(actor)
    added = updated = unchanged = 0
    for score in scores:
        person = people[score.code]
        assert person.id is not None
        values: dict[str, Any] = {
            "points": score.points.points,
            "org_score": score.org_score,
            "appraisal_score": score.appraisal.score,
            "composite": score.composite,
            "grade": score.grade,
            "band": score.band,
            "vetoes": list(score.vetoes),
            "deductions": score.deductions,
            "actions": [a.value for a in score.actions],
            "explanation": list(score.explanation),
        }
        detail = _printable_detail(scheme, score, findings.get(person.id, {}))
        row = existing.get(person.id)
        if row is None:
            session.add(Result(cycle_id=cycle.id, person_id=person.id, detail=detail, **values))
            log.changes("result", f"{cycle.name}/{score.code}", _new(values), "评分")
            added += 1
            continue
        diff = differences(row.model_dump(), values, TRACKED)
        if not diff and row.explanation == values["explanation"]:
            unchanged += 1
            continue
        # Staff's decisions and the solicitation's findings outlive a recomputation.
        detail["objection"] = row.detail.get("objection", "")
        for key, value in values.items():
            setattr(row, key, value)
        row.detail = detail
        row.updated_at = utcnow()
        session.add(row)
        log.changes("result", f"{cycle.name}/{score.code}", diff, "重新评分")
        updated += 1
    log.write(session)
    return ImportCounts(added=added, updated=updated, unchanged=unchanged)


def _new(values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (None, values[k]) for k in ("composite", "grade", "band") if values[k] is not None}


def off_scale(cycle: Cycle, grade: Grade, label: str) -> str:
    """Why `grade` may not be given in `cycle` (it is not on its scheme's scale), or ""."""
    grades = [g.grade for g in parse_scheme(cycle.scheme_toml, cycle.name).grades]
    if grade in grades:
        return ""
    named = "、".join(g.value for g in grades)
    return (
        f"{label}：等次“{grade.value}”不在本周期方案的等次中（{named}）"
        " / not one of the scheme's grades"
    )


def change_grade(
    session: Session, cycle: Cycle, result: Result, new: Grade, *, step: str, reason: str,
    note: str, log: AuditLog, key: str,
) -> None:  # fmt: skip
    """Give `result` the grade `new` that staff decided at `step` (审定, 异议核实, 复核), and the
    band that grade allows: the old grade stays in the result's detail under `step` and in the
    audit log, with `note`."""
    old = result.grade
    scheme = parse_scheme(cycle.scheme_toml, cycle.name)
    band = band_for_decided(scheme, result.composite, new, bool(result.vetoes), result.band)
    if band != result.band:
        log.record("result", key, "band", result.band, band, note)
        result.band = band
    result.grade = new
    result.detail = {
        **result.detail,
        step: {"from": old.value if old else "", "to": new.value, "reason": reason},
    }
    result.updated_at = utcnow()
    session.add(result)
    log.record("result", key, "grade", old, new, note)

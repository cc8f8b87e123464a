"""组织考核 by dimension: the assessment team's four ratings (政治表现、思想状况、履行职责、
廉洁自律, 0 to 100 each) and written 考核材料 per person and year. The scheme's [assessment]
weights make the 组织考核 score (appraisal/scoring/assessment.py); the records workbook's
组织考核 sheet writes the same row (store/records.py).

The portal's assessment page and `appraisal assess` call these functions and nothing else. A
first entry needs no reason; replacing a recorded value does, and every change is audited."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.db import begin_writing
from appraisal.documents.views import AssessmentView
from appraisal.employer_split import joined
from appraisal.models import AssessmentScore, Cycle, Person
from appraisal.models.records import DIMENSION_FIELDS, MATERIAL_LIMIT
from appraisal.models.vocab import Dimension
from appraisal.scheme import Scheme
from appraisal.scoring import PersonInput
from appraisal.scoring.assessment import org_score
from appraisal.scoring.numbers import num
from appraisal.sheets.values import CellError, clean_prose, clean_text, is_blank, parse_number
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import cycle_people
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.person_info import PersonInfoError, person_in_scope, reason_given

ENTITY = "assessment_score"  # as the records import logs it
ASSESSOR_LIMIT = 64


@dataclass(frozen=True)
class NewAssessment:
    ratings: dict[Dimension, float]
    material: str
    assessor: str


@dataclass(frozen=True)
class AssessmentRow:
    """One member's 组织考核 as the portal page and `assess show` list it."""

    code: str
    name: str
    employer_post: str
    view: AssessmentView | None  # None: nothing recorded for the year


def parse_assessment(
    ratings: Mapping[str, str], material: str, assessor: str = ""
) -> NewAssessment:
    """The ratings and material staff typed (ratings by dimension word); a bad part is refused
    naming it."""
    values: dict[Dimension, float] = {}
    for d in Dimension:
        text = ratings.get(d.value, "")
        if is_blank(text):
            raise PersonInfoError(f"{d.value} 评分必填 / rating {d.value} is required")
        try:
            value = parse_number(text)
        except CellError as exc:
            raise PersonInfoError(f"{d.value}：{exc} / not a number") from None
        if not 0 <= value <= 100:
            raise PersonInfoError(f"{d.value} 评分 {value} 不在 0 到 100 之间 / out of 0-100")
        values[d] = float(value)
    text = clean_prose(material)
    if not text:
        raise PersonInfoError("考核材料 必填 / the written material is required")
    if len(text) > MATERIAL_LIMIT:
        raise PersonInfoError(
            f"考核材料 太长：{len(text)} 个字符，最多 {MATERIAL_LIMIT} 个 / too long"
        )
    who = clean_text(assessor)[:ASSESSOR_LIMIT]
    return NewAssessment(values, text, who)


def set_assessment(
    session: Session,
    *,
    code: str,
    year: int,
    entry: NewAssessment,
    actor: str,
    reason: str = "",
    scope: Scope = EVERYWHERE,
) -> dict[str, tuple[object, object]]:
    """Record a person's four ratings and 考核材料 for `year`; returns what changed (field →
    before, after), empty when nothing did. Replacing a recorded value needs a reason."""
    begin_writing(session)
    person = person_in_scope(session, scope, code)
    assert person.id is not None
    row = session.exec(
        select(AssessmentScore).where(
            AssessmentScore.person_id == person.id, AssessmentScore.year == year
        )
    ).first()
    after: dict[str, object] = {
        "score": None,
        **{DIMENSION_FIELDS[d]: v for d, v in entry.ratings.items()},
        "material": entry.material,
        "assessor": entry.assessor,
    }
    if row is None:
        row = AssessmentScore(person_id=person.id, year=year)
        before: dict[str, object] = {"assessor": ""}
        reason = reason.strip()[:1024] or "录入组织考核"
    else:
        before = {f: getattr(row, f) for f in after}
    diff = {f: (before.get(f), v) for f, v in after.items() if before.get(f) != v}
    if not diff:
        return {}
    if row.id is not None:
        reason = reason_given(reason)
    for f, v in after.items():
        setattr(row, f, v)
    session.add(row)
    log = AuditLog(actor)
    log.changes(ENTITY, f"{person.code}/{year}", diff, reason)
    log.write(session)
    session.flush()
    return diff


def assessment_view(row: AssessmentScore, scheme: Scheme) -> AssessmentView:
    """The row with the score the cycle's scheme gives it (or its imported total)."""
    ratings = row.ratings()
    scored = org_score(
        scheme,
        PersonInput(
            code="", name="", org_score=row.score, org_ratings=tuple((ratings or {}).items())
        ),
    ).score
    return AssessmentView(
        ratings=tuple((d.value, v) for d, v in (ratings or {}).items()),
        score=None if scored is None else num(scored),
        material=row.material,
        assessor=row.assessor,
    )


def assessments(
    session: Session, cycle: Cycle, scheme: Scheme, codes: Collection[str] | None = None
) -> dict[str, AssessmentView]:
    """The members' (or those in `codes`') 组织考核 of the cycle's year, by 编号; a member with
    nothing recorded is left out."""
    members = {p.id: p for p in cycle_people(session, cycle.id or 0, codes)}
    query = select(AssessmentScore).where(
        AssessmentScore.year == cycle.year, col(AssessmentScore.person_id).in_(list(members))
    )
    return {members[r.person_id].code: assessment_view(r, scheme) for r in session.exec(query)}


def assessment_rows(session: Session, cycle: Cycle, scheme: Scheme) -> list[AssessmentRow]:
    """Every member of the cycle in 编号 order, with their 组织考核 or None."""
    people: list[Person] = sorted(cycle_people(session, cycle.id or 0), key=lambda p: p.code)
    found = assessments(session, cycle, scheme)
    return [AssessmentRow(p.code, p.name, _employer_post(p), found.get(p.code)) for p in people]


def _employer_post(p: Person) -> str:
    return joined(p.employer, p.post)

"""干部年度考核登记表: collecting its sections for each cadre of a cycle.

The person writes the 个人总结 through their own link, or staff enter it from paper; staff enter
the 主管领导评语 (with the proposed grade) and the 考核委员会意见 with its ratings of the scheme's
indicators, whose weighted sum becomes the person's 组织考核 total, so the evaluation grades
cadres as it grades everyone. The person's 本人意见 (同意/不同意 and words) comes once there is
a result to agree with. Every section says who and when; changing a recorded one needs a
reason, and every change is in the audit log. The portal's pages and `appraisal cadre` call
these functions and nothing else.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from appraisal.cadre.marks import CadreRulesMissing, indicator_score, result_use
from appraisal.cadre.registration_form import CadreSections, cadre_registration
from appraisal.clock import office_time
from appraisal.db import begin_writing
from appraisal.documents.contexts import Context
from appraisal.models import AssessmentScore, CadreRegistration, Cycle, Person, Result
from appraisal.models.base import utcnow
from appraisal.models.cadre import (
    COMMENT_LIMIT,
    COMMITTEE_LIMIT,
    OPINION_LIMIT,
    SUMMARY_LIMIT,
)
from appraisal.models.vocab import Grade, Stage
from appraisal.scheme import Scheme, parse_scheme
from appraisal.sheets.values import clean_prose
from appraisal.stages import STAGE_ORDER
from appraisal.store.changes import AuditLog
from appraisal.store.cycle_data import cycle_view, person_view, result_views
from appraisal.store.cycles import cycle_people
from appraisal.store.links import BY_LINK

ENTITY = "cadre_registration"
ASSESSMENT_ENTITY = "assessment_score"  # the 组织考核 total the indicators make, as logged there
BY_STAFF = "工作人员录入"
# Section names as staff read them, in the form's order.
SUMMARY, COMMENT, COMMITTEE, OPINION = "个人总结", "主管领导评语", "考核委员会意见", "本人意见"
SECTIONS = (SUMMARY, COMMENT, COMMITTEE, OPINION)


class CadreError(ValueError):
    """A section that cannot be recorded, with the reason naming the person or the field."""


@dataclass(frozen=True)
class RegistrationRow:
    """One cadre of the cycle as the staff page and `cadre list` show them."""

    code: str
    name: str
    employer: str
    post: str
    form: CadreRegistration | None
    grade: Grade | None  # the cycle's result, after the quota and 审定
    use: str  # 考核结果运用 for that grade

    def done(self, section: str) -> bool:
        f = self.form
        if f is None:
            return False
        return {
            SUMMARY: f.summary_at is not None,
            COMMENT: f.comment_at is not None,
            COMMITTEE: f.committee_at is not None,
            OPINION: f.opinion_at is not None,
        }[section]


def cadre_scheme(cycle: Cycle) -> Scheme:
    """The cycle's stored scheme; refused unless it is a cadre scheme (it has [cadre])."""
    scheme = parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}")
    if scheme.cadre is None:
        raise CadreError(
            f"第{cycle.id}号考核周期“{cycle.name}”的方案（{scheme.name}）不是干部年度考核方案，"
            "没有年度考核登记表 / not a cadre cycle"
        )
    return scheme


def _person(session: Session, cycle: Cycle, code: str) -> Person:
    assert cycle.id is not None
    found = cycle_people(session, cycle.id, [code.strip()])
    if not found:
        raise CadreError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in cycle")
    return found[0]


def _form(session: Session, cycle: Cycle, person: Person) -> CadreRegistration:
    row = session.exec(
        select(CadreRegistration).where(
            CadreRegistration.cycle_id == cycle.id, CadreRegistration.person_id == person.id
        )
    ).first()
    if row is None:
        assert cycle.id is not None and person.id is not None
        row = CadreRegistration(cycle_id=cycle.id, person_id=person.id)
    return row


def _text(label: str, text: str, limit: int, required: bool = True) -> str:
    clean = clean_prose(text)
    if required and not clean:
        raise CadreError(f"{label} 必填 / {label} is required")
    if len(clean) > limit:
        raise CadreError(f"{label} 太长：{len(clean)} 个字符，最多 {limit} 个 / too long")
    return clean


def _open(cycle: Cycle, section: str) -> None:
    """The sections the committee grades from close when 审定 is over: a later change would
    alter a signed result without anyone deciding it again."""
    if STAGE_ORDER.index(cycle.stage) > STAGE_ORDER.index(Stage.APPROVAL):
        raise CadreError(f"本周期审定已经完成，{section}不能再录入或修改 / approval is over")


def _write(
    session: Session,
    form: CadreRegistration,
    person: Person,
    cycle: Cycle,
    section: str,
    after: dict[str, object],
    *,
    actor: str,
    reason: str,
    at_field: str,
) -> dict[str, tuple[object, object]]:
    """Set `after` on the form; a section already on record changes only with a reason."""
    before = {f: getattr(form, f) for f in after}
    diff = {f: (before[f], v) for f, v in after.items() if before[f] != v}
    if not diff:
        return {}
    recorded = getattr(form, at_field) is not None
    why = reason.strip()[:1024]
    if recorded and not why:
        raise CadreError(f"{person.code} 的{section}已有记录，修改须说明依据 / reason required")
    for f, v in after.items():
        setattr(form, f, v)
    setattr(form, at_field, utcnow())
    session.add(form)
    log = AuditLog(actor)
    key = f"{person.code}/{cycle.year}"
    for f, (old, new) in diff.items():
        log.record(ENTITY, key, f"{section}.{f}", old, new, why or f"录入{section}")
    log.write(session)
    session.flush()
    return diff


def record_summary(
    session: Session, *, cycle: Cycle, code: str, text: str, actor: str,
    by_link: bool = False, reason: str = "",
) -> dict[str, tuple[object, object]]:  # fmt: skip
    """个人总结, written by the person (`by_link`) or entered by staff from the paper form."""
    begin_writing(session)
    cadre_scheme(cycle)
    _open(cycle, SUMMARY)
    person = _person(session, cycle, code)
    form = _form(session, cycle, person)
    after: dict[str, object] = {
        "summary": _text(SUMMARY, text, SUMMARY_LIMIT),
        "summary_channel": BY_LINK if by_link else BY_STAFF,
        "summary_by": actor[:64],
    }
    return _write(session, form, person, cycle, SUMMARY, after, actor=actor, reason=reason,
                  at_field="summary_at")  # fmt: skip


def record_comment(
    session: Session, *, cycle: Cycle, code: str, text: str, commenter: str,
    proposed: str, actor: str, reason: str = "",
) -> dict[str, tuple[object, object]]:  # fmt: skip
    """主管领导评语 and 考核等次建议, entered by staff."""
    begin_writing(session)
    scheme = cadre_scheme(cycle)
    _open(cycle, COMMENT)
    person = _person(session, cycle, code)
    scale = [g.grade for g in scheme.grades]
    grade = next((g for g in scale if g.value == proposed.strip()), None)
    if grade is None:
        raise CadreError(
            f"建议等次应为 {'、'.join(g.value for g in scale)} 之一，不是“{proposed.strip()}”"
        )
    who = _text("主管领导", commenter, 64)
    form = _form(session, cycle, person)
    after: dict[str, object] = {
        "comment": _text(COMMENT, text, COMMENT_LIMIT),
        "commenter": who,
        "proposed_grade": grade,
        "comment_by": actor[:64],
    }
    return _write(session, form, person, cycle, COMMENT, after, actor=actor, reason=reason,
                  at_field="comment_at")  # fmt: skip


def record_committee(
    session: Session, *, cycle: Cycle, code: str, text: str, ratings: dict[str, float],
    actor: str, reason: str = "",
) -> dict[str, tuple[object, object]]:  # fmt: skip
    """考核委员会意见 and its ratings of the scheme's indicators; their weighted sum is written
    as the person's 组织考核 total for the cycle's year (audited there too)."""
    begin_writing(session)
    scheme = cadre_scheme(cycle)
    _open(cycle, COMMITTEE)
    person = _person(session, cycle, code)
    try:
        made = indicator_score(scheme, ratings)
    except (ValueError, CadreRulesMissing) as exc:
        raise CadreError(f"{person.code}：{exc}") from None
    form = _form(session, cycle, person)
    after: dict[str, object] = {
        "committee": _text(COMMITTEE, text, COMMITTEE_LIMIT),
        "indicators": {name: float(value) for name, value in ratings.items()},
        "committee_by": actor[:64],
    }
    diff = _write(session, form, person, cycle, COMMITTEE, after, actor=actor, reason=reason,
                  at_field="committee_at")  # fmt: skip
    if diff:
        _set_org_total(session, person, cycle.year, float(made.score), actor, made.line)
    return diff


def _set_org_total(
    session: Session, person: Person, year: int, total: float, actor: str, why: str
) -> None:
    assert person.id is not None
    row = session.exec(
        select(AssessmentScore).where(
            AssessmentScore.person_id == person.id, AssessmentScore.year == year
        )
    ).first()
    before = None if row is None else row.score
    if row is None:
        row = AssessmentScore(person_id=person.id, year=year)
    if before == total:
        return
    row.score = total
    session.add(row)
    log = AuditLog(actor)
    log.record(ASSESSMENT_ENTITY, f"{person.code}/{year}", "score", before, total, why)
    log.write(session)
    session.flush()


def record_opinion(
    session: Session, *, cycle: Cycle, code: str, agrees: bool, text: str, actor: str,
    by_link: bool = False, reason: str = "",
) -> dict[str, tuple[object, object]]:  # fmt: skip
    """本人意见: 同意 or 不同意 the decided grade, and what the person adds (needed when they
    disagree). Taken once the cycle has a result for them."""
    begin_writing(session)
    cadre_scheme(cycle)
    person = _person(session, cycle, code)
    if _grade(session, cycle, person) is None:
        raise CadreError(f"{person.code} 尚无考核等次，本人意见待情况通报时填写 / no result yet")
    words = _text(OPINION, text, OPINION_LIMIT, required=not agrees)
    form = _form(session, cycle, person)
    after: dict[str, object] = {
        "agrees": agrees,
        "opinion": words,
        "opinion_channel": BY_LINK if by_link else BY_STAFF,
        "opinion_by": actor[:64],
    }
    return _write(session, form, person, cycle, OPINION, after, actor=actor, reason=reason,
                  at_field="opinion_at")  # fmt: skip


def _grade(session: Session, cycle: Cycle, person: Person) -> Grade | None:
    found = session.exec(
        select(Result.grade).where(Result.cycle_id == cycle.id, Result.person_id == person.id)
    ).first()
    return Grade(found) if found else None


def registration(session: Session, cycle: Cycle, code: str) -> RegistrationRow:
    person = _person(session, cycle, code)
    return _rows(session, cycle, [person])[0]


def registration_rows(session: Session, cycle: Cycle) -> list[RegistrationRow]:
    """Every cadre of the cycle in code order, with their form's sections and result."""
    assert cycle.id is not None
    return _rows(session, cycle, cycle_people(session, cycle.id))


def _rows(session: Session, cycle: Cycle, people: list[Person]) -> list[RegistrationRow]:
    scheme = cadre_scheme(cycle)
    ids = [p.id for p in people]
    forms = {
        f.person_id: f
        for f in session.exec(
            select(CadreRegistration).where(
                CadreRegistration.cycle_id == cycle.id, col(CadreRegistration.person_id).in_(ids)
            )
        )
    }
    grades: dict[int, Grade] = {
        pid: Grade(g)
        for pid, g in session.exec(
            select(Result.person_id, Result.grade).where(
                Result.cycle_id == cycle.id, col(Result.person_id).in_(ids)
            )
        )
        if g
    }
    return [
        RegistrationRow(
            p.code,
            p.name,
            p.employer,
            p.post,
            forms.get(p.id or 0),
            grades.get(p.id or 0),
            result_use(scheme, grades.get(p.id or 0)),
        )
        for p in sorted(people, key=lambda p: p.code)
    ]


def summary_open(cycle: Cycle) -> bool:
    return STAGE_ORDER.index(cycle.stage) <= STAGE_ORDER.index(Stage.APPROVAL)


def when(at: datetime | None) -> str:
    """A section's time as pages and the CLI print it: Beijing time, where the staff are."""
    return "" if at is None else f"{office_time(at):%Y-%m-%d %H:%M}"


def sections_of(form: CadreRegistration | None) -> CadreSections:
    """A form's sections as plain values for the 登记表 (empty before anything is recorded)."""
    if form is None:
        return CadreSections()
    return CadreSections(
        summary=form.summary,
        comment=form.comment,
        commenter=form.commenter,
        proposed=form.proposed_grade.value if form.proposed_grade else "",
        committee=form.committee,
        indicators=dict(form.indicators),
        agrees=form.agrees,
        opinion=form.opinion,
    )


def registration_contexts(
    session: Session, cycle: Cycle, codes: Collection[str] | None = None
) -> dict[str, Context]:
    """Each cadre's 年度考核登记表 context by code (文档编号 and 二维码 are the planner's): what
    the evaluation stage of a cadre cycle fills the template with."""
    assert cycle.id is not None
    scheme = cadre_scheme(cycle)
    people = cycle_people(session, cycle.id, codes)
    rows = {r.code: r for r in _rows(session, cycle, people)}
    results = result_views(session, cycle.id, codes)
    view = cycle_view(cycle)
    return {
        p.code: cadre_registration(
            view, person_view(p), sections_of(rows[p.code].form), results.get(p.code), scheme
        )
        for p in people
    }

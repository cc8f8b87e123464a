"""Read a cycle out of the database as the plain values the pure core works on."""

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlmodel import Session, col, select

from appraisal.ballot_sheets import DEFAULT_RATER_GROUPS, rater_groups
from appraisal.documents.views import (
    CycleView,
    EntryLine,
    Office,
    PersonView,
    Procedure,
    ResultView,
    TalkLine,
    TallyRow,
)
from appraisal.models import (
    AssessmentScore,
    BallotTally,
    Cycle,
    CycleMember,
    DutyRecord,
    Finding,
    GradeApproval,
    Person,
    PersonEntry,
    Result,
)
from appraisal.models.vocab import Band, Decision, EntryKind, RaterGroup
from appraisal.person_fields import plain_values
from appraisal.scheme import Scheme
from appraisal.scheme.checks import nominating_bodies
from appraisal.scoring import DutyItem, FindingItem, PersonInput, Tally, score_ballots
from appraisal.stages import STAGE_ORDER, stage_name
from appraisal.store.changes import chunks
from appraisal.store.cycles import cycle_people
from appraisal.store.holds import held_person_ids
from appraisal.store.reports import missing_findings
from appraisal.store.talks import talks_by_code


def cycle_view(cycle: Cycle) -> CycleView:
    assert cycle.id is not None
    return CycleView(
        id=cycle.id,
        name=cycle.name,
        kind=cycle.kind.value,
        year=cycle.year,
        office=Office.from_dict(cycle.office),
    )


def bodies(scheme: Scheme) -> list[tuple[str, str]]:
    """The nominating bodies 动员部署 writes to, (name, field), in the scheme's order."""
    return list(nominating_bodies(scheme).items())


def procedure(scheme: Scheme) -> Procedure:
    """What 动员部署 tells the bodies: the scheme's nomination rules and stage time limits."""
    rules = scheme.nomination
    return Procedure(
        min_age=rules.min_age if rules else 0,
        max_age=tuple((t.value, a) for t, a in rules.max_age.items()) if rules else (),
        categories=tuple(rules.categories) if rules else (),
        days=tuple(
            (stage_name(s), scheme.deadlines[s]) for s in STAGE_ORDER if s in scheme.deadlines
        ),
    )


def person_view(p: Person) -> PersonView:
    return PersonView(**plain_values(p))


def people_views(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> list[PersonView]:
    return [person_view(p) for p in cycle_people(session, cycle_id, codes)]


def careers(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> dict[str, list[EntryLine]]:
    """The members' 简历 (or those in `codes`'), by 编号, each in date order."""
    members = _members(session, cycle_id, codes)
    found: dict[str, list[EntryLine]] = defaultdict(list)
    query = (
        select(PersonEntry)
        .where(col(PersonEntry.kind) == EntryKind.CAREER, col(PersonEntry.person_id).in_(members))
        .order_by(col(PersonEntry.person_id), col(PersonEntry.started_on), col(PersonEntry.id))
    )
    for e in session.exec(query):
        found[members[e.person_id].code].append(EntryLine(e.started_on, e.ended_on, e.text))
    return dict(found)


def talks(
    session: Session, cycle_id: int, year: int, codes: Collection[str] | None = None
) -> dict[str, list[TalkLine]]:
    """The talks held in `year` with the members (or those in `codes`), by 编号, in date order."""
    return talks_by_code(session, cycle_people(session, cycle_id, codes), year)


def _members(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> dict[int, Person]:
    return {p.id: p for p in cycle_people(session, cycle_id, codes) if p.id is not None}


def _tallies(session: Session, year: int, members: dict[int, Person]) -> dict[int, list[Tally]]:
    out: dict[int, list[Tally]] = defaultdict(list)
    query = (
        select(BallotTally)
        .where(BallotTally.year == year, col(BallotTally.person_id).in_(members))
        .order_by(col(BallotTally.person_id), col(BallotTally.rater_group))
    )
    for t in session.exec(query):
        out[t.person_id].append(
            Tally(
                rater_group=t.rater_group,
                due=t.due,
                issued=t.issued,
                returned=t.returned,
                excellent=t.excellent,
                competent=t.competent,
                basic=t.basic,
                incompetent=t.incompetent,
                abstain=t.abstain,
            )
        )
    return out


def _tally_sources(
    session: Session, year: int, person_ids: Collection[int]
) -> list[tuple[int, str, str | None]]:
    """(person id, rater group's word, the sheet whose count made it or None) of each tally."""
    out: list[tuple[int, str, str | None]] = []
    for part in chunks(sorted(person_ids)):
        query = select(BallotTally.person_id, BallotTally.rater_group, BallotTally.sheet_id).where(
            BallotTally.year == year, col(BallotTally.person_id).in_(part)
        )
        out += [(pid, RaterGroup(g).value, sheet) for pid, g, sheet in session.exec(query)]
    return out


def rater_groups_by_code(
    session: Session, cycle: Cycle, defaults: Sequence[str] = DEFAULT_RATER_GROUPS
) -> dict[str, list[str]]:
    """The rater groups that assess each member, by 编号 (appraisal/ballot_sheets.py has the
    rule), from a light read of everyone's tallies: what the 民主测评票 sheets list."""
    cycle_id = cycle.id or 0
    ids = {
        pid or 0: code
        for pid, code in session.exec(
            select(Person.id, Person.code)
            .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
            .where(CycleMember.cycle_id == cycle_id)
        )
    }
    tallied: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for pid, group, sheet in sorted(_tally_sources(session, cycle.year, list(ids))):
        tallied[pid].append((group, sheet is not None))
    return {code: rater_groups(tallied.get(pid, ()), defaults) for pid, code in ids.items()}


def tally_rows(
    session: Session, cycle: Cycle, scheme: Scheme, codes: Collection[str] | None = None
) -> tuple[dict[str, list[TallyRow]], dict[str, float | None]]:
    """Each person's tallies with their verdicts, and their 民主测评 score, for the tally sheet
    (everyone's, or only those in `codes`)."""
    members = _members(session, cycle.id or 0, codes)
    rows: dict[str, list[TallyRow]] = {}
    scores: dict[str, float | None] = {}
    counted = {
        (pid, group)
        for pid, group, sheet in _tally_sources(session, cycle.year, list(members))
        if sheet is not None
    }
    for pid, tallies in _tallies(session, cycle.year, members).items():
        code = members[pid].code
        result = score_ballots(scheme.ballots, tallies, scheme.decimals)
        rows[code] = [
            TallyRow(
                rater_group=t.rater_group.value,
                due=t.due,
                issued=t.issued,
                returned=t.returned,
                valid_votes=t.valid_votes,
                excellent=t.excellent,
                competent=t.competent,
                basic=t.basic,
                incompetent=t.incompetent,
                abstain=t.abstain,
                score=g.score,
                valid=g.valid,
                reason=g.reason,
                from_sheet=(pid, t.rater_group.value) in counted,
            )
            for t, g in zip(tallies, result.groups, strict=True)
        ]
        scores[code] = result.score
    return rows, scores


def scoring_inputs(
    session: Session, cycle: Cycle, codes: Collection[str] | None = None
) -> list[PersonInput]:
    """What the engine scores each member (or those in `codes`) on: the year's records."""
    members = _members(session, cycle.id or 0, codes)
    history = _previous_bands(session, cycle, list(members))
    missing = missing_findings(session, cycle, list(members.values()))
    return _inputs(session, members, cycle.year, history, missing)


def people_inputs(session: Session, people: Collection[Person], year: int) -> list[PersonInput]:
    """The same for people not yet in a cycle (earlier cycles' bands left out), to check before
    a cycle starts that the scheme can grade them."""
    return _inputs(session, {p.id: p for p in people if p.id is not None}, year, {})


def _inputs(
    session: Session,
    members: dict[int, Person],
    year: int,
    history: dict[int, list[Band]],
    missing: dict[int, FindingItem] | None = None,
) -> list[PersonInput]:
    ids = list(members)
    duties: dict[int, list[DutyItem]] = defaultdict(list)
    for d in session.exec(
        select(DutyRecord)
        .where(DutyRecord.year == year, col(DutyRecord.person_id).in_(ids))
        .order_by(col(DutyRecord.person_id), col(DutyRecord.record_key))
    ):
        duties[d.person_id].append(
            DutyItem(
                kind=d.kind,
                role=d.role,
                attendance=d.attendance,
                outcome=d.outcome,
                cosigners=d.cosigners,
                title=d.title,
            )
        )
    org = {
        s.person_id: s
        for s in session.exec(
            select(AssessmentScore).where(
                AssessmentScore.year == year, col(AssessmentScore.person_id).in_(ids)
            )
        )
    }
    findings: dict[int, list[FindingItem]] = defaultdict(list)
    for f in session.exec(
        select(Finding)
        .where(Finding.year == year, col(Finding.person_id).in_(ids))
        .order_by(col(Finding.person_id), col(Finding.item_code))
    ):
        findings[f.person_id].append(FindingItem(f.item_code, f.category, f.effect))
    # No report by the evaluation: the scheme's item, unless a body registered it already.
    for pid, finding in (missing or {}).items():
        if all(f.code != finding.code for f in findings[pid]):
            findings[pid].append(finding)
    tallies = _tallies(session, year, members)
    return [
        PersonInput(
            code=p.code,
            name=p.name,
            tier=p.tier,
            duties=tuple(duties[pid]),
            tallies=tuple(tallies[pid]),
            org_score=org[pid].score if pid in org else None,
            org_ratings=tuple((org[pid].ratings() or {}).items()) if pid in org else (),
            findings=tuple(findings[pid]),
            previous_bands=tuple(history.get(pid, ())),
            employer=p.employer,
            party=p.party,
            sector=p.sector,
        )
        for pid, p in sorted(members.items(), key=lambda kv: kv[1].code)
    ]


def _previous_bands(session: Session, cycle: Cycle, ids: list[int]) -> dict[int, list[Band]]:
    """Bands from earlier cycles of the same kind, oldest first (two A in a row: move up)."""
    out: dict[int, list[Band]] = defaultdict(list)
    query = (
        select(Result.person_id, col(Result.band))
        .join(Cycle, col(Cycle.id) == col(Result.cycle_id))
        .where(
            Cycle.kind == cycle.kind,
            col(Cycle.year) < cycle.year,
            col(Result.person_id).in_(ids),
            col(Result.band).is_not(None),
        )
        .order_by(col(Cycle.year), col(Cycle.id))
    )
    for pid, band in session.exec(query):
        assert band is not None  # the query keeps only results with a band
        out[pid].append(band)
    return out


def result_views(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> dict[str, ResultView]:
    query = (
        select(Result, Person.code, col(CycleMember.decision), GradeApproval)
        .join(Person, col(Person.id) == col(Result.person_id))
        .join(CycleMember, col(CycleMember.person_id) == col(Result.person_id))
        .join(
            GradeApproval,
            (col(GradeApproval.person_id) == col(Result.person_id))
            & (col(GradeApproval.cycle_id) == cycle_id),
            isouter=True,
        )
        .where(Result.cycle_id == cycle_id, CycleMember.cycle_id == cycle_id)
    )
    if codes is not None:
        query = query.where(col(Person.code).in_(list(codes)))
    held = held_person_ids(session, cycle_id)
    return {
        code: result_view(r, decision, approval, r.person_id in held)
        for r, code, decision, approval in session.exec(query)
    }


def result_view(
    r: Result,
    decision: Decision | None = None,
    approval: GradeApproval | None = None,
    held: bool = False,
) -> ResultView:
    """`approval` is the person's 审定 and `held` whether an objection still holds them."""
    approved = approval is not None and not held
    return ResultView(
        points_raw=float(r.detail.get("points", {}).get("total", r.points)),
        points=r.points,
        org_score=r.org_score,
        appraisal_score=r.appraisal_score,
        composite=r.composite,
        grade=r.grade.value if r.grade else None,
        band=r.band.value if r.band else None,
        explanation=tuple(r.explanation),
        actions=tuple(r.actions),
        flagged=r.flagged,
        objection=str(r.detail.get("objection", "")),
        detail=r.detail,
        decision=decision.value if decision else "",
        approved=approved,
        briefed=approved and approval is not None and not approval.after_notification,
    )

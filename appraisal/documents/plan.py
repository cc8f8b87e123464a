"""Plan a stage: every document it produces, with its ID, recipient and context.

Planning is a pure function of the cycle's data, so running a stage again plans the same
documents with the same IDs and the same contexts, and rendering gives the same bytes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from appraisal.documents import contexts
from appraisal.documents.contexts import Context
from appraisal.documents.recipients import (
    SELF,
    RecipientGroup,
    notification_groups,
    solicitation_groups,
)
from appraisal.documents.views import CycleView, PersonView, ResultView, TallyRow
from appraisal.identity import document_id
from models.vocab import Stage

NOMINATION_FORM = "nomination_form"
BALLOT = "assessment_ballot"
TALLY = "assessment_tally"
TALK = "assessment_talk"
EVALUATION_FORM = "evaluation_form"
SOLICITATION_LETTER = "solicitation_letter"
RESULT_NOTICE = "result_notice"
RESULT_BRIEFING = "result_briefing"
DOSSIER_COVER = "dossier_cover"
LETTERS_EXTRACT = "letters_extract"

# The engine fills these templates; a staff folder may replace any of their files.
STAGE_TEMPLATES: dict[Stage, tuple[str, ...]] = {
    Stage.NOMINATION: (NOMINATION_FORM,),
    Stage.ASSESSMENT: (BALLOT, TALLY, TALK),
    Stage.EVALUATION: (EVALUATION_FORM,),
    Stage.SOLICITATION: (SOLICITATION_LETTER,),
    Stage.NOTIFICATION: (RESULT_NOTICE, RESULT_BRIEFING),
}


@dataclass(frozen=True)
class DocumentJob:
    document_id: str
    stage: Stage
    template_id: str
    person_code: str | None
    recipient_kind: str
    recipient_name: str
    needs_signoff: bool
    due_on: date
    context: Context  # includes 文档编号; the QR image is made at render time
    people: tuple[str, ...] = ()  # for letters: the people they concern


@dataclass(frozen=True)
class StageInputs:
    cycle: CycleView
    people: Sequence[PersonView]
    issued_on: date
    due_on: date
    signoff: Mapping[str, bool]  # template id -> whether a signed return is required
    tallies: Mapping[str, Sequence[TallyRow]] = field(default_factory=dict)
    appraisal_scores: Mapping[str, float | None] = field(default_factory=dict)
    results: Mapping[str, ResultView] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    solicit_always: Sequence[str] = ()
    solicit_private: Sequence[str] = ()
    notify: Sequence[str] = ()
    default_rater_groups: Sequence[str] = ("领导班子", "同事")


def _job(
    inputs: StageInputs,
    stage: Stage,
    template_id: str,
    *,
    person: str | None,
    kind: str,
    name: str,
    context: Context,
    people: tuple[str, ...] = (),
    part: int = 0,
) -> DocumentJob:
    # A letter sent whole keeps the ID it had before letters came in parts.
    recipient = f"{kind}/{name}" + (f"/{part}" if part else "")
    doc_id = document_id(
        cycle_id=inputs.cycle.id,
        stage=stage,
        template_id=template_id,
        person_code=person or "",
        recipient=recipient,
    )
    return DocumentJob(
        document_id=doc_id,
        stage=stage,
        template_id=template_id,
        person_code=person,
        recipient_kind=kind,
        recipient_name=name,
        needs_signoff=inputs.signoff.get(template_id, True),
        due_on=inputs.due_on,
        context={**context, "文档编号": doc_id},
        people=people,
    )


def _letter(inputs: StageInputs, number: int) -> Context:
    return contexts.letter_fields(inputs.cycle, inputs.issued_on, inputs.due_on, number)


def _nomination(inputs: StageInputs) -> list[DocumentJob]:
    return [
        _job(
            inputs,
            Stage.NOMINATION,
            NOMINATION_FORM,
            person=p.code,
            kind="推荐单位",
            name=p.unit,
            context=contexts.nomination(inputs.cycle, p),
        )
        for p in inputs.people
    ]


def _assessment(inputs: StageInputs) -> list[DocumentJob]:
    jobs = []
    cycle = inputs.cycle
    for p in inputs.people:
        rows = inputs.tallies.get(p.code, ())
        groups = [r.rater_group for r in rows] or list(inputs.default_rater_groups)
        for group in groups:
            ctx = contexts.ballot(cycle, p, group)
            jobs.append(
                _job(
                    inputs,
                    Stage.ASSESSMENT,
                    BALLOT,
                    person=p.code,
                    kind="测评人",
                    name=group,
                    context=ctx,
                )
            )
        score = inputs.appraisal_scores.get(p.code)
        ctx = contexts.tally(cycle, p, rows, score)
        jobs.append(
            _job(
                inputs,
                Stage.ASSESSMENT,
                TALLY,
                person=p.code,
                kind="考核组组长",
                name="考核组",
                context=ctx,
            )
        )
        ctx = contexts.talk(cycle, p, inputs.results.get(p.code))
        jobs.append(
            _job(
                inputs,
                Stage.ASSESSMENT,
                TALK,
                person=p.code,
                kind="考核组组长",
                name="考核组",
                context=ctx,
            )
        )
    return jobs


def _evaluation(inputs: StageInputs) -> list[DocumentJob]:
    office = inputs.cycle.office.name
    return [
        _job(
            inputs,
            Stage.EVALUATION,
            EVALUATION_FORM,
            person=p.code,
            kind="统战部负责人",
            name=office,
            context=contexts.evaluation(
                inputs.cycle, p, inputs.results[p.code], dict(inputs.weights)
            ),
        )
        for p in inputs.people
    ]


# A letter lists at most this many people. A body concerned with more gets the list in numbered
# parts, each its own document, delivery and return, so no file grows with the cycle: one letter
# listing 10,000 people took LibreOffice 13 minutes and 1,169 pages. The size is part of the
# letters' identity (it decides which part lists whom), so changing it changes their IDs.
LETTER_PEOPLE = 200

LetterBuilder = Callable[[Context, str, Sequence[PersonView], int, str], Context]


def part_label(part: int, parts: int) -> str:
    return "" if parts == 1 else f"（第{part}份，共{parts}份）"


def _letters(
    inputs: StageInputs,
    stage: Stage,
    template_id: str,
    groups: list[RecipientGroup],
    build: LetterBuilder,
    number: int,
) -> list[DocumentJob]:
    by_code = {p.code: p for p in inputs.people}
    letter = _letter(inputs, number)
    jobs = []
    for g in groups:
        starts = range(0, len(g.people), LETTER_PEOPLE)
        for part, start in enumerate(starts, 1):
            codes = g.people[start : start + LETTER_PEOPLE]
            label = part_label(part, len(starts))
            listed = [by_code[c] for c in codes]
            jobs.append(
                _job(
                    inputs,
                    stage,
                    template_id,
                    person=None,
                    kind=g.kind,
                    name=g.name,
                    context=build(letter, g.name, listed, start + 1, label),
                    people=codes,
                    part=part if len(starts) > 1 else 0,
                )
            )
    return jobs


def _solicitation(inputs: StageInputs) -> list[DocumentJob]:
    groups = solicitation_groups(
        inputs.people, always=inputs.solicit_always, private_sector=inputs.solicit_private
    )
    return _letters(
        inputs,
        Stage.SOLICITATION,
        SOLICITATION_LETTER,
        groups,
        contexts.solicitation,
        inputs.cycle.id * 10 + 1,
    )


def _none(inputs: StageInputs) -> list[DocumentJob]:
    return []


def _notices(inputs: StageInputs) -> list[DocumentJob]:
    jobs: list[DocumentJob] = []
    if SELF not in inputs.notify:
        return jobs
    letter = _letter(inputs, inputs.cycle.id * 10 + 2)
    for p in inputs.people:
        ctx = contexts.result_notice(letter, p, inputs.results[p.code], inputs.cycle.year)
        jobs.append(
            _job(
                inputs,
                Stage.NOTIFICATION,
                RESULT_NOTICE,
                person=p.code,
                kind=SELF,
                name=p.name,
                context=ctx,
            )
        )
    return jobs


def _briefings(inputs: StageInputs) -> list[DocumentJob]:
    results = dict(inputs.results)
    return _letters(
        inputs,
        Stage.NOTIFICATION,
        RESULT_BRIEFING,
        notification_groups(inputs.people, inputs.notify),
        lambda letter, name, people, first, label: contexts.briefing(
            letter, name, people, results, first, label
        ),
        inputs.cycle.id * 10 + 3,
    )


# Documents about one person each: planned for any slice of the people on its own.
PERSON_PLANNERS = {
    Stage.NOMINATION: _nomination,
    Stage.ASSESSMENT: _assessment,
    Stage.EVALUATION: _evaluation,
    Stage.SOLICITATION: _none,
    Stage.NOTIFICATION: _notices,
}
# Letters to bodies, each about several people: planned over everyone at once.
LETTER_PLANNERS = {
    Stage.SOLICITATION: _solicitation,
    Stage.NOTIFICATION: _briefings,
}


def has_letters(stage: Stage) -> bool:
    return stage in LETTER_PLANNERS


def plan_people(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """The documents about each of `inputs.people`, person by person, in a stable order."""
    return PERSON_PLANNERS[stage](inputs)


def plan_letters(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """The letters to bodies; `inputs.people` must be everyone in the cycle."""
    return LETTER_PLANNERS.get(stage, _none)(inputs)


def plan_stage(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """Every document of `stage`, in a stable order."""
    return plan_people(stage, inputs) + plan_letters(stage, inputs)

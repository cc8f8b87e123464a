"""Plan a stage: every document it produces, with its ID, recipient and context.

Planning is a pure function of the cycle's data, so running a stage again plans the same
documents with the same IDs and the same contexts, and rendering gives the same bytes.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from appraisal.ballot_sheets import DEFAULT_RATER_GROUPS, group_order, rater_groups, tally_ready
from appraisal.documents import contexts, duty_contexts
from appraisal.documents.contexts import Context
from appraisal.documents.recipients import (
    SELF,
    RecipientGroup,
    notification_groups,
    solicitation_groups,
)
from appraisal.documents.views import (
    Affiliation,
    AssessmentView,
    CycleView,
    EntryLine,
    Nominated,
    PersonView,
    Procedure,
    ResultView,
    TalkLine,
    TallyRow,
)
from appraisal.identity import document_id
from appraisal.kinds import (
    CADRE_REGISTRATION,
    DUTY_BRIEFING,
    DUTY_REPORT,
    kind_of,
    own_recipient,
    replaces,
)
from appraisal.models.vocab import CycleKind, Stage
from appraisal.stages import (
    BALLOT,
    EVALUATION_FORM,
    IMPLEMENTATION_PLAN,
    MATERIAL,
    NOMINATION_FORM,
    RESULT_BRIEFING,
    RESULT_NOTICE,
    SOLICITATION_LETTER,
    TALK,
    TALLY,
    WORK_NOTICE,
    template_recipient,
)


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
    solicit_party: Sequence[str] = ()  # asked about members of a democratic party only
    notify: Sequence[str] = ()
    default_rater_groups: Sequence[str] = DEFAULT_RATER_GROUPS
    # The assessment's 民主测评票: the rater groups of everyone in the cycle by 编号 (read for
    # its sheets, which list people across slices), the people each sheet lists at most, the
    # copies of each group's sheets (its raters, when the scheme says), and by 编号 the groups
    # whose sheet listing the person staff waived counting.
    rater_groups: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sheet_people: int = 20
    ballot_copies: Mapping[str, int] = field(default_factory=dict)
    waived_groups: Mapping[str, Collection[str]] = field(default_factory=dict)
    # 简历 by 编号, for the 推荐表 (read for the nomination stage only).
    careers: Mapping[str, Sequence[EntryLine]] = field(default_factory=dict)
    # The accepted nomination by 编号 of those a body proposed: their 推荐表 goes to that body.
    nominated: Mapping[str, Nominated] = field(default_factory=dict)
    # The talks of the cycle's year by 编号, for the 谈心谈话记录表 (assessment stage only).
    talks: Mapping[str, Sequence[TalkLine]] = field(default_factory=dict)
    # 组织考核 by 编号 (a person without is left out) and the scheme's dimension weights, for the
    # 考核材料 (assessment stage only).
    assessments: Mapping[str, AssessmentView] = field(default_factory=dict)
    dimension_weights: Mapping[str, float] = field(default_factory=dict)
    # The nominating bodies the scheme lists, (name, field), in its order, and what 动员部署
    # tells them (read for that stage only).
    bodies: Sequence[tuple[str, str]] = ()
    procedure: Procedure = field(default_factory=Procedure)
    # A cadre cycle's 年度考核登记表 by 编号 (its evaluation only): they take the 综合评价表's
    # place, as appraisal/kinds.py's CADRE profile says.
    cadre_forms: Mapping[str, Context] = field(default_factory=dict)
    # The CPPCC kind's documents (evaluation and notification): by 编号 the year's records
    # counted per category label, and the line naming the rules that gave the points.
    duty_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    rule_source: str = ""


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
    jobs = []
    for p in inputs.people:
        nominated = inputs.nominated.get(p.code)
        career = inputs.careers.get(p.code, ())
        jobs.append(
            _job(
                inputs,
                Stage.NOMINATION,
                NOMINATION_FORM,
                person=p.code,
                kind=template_recipient(NOMINATION_FORM),
                name=nominated.body if nominated else p.unit,
                context=contexts.nomination(inputs.cycle, p, career, nominated),
            )
        )
    return jobs


def person_groups(inputs: StageInputs, code: str) -> list[str]:
    """The rater groups that assess one person (appraisal/ballot_sheets.py has the rule)."""
    rows = inputs.tallies.get(code, ())
    return rater_groups(((r.rater_group, r.from_sheet) for r in rows), inputs.default_rater_groups)


def _assessment(inputs: StageInputs) -> list[DocumentJob]:
    """A person's 民主测评结果汇总表, once every sheet listing them is counted (or its count
    waived), and their 谈心谈话记录表. The 民主测评票 list people and are planned with the
    letters (`_ballot_groups`): before they are counted the stage makes no tally table, and
    running it again afterwards makes them, the rest unchanged."""
    jobs = []
    cycle = inputs.cycle
    for p in inputs.people:
        rows = inputs.tallies.get(p.code, ())
        tallied = {r.rater_group for r in rows}
        waived = inputs.waived_groups.get(p.code, ())
        if tally_ready(person_groups(inputs, p.code), tallied, waived):
            score = inputs.appraisal_scores.get(p.code)
            ctx = contexts.tally(cycle, p, rows, score)
            jobs.append(
                _job(
                    inputs,
                    Stage.ASSESSMENT,
                    TALLY,
                    person=p.code,
                    kind=template_recipient(TALLY),
                    name="考核组",
                    context=ctx,
                )
            )
        ctx = contexts.talk(cycle, p, inputs.talks.get(p.code, ()))
        jobs.append(
            _job(
                inputs,
                Stage.ASSESSMENT,
                TALK,
                person=p.code,
                kind=template_recipient(TALK),
                name="考核组",
                context=ctx,
            )
        )
        ctx = contexts.material(cycle, p, inputs.assessments.get(p.code), inputs.dimension_weights)
        jobs.append(
            _job(
                inputs,
                Stage.ASSESSMENT,
                MATERIAL,
                person=p.code,
                kind=template_recipient(MATERIAL),
                name="考核组",
                context=ctx,
            )
        )
    return jobs


def _ballot_groups(inputs: StageInputs, everyone: Sequence[Affiliation]) -> list[RecipientGroup]:
    """One group per rater group, listing in roster order everyone it assesses: its 民主测评票,
    in sheets of the scheme's length."""
    kind = template_recipient(BALLOT)
    listed: dict[str, list[str]] = {}
    for person in everyone:
        groups = inputs.rater_groups.get(person.code) or person_groups(inputs, person.code)
        for group in groups:
            listed.setdefault(group, []).append(person.code)
    return [
        RecipientGroup(kind, group, tuple(codes))
        for group, codes in sorted(listed.items(), key=lambda item: group_order(item[0]))
    ]


def sheet_label(part: int, parts: int) -> str:
    """第1张，共2张: a sheet's place among its group's (a group's only sheet is part 0)."""
    return f"第{max(part, 1)}张，共{parts}张"


def _ballot(inputs: StageInputs, p: "LetterPart", listed: Sequence[PersonView]) -> Context:
    return contexts.ballot_sheet(
        inputs.cycle,
        p.name,
        listed,
        sheet_label(p.part, p.parts),
        inputs.ballot_copies.get(p.name),
    )


def _cadre_forms(inputs: StageInputs) -> list[DocumentJob]:
    """A cadre cycle's evaluation: each cadre's 年度考核登记表 to the 考核委员会."""
    return [
        _job(
            inputs,
            Stage.EVALUATION,
            CADRE_REGISTRATION,
            person=p.code,
            kind=own_recipient(CycleKind.CADRE, Stage.EVALUATION, CADRE_REGISTRATION),
            name=inputs.cycle.office.name,
            context=dict(inputs.cadre_forms[p.code]),
        )
        for p in inputs.people
    ]


def _evaluation(inputs: StageInputs) -> list[DocumentJob]:
    office = inputs.cycle.office.name
    return [
        _job(
            inputs,
            Stage.EVALUATION,
            EVALUATION_FORM,
            person=p.code,
            kind=template_recipient(EVALUATION_FORM),
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


def part_label(part: int, parts: int) -> str:
    return "" if parts == 1 else f"（第{part}份，共{parts}份）"


@dataclass(frozen=True)
class LetterPart:
    """One letter to one body: everyone the body hears about, or a numbered part of the list."""

    kind: str
    name: str
    people: tuple[str, ...]  # codes, in roster order
    first: int  # the number printed beside the first person listed
    part: int  # 0 for a letter sent whole
    parts: int


def _split(groups: Sequence[RecipientGroup], size: int = LETTER_PEOPLE) -> list[LetterPart]:
    out = []
    for g in groups:
        # A letter about no one (动员部署's) is still one letter.
        starts = range(0, max(len(g.people), 1), size)
        for part, start in enumerate(starts, 1):
            codes = g.people[start : start + size]
            numbered = part if len(starts) > 1 else 0
            out.append(LetterPart(g.kind, g.name, codes, start + 1, numbered, len(starts)))
    return out


Build = Callable[[StageInputs, Context, LetterPart, Sequence[PersonView]], Context]


@dataclass(frozen=True)
class _Letters:
    """How one stage writes to bodies."""

    template_id: str
    number: int  # the 文号 is the cycle's id * 10 + this
    groups: Callable[[StageInputs, Sequence[Affiliation]], list[RecipientGroup]]
    build: Build
    # Documents sent with each letter, each its own document to the same body: (template, how).
    enclosures: tuple[tuple[str, Build], ...] = ()
    # The most people one letter lists (a 民主测评票 sheet: as many as the scheme says).
    size: Callable[[StageInputs], int] = lambda inputs: LETTER_PEOPLE


def nominating_groups(inputs: StageInputs) -> list[RecipientGroup]:
    """One group per nominating body, about no one: 动员部署 writes to bodies, not of people."""
    kind = template_recipient(WORK_NOTICE)
    return [RecipientGroup(kind, name, ()) for name, _ in inputs.bodies]


def _notice(inputs: StageInputs, letter: Context, p: LetterPart) -> Context:
    return contexts.work_notice(
        letter, p.name, inputs.cycle.kind, inputs.procedure, inputs.issued_on, inputs.due_on
    )


def _plan(inputs: StageInputs, letter: Context) -> Context:
    names = [name for name, _ in inputs.bodies]
    return contexts.implementation_plan(
        letter, inputs.procedure, names, inputs.issued_on, inputs.due_on
    )


# Letters to bodies, each about several people (or, for 动员部署, about no one).
LETTERS = {
    Stage.MOBILIZATION: _Letters(
        WORK_NOTICE,
        4,
        lambda inputs, everyone: nominating_groups(inputs),
        lambda inputs, letter, p, listed: _notice(inputs, letter, p),
        enclosures=((IMPLEMENTATION_PLAN, lambda inputs, letter, p, _: _plan(inputs, letter)),),
    ),
    # Not letters to a body but forms of the same shape: a 民主测评票 lists the people one
    # rater group assesses, in sheets as long as the scheme says, each counted on its own.
    Stage.ASSESSMENT: _Letters(
        BALLOT,
        5,
        _ballot_groups,
        lambda inputs, letter, p, listed: _ballot(inputs, p, listed),
        size=lambda inputs: max(1, inputs.sheet_people),
    ),
    Stage.SOLICITATION: _Letters(
        SOLICITATION_LETTER,
        1,
        lambda inputs, everyone: solicitation_groups(
            everyone,
            always=inputs.solicit_always,
            private_sector=inputs.solicit_private,
            party_members=inputs.solicit_party,
        ),
        lambda inputs, letter, p, listed: contexts.solicitation(
            letter, p.name, listed, p.first, part_label(p.part, p.parts)
        ),
    ),
    Stage.NOTIFICATION: _Letters(
        RESULT_BRIEFING,
        3,
        lambda inputs, everyone: notification_groups(everyone, inputs.notify),
        lambda inputs, letter, p, listed: contexts.briefing(
            letter, p.name, listed, inputs.results, p.first, part_label(p.part, p.parts)
        ),
    ),
}


def _none(inputs: StageInputs) -> list[DocumentJob]:
    return []


def _notices(inputs: StageInputs) -> list[DocumentJob]:
    jobs: list[DocumentJob] = []
    if SELF not in inputs.notify:
        return jobs
    letter = _letter(inputs, inputs.cycle.id * 10 + 2)
    for p in inputs.people:
        if inputs.results[p.code].decision or not inputs.results[p.code].approved:
            # 暂缓评定 or 免评: there is no result to notify (the 情况通报 says which); not 审定
            # (an objection holds them): their notice is made once it is
            continue
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


# Documents about one person each: planned for any slice of the people on its own.
PERSON_PLANNERS = {
    Stage.MOBILIZATION: _none,
    Stage.NOMINATION: _nomination,
    Stage.ASSESSMENT: _assessment,
    Stage.EVALUATION: _evaluation,
    Stage.SOLICITATION: _none,
    Stage.APPROVAL: _none,  # 审定 is staff's, on the 审定 page; its 审定表 is written on demand
    Stage.NOTIFICATION: _notices,
}


def _duty_reports(inputs: StageInputs) -> list[DocumentJob]:
    """委员履职情况: one per member, for the 委员联络室负责人 to sign."""
    kind = own_recipient(CycleKind.CPPCC, Stage.EVALUATION, DUTY_REPORT)
    return [
        _job(
            inputs,
            Stage.EVALUATION,
            DUTY_REPORT,
            person=p.code,
            kind=kind,
            name=inputs.cycle.office.name,
            context=duty_contexts.duty_report(
                inputs.cycle,
                p,
                inputs.results[p.code],
                inputs.duty_counts.get(p.code, {}),
                inputs.rule_source,
            ),
        )
        for p in inputs.people
    ]


def _duty_notices(inputs: StageInputs) -> list[DocumentJob]:
    """The member's own 履职情况通报, with their year by category; as for the 结果通知书, none
    for someone staff decided on, or an objection holds."""
    if SELF not in inputs.notify:
        return []
    letter = _letter(inputs, inputs.cycle.id * 10 + 2)
    return [
        _job(
            inputs,
            Stage.NOTIFICATION,
            DUTY_BRIEFING,
            person=p.code,
            kind=SELF,
            name=p.name,
            context=duty_contexts.duty_briefing(
                letter,
                p.name,
                [p],
                inputs.results,
                inputs.duty_counts,
                inputs.rule_source,
                own=True,
            ),
        )
        for p in inputs.people
        if not inputs.results[p.code].decision and inputs.results[p.code].approved
    ]


# What a kind plans at a stage whose templates it replaces (appraisal/kinds.py); a stage it
# replaces and does not list here plans nothing (yet).
KIND_PLANNERS: dict[tuple[CycleKind, Stage], Callable[[StageInputs], list[DocumentJob]]] = {
    (CycleKind.CPPCC, Stage.EVALUATION): _duty_reports,
    (CycleKind.CPPCC, Stage.NOTIFICATION): _duty_notices,
    (CycleKind.CADRE, Stage.EVALUATION): _cadre_forms,
}
KIND_LETTERS: dict[tuple[CycleKind, Stage], _Letters] = {
    # To the member's 推荐单位, 工作单位 and 界别活动组, as the scheme's [recipients] lists them:
    # one letter per unit listing its members.
    (CycleKind.CPPCC, Stage.NOTIFICATION): _Letters(
        DUTY_BRIEFING,
        3,
        lambda inputs, everyone: notification_groups(everyone, inputs.notify),
        lambda inputs, letter, p, listed: duty_contexts.duty_briefing(
            letter,
            p.name,
            listed,
            inputs.results,
            inputs.duty_counts,
            inputs.rule_source,
            first=p.first,
            part=part_label(p.part, p.parts),
        ),
    ),
}


def _person_planner(
    stage: Stage, kind: CycleKind | str
) -> Callable[[StageInputs], list[DocumentJob]]:
    own = kind_of(kind)
    if replaces(own, stage):
        return KIND_PLANNERS.get((own, stage), _none)
    return PERSON_PLANNERS[stage]


def _letters_of(stage: Stage, kind: CycleKind | str) -> _Letters | None:
    own = kind_of(kind)
    if replaces(own, stage):
        return KIND_LETTERS.get((own, stage))
    return LETTERS.get(stage)


def has_letters(stage: Stage, kind: CycleKind | str = CycleKind.NON_PARTY) -> bool:
    return _letters_of(stage, kind) is not None


def has_person_documents(stage: Stage, kind: CycleKind | str = CycleKind.NON_PARTY) -> bool:
    """Whether the stage plans documents about people one by one (not only letters)."""
    return _person_planner(stage, kind) is not _none


def plan_people(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """The documents about each of `inputs.people`, person by person, in a stable order."""
    return _person_planner(stage, inputs.cycle.kind)(inputs)


def letter_parts(
    stage: Stage, inputs: StageInputs, everyone: Sequence[Affiliation]
) -> list[LetterPart]:
    """Every letter of `stage`: to which body, listing whom, in a stable order. `everyone` is
    the whole cycle in roster order; `inputs` is read only for whom the scheme writes to."""
    letters = _letters_of(stage, inputs.cycle.kind)
    return _split(letters.groups(inputs, everyone), letters.size(inputs)) if letters else []


def plan_letter_parts(
    stage: Stage, inputs: StageInputs, parts: Sequence[LetterPart]
) -> list[DocumentJob]:
    """The letters `parts`, planned whole. `inputs.people` and `inputs.results` need hold only
    the people these letters list, so letters can be made a few at a time."""
    letters = _letters_of(stage, inputs.cycle.kind)
    if letters is None:
        return []
    by_code = {p.code: p for p in inputs.people}
    letter = _letter(inputs, inputs.cycle.id * 10 + letters.number)
    templates = ((letters.template_id, letters.build), *letters.enclosures)
    return [
        _job(
            inputs,
            stage,
            template_id,
            person=None,
            kind=p.kind,
            name=p.name,
            context=build(inputs, letter, p, [by_code[c] for c in p.people]),
            people=p.people,
            part=p.part,
        )
        for p in parts
        for template_id, build in templates
    ]


def letter_batches(parts: Sequence[LetterPart], names: int) -> list[list[LetterPart]]:
    """The letters in runs of consecutive ones that list at most `names` people in all (a
    letter listing more goes alone), so they can be made a run at a time."""
    batches: list[list[LetterPart]] = []
    listed = 0
    for part in parts:
        if batches and listed + len(part.people) <= names:
            batches[-1].append(part)
            listed += len(part.people)
        else:
            batches.append([part])
            listed = len(part.people)
    return batches


def plan_letters(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """The letters to bodies; `inputs.people` must be everyone in the cycle."""
    everyone = [Affiliation.of(p) for p in inputs.people]
    return plan_letter_parts(stage, inputs, letter_parts(stage, inputs, everyone))


def plan_stage(stage: Stage, inputs: StageInputs) -> list[DocumentJob]:
    """Every document of `stage`, in a stable order."""
    return plan_people(stage, inputs) + plan_letters(stage, inputs)

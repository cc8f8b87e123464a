"""The stages of a cycle, declared once: what each is called, how its documents are named, which
templates it fills and who receives them.

Adding a stage means adding a `Stage` value (models/vocab.py, stored in the data), a row here,
its templates (templates/manifest.toml) and a planner; tests/test_stages.py names whatever else
disagrees with this table.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from appraisal.models.vocab import Stage

# Template ids, as templates/manifest.toml names them.
WORK_NOTICE = "work_notice"
IMPLEMENTATION_PLAN = "implementation_plan"
NOMINATION_FORM = "nomination_form"
NOMINATION_SUMMARY = "nomination_summary"
BALLOT = "assessment_ballot"
TALLY = "assessment_tally"
TALK = "assessment_talk"
MATERIAL = "assessment_material"
EVALUATION_FORM = "evaluation_form"
SOLICITATION_LETTER = "solicitation_letter"
APPROVAL_TABLE = "approval_table"
RESULT_NOTICE = "result_notice"
RESULT_BRIEFING = "result_briefing"
REVIEW_DECISION = "review_decision"
DOSSIER_COVER = "dossier_cover"
LETTERS_EXTRACT = "letters_extract"
POOL_ADJUSTMENT = "pool_adjustment"
INFORMATION_FORM = "information_form"


@dataclass(frozen=True)
class StageTemplate:
    id: str
    # Who receives the document and, when the manifest asks for a sign-off, signs it. A kind of
    # reviewer, as the portal and the mail know them; letters go to the bodies the scheme names
    # and this only describes them.
    recipient: str


@dataclass(frozen=True)
class StageSpec:
    stage: Stage
    code: str  # the stage's part of a document ID (AP-0007-EV-...); "" for one making none
    name: str  # what staff read in the portal, the mail and the register: 提名推荐
    # A working stage's section in a dossier's 目录, and its word in the archive's titles: 推荐
    title: str = ""
    templates: tuple[StageTemplate, ...] = ()
    # Written when staff ask at this stage (a 汇总表, an 审批表: one per cycle; a 复核决定书: one
    # per person who asked): never planned, sent or waited for.
    on_demand: tuple[StageTemplate, ...] = ()
    # A working stage plans documents to be signed and waits at a gate for their returns.
    work: bool = False
    takes_reply: bool = False  # its letters come back with 无异议 / 有异议

    @property
    def template_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.templates)


# In the order a cycle goes through them. The codes are printed on every document and read back
# from scans: changing one changes every ID of that stage.
STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        Stage.MOBILIZATION,
        code="DB",  # 动部; Crockford base32 has no I, L, O, U
        name="动员部署",
        title="动员部署",
        # To each nominating body the scheme lists ([nomination] bodies): the 工作通知, whose
        # 回执 the gate waits for, and the 实施方案 it encloses, for reading.
        templates=(
            StageTemplate(WORK_NOTICE, "推荐单位"),
            StageTemplate(IMPLEMENTATION_PLAN, "推荐单位"),
        ),
        work=True,
    ),
    StageSpec(
        Stage.NOMINATION,
        code="NM",
        name="提名推荐",
        title="推荐",
        templates=(StageTemplate(NOMINATION_FORM, "推荐单位"),),
        # The nominations staff decided (appraisal/store/nomination_files.py).
        on_demand=(StageTemplate(NOMINATION_SUMMARY, "统战部"),),
        work=True,
    ),
    StageSpec(
        Stage.ASSESSMENT,
        code="AS",
        name="组织考核",
        title="考核",
        templates=(
            StageTemplate(BALLOT, "测评人"),
            StageTemplate(TALLY, "考核组组长"),
            StageTemplate(TALK, "考核组组长"),
            # The four dimension ratings and the written 考核材料 (store/assessment.py).
            StageTemplate(MATERIAL, "考核组组长"),
        ),
        work=True,
    ),
    StageSpec(
        Stage.EVALUATION,
        code="EV",
        name="综合评价",
        title="综合评价",
        templates=(StageTemplate(EVALUATION_FORM, "统战部负责人"),),
        work=True,
    ),
    StageSpec(
        Stage.SOLICITATION,
        code="ZQ",  # 征求; Crockford base32 has no O
        name="征求意见",
        title="征求意见",
        templates=(StageTemplate(SOLICITATION_LETTER, "征求意见单位"),),
        work=True,
        takes_reply=True,
    ),
    StageSpec(
        Stage.APPROVAL,
        code="SD",  # 审定
        name="审定",
        title="审定",
        # Nothing is sent: the 审核 confirms or adjusts each grade (appraisal/store/approvals.py)
        # and the gate waits for everyone not held by an objection. The 审定表 is written once
        # they have, for the heads of 组织部 and 统战部 to sign.
        on_demand=(StageTemplate(APPROVAL_TABLE, "组织部、统战部负责人"),),
        work=True,
    ),
    StageSpec(
        Stage.NOTIFICATION,
        code="NT",
        name="情况通报",
        title="结果通知",
        templates=(
            StageTemplate(RESULT_NOTICE, "本人"),
            StageTemplate(RESULT_BRIEFING, "通报单位"),
        ),
        # One person's 复核决定书, once staff decide their request (appraisal/reviewing.py).
        on_demand=(StageTemplate(REVIEW_DECISION, "本人"),),
        work=True,
    ),
    StageSpec(
        Stage.ARCHIVE,
        code="AR",
        name="归档",
        templates=(
            StageTemplate(DOSSIER_COVER, "档案室"),
            StageTemplate(LETTERS_EXTRACT, "档案室"),
        ),
        # Once the pool adjustment is approved (appraisal/store/pool_files.py).
        on_demand=(StageTemplate(POOL_ADJUSTMENT, "审核人"),),
    ),
    StageSpec(Stage.DONE, code="", name="完成"),
)

_BY_STAGE: dict[Stage, StageSpec] = {s.stage: s for s in STAGES}


def stage_spec(stage: Stage) -> StageSpec:
    return _BY_STAGE[stage]


def takes_reply(stage: Stage) -> bool:
    return _BY_STAGE[stage].takes_reply


def on_demand_template(template_id: str) -> tuple[Stage, StageTemplate]:
    """The stage that lists `template_id` among its on-demand documents, and its row."""
    return _ON_DEMAND[template_id]


def template_recipient(template_id: str) -> str:
    """Who receives the documents of `template_id` (see `StageTemplate.recipient`)."""
    return _RECIPIENTS[template_id]


_RECIPIENTS: dict[str, str] = {t.id: t.recipient for s in STAGES for t in s.templates}
_ON_DEMAND: dict[str, tuple[Stage, StageTemplate]] = {
    t.id: (s.stage, t) for s in STAGES for t in s.on_demand
}

# Views of the table in the shapes its readers use.
STAGE_ORDER: tuple[Stage, ...] = tuple(s.stage for s in STAGES)
WORK_STAGES: tuple[Stage, ...] = tuple(s.stage for s in STAGES if s.work)
STAGE_NAMES: Mapping[Stage, str] = {s.stage: s.name for s in STAGES}
STAGE_CODES: Mapping[Stage, str] = {s.stage: s.code for s in STAGES if s.code}
# Only working stages have a section in a dossier, in this order.
STAGE_TITLES: Mapping[Stage, str] = {s.stage: s.title for s in STAGES if s.work}
DOCUMENT_STAGES: tuple[Stage, ...] = tuple(STAGE_CODES)


def stage_name(stage: Stage | str) -> str:
    """What staff read for a stage given as a `Stage` or its key ("nomination" → 提名推荐); an
    unknown key is returned as it is."""
    if stage == PEOPLE:
        return PEOPLE_NAME
    try:
        return _BY_STAGE[Stage(stage)].name
    except ValueError:
        return str(stage)


# Templates no stage fills: staff render them for one person when they need them, outside any
# cycle. The manifest gives them this key where a stage's templates give the stage's.
PEOPLE = "people"
PEOPLE_NAME = "人员信息"
PEOPLE_TEMPLATES: tuple[StageTemplate, ...] = (StageTemplate(INFORMATION_FORM, "本人"),)

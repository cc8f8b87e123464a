"""What a cycle's kind decides: the scheme it starts with, the stages it goes through, the
templates each stage fills (and who receives them), and whether its members need a 十百千 tier.

The 党外 cycle is the one stages.py describes in full; the other kinds walk a subset of those
stages and put their own templates in place of some. A kind is chosen when a cycle starts and
stored on it, so a cycle's profile never changes under it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from appraisal.models.vocab import CycleKind, Stage
from appraisal.stages import RESULT_NOTICE, STAGE_ORDER, WORK_STAGES, StageTemplate, stage_spec

# Template ids of the other kinds, as templates/manifest.toml names them.
DUTY_REPORT = "duty_report"  # 委员履职情况: one per member, at the evaluation
DUTY_BRIEFING = "duty_briefing"  # 履职情况通报: to the member and the units told of it
CADRE_REGISTRATION = "cadre_registration"  # 年度考核登记表 (公务员/干部年度考核)
# What tells a person their own result, in any kind: made for them alone (a DUTY_BRIEFING to a
# unit is the same template but about no one person, so a reader also checks the person).
PERSONAL_NOTICES = (RESULT_NOTICE, DUTY_BRIEFING)


@dataclass(frozen=True)
class KindProfile:
    kind: CycleKind
    scheme: str  # the stem of its scheme file in appraisal/schemes/
    # The working stages, in order; archive and done follow them in every kind.
    stages: tuple[Stage, ...]
    # Per stage, the templates that replace stages.py's for this kind.
    templates: Mapping[Stage, tuple[StageTemplate, ...]] = field(default_factory=dict)
    needs_tier: bool = False
    summary: str = ""  # one line staff read when they choose the kind
    dossier_title: str = "考核评价档案"  # what a member's sealed dossier's cover is called
    # Whether starting a cycle runs its first stage. A 政协 year's cycle is opened at the start
    # of the year: departments record duties and members see their points and claim through it
    # (claims close when the evaluation runs), and staff advance it at the year's end.
    runs_at_start: bool = True

    @property
    def order(self) -> tuple[Stage, ...]:
        return (*self.stages, Stage.ARCHIVE, Stage.DONE)


PROFILES: Mapping[CycleKind, KindProfile] = {
    CycleKind.NON_PARTY: KindProfile(
        CycleKind.NON_PARTY,
        scheme="default",
        stages=WORK_STAGES,
        needs_tier=True,
        summary="党外代表人士综合评价：提名推荐、组织考核、综合评价、征求意见、审定、情况通报",
    ),
    CycleKind.CPPCC: KindProfile(
        CycleKind.CPPCC,
        scheme="cppcc",
        stages=(Stage.EVALUATION, Stage.APPROVAL, Stage.NOTIFICATION),
        templates={
            Stage.EVALUATION: (StageTemplate(DUTY_REPORT, "委员联络室负责人"),),
            Stage.NOTIFICATION: (StageTemplate(DUTY_BRIEFING, "本人"),),
        },
        summary="政协委员年度履职评价：履职积分、委员履职情况、履职情况通报",
        dossier_title="政协委员年度履职档案",
        runs_at_start=False,
    ),
    CycleKind.CADRE: KindProfile(
        CycleKind.CADRE,
        scheme="cadre",
        stages=(Stage.ASSESSMENT, Stage.EVALUATION, Stage.APPROVAL, Stage.NOTIFICATION),
        templates={
            Stage.EVALUATION: (StageTemplate(CADRE_REGISTRATION, "考核委员会"),),
        },
        summary="干部年度考核：年度考核登记表、民主测评、考核委员会评定等次（优秀比例按单位）",
        dossier_title="干部年度考核档案",
    ),
}


def profile(kind: CycleKind) -> KindProfile:
    return PROFILES[kind]


def kind_of(kind: CycleKind | str) -> CycleKind:
    """The kind a stored or printed word names; a word that names none is the 党外 cycle's
    (plain values in tests and old views carry any word)."""
    try:
        return CycleKind(kind)
    except ValueError:
        return CycleKind.NON_PARTY


def replaces(kind: CycleKind, stage: Stage) -> bool:
    """Whether this kind fills `stage` with templates of its own instead of stages.py's."""
    return stage in profile(kind).templates


def own_recipient(kind: CycleKind, stage: Stage, template_id: str) -> str:
    """Who receives `template_id` at `stage` in this kind (`StageTemplate.recipient`)."""
    return next(t.recipient for t in stage_templates(kind, stage) if t.id == template_id)


def work_stages(kind: CycleKind) -> tuple[Stage, ...]:
    """The stages with a gate that this kind goes through, in order."""
    return profile(kind).stages


def first_stage(kind: CycleKind) -> Stage:
    return profile(kind).order[0]


def next_stage(kind: CycleKind, stage: Stage) -> Stage:
    """The stage after `stage` in this kind; done stays done."""
    order = profile(kind).order
    if stage not in order:  # a stage this kind skips: the next one of its own after it
        later = [s for s in order if STAGE_ORDER.index(s) > STAGE_ORDER.index(stage)]
        return later[0] if later else Stage.DONE
    return order[min(order.index(stage) + 1, len(order) - 1)]


def stage_templates(kind: CycleKind, stage: Stage) -> tuple[StageTemplate, ...]:
    """The templates `stage` fills in a cycle of this kind."""
    own = profile(kind).templates
    return own[stage] if stage in own else stage_spec(stage).templates

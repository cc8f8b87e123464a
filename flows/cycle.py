"""The cycle flow: run the current stage if it has not run, then move on while gates are open.

It never waits for people: when a gate is closed it ends, and a later `appraisal cycle advance`
(or the portal's button) starts it again.
"""

from dataclasses import dataclass, field
from datetime import date

from prefect import flow

from appraisal import kinds
from appraisal.clock import today as clock_today
from appraisal.db import session_scope
from appraisal.flows.runmode import call_flow
from appraisal.flows.stages import STAGE_FLOWS
from appraisal.gates import StageProgress
from appraisal.models.vocab import CycleKind, Stage
from appraisal.settings import get_settings
from appraisal.stages import stage_name
from appraisal.store import ballots
from appraisal.store.approvals import approved_unnotified
from appraisal.store.cycles import get_cycle, set_stage
from appraisal.store.locks import cycle_lock
from appraisal.store.nominations import members_without_form
from appraisal.store.progress import cycle_progress
from appraisal.store.stage_runs import stage_finished


@dataclass
class AdvanceOutcome:
    ran: list[str] = field(default_factory=list)
    stage: str = ""
    blocked: dict[str, object] | None = None  # the closed gate's progress, when blocked


def next_stage(stage: Stage, kind: CycleKind = CycleKind.NON_PARTY) -> Stage:
    """The stage after `stage` in a cycle of `kind` (appraisal/kinds.py)."""
    return kinds.next_stage(kind, stage)


def check_gate(cycle_id: int, stage: Stage, today: date) -> tuple[bool, bool, StageProgress | None]:
    """(stage has run, gate open, progress) for one stage.

    A plain call, not a Prefect task: a stage's flow starts right after it, and Prefect's
    temporary server (SQLite) then recorded the task's states while it created the stage's run:
    that creation failed as busy (HTTP 503) and the client tried again after 2 s, 1-4 times in
    each 100-person cycle, none in three cycles with the gate checked as a plain call."""
    with session_scope() as session:
        has_run = stage_finished(session, cycle_id, stage)
        progress = cycle_progress(session, cycle_id, today, [stage]).get(stage)
    if progress is None:  # archive and done have no gate of their own here
        return has_run, False, None
    return has_run, has_run and progress.gate_open, progress


def awaiting_forms(cycle_id: int) -> bool:
    with session_scope() as session:
        return bool(members_without_form(session, cycle_id))


def awaiting_tally_tables(cycle_id: int) -> bool:
    with session_scope() as session:
        return bool(ballots.awaiting_tally_tables(session, cycle_id))


def current_stage(cycle_id: int) -> Stage:
    with session_scope() as session:
        return get_cycle(session, cycle_id).stage


def kind_of_cycle(cycle_id: int) -> CycleKind:
    with session_scope() as session:
        return get_cycle(session, cycle_id).kind


def _move_to(cycle_id: int, stage: Stage) -> None:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        set_stage(session, cycle, stage, actor=get_settings().actor, reason="闸门已开启")


@flow(name="appraisal cycle", flow_run_name="cycle {cycle_id}")
def run_cycle(cycle_id: int, today: date | None = None, max_stages: int = 10) -> AdvanceOutcome:
    """Run stages while their gates allow; stop at the first closed gate or at the archive."""
    with cycle_lock(cycle_id, "stage"):
        return _run_cycle(cycle_id, today or clock_today(), max_stages)


def late_notices(cycle_id: int) -> bool:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        return cycle.stage in (Stage.NOTIFICATION, Stage.ARCHIVE) and approved_unnotified(
            session, cycle_id
        )


def _run_cycle(cycle_id: int, today: date, max_stages: int) -> AdvanceOutcome:
    outcome = AdvanceOutcome()
    # Someone held by an objection and 审定 after the others were told: notification runs
    # again and makes only their notice (the rest, the 情况通报 too, the same as before).
    if late_notices(cycle_id):
        call_flow(STAGE_FLOWS[Stage.NOTIFICATION], cycle_id, today)
        outcome.ran.append(Stage.NOTIFICATION.value)
    for _ in range(max_stages):
        stage = current_stage(cycle_id)
        outcome.stage = stage.value
        stage_flow = STAGE_FLOWS.get(stage)
        if stage_flow is None:  # archive or done: sealing is its own command
            break
        has_run, gate_open, progress = check_gate(cycle_id, stage, today)
        # Members accepted from a nomination after the stage ran have no 推荐表 yet: running
        # it again makes theirs, and nothing twice (the plan is the same for everyone else).
        # Likewise the 民主测评结果汇总表 of people whose 民主测评票 have been counted since.
        if (
            not has_run
            or (stage == Stage.NOMINATION and awaiting_forms(cycle_id))
            or (stage == Stage.ASSESSMENT and awaiting_tally_tables(cycle_id))
        ):
            call_flow(stage_flow, cycle_id, today)
            outcome.ran.append(stage.value)
            has_run, gate_open, progress = check_gate(cycle_id, stage, today)
        if not gate_open:
            outcome.blocked = progress.as_dict() if progress else None
            break
        _move_to(cycle_id, next_stage(stage, kind_of_cycle(cycle_id)))
    outcome.stage = current_stage(cycle_id).value
    return outcome


@flow(name="rescore (重新评分)", flow_run_name="rescore cycle {cycle_id}")
def rescore_cycle(cycle_id: int, today: date | None = None) -> dict[str, int]:
    """Score the cycle again from the records as they are now, and remake the evaluation forms
    whose content changed: after staff import what was missing, while the cycle is at evaluation.
    """
    stage = current_stage(cycle_id)
    if stage != Stage.EVALUATION:
        raise ValueError(
            f"第{cycle_id}号考核周期处于{stage_name(stage)}阶段：只有在综合评价阶段、尚未告知任何人"
            f"结果之前才能重新评分 / scores are computed again only at evaluation"
        )
    with cycle_lock(cycle_id, "stage"):
        return call_flow(STAGE_FLOWS[Stage.EVALUATION], cycle_id, today or clock_today())

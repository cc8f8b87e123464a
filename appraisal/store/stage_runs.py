"""Stage runs: when a stage first ran, and whether its run got to the end.

A run that started but never finished (a crash, a kill, a failed conversion) is finished by the
next `cycle advance`, or by running the command that started it again: every step of a stage is
idempotent, so running it again from the top completes what is missing and repeats nothing.
"""

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, select

from appraisal.gates import StageProgress
from appraisal.kinds import work_stages
from appraisal.models import StageRun
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.stages import stage_name
from appraisal.store.cycles import get_cycle
from appraisal.store.nominations import members_without_form
from appraisal.store.progress import cycle_progress


def stage_run(session: Session, cycle_id: int, stage: Stage) -> StageRun | None:
    return session.exec(
        select(StageRun).where(StageRun.cycle_id == cycle_id, StageRun.stage == stage)
    ).first()


def open_stage_run(session: Session, cycle_id: int, stage: Stage, today: date) -> StageRun:
    """The stage's run, created on its first start; a rerun finds the same one (same dates)."""
    run = stage_run(session, cycle_id, stage)
    if run is None:
        run = StageRun(cycle_id=cycle_id, stage=stage, started_on=today)
        session.add(run)
        session.flush()
    return run


def finish_stage_run(session: Session, cycle_id: int, stage: Stage) -> None:
    run = stage_run(session, cycle_id, stage)
    if run is None:
        raise ValueError(
            f"第{cycle_id}号考核周期的{stage_name(stage)}阶段没有可结束的运行 / no run to finish"
        )
    run.finished_at = utcnow()
    session.add(run)


def stage_finished(session: Session, cycle_id: int, stage: Stage) -> bool:
    run = stage_run(session, cycle_id, stage)
    return run is not None and run.finished_at is not None


def finished_stages(session: Session, cycle_id: int) -> set[Stage]:
    return {
        r.stage
        for r in session.exec(select(StageRun).where(StageRun.cycle_id == cycle_id))
        if r.finished_at is not None
    }


def not_finished(session: Session, cycle_id: int, stages: Iterable[Stage]) -> tuple[Stage, ...]:
    """Those of `stages` whose run has not got to the end (or never started), in order."""
    done = finished_stages(session, cycle_id)
    return tuple(s for s in stages if s not in done)


def closed_gate(session: Session, cycle_id: int, today: date) -> StageProgress | None:
    """The current stage's progress when advancing has nothing to do: its run got to the end and
    its gate is closed, so only returns (or waivers, or decisions) can move it. None when there
    is work: a stage to start, a run to finish, an open gate to pass."""
    cycle = get_cycle(session, cycle_id)
    if cycle.stage not in work_stages(cycle.kind) or not stage_finished(
        session, cycle_id, cycle.stage
    ):
        return None
    if cycle.stage == Stage.NOMINATION and members_without_form(session, cycle_id):
        return None  # members accepted from a nomination since it ran: their 推荐表 to make
    progress = cycle_progress(session, cycle_id, today, [cycle.stage])[cycle.stage]
    return None if progress.gate_open else progress

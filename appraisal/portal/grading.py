"""Staff pages for people the engine could not grade: record 暂缓评定 or 免评 (or withdraw it),
and score the cycle again once missing records are in. The same core functions as
`appraisal cycle decide` and `appraisal cycle rescore`."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.db import session_scope
from appraisal.models.vocab import Decision, Stage
from appraisal.portal import launcher
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store.cycles import CycleError
from appraisal.store.decisions import decided, record_decision
from appraisal.store.progress import ungraded_members
from appraisal.store.stage_runs import stage_run

router = APIRouter()
CHOICES = {"暂缓评定": Decision.DEFERRED, "免评": Decision.EXEMPT, "撤销": None}


@router.get("/cycles/{cycle_id}/grades")
def grades(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        scored = stage_run(session, cycle_id, Stage.EVALUATION) is not None
        waiting = ungraded_members(session, cycle_id) if scored else []
        done = decided(session, cycle_id)
    return page(
        request, "grading.html", user=me.username, cycle=cycle, scored=scored, waiting=waiting,
        decided=done, choices=list(CHOICES), can_rescore=cycle.stage == Stage.EVALUATION,
        running=launcher.is_running(cycle_id),
    )  # fmt: skip


@router.post("/cycles/{cycle_id}/decisions")
def decide(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    code: Annotated[str, field("code")] = "",
    decision: Annotated[str, field("decision")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    back = RedirectResponse(f"/cycles/{cycle_id}/grades", status_code=303)
    if decision not in CHOICES:
        flash(request, "请选择 暂缓评定、免评 或 撤销 / choose a decision", "error")
        return back
    try:
        with session_scope() as session:
            record_decision(
                session, cycle=cycle, code=code.strip(), decision=CHOICES[decision],
                reason=reason, actor=me.username,
            )  # fmt: skip
            log_access(session, request, actor=me.actor, action="decide",
                       detail=f"cycle {cycle_id} {code}: {decision}")  # fmt: skip
    except CycleError as exc:
        flash(request, str(exc), "error")
        return back
    flash(request, f"已记录：{code} {decision}（{reason.strip()}）", "ok")
    return back


@router.post("/cycles/{cycle_id}/rescore")
def rescore(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    if cycle.stage != Stage.EVALUATION:
        flash(request, "只有在综合评价阶段才能重新评分 / rescoring is for the evaluation stage",
              "error")  # fmt: skip
    elif launcher.start_command(cycle_id, "rescore"):
        with session_scope() as session:
            log_access(session, request, actor=me.actor, action="rescore",
                       detail=f"cycle {cycle_id}")  # fmt: skip
        flash(request, "已开始重新评分，完成后本页会显示结果 / scoring again")
    else:
        flash(request, "上一次启动的运行仍未结束 / a run is still going", "error")
    return RedirectResponse(f"/cycles/{cycle_id}/grades", status_code=303)

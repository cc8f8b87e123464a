"""Starting a cycle from the browser: a form, a check page that lists who lacks what (the check
`appraisal cycle start` makes), then the start itself. The database part (the cycle, its
members, the audit entries) is done in the request by the core's launch(); the first stage runs
in its own process through the launcher, as an advance does."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.kinds import first_stage, profile
from appraisal.launch import MissingInputs, check_launch, launch, shipped_schemes
from appraisal.models.vocab import CycleKind, Tier
from appraisal.portal import launcher
from appraisal.portal.access import staff
from appraisal.portal.limits import field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.scheme import default_scheme_path
from appraisal.sheets.values import MAX_YEAR, MIN_YEAR
from appraisal.stages import stage_name
from appraisal.store.cycles import CycleError, Selection
from appraisal.store.offices import StaffMember

router = APIRouter()

# A pool can be 10,000 people: the check page lists this many of those lacking data.
SHOWN_GAPS = 300
WHO = {"all": "全部在库人员（不含名人）", "tier": "某一梯队", "codes": "列出的人员（编号）"}


@dataclass(frozen=True)
class StartForm:
    """The form as sent, to show back and to carry from the check page to the start."""

    kind: str = CycleKind.NON_PARTY.value
    name: str = ""
    year: int = 0
    scheme: str = ""
    who: str = "all"
    tier: str = Tier.RISING.value
    codes: str = ""

    def problems(self) -> list[str]:
        found = []
        if self.kind not in {k.value for k in CycleKind}:
            found.append("请选择考核类型")
        if not self.name.strip():
            found.append("请填写周期名称")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            found.append(f"年度须为 {MIN_YEAR} 到 {MAX_YEAR} 之间的整数")
        # "" is the kind's own scheme (appraisal/kinds.py), chosen when the cycle starts.
        if self.scheme and self.scheme not in dict(shipped_schemes()):
            found.append("请选择评分方案")
        if self.who not in WHO:
            found.append("请选择参加人员")
        if self.who == "tier" and self.tier not in {t.value for t in Tier}:
            found.append("请选择梯队")
        if self.who == "codes" and not self.code_list():
            found.append("请填写参加人员的编号")
        return found

    def code_list(self) -> tuple[str, ...]:
        words = self.codes.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
        return tuple(dict.fromkeys(w.strip() for w in words if w.strip()))

    def selection(self) -> Selection:
        if self.who == "tier":
            return Selection(tier=Tier(self.tier))
        if self.who == "codes":
            return Selection(codes=self.code_list())
        return Selection()


def _form_page(request: Request, me: StaffMember, form: StartForm, errors: list[str]) -> Response:
    return page(
        request, "start.html", user=me.username, me=me, form=form, errors=errors,
        kinds=[k.value for k in CycleKind],
        kind_summaries=[(k.value, profile(k).summary) for k in CycleKind],
        tiers=[t.value for t in Tier], who_names=WHO,
        schemes=shipped_schemes(), min_year=MIN_YEAR, max_year=MAX_YEAR,
        status_code=400 if errors else 200,
    )  # fmt: skip


def _who_names(form: StartForm) -> dict[str, str]:
    """What the check page says of whom the cycle covers: a kind without tiers covers the
    roster, not the pool (appraisal/kinds.py)."""
    kind = CycleKind(form.kind) if form.kind in {k.value for k in CycleKind} else None
    if kind is not None and not profile(kind).needs_tier:
        return {**WHO, "all": "本单位名册全部人员（不看梯队）"}
    return WHO


def _check_page(request: Request, me: StaffMember, form: StartForm, **context: Any) -> Response:
    return page(
        request, "start_check.html", user=me.username, me=me, form=form,
        who_names=_who_names(form), shown=SHOWN_GAPS, **context,
    )  # fmt: skip


@router.get("/cycles/new")
def new_cycle(request: Request) -> Response:
    me = staff(request, Action.RUN)
    year = today().year
    # No scheme chosen: the kind's own, whichever kind staff pick.
    return _form_page(request, me, StartForm(year=year), [])


def _sent_form(
    kind: Annotated[str, field("kind")] = "",
    name: Annotated[str, field("name")] = "",
    year: Annotated[int, field("year")] = 0,
    scheme: Annotated[str, field("scheme")] = "",
    who: Annotated[str, field("who")] = "all",
    tier: Annotated[str, field("tier")] = "",
    codes: Annotated[str, field("codes")] = "",
) -> StartForm:
    """The form's fields, read the same way by the check and the start."""
    return StartForm(kind, name.strip(), year, scheme, who, tier, codes)


SentForm = Annotated[StartForm, Depends(_sent_form)]
Csrf = Annotated[str, field("csrf")]


@router.post("/cycles/new/check")
def check(request: Request, form: SentForm, csrf: Csrf = "") -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    if errors := form.problems():
        return _form_page(request, me, form, errors)
    try:
        found = check_launch(
            year=form.year, scheme_path=_scheme_path(form.scheme),
            selection=form.selection(), office_id=me.office_id, kind=CycleKind(form.kind),
        )  # fmt: skip
    except CycleError as exc:
        return _form_page(request, me, form, [str(exc)])
    return _check_page(request, me, form, people=found.people, gaps=found.gaps)


@router.post("/cycles/new/start")
def start(
    request: Request,
    form: SentForm,
    csrf: Csrf = "",
    allow_missing: Annotated[str, field("allow_missing")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    if errors := form.problems():
        return _form_page(request, me, form, errors)
    try:
        started = launch(
            name=form.name, kind=CycleKind(form.kind), year=form.year,
            scheme_path=_scheme_path(form.scheme), selection=form.selection(),
            allow_missing=allow_missing == "yes", actor=me.actor[:64], office_id=me.office_id,
        )  # fmt: skip
    except MissingInputs as exc:
        # The data changed since the check, or the box was not ticked: check again.
        found = check_launch(
            year=form.year, scheme_path=_scheme_path(form.scheme),
            selection=form.selection(), office_id=me.office_id, kind=CycleKind(form.kind),
        )  # fmt: skip
        return _check_page(
            request, me, form, people=found.people, gaps=exc.gaps,
            error="有人员缺少数据：请勾选“确认在缺少数据的情况下启动”，或先导入他们的记录",
        )  # fmt: skip
    except CycleError as exc:
        return _form_page(request, me, form, [str(exc)])
    with session_scope() as session:
        log_access(
            session, request, actor=me.actor, action="start cycle",
            detail=f"cycle {started.cycle_id}: {form.name}"
            + (f" ({len(started.gaps)} lacking inputs, allowed)" if started.gaps else ""),
        )  # fmt: skip
    done = "动员部署或提名推荐阶段此前未完成，继续完成" if started.resumed else "已启动"
    kind = CycleKind(form.kind)
    if not profile(kind).runs_at_start and not started.resumed:
        flash(
            request,
            f"“{form.name}”已开放：全年的履职登记、本人查看积分和履职申报经由本周期进行；"
            f"年终点“推进”开始{stage_name(first_stage(kind))}",
            "ok",
        )
    elif launcher.start_advance(started.cycle_id):
        first = stage_name(first_stage(kind))
        running = f"正在生成{first}阶段的文书，完成后本页会显示进度"
        flash(request, f"“{form.name}”{done}，{running}", "ok")
    else:
        flash(request, f"“{form.name}”{done}；上一次的运行仍在进行", "error")
    return RedirectResponse(f"/cycles/{started.cycle_id}", status_code=303)


def _scheme_path(stem: str) -> Path | None:
    """Only a shipped scheme, by its file stem: no path typed into a form reaches the disk."""
    path = default_scheme_path().parent / f"{stem}.toml"
    return path if stem in dict(shipped_schemes()) else None

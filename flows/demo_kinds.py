"""The demo of the other cycle kinds (appraisal/kinds.py): `appraisal demo --kind 政协` runs a
CPPCC member's year on the embedded defaults; `--kind 干部` is the cadre work's to complete.

The CPPCC year: the roster and the year's 履职记录 from the records workbook (the lead switches
this to the events, attendance and claims recorded through the year at merge), the 政协年度履职
cycle started on its own scheme with no 十百千 tier, the 委员履职情况 made and signed by the
委员联络室, every grade 审定, the 履职情况通报 sent to each member and to their 推荐单位,
工作单位 and 界别活动组, and the annual 履职档案 sealed.
"""

import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from appraisal.clock import today as clock_today
from appraisal.db import session_scope
from appraisal.demo_data import write_demo_data
from appraisal.demo_recording import record_demo_year
from appraisal.demo_words import CITY
from appraisal.flows.archive import archive_cycle
from appraisal.flows.cadre_demo import CadreDemo, run_cadre_demo
from appraisal.flows.cycle import run_cycle
from appraisal.flows.demo import (
    DEMO_OFFICE,
    STAGE_DAYS,
    Say,
    _import,
    _make_returns,
    _pending,
    set_today,
    use_fresh_output,
)
from appraisal.flows.intake import intake_returns
from appraisal.kinds import profile
from appraisal.launch import launch
from appraisal.models.vocab import CycleKind, DutyKind, Stage
from appraisal.settings import get_settings
from appraisal.simulate import make_demo_pki
from appraisal.simulate.report import sign_in_sheet
from appraisal.stages import stage_name
from appraisal.store import approvals, claims
from appraisal.store.cycles import Selection, cycle_people, get_cycle
from appraisal.store.documents import made_by_recipient


class KindNotReady(Exception):
    """A kind whose demo is not built yet (the cadre kind's, until its work is merged)."""


# Who decides for the office in the demo, as the audit log shows it.
OFFICE_ACTOR = "委员联络室"
# The issuing office of each kind's letters: a CPPCC committee's own office, an organization
# department for cadres (the 党外 demo's is the 统战部, DEMO_OFFICE).
CPPCC_OFFICE = {
    **DEMO_OFFICE,
    "APPRAISAL_OFFICE_NAME": f"政协{CITY}委员会办公室",
    "APPRAISAL_OFFICE_NUMBER_PREFIX": "滨政协办",
    "APPRAISAL_OFFICE_CONTACT": "委员联络室 王平",
}
CADRE_OFFICE = {
    **DEMO_OFFICE,
    "APPRAISAL_OFFICE_NAME": f"中共{CITY}委组织部",
    "APPRAISAL_OFFICE_NUMBER_PREFIX": "滨组考",
    "APPRAISAL_OFFICE_CONTACT": "干部一科 周强",
}


@dataclass
class KindRun:
    cycle_id: int = 0
    seconds: float = 0.0
    # What went where: (template title, recipient kind, recipient) -> documents.
    sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    returns: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    sealed: int = 0
    dossiers: str = ""
    register: str = ""
    approved: int = 0
    recorded: str = ""  # what the departments recorded through the year, as the summary says it
    claims: str = ""  # the members' claims and what the office decided


def _sent(cycle_id: int) -> Counter[tuple[str, str]]:
    """Each template's documents by the kind of recipient, as made."""
    with session_scope() as session:
        return made_by_recipient(session, cycle_id)


def run_cppcc_demo(*, people: int, seed: int, output: Path, say: Say) -> KindRun:
    started = time.perf_counter()
    use_fresh_output(output)
    run = KindRun()
    rng = random.Random(seed)
    order = profile(CycleKind.CPPCC).stages
    day = clock_today() - timedelta(days=STAGE_DAYS * (len(order) + 1))
    set_today(day)
    data = output / "data"
    # The year's duties come from the records workbook, as offices back-fill them; the
    # ballots and 组织考核 scores in it are for the 党外 cycle and this kind reads none.
    write_demo_data(data, people=people, seed=seed, year=day.year, ballots=False)
    say(f"已在 {data} 生成 {people} 名委员的名册和年度履职记录")
    _import(data, say)
    pki = make_demo_pki(output / "demo-pki")
    os.environ["APPRAISAL_TRUST_ROOTS"] = str(pki.root_cert)
    for name, value in CPPCC_OFFICE.items():
        os.environ.setdefault(name, value)
    get_settings.cache_clear()
    # No scheme named: the kind's own (appraisal/schemes/cppcc.toml); everyone on the roster,
    # no 十百千 tier looked at. Members without a record of the year start too (recorded).
    launched = launch(
        name=f"{day.year}年度政协委员履职评价（演示）", kind=CycleKind.CPPCC, year=day.year,
        scheme_path=None, selection=Selection(), allow_missing=True,
    )  # fmt: skip
    run.cycle_id = launched.cycle_id
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        say(
            f"已启动第{run.cycle_id}号周期（{cycle.kind.value}，方案：{cycle.scheme_name}），"
            f"从{stage_name(cycle.stage)}开始；{len(launched.gaps)} 人没有本年度履职记录"
        )
    _the_year(run, day.year, output, seed, say)
    drop = output / "dropbox"
    for stage in order:
        t = time.perf_counter()
        outcome = run_cycle(run.cycle_id, day)
        # The 履职情况通报 wants no 回执: once sent, the cycle is at the archive.
        expected = Stage.ARCHIVE if stage == Stage.NOTIFICATION else stage
        assert outcome.stage == expected.value, f"expected {expected.value}, at {outcome.stage}"
        if stage == Stage.APPROVAL:
            with session_scope() as session:
                done = approvals.confirm_rest(
                    session, cycle=get_cycle(session, run.cycle_id), actor="审核"
                )
            run.approved = len(done)
            say(f"{stage_name(stage)}：审核逐人确认等次，共 {run.approved} 人")
        else:
            pending = _pending(run.cycle_id, stage)
            say(f"{stage_name(stage)}：文件已生成并送达，{len(pending)} 份待签署交回")
            if pending:
                _make_returns(pending, drop, rng, pki, None)
                outcomes = intake_returns(run.cycle_id, drop)
                for o in outcomes:
                    run.returns[o.outcome] = run.returns.get(o.outcome, 0) + 1
                recorded = sum(o.outcome == "recorded" for o in outcomes)
                say(f"  回件导入：{len(outcomes)} 个文件，已登记 {recorded}")
        day += timedelta(days=STAGE_DAYS)
        set_today(day)
        run.stage_seconds[stage.value] = time.perf_counter() - t
    outcome = run_cycle(run.cycle_id, day)
    say(f"周期处于{stage_name(outcome.stage)}阶段")
    archived = archive_cycle(run.cycle_id, None, day)
    run.sealed, run.register, run.dossiers = (
        len(archived.sealed),
        archived.register,
        archived.dossiers,
    )
    if archived.refused or archived.failed:
        say(f"归档：未封存：{archived.refused | archived.failed}")
    say(f"归档：已封存 {run.sealed} 份年度履职档案；周期处于{stage_name(archived.stage)}阶段")
    run.sent = _sent(run.cycle_id)
    run.seconds = time.perf_counter() - started
    return run


def _the_year(run: KindRun, year: int, output: Path, seed: int, say: Say) -> None:
    """The year as it happens, before its evaluation: the 委员联络室 and the 提案委员会 record
    what they organised, and two members claim duties nobody recorded, with a photographed
    签到表; the office accepts one and declines the other, with its reason."""
    with session_scope() as session:
        year_of = record_demo_year(session, year=year, seed=seed, actor=OFFICE_ACTOR)
    run.recorded = (
        f"委员联络室登记会议和活动 {year_of.events} 次，提案委员会登记提案 {year_of.proposals} 件，"
        f"共 {year_of.records} 条履职记录（appraisal duties list --year {year}）"
    )
    say(f"全年履职登记：{run.recorded}")
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        first, second = cycle_people(session, run.cycle_id)[:2]
        made = []
        for person, kind, title, on in (
            (first, DutyKind.RESEARCH, "界别专题调研", date(year, 7, 8)),
            (second, DutyKind.ACTIVITY, "所在单位年度工作会议", date(year, 8, 19)),
        ):
            sheet = sign_in_sheet(
                output / "demo-claims" / f"{person.code}.pdf", title=title,
                held_on=f"{on.year}年{on.month}月{on.day}日", names=[person.name],
            )  # fmt: skip
            claim = claims.submit_claim(
                session, cycle=cycle, code=person.code, kind=kind, title=title, held_on=on,
                role=None, note="办公室未登记，附签到表", source=sheet, file_name="签到表.pdf",
                actor=person.name, by_link=True,
            )  # fmt: skip
            made.append(claim)
        claims.accept_claim(session, claim_id=made[0].id or 0, actor=OFFICE_ACTOR)
        claims.decline_claim(
            session, claim_id=made[1].id or 0, actor=OFFICE_ACTOR,
            reason="所在单位的工作会议不属于政协履职活动",
        )  # fmt: skip
    run.claims = (
        f"{first.name}申报界别专题调研（已采纳），{second.name}申报所在单位工作会议（不予采纳，"
        f"理由已告知）（appraisal claims list --all）"
    )
    say(f"履职申报：{run.claims}")


def run_cadre_kind_demo(*, seed: int, output: Path, say: Say) -> CadreDemo:
    """`appraisal demo --kind 干部` on the embedded defaults: a fresh output folder and database,
    then run_cadre_demo's year of two units."""
    use_fresh_output(output)
    for name, value in CADRE_OFFICE.items():
        os.environ.setdefault(name, value)
    get_settings.cache_clear()
    say("生成两个单位的干部花名册，启动干部年度考核周期，填写年度考核登记表各栏……")
    return run_cadre_demo(output / "data", year=clock_today().year, seed=seed)


def run_kind_demo(kind: CycleKind, *, people: int, seed: int, output: Path, say: Say) -> KindRun:
    """The demo of `kind` (not the 党外 cycle's, which is flows/demo.py's run_demo)."""
    if kind is CycleKind.CPPCC:
        return run_cppcc_demo(people=people, seed=seed, output=output, say=say)
    raise KindNotReady(
        f"{kind.value}的演示由 run_cadre_demo 进行 / the {kind.value} demo is its own"
    )

"""The demo: one complete cycle on the embedded defaults, with simulated reviewers.

Staff's side is the same code the CLI runs (import, launch, the stage flows, intake, replies,
reminders, the pool adjustment); the reviewers' side makes returns the way offices do: mostly
signed and stamped paper scanned back to PDF, some digitally signed PDFs, a couple late, one
objection in the solicitation replies, and one stray file that is not a return at all.
"""

import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from appraisal.career_file import make_career_file
from appraisal.clock import today as clock_today
from appraisal.db import get_engine, session_scope
from appraisal.demo_data import (
    NOMINATING_BODIES,
    demo_online_nomination,
    demo_talks,
    generate,
    newcomer_talk,
    sheet_votes,
    write_demo_data,
    write_demo_nominations,
)
from appraisal.demo_figures import FIGURES
from appraisal.demo_words import CITY
from appraisal.documents.figures import TITLE as FIGURE_LIST
from appraisal.documents.figures import write_figure_list
from appraisal.documents.recipients import SELF
from appraisal.flows.archive import archive_cycle
from appraisal.flows.cycle import run_cycle
from appraisal.flows.intake import intake_returns
from appraisal.flows.review import reseal_changed
from appraisal.importing import import_records_file, import_roster_file
from appraisal.launch import launch
from appraisal.models import Document
from appraisal.models.vocab import (
    CycleKind,
    Dimension,
    Grade,
    NominationStatus,
    PoolMove,
    Reply,
    Stage,
    Tier,
)
from appraisal.paths import cycle_dir, held_dir, located, quarantine_dir, returns_dir
from appraisal.prefect_env import prepare_prefect
from appraisal.reviewing import decide as decide_review
from appraisal.scheme import parse_scheme
from appraisal.settings import get_settings
from appraisal.sheets import read_records, read_roster
from appraisal.sheets.ballots import fill_count_book, read_count_book, write_count_book
from appraisal.sheets.nominations import read_nomination_form
from appraisal.simulate import DemoPKI, digitally_sign, make_demo_pki, scan_return
from appraisal.simulate.direct import sign_everything
from appraisal.simulate.report import annual_report
from appraisal.stages import TALLY, WORK_NOTICE, WORK_STAGES, stage_name
from appraisal.store import approvals, holds, import_people, import_records, pool, reports, reviews
from appraisal.store.approval_files import write_approval_table
from appraisal.store.assessment import NewAssessment, assessment_rows, set_assessment
from appraisal.store.ballots import (
    Sheet,
    SheetCounts,
    ballot_sheets,
    count_book_blocks,
    enter_counts,
    import_count_book,
)
from appraisal.store.cycles import Selection, cycle_people, get_cycle, selected_people
from appraisal.store.documents import awaiting_return, documents_of, first_document_to
from appraisal.store.figures import add_activity, add_figure, add_site
from appraisal.store.figures_view import figure_entries, list_figures
from appraisal.store.links import issue_link, link_actor
from appraisal.store.nomination_files import write_nomination_summary
from appraisal.store.nominations import (
    NOMINATING_BODY,
    ONLINE,
    decide_nomination,
    import_nomination_file,
    nominations_of,
    propose_nomination,
)
from appraisal.store.pool_files import write_pool_files
from appraisal.store.progress import cycle_progress
from appraisal.store.signoffs import record_reply
from appraisal.store.talks import add_talk, parse_talk, talks_by_code

Say = Callable[[str], None]


@dataclass
class DemoRun:
    cycle_id: int = 0
    output: Path = Path()
    seconds: float = 0.0
    returns: dict[str, int] = field(default_factory=dict)  # recorded, duplicate, quarantined
    stage_seconds: dict[str, float] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)  # generate, returns, intake, ...
    overdue_shown: int = 0
    objection: str = ""
    sealed: int = 0
    dossiers: str = ""
    register: str = ""
    career: str = ""  # one person's growing file (一人一档)
    mobilization: str = ""  # what 动员部署 sent and what came back, as the summary says it
    ballots: str = ""  # the 民主测评票 printed and how their counts came in
    nominations: list[str] = field(default_factory=list)  # each decision, as the summary says it
    nomination_summary: str = ""  # the 推荐人选汇总表
    pool_counts: dict[str, int] = field(default_factory=dict)  # 晋升 / 调整 / 出库 / 保留 ...
    pool_changed: str = ""  # the proposal staff changed
    pool_files: str = ""
    figures: str = ""  # the 统战名人 on record, as the summary says it
    talks: dict[str, int] = field(default_factory=dict)  # 谈心谈话 logged, by kind
    assessment: str = ""  # 组织考核 by dimension, as the summary says it
    approval: str = ""  # the 审定 as the summary says it
    approval_table: str = ""  # the 审定表
    lowered: str = ""  # the 编号 whose grade 审定 lowered: the 复核 is someone else's
    hold: str = ""  # the objection's hold and staff's decision, as the summary says it
    review: str = ""  # the 复核 staff decided, as the summary says it
    reports: str = ""  # who submitted their 年度履职报告 and how, as the summary says it
    review_decision: str = ""  # its 复核决定书


# The demo's one change to a proposal, and why: a 代表人士 the rules would keep moves to 精英 at
# their own request, as staff record what the grade does not say.
CHANGED_REASON = "本人因工作岗位调整，申请调整为各界精英，经研究同意"


def _adjust_pool(run: DemoRun, day: date, say: Say) -> None:
    """The rolling adjustment as staff make it: one proposal changed with a reason, the rest
    confirmed, then approved by the head of office, and its two documents written."""
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        board = pool.board(session, cycle)
        kept = [
            r for r in board.rows
            if r.proposed is PoolMove.KEEP and r.from_tier is Tier.REPRESENTATIVE
        ]  # fmt: skip
        if kept:
            pool.decide(session, cycle, kept[-1].code, PoolMove.DEMOTE, reason=CHANGED_REASON,
                        actor="demo")  # fmt: skip
            run.pool_changed = f"{kept[-1].code} {kept[-1].name}：保留→调整"
        pool.confirm_rest(session, cycle, actor="demo")
        done = pool.approve(session, cycle, actor="demo", on=day)
    with session_scope() as session:
        files = write_pool_files(session, get_cycle(session, run.cycle_id))
    run.pool_counts = {m.value: n for m, n in done.counts.items()}
    run.pool_files = f"{files.form}   {files.pool_list.name}"
    said = "，".join(f"{k} {n} 人" for k, n in run.pool_counts.items())
    say(f"人才库滚动调整：{said}；已审核批准，变动 {done.changed} 人")
    if run.pool_changed:
        say(f"  改变建议：{run.pool_changed}（{CHANGED_REASON}）")
    for warning in done.warnings.values():
        say(f"  名额提示：{warning}")


def _honour(run: DemoRun, say: Say) -> None:
    """The city's 统战名人 entered as staff enter them, and their 名录 written."""
    with session_scope() as session:
        for figure in FIGURES:
            made = add_figure(session, values=figure.values, actor="demo").figure
            fid = made.id or 0
            for site in figure.sites:
                add_site(session, figure_id=fid, kind=site.kind, name=site.name,
                         address=site.address, opening=site.opening, plaque_on=site.plaque_on,
                         actor="demo")  # fmt: skip
            for activity in figure.activities:
                add_activity(session, figure_id=fid, held_on=activity.held_on, kind=activity.kind,
                             summary=activity.summary, organiser=activity.organiser,
                             actor="demo")  # fmt: skip
        entries = figure_entries(session)
        unrecorded = list_figures(session).unrecorded
    book = run.output / f"{FIGURE_LIST}.xlsx"
    write_figure_list(book, entries)
    sites = sum(len(e.sites) for e in entries)
    acts = sum(len(e.activities) for e in entries)
    run.figures = f"统战名人：{len(entries)} 位，纪念场所 {sites} 处，宣传活动 {acts} 项"
    note = (
        f"；梯队为名人而无名人记录的 {len(unrecorded)} 人见 appraisal figures list"
        if unrecorded
        else ""
    )
    say(run.figures + note)


# The demo's 复核: a person asks on paper, staff find the tallies miscounted and change the grade.
REVIEW_GROUNDS = "本人认为民主测评票统计有误，申请复核"
REVIEW_REASON = "经重新核对民主测评票，原统计漏计两张有效票，等次相应变更"


def _review(run: DemoRun, day: date, say: Say) -> None:
    """One person graded below the top asks for 复核 within the window; staff change the grade
    one step up, the 复核决定书 is written, and their sealed dossier is sealed again."""
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        scheme = parse_scheme(cycle.scheme_toml, cycle.name)
        grades = [g.grade.value for g in scheme.grades]
        rows = [
            r for r in reviews.list_reviews(session, cycle)
            if r.window and r.grade and r.code != run.lowered
        ]  # fmt: skip
        # Miscounted ballots matter most to someone the ballots capped (基本称职): two more
        # valid votes can lift the cap. Failing that, anyone below the top.
        capped = [r for r in rows if r.grade == scheme.ballots.cap_grade]
        row = next((r for r in [*capped, *rows] if r.grade in grades[1:]), None)
        if row is None or row.window is None:
            return
        asked = min(reviews.working_days_after(row.window.issued_on, 1), day)
        reviews.request_review(session, cycle=cycle, code=row.code, grounds=REVIEW_GROUNDS,
                               actor="demo", on=asked)  # fmt: skip
        new = Grade(grades[grades.index(row.grade) - 1])
    done = decide_review(
        run.cycle_id,
        row.code,
        new_grade=new,
        reason=REVIEW_REASON,
        actor="demo",
        on=day,
        templates_dir=get_settings().templates_dir,
    )
    reseal_changed(run.cycle_id, row.code, done)
    run.review = (
        f"{row.code} {row.name} {asked} 申请复核，{row.grade}→{new.value}（{REVIEW_REASON}）"
        + ("，档案已重新封存" if done.resealed else "")
    )
    run.review_decision = str(done.pdf or done.docx)
    say(f"复核：{run.review}")
    for problem in done.problems:
        say(f"  {problem}")


APPROVAL_REASON = (
    "经组织部、统战部共同研究，该同志年内缺席界别活动经提醒谈话后仍未完全改正，审定等次下调一档"
)
HOLD_REASON = "经核实，该同志存在兼职未按规定报备的情况，已责令整改，等次下调一档"
APPROVER = "审核 王立"


def _approve(run: DemoRun, say: Say) -> None:
    """审定 as a 审核 makes it: one grade lowered with a reason (someone given a 提醒谈话 this
    year, graded neither top nor bottom; the person the ballots capped is left for the 复核), the
    rest confirmed in bulk; the person the objection holds waits, and the 审定表 says so."""
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        scheme = parse_scheme(cycle.scheme_toml, cycle.name)
        grades = [g.grade.value for g in scheme.grades]
        board = approvals.approval_board(session, cycle)
        middle = [r for r in board.waiting
                  if r.grade in grades[1:-1] and r.grade != scheme.ballots.cap_grade]  # fmt: skip
        people = cycle_people(session, run.cycle_id, [r.code for r in middle])
        talks = talks_by_code(session, people, cycle.year)
        reminded = [r for r in middle if any(t.kind == "提醒谈话" for t in talks.get(r.code, []))]
        row = next(iter(reminded or middle), None)
        adjusted = ""
        if row is not None:
            new = Grade(grades[grades.index(row.grade) + 1])
            approvals.approve_grade(session, cycle=cycle, code=row.code, new_grade=new,
                                    reason=APPROVAL_REASON, actor=APPROVER)  # fmt: skip
            adjusted = f"{row.code} {row.name} {row.grade}→{new.value}（{APPROVAL_REASON}）"
            run.lowered = row.code
        rest = approvals.confirm_rest(session, cycle=cycle, actor=APPROVER)
        held = [f"{r.code} {r.name}" for r in approvals.approval_board(session, cycle).held]
        run.approval_table = str(write_approval_table(session, cycle))
    run.approval = f"调整 {adjusted}；其余 {len(rest)} 人确认" + (
        f"；暂缓 {'、'.join(held)}（征求意见有异议，待核实）" if held else ""
    )
    say(f"  审定：{run.approval}")
    say(f"  审定表：{run.approval_table}")


def _decide_hold(run: DemoRun, drop: Path, rng: random.Random, pki: DemoPKI, say: Say) -> None:
    """After the others are told, staff decide the objection (调整, one grade down), the 审核
    审定 it, and notification runs again for that one person's notice."""
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        grades = [g.grade.value for g in parse_scheme(cycle.scheme_toml, cycle.name).grades]
        pending = [h for h in holds.list_holds(session, cycle) if h.hold.status.value == "待核实"]
        if not pending:
            return
        held = pending[0]
        # One step down the scheme's scale (the engine may have given a grade outside it).
        order = [g.value for g in Grade]
        below = [g for g in grades if order.index(g) > order.index(held.grade)]
        new = Grade(below[0]) if below else None
        holds.decide_hold(session, cycle=cycle, code=held.code, new_grade=new,
                          reason=HOLD_REASON, actor="demo")  # fmt: skip
        approvals.approve_grade(session, cycle=cycle, code=held.code, new_grade=None,
                                reason="", actor=APPROVER)  # fmt: skip
        write_approval_table(session, cycle)
    decided = f"调整为{new.value}" if new else "核实后维持"
    run.hold = (
        f"{held.code} {held.name}（{held.hold.body}提出异议）：{held.grade}，{decided}"
        f"（{HOLD_REASON}）"
    )
    say(f"  异议核实：{run.hold}；审定后补发结果通知书")
    run_cycle(run.cycle_id)
    late = _pending(run.cycle_id, Stage.NOTIFICATION)
    _make_returns(late, drop, rng, pki, None)
    _collect(run, drop, None, say)


def set_today(day: date) -> None:
    """The demo's calendar: deadlines and reminders count from this day."""
    os.environ["APPRAISAL_TODAY"] = day.isoformat()
    get_settings.cache_clear()


def use_fresh_output(output: Path) -> None:
    """Empty `output` and point settings and the database (SQLite there) at it."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    os.environ["APPRAISAL_OUTPUT_DIR"] = str(output)
    os.environ.pop("APPRAISAL_DATABASE_URL", None)
    get_settings.cache_clear()
    get_engine.cache_clear()
    # Prefect's home may have been in the folder just emptied (the benchmarks keep it there):
    # make it again, its database started from the migrated copy.
    prepare_prefect()


def start_generated_cycle(data: tuple[Path, Path], actor: str = "bench") -> int:
    """Import a generated (roster, records) pair into the configured database and start a
    cycle over everyone: what the benchmarks measure from."""
    roster, records = data
    with session_scope() as session:
        import_people(session, rows=read_roster(roster).rows, actor=actor, source=roster.name)
        import_records(session, book=read_records(records), actor=actor)
    return launch(
        name="基准周期",
        kind=CycleKind.NON_PARTY,
        year=2026,
        scheme_path=None,
        selection=Selection(),
    ).cycle_id


def sign_stage(cycle_id: int, stage: Stage, actor: str = "bench") -> int:
    """Every outstanding return of the stage, recorded directly (see sign_everything)."""
    with session_scope() as session:
        return sign_everything(
            session,
            get_cycle(session, cycle_id),
            stage,
            returns=returns_dir(cycle_id),
            quarantine=quarantine_dir(cycle_id),
            held=held_dir(cycle_id),
            actor=actor,
        )


def _import(data: Path, say: Say) -> None:
    # As staff import: the roster with its 简历, 奖惩, 培训 and 挂职 sheets, then the records.
    roster = import_roster_file(data / "roster.xlsx", actor="demo")
    records = import_records_file(data / "records.xlsx", actor="demo")
    people, *entries = roster.counts.values()
    total = sum(c.added for c in records.counts.values())
    kept = sum(c.added for c in entries)
    say(f"已导入 {people.added} 人、{total} 条记录，{kept} 条简历、奖惩、培训、挂职信息")


def _reports(run: DemoRun, day: date, say: Say) -> None:
    """年度履职报告 during 组织考核: everyone but two submits through their own link over the
    following days; one hands in paper, which staff scan and upload with a note; one never
    submits, and the evaluation deducts the scheme's item (D11) on their 综合评价表."""
    folder = run.output / "demo-reports"
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        people = sorted(cycle_people(session, run.cycle_id), key=lambda p: p.code)
        *online, paper, never = people
        for n, p in enumerate(online):
            link, _ = issue_link(session, cycle_id=run.cycle_id, kind=SELF, name=p.name,
                                 actor="demo")  # fmt: skip
            pdf = annual_report(folder / f"{p.code}.pdf", name=p.name, unit=p.employer,
                                year=cycle.year, seed=n)  # fmt: skip
            reports.submit_report(session, cycle=cycle, code=p.code, source=pdf,
                                  file_name=f"{p.name}{cycle.year}年度履职报告.pdf",
                                  actor=link_actor(link), on=day + timedelta(days=1 + n % 5),
                                  by_link=True)  # fmt: skip
        pdf = annual_report(folder / f"{paper.code}.pdf", name=paper.name, unit=paper.employer,
                            year=cycle.year, seed=len(online))  # fmt: skip
        reports.submit_report(session, cycle=cycle, code=paper.code, source=pdf,
                              file_name="扫描件.pdf", actor="demo", on=day + timedelta(days=6),
                              note="本人交来纸质报告，扫描上传")  # fmt: skip
    run.reports = (
        f"{len(online)} 人通过本人链接提交，{paper.code} {paper.name} 交纸质报告由工作人员代传，"
        f"{never.code} {never.name} 未提交（综合评价表按方案扣分：系统：未提交履职报告）"
    )
    say(f"年度履职报告：{run.reports}")


# The demo's one correction of a 组织考核 rating, and why.
ASSESS_REASON = "考核组复核评分表，政治表现、履行职责两项评分互有误录"


def _assess(run: DemoRun, say: Say) -> None:
    """组织考核 as the assessment team records it: every member rated on the four dimensions
    with a written 考核材料 (imported with the records, before the stage's documents are made),
    and one rating corrected as staff correct it, with its reason."""
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        rows = assessment_rows(session, cycle, parse_scheme(cycle.scheme_toml, cycle.name))
        rated = [r for r in rows if r.view is not None and r.view.ratings]
        first = rated[0]
        assert first.view is not None
        ratings = {Dimension(k): v for k, v in first.view.ratings}
        # 政治表现 and 履行职责 weigh the same in the default scheme: the score stays as it was.
        step = 0.5 if ratings[Dimension.POLITICAL] <= 99.5 else -0.5
        ratings[Dimension.POLITICAL] += step
        ratings[Dimension.DUTY] -= step
        entry = NewAssessment(ratings, first.view.material, first.view.assessor)
        set_assessment(session, code=first.code, year=cycle.year, entry=entry, actor="demo",
                       reason=ASSESS_REASON)  # fmt: skip
    run.assessment = (
        f"{len(rated)} 人按政治表现、思想状况、履行职责、廉洁自律评分并附考核材料，"
        "每人一份考核材料表；"
        f"{first.code} {first.name} 的评分经考核组更正（{ASSESS_REASON}）"
    )
    say(f"组织考核：{run.assessment}")


def _talks(run: DemoRun, day: date, say: Say) -> None:
    """Talks held through the year (日常谈心, 提醒谈话, 谈话函询), logged as staff log them: the
    cycle's 谈心谈话记录表 and the growing file print them."""
    # The talks go to people a cycle assesses (the pool but its 名人), as the cycle will.
    with session_scope() as session:
        codes = [p.code for p in selected_people(session, Selection())]
    _log_talks(run, demo_talks(codes, day))
    kinds = "、".join(f"{k} {n} 次" for k, n in run.talks.items())
    say(f"谈心谈话：已记录 {sum(run.talks.values())} 次（{kinds}）")


def _log_talks(run: DemoRun, rows: list[dict[str, str]]) -> None:
    with session_scope() as session:
        for row in rows:
            talk = parse_talk(row["held_on"], row["kind"], row["talker"], row["summary"],
                              talker_post=row["talker_post"], place=row["place"],
                              follow_up=row["follow_up"])  # fmt: skip
            add_talk(session, code=row["code"], talk=talk, actor="demo")
            run.talks[talk.kind.value] = run.talks.get(talk.kind.value, 0) + 1


def _nominate(run: DemoRun, data: Path, day: date, say: Say) -> None:
    """Two bodies' nominations: one proposed on the body's portal page with its link (the
    same store function the page calls), the other body's workbook imported by staff; checked
    and decided one by one (a candidate named by both decided once; one past the age limit
    declined with the reason), the 推荐人选汇总表 written, the newcomer's records imported, and
    the nomination stage run again for the accepted candidate's 推荐表, sent to the body that
    nominated them."""
    book = write_demo_nominations(data, year=day.year, ballots=False)
    body, values, career = demo_online_nomination()
    with session_scope() as session:
        cycle = get_cycle(session, run.cycle_id)
        link, _ = issue_link(session, cycle_id=run.cycle_id, kind=NOMINATING_BODY, name=body,
                             actor="demo")  # fmt: skip
        row = read_nomination_form(body, values, career, today=day)
        propose_nomination(session, cycle, link, row)
        import_nomination_file(session, cycle, book, actor="demo")
        decided: set[int] = set()
        views = nominations_of(session, cycle)
        online = sum(v.nomination.source == ONLINE for v in views)
        for view in views:
            if view.id in decided:
                continue
            if view.findings.problems:
                status, reason = NominationStatus.DECLINED, view.findings.problems[0]
            else:
                status, reason = NominationStatus.ACCEPTED, "经研究，同意列为推荐人选"
            done = decide_nomination(session, cycle, view.id, status, reason=reason, actor="demo")
            decided.update(done.decided)
            who = view.nomination.name or view.nomination.person_code
            bodies = "、".join([view.nomination.body, *view.others])
            run.nominations.append(f"{who}（{bodies}推荐）：{status.value}，{reason}")
        summary = write_nomination_summary(session, cycle, on=day)
    import_records_file(data / "records-newcomer.xlsx", actor="demo")
    _log_talks(run, [newcomer_talk(day)])
    run_cycle(run.cycle_id, day)
    run.nomination_summary = str(summary.path)
    say(f"  提名推荐：{len(NOMINATING_BODIES)} 个推荐单位推荐 {len(decided)} 人次"
        f"（网上提交 {online}，表格导入 {len(decided) - online}）；"
        + "；".join(run.nominations))  # fmt: skip


def _count_ballots(run: DemoRun, leaning: list[dict[str, Any]], day: date, say: Say) -> None:
    """The tellers count the 民主测评票 the assessment printed, a sheet at a time: staff enter
    the first sheet on the portal's 计票 page (the same store function), the tellers fill in
    the 计票汇总表 for the rest and staff import it; then the stage, run again, makes the
    民主测评结果汇总表 from the counts, which the evaluation scores."""
    rng = random.Random(f"计票/{run.cycle_id}")
    by_code: dict[str, list[dict[str, Any]]] = {}
    for row in leaning:
        by_code.setdefault(row["code"], []).append(row)
    with session_scope() as session:
        sheets = ballot_sheets(session, run.cycle_id)
        blocks = count_book_blocks(session, run.cycle_id)
        name = get_cycle(session, run.cycle_id).name

    def counted(sheet: Sheet) -> SheetCounts:
        issued = sheet.due or len(sheet.people)
        returned = issued - rng.choice((0, 0, 1))
        codes = [p.code for p in sheet.people]
        return SheetCounts(issued, returned, sheet_votes(rng, by_code, codes, returned))

    first, rest = sheets[0], sheets[1:]
    with session_scope() as session:
        enter_counts(session, run.cycle_id, [(first.document_id, counted(first))], actor="demo")
    book = write_count_book(cycle_dir(run.cycle_id) / "计票汇总表.xlsx", name, blocks[1:])
    filled = {s.document_id: counted(s) for s in rest}
    fill_count_book(book, {k: (c.issued, c.returned, c.votes) for k, c in filled.items()})
    with session_scope() as session:
        import_count_book(session, run.cycle_id, book.name, read_count_book(book), actor="demo")
    outcome = run_cycle(run.cycle_id, day)
    with session_scope() as session:
        tables = documents_of(session, run.cycle_id, Stage.ASSESSMENT, TALLY)
    groups = "、".join(f"{g} {n} 张" for g, n in Counter(s.group for s in sheets).items())
    run.ballots = (
        f"民主测评票 {len(sheets)} 张（{groups}），网上录入 1 张，计票汇总表导入 {len(rest)} 张；"
        f"民主测评结果汇总表 {len(tables)} 份"
    )
    assert outcome.ran == [Stage.ASSESSMENT.value], outcome
    say(f"  计票：{run.ballots}")


def _mobilized(run: DemoRun, say: Say) -> None:
    """What 动员部署 sent to the nominating bodies, and the 回执 that came back."""
    with session_scope() as session:
        progress = cycle_progress(session, run.cycle_id, clock_today(), [Stage.MOBILIZATION])
        notices = documents_of(session, run.cycle_id, Stage.MOBILIZATION, WORK_NOTICE)
    returned = progress[Stage.MOBILIZATION].returned
    bodies = len({d.recipient_name for d in notices})
    run.mobilization = (
        f"工作通知 {len(notices)} 份（附实施方案）发往 {bodies} 个推荐单位，回执 {returned} 份"
    )
    say(f"  动员部署：{run.mobilization}")


def _pending(cycle_id: int, stage: Stage) -> list[Document]:
    """Documents of the stage that need a return and have none yet."""
    with session_scope() as session:
        return awaiting_return(session, cycle_id, stage)


def _one_return(job: tuple[str, Path, Path, int, str, DemoPKI, Reply | None]) -> None:
    how, pdf, out, seed, reviewer, pki, reply = job
    if how == "signed":
        digitally_sign(pdf, out, key=pki.signer_key, cert=pki.signer_cert,
                       signer_name=pki.signer_name)  # fmt: skip
    else:
        scan_return(pdf, out, seed=seed, signer_name=reviewer, stamp_text=reviewer, reply=reply)


def _make_returns(
    docs: list[Document], drop: Path, rng: random.Random, pki: DemoPKI, reply: Reply | None
) -> None:
    """Reviewers send back their documents: scans mostly, some digitally signed PDFs."""
    drop.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n, doc in enumerate(docs):
        roll = rng.random()
        if roll < 0.12:
            # A digitally signed PDF keeps its text layer: matched by the printed ID.
            jobs.append(("signed", drop / f"signed-{n:04d}.pdf"))
        else:
            # Scans have no text layer: matched by the QR code, or by the ID someone typed.
            jobs.append(("scan", drop / (f"{doc.id}.pdf" if roll > 0.93 else f"scan-{n:04d}.pdf")))
    work = [
        (how, located(doc.pdf_path), out, rng.randrange(10**6), doc.recipient_name, pki, reply)
        for (how, out), doc in zip(jobs, docs, strict=True)
    ]
    # Rasterising and stamping a page takes about a second: use every core.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_one_return, work))


def _timed(run: DemoRun, step: str, started: float) -> None:
    run.step_seconds[step] = run.step_seconds.get(step, 0.0) + time.perf_counter() - started


def _collect(run: DemoRun, drop: Path, reply: Reply | None, say: Say) -> None:
    t = time.perf_counter()
    outcomes = intake_returns(run.cycle_id, drop, reply)
    _timed(run, "intake", t)
    for o in outcomes:
        run.returns[o.outcome] = run.returns.get(o.outcome, 0) + 1
        if o.outcome == "quarantined":
            say(f"  已隔离 {o.file_name}：{o.message}")
    counts = {k: sum(o.outcome == k for o in outcomes) for k in ("recorded", "quarantined")}
    say(f"  回件导入：{len(outcomes)} 个文件，已登记 {counts['recorded']}，"
        f"已隔离 {counts['quarantined']}")  # fmt: skip


def _object_once(run: DemoRun, say: Say) -> None:
    """One solicitation reply objects to one person: their result is held until staff decide."""
    with session_scope() as session:
        letter = first_document_to(session, run.cycle_id, "纪委监委")
        assert letter is not None and letter.people
        person = letter.people[len(letter.people) // 2]
        text = "该同志所在单位反映其存在违规兼职问题，正在核实。"
        record_reply(session, document_id=letter.id, reply=Reply.OBJECTION, text=text,
                     people=[person], actor="demo")  # fmt: skip
    run.objection = f"{person}：{text}"
    say(f"  纪委监委提出异议：{run.objection}")


LATE_DAYS = 20  # the two late returns of nomination come in after their reminder
STAGE_DAYS = 3  # each stage's returns are in within three days
DEMO_OFFICE = {
    "APPRAISAL_OFFICE_NAME": f"中共{CITY}委统战部",
    "APPRAISAL_OFFICE_NUMBER_PREFIX": "滨统评",
    "APPRAISAL_OFFICE_CONTACT": "干部科 李明",
    "APPRAISAL_OFFICE_PHONE": "内线 8021",
}


def run_demo(*, people: int, seed: int, output: Path, say: Say) -> DemoRun:
    started = time.perf_counter()
    use_fresh_output(output)
    run = DemoRun(output=output)
    rng = random.Random(seed)
    # The story runs in the past and ends today: every letter is dated before the returns that
    # answer it, which are recorded at the real time they come in.
    day = clock_today() - timedelta(days=LATE_DAYS + STAGE_DAYS * len(WORK_STAGES))
    set_today(day)
    data = output / "data"
    # The records carry no 民主测评 tallies: the tellers count the sheets the assessment prints.
    write_demo_data(data, people=people, seed=seed, ballots=False)
    say(f"已在 {data} 生成 {people} 人的人才库")
    _import(data, say)
    _honour(run, say)
    _talks(run, day, say)
    pki = make_demo_pki(output / "demo-pki")
    os.environ["APPRAISAL_TRUST_ROOTS"] = str(pki.root_cert)
    # The demo's own issuing office, so its letters print a name and a contact, not the
    # settings' placeholders; an office set in the environment still wins.
    for name, value in DEMO_OFFICE.items():
        os.environ.setdefault(name, value)
    get_settings.cache_clear()
    run.cycle_id = launch(
        name=f"{day.year}年度党外代表人士综合评价（演示）", kind=CycleKind.NON_PARTY,
        year=day.year, scheme_path=None, selection=Selection(),
    ).cycle_id  # fmt: skip
    _assess(run, say)
    drop = output / "dropbox"
    for stage in WORK_STAGES:
        t = time.perf_counter()
        outcome = run_cycle(run.cycle_id, day)
        _timed(run, "generate", t)
        assert outcome.stage == stage.value, f"expected {stage.value}, at {outcome.stage}"
        say(
            f"{stage_name(stage)}："
            + ("待审核审定" if stage == Stage.APPROVAL else "文件已生成并送达")
        )
        if stage == Stage.NOMINATION:
            _nominate(run, data, day, say)
        if stage == Stage.ASSESSMENT:
            _reports(run, day, say)
            _count_ballots(run, generate(people, seed, day.year).ballots, day, say)
        if stage == Stage.APPROVAL:  # nothing is sent: the 审核 审定 on the 审定 page
            _approve(run, say)
            day += timedelta(days=STAGE_DAYS)
            set_today(day)
            run.stage_seconds[stage.value] = time.perf_counter() - t
            continue
        reply = Reply.NO_OBJECTION if stage == Stage.SOLICITATION else None
        pending = _pending(run.cycle_id, stage)
        late = pending[:2] if stage == Stage.NOMINATION else []
        t2 = time.perf_counter()
        _make_returns(pending[len(late) :], drop, rng, pki, reply)
        _timed(run, "returns", t2)
        if stage == Stage.NOMINATION:
            (drop / "会议照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a return")
        _collect(run, drop, reply, say)
        if stage == Stage.SOLICITATION:
            _object_once(run, say)
        if stage == Stage.NOTIFICATION:
            _decide_hold(run, drop, rng, pki, say)
        if stage == Stage.MOBILIZATION:
            _mobilized(run, say)
        if late:
            day += timedelta(days=LATE_DAYS)
            set_today(day)
            with session_scope() as session:
                progress = cycle_progress(session, run.cycle_id, day)[stage]
            run.overdue_shown = progress.overdue
            say(f"  {day}：{progress.overdue} 份逾期；催办发给 "
                + "、".join(sorted({o.recipient for o in progress.outstanding})))  # fmt: skip
            _make_returns(late, drop, rng, pki, reply)
            _collect(run, drop, reply, say)
        day += timedelta(days=STAGE_DAYS)
        set_today(day)
        run.stage_seconds[stage.value] = time.perf_counter() - t
    outcome = run_cycle(run.cycle_id, day)
    say(f"周期处于{stage_name(outcome.stage)}阶段")
    _adjust_pool(run, day, say)
    t = time.perf_counter()
    archived = archive_cycle(run.cycle_id, None, day)
    run.step_seconds["archive"] = time.perf_counter() - t
    run.sealed, run.register, run.dossiers = (
        len(archived.sealed),
        archived.register,
        archived.dossiers,
    )
    if archived.refused or archived.failed:
        say(f"归档：未封存：{archived.refused | archived.failed}")
    say(f"归档：已封存 {run.sealed} 份档案；周期处于{stage_name(archived.stage)}阶段")
    if archived.sealed:
        _review(run, day, say)
    if archived.sealed:
        t = time.perf_counter()
        first = sorted(archived.sealed)[0]
        career = make_career_file(first, made_on=day, issuer=get_settings().office_name)
        run.step_seconds["person file"] = time.perf_counter() - t
        run.career = str(career.pdf)
        say(f"一人一档：{first} 的个人档案共 {career.pages} 页，含 {career.dossiers} 份封存档案")
    run.seconds = time.perf_counter() - started
    return run

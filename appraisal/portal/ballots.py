"""计票 of a cycle for staff: every 民主测评票 sheet with its count, a form per sheet to enter
发出, 收回 and each person's votes, a waiver for a sheet that will not be counted, and the
计票汇总表 to download, fill in and upload. The same core functions as `appraisal ballots`."""

import shutil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from appraisal.ballot_sheets import VOTES
from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.models.vocab import Stage
from appraisal.portal import launcher
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.imports import _staging
from appraisal.portal.limits import FIELDS, RowId
from appraisal.portal.web import check_csrf, flash, log_access, page, staff_change
from appraisal.roles import Action
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.ballots import read_count_book, write_count_book
from appraisal.store import ballots
from appraisal.store.ballots import BallotError, Entered, SheetCounts, Votes
from appraisal.store.offices import StaffMember

router = APIRouter()


def _page(request: Request, me: StaffMember, cycle: Cycle) -> Response:
    with session_scope() as session:
        sheets = ballots.ballot_sheets(session, cycle.id or 0)
    return page(
        request, "ballots.html", me=me, cycle=cycle, sheets=sheets, votes=VOTES,
        open=cycle.stage == Stage.ASSESSMENT,
        left=sum(not s.counted for s in sheets),
    )  # fmt: skip


def _back(cycle_id: int, sheet: str = "") -> RedirectResponse:
    anchor = f"#sheet-{sheet}" if sheet else ""
    return RedirectResponse(f"/cycles/{cycle_id}/ballots{anchor}", status_code=303)


@router.get("/cycles/{cycle_id}/ballots")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    return _page(request, me, scoped_cycle(me, cycle_id))


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    return text[: FIELDS[name].max_length or len(text)]


def _count(value: object, what: str) -> int:
    """A count typed in a form: a whole number, or BallotError naming it."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.lstrip("-").isdigit() or len(text) > 7:
        raise BallotError(f"{what}“{text}”不是整数 / not a whole number")
    return int(text)


def _after(cycle_id: int, done: Entered) -> str:
    """What entering did, and the tally tables started once every sheet is counted."""
    said = f"计票结果：{done.words()}"
    with session_scope() as session:
        left = len(ballots.uncounted_sheets(session, cycle_id))
        awaiting = bool(ballots.awaiting_tally_tables(session, cycle_id))
    if left:
        return said + f"；尚有 {left} 张测评票未计票"
    if awaiting and launcher.start_advance(cycle_id):
        return said + "；全部测评票已计票，正在生成民主测评结果汇总表"
    return said + "；全部测评票已计票"


@router.post("/cycles/{cycle_id}/ballots/enter")
async def enter(request: Request, cycle_id: RowId) -> Response:
    """One sheet's counts: 发出, 收回, and five numbers for each person in the sheet's order."""
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=0, max_fields=6 + 5 * 200)
    check_csrf(request, form.get("csrf"))
    doc_id, reason = _text(form, "sheet"), _text(form, "reason")
    try:
        with session_scope() as session:
            sheet = ballots.find_sheet(ballots.ballot_sheets(session, cycle_id), doc_id)
        numbers = [_count(v, "票数") for v in form.getlist("votes")]
        if len(numbers) != len(VOTES) * len(sheet.people):
            raise BallotError(f"测评票 {sheet.title}：票数不全 / counts missing")
        per = len(VOTES)
        votes: dict[str, Votes] = {
            p.code: (numbers[n * per], numbers[n * per + 1], numbers[n * per + 2],
                     numbers[n * per + 3], numbers[n * per + 4])
            for n, p in enumerate(sheet.people)
        }  # fmt: skip
        counts = SheetCounts(
            _count(form.get("issued"), "发出票数"), _count(form.get("returned"), "收回票数"), votes
        )
    except BallotError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id, doc_id)
    done = Entered()

    def change(session: Any) -> str:
        nonlocal done
        done = ballots.enter_counts(session, cycle_id, [(doc_id, counts)], actor=me.username,
                                    reason=reason)  # fmt: skip
        return f"计票结果：{done.words()}（{sheet.title}）"

    if staff_change(request, me.actor, action="enter ballot count",
                    detail=f"cycle {cycle.id} {doc_id}", refused=BallotError,
                    change=change):  # fmt: skip
        flash(request, _after(cycle_id, done), "ok")
    return _back(cycle_id, doc_id)


@router.post("/cycles/{cycle_id}/ballots/waive")
async def waive(request: Request, cycle_id: RowId) -> Response:
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=0, max_fields=4)
    check_csrf(request, form.get("csrf"))
    doc_id, reason = _text(form, "sheet"), _text(form, "reason")

    def change(session: Any) -> str:
        found = ballots.waive_sheet(session, cycle_id, doc_id, actor=me.username, reason=reason)
        return f"已免计票：{found.title}（{reason}）"

    if staff_change(request, me.actor, action="waive ballot count",
                    detail=f"cycle {cycle.id} {doc_id}", refused=BallotError,
                    change=change):  # fmt: skip
        flash(request, _after(cycle_id, Entered()), "ok")
    return _back(cycle_id, doc_id)


@router.get("/cycles/{cycle_id}/ballots/计票汇总表.xlsx")
def workbook(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        blocks = ballots.count_book_blocks(session, cycle_id)
    folder = _staging()
    path = write_count_book(folder / "计票汇总表.xlsx", cycle.name, blocks)
    return FileResponse(path, filename=f"{cycle.name} 计票汇总表.xlsx",
                        background=_cleanup(folder))  # fmt: skip


def _cleanup(folder: Any) -> Any:
    from starlette.background import BackgroundTask

    return BackgroundTask(shutil.rmtree, folder, ignore_errors=True)


@router.post("/cycles/{cycle_id}/ballots/import")
async def import_book(request: Request, cycle_id: RowId) -> Response:
    """The filled 计票汇总表, all or nothing; each problem names file, sheet, row and column."""
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=1, max_fields=3)
    check_csrf(request, form.get("csrf"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        flash(request, "请选择填好的计票汇总表（.xlsx）/ choose the workbook", "error")
        return _back(cycle_id)
    name = upload.filename.rsplit("/", 1)[-1][:128]
    reason = _text(form, "reason")
    folder = _staging()
    try:
        staged = folder / name
        with staged.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)

        def run() -> Entered:
            blocks = read_count_book(staged, max_bytes=get_settings().max_workbook_bytes)
            with session_scope() as session:
                done = ballots.import_count_book(session, cycle_id, name, blocks,
                                                 actor=me.username, reason=reason)  # fmt: skip
                log_access(session, request, actor=me.actor, action="import ballot counts",
                           detail=f"cycle {cycle.id} {name}")  # fmt: skip
            return done

        done = await run_in_threadpool(run)
    except (WorkbookError, BallotError) as exc:
        with session_scope() as session:
            log_access(session, request, actor=me.actor, action="import ballot counts",
                       outcome="refused", detail=f"cycle {cycle.id} {name}")  # fmt: skip
        flash(request, str(exc), "error")
        return _back(cycle_id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    flash(request, _after(cycle_id, done), "ok")
    return _back(cycle_id)

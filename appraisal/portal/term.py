"""届末评价 for staff: each member's points and grade per year of a term, the term's total and
average, and the 连续两年不合格 flag, under the CPPCC members' scheme; the same as
`appraisal term show`, with the 届末评价表 download. Every staff member reads, within their
offices."""

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.documents.term_sheet import TITLE, term_header, write_term_sheet, year_cell
from appraisal.portal.access import staff
from appraisal.portal.web import log_access, page
from appraisal.scheme import load_scheme
from appraisal.sheets.values import MAX_YEAR, MIN_YEAR
from appraisal.store.term import TermBoard, TermError, evaluate_terms

router = APIRouter()

CPPCC_SCHEME = Path(__file__).resolve().parent.parent / "schemes" / "cppcc.toml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TERM_YEARS = 5  # a 届 of the CPPCC is five years: the span offered when none is asked for
Year = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]


def _span(first: int | None, last: int | None) -> tuple[int, int]:
    last = last or (first + TERM_YEARS - 1 if first else today().year)
    return first or last - TERM_YEARS + 1, last


def _board(request: Request, first: int, last: int) -> tuple[TermBoard | None, str]:
    me = staff(request)
    if last - first >= 20:
        return None, "届末评价的年度跨度不能超过 20 年"
    try:
        with session_scope() as session:
            return evaluate_terms(
                session, scheme=load_scheme(CPPCC_SCHEME), first=first, last=last, scope=me.scope
            ), ""
    except TermError as exc:
        return None, str(exc)


@router.get("/term")
def term(request: Request, start: Year = None, end: Year = None) -> Response:
    me = staff(request)
    first, last = _span(start, end)
    board, problem = _board(request, first, last)
    return page(
        request, "term.html", user=me.username, me=me, board=board, problem=problem,
        first=first, last=last, header=term_header(board.years, board.flag) if board else [],
        year_cell=year_cell,
    )  # fmt: skip


@router.get("/term/export.xlsx")
def export(request: Request, start: Year = None, end: Year = None) -> Response:
    me = staff(request)
    first, last = _span(start, end)
    board, problem = _board(request, first, last)
    if board is None:
        return page(
            request, "term.html", status_code=400, user=me.username, me=me, board=None,
            problem=problem, first=first, last=last, header=[], year_cell=year_cell,
        )  # fmt: skip
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="term export", detail=f"{first}-{last}")
    with TemporaryDirectory() as folder:
        path = Path(folder) / "term.xlsx"
        write_term_sheet(path, scheme=board.scheme, years=board.years, flag=board.flag,
                         rows=board.rows)  # fmt: skip
        body = path.read_bytes()
    name = f"{TITLE}{first}-{last}.xlsx"
    disposition = f"attachment; filename*=utf-8''{quote(name)}"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})

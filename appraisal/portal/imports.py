"""Roster and records upload: the same core import as `appraisal roster import` and
`appraisal records import`, all or nothing, with every row at fault shown in a table."""

import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from appraisal.db import session_scope
from appraisal.importing import Imported, import_records_file, import_roster_file
from appraisal.paths import output_root
from appraisal.portal.access import staff
from appraisal.portal.web import check_csrf, log_access, page
from appraisal.roles import Action
from appraisal.sheets import WorkbookError, write_records_template, write_roster_template
from appraisal.sheets.nominations import write_nomination_template
from appraisal.sheets.values import MAX_YEAR, MIN_YEAR
from appraisal.store.offices import StaffMember

router = APIRouter()

KINDS = {"roster": "花名册", "records": "履职记录等"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = {
    "roster": ("花名册模板.xlsx", write_roster_template),
    "records": ("履职记录模板.xlsx", write_records_template),
    "nominations": ("推荐表格模板.xlsx", write_nomination_template),
}


def _staging() -> Path:
    """A fresh folder for one upload, inside the output folder (which nothing serves)."""
    root = output_root() / ".portal-uploads"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root))


def _shown_name(filename: str) -> str:
    """The uploader's file name, kept (the errors and the audit log name it) but harmless: it
    becomes the only entry of a fresh folder, never a path."""
    name = Path(filename.replace("\\", "/")).name.strip()[-120:]
    return name if name not in ("", ".", "..") else "upload.xlsx"


def _imports_page(request: Request, me: StaffMember, **context: Any) -> Response:
    return page(
        request, "imports.html", user=me.username, me=me, can_run=me.may(Action.RUN),
        min_year=MIN_YEAR, max_year=MAX_YEAR, **context,
    )  # fmt: skip


@router.get("/imports")
def imports(request: Request) -> Response:
    me = staff(request)
    return _imports_page(request, me)


@router.post("/imports/{kind}")
async def upload(request: Request, kind: str) -> Response:
    me = staff(request, Action.RUN)
    if kind not in KINDS:
        return _imports_page(request, me, error="没有这种导入")
    form = await request.form(max_files=1, max_fields=4)
    check_csrf(request, form.get("csrf"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _imports_page(request, me, kind=kind, error="请选择要上传的 Excel 文件（.xlsx）")
    year: int | None = None
    year_text = str(form.get("year") or "").strip()
    if kind == "records" and year_text:
        if not year_text.isdigit() or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
            return _imports_page(
                request, me, kind=kind, error=f"年度须为 {MIN_YEAR} 到 {MAX_YEAR} 之间的整数"
            )
        year = int(year_text)
    shown = _shown_name(upload.filename)
    folder = _staging()
    staged = folder / shown
    try:
        with staged.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
        done, issues = await run_in_threadpool(_import, kind, staged, me, year)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with session_scope() as session:
        log_access(
            session, request, actor=me.actor, action=f"import {kind}",
            outcome="refused" if issues else "ok",
            detail=f"{shown}: {len(issues)} problem(s)" if issues else shown,
        )  # fmt: skip
    return _imports_page(
        request, me, kind=kind, file=shown, issues=issues, done=done, year=year_text,
    )  # fmt: skip


def _import(
    kind: str, path: Path, me: StaffMember, year: int | None
) -> tuple[Imported | None, list[Any]]:
    try:
        if kind == "roster":
            done = import_roster_file(path, actor=me.actor, office_id=me.office_id, scope=me.scope)
        else:
            done = import_records_file(path, actor=me.actor, year=year, scope=me.scope)
    except WorkbookError as exc:
        return None, list(exc.issues)
    return done, []


@router.get("/imports/templates/{kind}.xlsx")
def template(request: Request, kind: str) -> Response:
    """A blank workbook, written by the same function as `appraisal roster template`."""
    staff(request)
    if kind not in TEMPLATES:
        raise HTTPException(404, "没有这个模板")
    name, write = TEMPLATES[kind]
    folder = _staging()
    try:
        path = folder / name
        write(path)
        content = path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )

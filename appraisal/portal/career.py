"""A person's growing file (一人一档) from their page: the PDF, or the whole package as a .zip.
Made anew for each download, from the same core function as `appraisal people file`."""

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from appraisal.career_file import CareerFile, CareerFileError, NoSuchPerson, make_career_file
from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.portal.access import staff
from appraisal.portal.downloads import download_name
from appraisal.portal.web import log_access
from appraisal.settings import get_settings
from appraisal.store.offices import StaffMember

router = APIRouter()


def _made(me: StaffMember, code: str, folder: Path) -> CareerFile:
    target = folder / download_name(code, suffix="")  # the folder's name is the zip's root
    try:
        return make_career_file(code, made_on=today(), issuer=get_settings().office_name,
                                scope=me.scope, target=target)  # fmt: skip
    except CareerFileError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        # Unknown or out of scope is a 404, as on the person's page; a damaged dossier a 409.
        raise HTTPException(404 if isinstance(exc, NoSuchPerson) else 409, str(exc)) from exc


@router.get("/people/{code}/file.pdf")
def career_pdf(request: Request, code: str) -> Response:
    me = staff(request)
    folder = Path(tempfile.mkdtemp(prefix="appraisal-career-"))
    made = _made(me, code[:64], folder)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="download person file",
                   detail=f"{code[:64]}: {made.pages} pages")  # fmt: skip
    return FileResponse(
        made.pdf, media_type="application/pdf", filename=download_name(code[:64], "一人一档"),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )  # fmt: skip


@router.get("/people/{code}/file.zip")
def career_package(request: Request, code: str) -> Response:
    me = staff(request)
    folder = Path(tempfile.mkdtemp(prefix="appraisal-career-"))
    made = _made(me, code[:64], folder)
    archive = shutil.make_archive(str(folder / code[:64]), "zip", made.package.parent,
                                  made.package.name)  # fmt: skip
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="download person package",
                   detail=f"{code[:64]}: {made.dossiers} dossiers, {made.bytes} bytes")  # fmt: skip
    return FileResponse(
        archive, media_type="application/zip",
        filename=download_name(code[:64], "一人一档", suffix=".zip"),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )  # fmt: skip

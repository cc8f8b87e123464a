"""Revoking a reviewer's link asks first: the board's 撤销 leads here, and only the ticked
「确认撤销」 on this page revokes it (the POST in staff.py)."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from appraisal.db import session_scope
from appraisal.portal.access import staff
from appraisal.portal.limits import RowId
from appraisal.portal.web import page
from appraisal.roles import Action
from appraisal.store.links import scoped_link

router = APIRouter()


@router.get("/links/{link_id}/revoke")
def confirm_revoke(request: Request, link_id: RowId) -> Response:
    me = staff(request, Action.RUN)
    with session_scope() as session:
        link = scoped_link(session, link_id, me.scope)
    if link is None:
        raise HTTPException(404, "没有这个链接")
    return page(request, "revoke.html", user=me.username, me=me, link=link)

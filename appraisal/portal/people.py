"""The pool as staff look it up: a person list with search and filters, and one person's page
(every field the roster declares, pool stays, cycles and results, history of changes)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from appraisal.db import session_scope
from appraisal.models.vocab import Tier
from appraisal.person_fields import PERSON_FIELDS, ROSTER_FIELDS, field_text
from appraisal.portal.access import staff
from appraisal.portal.web import page
from appraisal.sheets.layouts import RECORD_SHEETS as RECORD_LAYOUTS
from appraisal.store.people_view import PeopleFilter, filter_choices, find_people, person_record
from appraisal.store.records import TARGETS

router = APIRouter()

NO_PERSON = "没有这个人员，或其不属于您的单位"
Text = Annotated[str, Query(max_length=64)]
HEADERS = {f.name: f.roster.header for f in PERSON_FIELDS if f.roster is not None}
RECORD_SHEETS = {t.entity: t.sheet for t in TARGETS.values()}
SPECS = {spec.name: spec for spec in RECORD_LAYOUTS}


@router.get("/people")
def people(
    request: Request,
    q: Text = "",
    tier: Text = "",
    category: Text = "",
    sector: Text = "",
    unit: Text = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    me = staff(request)
    chosen_tier = next((t for t in Tier if t.value == tier), None)
    where = PeopleFilter(
        text=q.strip(), tier=chosen_tier, category=category, sector=sector, unit=unit.strip()
    )
    with session_scope() as session:
        found = find_people(session, me.scope, where, page_no)
        choices = filter_choices(session, me.scope)
    query = {"q": q, "tier": tier, "category": category, "sector": sector, "unit": unit}
    kept = urlencode({k: v for k, v in query.items() if v})
    return page(
        request, "people.html", user=me.username, me=me, found=found, query=query,
        tiers=[t.value for t in Tier], choices=choices, kept=kept,
        filtered=any(query.values()),
    )  # fmt: skip


@router.get("/people/{code}")
def person(request: Request, code: str) -> Response:
    me = staff(request)
    with session_scope() as session:
        record = person_record(session, me.scope, code[:64])
    if record is None:
        raise HTTPException(404, NO_PERSON)
    p = record.person
    fields = [(f.roster.header, field_text(p, f.name)) for f in ROSTER_FIELDS if f.roster]
    changes = [
        {
            "at": e.at,
            "what": _what(e.entity, e.entity_key, e.field),
            "before": e.before or "",
            "after": e.after or "",
            "actor": e.actor.removeprefix("staff:"),
            "reason": e.reason,
        }
        for e in record.changes
    ]
    return page(
        request, "person.html", user=me.username, me=me, record=record, fields=fields,
        changes=changes,
    )  # fmt: skip


def _what(entity: str, key: str, field: str) -> str:
    if entity == "person":
        return "新建" if field == "created" else HEADERS.get(field, field)
    year = key.split("/")[1] if key.count("/") >= 1 else ""
    sheet = RECORD_SHEETS.get(entity, entity)
    try:
        header = SPECS[sheet].column(field).header
    except KeyError:
        header = field
    return f"{sheet}（{year}年度）{header}"

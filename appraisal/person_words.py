"""How a person's information and its history read to staff: the person page and the growing
file (一人一档) print them the same way."""

from datetime import date
from typing import Any

from appraisal.person_fields import PERSON_FIELDS, ROSTER_FIELDS, plain
from appraisal.sheets.layouts import RECORD_SHEETS as RECORD_LAYOUTS
from appraisal.store.changes import as_text
from appraisal.store.records import TARGETS

HEADERS = {f.name: f.roster.header for f in PERSON_FIELDS if f.roster is not None}
RECORD_SHEETS = {t.entity: t.sheet for t in TARGETS.values()}
SPECS = {spec.name: spec for spec in RECORD_LAYOUTS}


def shown_value(name: str, value: Any, day_known: bool = True) -> str:
    """A field as staff read it: 是/否, a birth month without an invented day."""
    if isinstance(value, date) and name == "birth_date" and not day_known:
        return f"{value.year}.{value.month:02d}"
    return as_text(plain(value)) or ""


def person_facts(person: object) -> list[tuple[str, str]]:
    """(roster header, value) of every field the roster declares, in the roster's order."""
    day_known = bool(getattr(person, "birth_day_known", True))
    return [
        (f.roster.header, shown_value(f.name, getattr(person, f.name), day_known))
        for f in ROSTER_FIELDS
        if f.roster is not None
    ]


def change_what(entity: str, key: str, field: str) -> str:
    """What an audit entry about a person changed: a roster field, or a field of a yearly
    record sheet (履职, 测评 …) with its year."""
    if entity == "person":
        return "新建" if field == "created" else HEADERS.get(field, field)
    year = key.split("/")[1] if key.count("/") >= 1 else ""
    sheet = RECORD_SHEETS.get(entity, entity)
    try:
        header = SPECS[sheet].column(field).header
    except KeyError:
        header = field
    return f"{sheet}（{year}年度）{header}"

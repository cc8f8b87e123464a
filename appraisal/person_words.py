"""How a person's information and its history read to staff: the person page and the growing
file (一人一档) print them the same way."""

from appraisal.person_fields import PERSON_FIELDS, ROSTER_FIELDS, field_text
from appraisal.sheets.layouts import RECORD_SHEETS as RECORD_LAYOUTS
from appraisal.store.records import TARGETS

HEADERS = {f.name: f.roster.header for f in PERSON_FIELDS if f.roster is not None}
RECORD_SHEETS = {t.entity: t.sheet for t in TARGETS.values()}
SPECS = {spec.name: spec for spec in RECORD_LAYOUTS}


def person_facts(person: object) -> list[tuple[str, str]]:
    """(roster header, value) of every field the roster declares, in the roster's order."""
    return [(f.roster.header, field_text(person, f.name)) for f in ROSTER_FIELDS if f.roster]


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

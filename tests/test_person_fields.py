"""Everything that lists a person's fields agrees with their one declaration
(appraisal/person_fields.py): the model, the roster, the view, the documents, the dossier
record and the register. A new field that one of them misses fails here, naming it."""

import tomllib
from dataclasses import MISSING, fields
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
import sqlalchemy as sa

from appraisal.archive.register import _REGISTER_WIDTHS, REGISTER_HEADER, RegisterRow
from appraisal.documents import contexts
from appraisal.documents.views import CycleView, Office
from appraisal.models import Person
from appraisal.models.vocab import Gender, Tier
from appraisal.person_fields import (
    ARCHIVED_FIELDS,
    DOCUMENT_FIELDS,
    FIELD_NAMES,
    PERSON_FIELDS,
    REGISTER_FIELDS,
    ROSTER_FIELDS,
    CellKind,
    PersonField,
    PersonView,
    plain_values,
    register_columns,
)
from appraisal.sheets.layouts import ROSTER
from appraisal.sheets.roster import RosterRow
from appraisal.sheets.spec import Kind
from appraisal.store.cycle_data import person_view

MANIFEST = tomllib.loads(
    (Path(__file__).parent.parent / "templates" / "manifest.toml").read_text(encoding="utf-8")
)
_PERSON_TABLE: sa.Table = Person.__table__  # type: ignore[attr-defined]
_VIEW_DEFAULTS = {f.name: f.default for f in fields(PersonView)}


def _value(name: str) -> Any:
    """A value of its own for each declared field, whatever fields are declared."""
    declared = next(f for f in PERSON_FIELDS if f.name == name)
    kind = next(f.type for f in fields(PersonView) if f.name == name)
    if kind is bool:
        return not _VIEW_DEFAULTS[name]
    if kind is date or kind == date | None:
        return date(1970, 5, 1)
    vocab = declared.roster.vocab if declared.roster else None
    if vocab is not None:
        return list(vocab)[-1]
    return f"{name}之值 单位"


def _person() -> Person:
    return Person(id=7, **{name: _value(name) for name in FIELD_NAMES})


def test_the_example_person_sets_every_declared_field() -> None:
    p = _person()
    unset = [f for f in FIELD_NAMES if getattr(p, f) == _VIEW_DEFAULTS[f]]
    assert not unset, f"give the test person a value for {unset}"


@pytest.mark.parametrize("declared", PERSON_FIELDS, ids=lambda f: f.name)
def test_the_model_has_a_column_for_each_field(declared: PersonField) -> None:
    assert declared.name in _PERSON_TABLE.c, f"models.Person has no column {declared.name}"
    column = _PERSON_TABLE.c[declared.name]
    default = _VIEW_DEFAULTS[declared.name]
    if default is MISSING:
        assert column.default is None, f"{declared.name} is required in the declaration"
    elif default is None:  # "not given": a NULL the column allows
        assert column.default is None and column.nullable, declared.name
    else:
        assert column.default is not None and column.default.arg == default, declared.name
    limit = getattr(column.type, "length", None)
    roster = declared.roster
    if roster is None or limit is None:
        return
    if roster.vocab is not None:  # the vocabulary bounds it
        assert max(len(v) for v in roster.vocab) <= limit, declared.name
    else:
        assert roster.max_length == limit, f"{declared.name}: roster and model disagree"


def test_the_model_has_no_person_field_left_undeclared() -> None:
    # The office that owns the row is not something about the person (store/offices.py).
    assert set(_PERSON_TABLE.c.keys()) - {"id", "office_id"} == set(FIELD_NAMES)


def test_cell_kinds_are_kinds_of_the_sheets() -> None:
    assert set(get_args(CellKind)) <= {k.value for k in Kind}


def test_the_roster_has_a_column_per_declared_field_in_order() -> None:
    assert [c.field for c in ROSTER.columns] == [f.name for f in ROSTER_FIELDS]
    for column, declared in zip(ROSTER.columns, ROSTER_FIELDS, strict=True):
        assert declared.roster is not None
        assert column.header == declared.roster.header
        assert column.kind == Kind(declared.roster.kind)
        assert column.vocab is declared.roster.vocab
        assert column.max_length == declared.roster.max_length


def test_roster_required_columns_are_the_fields_without_a_default() -> None:
    # 编号 has none either: when a sheet leaves it out, it is derived from 姓名 and 出生年月.
    required = {c.field for c in ROSTER.required}
    without_default = {n for n, d in _VIEW_DEFAULTS.items() if d is MISSING}
    assert required == without_default - {"code"}


def test_roster_headers_are_unique() -> None:
    headers = [h for c in ROSTER.columns for h in (c.header, *c.aliases)]
    assert len(headers) == len(set(headers))


def test_a_roster_row_is_a_person_and_its_row() -> None:
    assert [f.name for f in fields(RosterRow)] == [*FIELD_NAMES, "row"]
    row = RosterRow(row=3, **{f: getattr(_person(), f) for f in FIELD_NAMES})
    assert list(row.person_fields()) == list(FIELD_NAMES)
    assert row.person_fields()["tier"] is Tier.RISING


def test_person_view_copies_every_field_as_plain_values() -> None:
    p = _person()
    view = person_view(p)
    for name in FIELD_NAMES:
        value = getattr(view, name)
        assert value == getattr(p, name), name
        assert type(value) in (str, bool, date), f"{name} is not plain: {type(value)}"
    assert view.tier == "精英" and view.unit == "employer之值 单位"
    assert view.employer_post == "employer之值 单位post之值 单位"


def test_document_fields_are_declared_template_fields() -> None:
    declared = MANIFEST["fields"]
    for f in DOCUMENT_FIELDS:
        assert f.document in declared, f"{f.document} ({f.name}) is not in manifest.toml"


def test_document_person_fields_do_not_shadow_the_letters() -> None:
    office = Office("发文机关", "文号", "联系人", "电话")
    letter = contexts.letter_fields(
        CycleView(1, "周期", "kind", 2026, office), date(2026, 1, 1), date(2026, 1, 2), 1
    )
    assert not {f.document for f in DOCUMENT_FIELDS} & set(letter)


def test_documents_print_every_field_with_a_template_name() -> None:
    shown = contexts.person_fields(person_view(_person()))
    # and 工作单位 and 职务 joined, as the templates print them together
    assert list(shown) == [*(f.document for f in DOCUMENT_FIELDS), contexts.JOINED]
    assert shown[contexts.JOINED] == shown["工作单位"] + shown["职务"]
    assert shown["入党派时间"] == "1970年5月"
    assert shown["出生年月"] == "1970年5月"
    assert shown["入库层级"] == "精英" and shown["政治面貌"] == "party之值 单位"
    assert all(isinstance(v, str) for v in shown.values())


def test_the_dossier_keeps_the_archived_fields_as_plain_values() -> None:
    kept = plain_values(_person(), ARCHIVED_FIELDS)
    assert kept["tier"] == "精英" and type(kept["tier"]) is str
    # A dossier's record carries code and name as 编号 and 姓名 (archive/contents.py).
    assert not {"code", "name"} & set(kept)


def test_the_register_starts_with_the_declared_person_columns() -> None:
    columns = register_columns()
    assert REGISTER_HEADER[: len(columns)] == tuple(h for h, _ in columns)
    register_row = {f.name for f in fields(RegisterRow)}
    for f in REGISTER_FIELDS:
        assert f.name in register_row, f"RegisterRow has no field {f.name}"
    assert set(_REGISTER_WIDTHS) == set(REGISTER_HEADER)


def test_vocabulary_fields_read_their_vocabulary() -> None:
    vocab = {f.name: f.roster.vocab for f in ROSTER_FIELDS if f.roster and f.roster.vocab}
    assert vocab == {"gender": Gender, "tier": Tier}

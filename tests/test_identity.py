"""Document IDs are stable, distinct and survive the way scans and file names mangle them."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal.identity import ALPHABET, STAGE_CODES, cycle_of, document_id, parse_document_id
from appraisal.models.vocab import Stage


def _id(**kw: object) -> str:
    base: dict[str, object] = dict(
        cycle_id=7,
        stage=Stage.EVALUATION,
        template_id="evaluation_form",
        person_code="P0001",
        recipient="统战部",
    )
    base.update(kw)
    return document_id(**base)  # type: ignore[arg-type]


def test_same_inputs_same_id_and_shape() -> None:
    assert _id() == _id()
    assert _id().startswith("AP-0007-EV-")
    assert parse_document_id(_id()) == _id()
    assert cycle_of(_id()) == 7


def test_every_input_changes_the_id() -> None:
    variants = [
        _id(cycle_id=8),
        _id(stage=Stage.NOTIFICATION),
        _id(template_id="other"),
        _id(person_code="P0002"),
        _id(recipient="组织部"),
    ]
    assert len({_id(), *variants}) == 6


def test_ids_of_a_large_cycle_do_not_collide() -> None:
    ids = {
        _id(person_code=f"P{n:05d}", recipient=r)
        for n, r in itertools.product(range(5000), ["本人", "所在单位"])
    }
    assert len(ids) == 10000


def test_found_in_scanned_text_and_file_names() -> None:
    doc = _id()
    compact = doc.replace("-", "")
    assert parse_document_id(f"文档编号：{doc}  第1页") == doc
    assert parse_document_id(f"scan_{compact.lower()}_signed.pdf") == doc
    assert parse_document_id("no identifier here") is None


def test_every_single_misread_character_is_rejected() -> None:
    doc = _id()
    for pos, old in enumerate(doc):
        if old == "-" or pos < 3:
            continue
        for char in ALPHABET:
            if char == old or (pos < 7 and not char.isdigit()):
                continue
            mangled = doc[:pos] + char + doc[pos + 1 :]
            assert parse_document_id(mangled) is None, (pos, char)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=8))
def test_swapped_neighbours_are_rejected(person: int, pos: int) -> None:
    doc = _id(person_code=f"P{person}")
    body_start = len("AP-0007-EV-")
    i = body_start + pos
    if doc[i] == doc[i + 1]:
        return
    swapped = doc[:i] + doc[i + 1] + doc[i] + doc[i + 2 :]
    assert parse_document_id(swapped) is None


def test_cycle_of_refuses_garbage() -> None:
    with pytest.raises(ValueError):
        cycle_of("AP-garbage")


def test_every_stage_gets_a_valid_id() -> None:
    for stage in STAGE_CODES:
        doc = _id(stage=stage)
        assert parse_document_id(doc) == doc
        assert set(STAGE_CODES[stage]) <= set(ALPHABET)

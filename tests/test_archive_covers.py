"""Settling dossier covers: a cover's 目录 counts its own pages, so a cover that comes out with
another length than assumed is made again, and the first cover tells the others its length."""

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pypdf import PdfWriter

from appraisal.archive.contents import PersonFile, Rendition
from appraisal.archive.covers import FIRST_GUESS, TocRows, settle_covers


def _pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as f:
        writer.write(f)
    return path


def _person(code: str) -> PersonFile:
    return PersonFile(
        cycle_id=1, cycle_name="周期", year=2026, scheme_name="默认", scheme_version="1",
        scheme_sha256="0" * 64, code=code, name=code, person={}, result=None, documents=(),
    )  # fmt: skip


class Maker:
    """Makes covers of the lengths `length` gives (person code, attempt) and keeps what it was
    asked: each call's codes and the page each person's extract was listed on."""

    def __init__(self, folder: Path, length: Callable[[str, int], int]) -> None:
        self.folder, self.length = folder, length
        self.calls: list[list[str]] = []
        self.listed_on: dict[str, str] = {}

    def __call__(self, tocs: Sequence[tuple[PersonFile, TocRows]]) -> list[Rendition]:
        self.calls.append([pf.code for pf, _ in tocs])
        made = []
        for pf, toc in tocs:
            self.listed_on[pf.code] = toc[0]["页码"]
            attempt = sum(pf.code in call for call in self.calls)
            pdf = _pdf(self.folder / f"{pf.code}-{attempt}.pdf", self.length(pf.code, attempt))
            made.append(Rendition(f"cover-{pf.code}", "封面及目录", pdf.with_suffix(".docx"), pdf))
        return made


@pytest.fixture
def people_and_extracts(
    tmp_path: Path,
) -> tuple[list[PersonFile], dict[str, Rendition | None]]:
    people = [_person(c) for c in ("P1", "P2", "P3")]
    extracts: dict[str, Rendition | None] = {
        pf.code: Rendition(
            f"ex-{pf.code}", "摘录", tmp_path / "ex.docx", _pdf(tmp_path / f"{pf.code}.pdf", 1)
        )
        for pf in people
    }
    return people, extracts


def test_a_cover_of_the_guessed_length_is_made_once_and_tells_the_rest(
    tmp_path: Path, people_and_extracts
) -> None:
    people, extracts = people_and_extracts
    maker = Maker(tmp_path, lambda code, attempt: FIRST_GUESS)
    covers, pages = settle_covers(people, extracts, maker)
    assert maker.calls == [["P1"], ["P2", "P3"]]
    assert pages == FIRST_GUESS and sorted(covers) == ["P1", "P2", "P3"]
    # The extract starts on the page after the cover's.
    assert maker.listed_on == {c: str(FIRST_GUESS + 1) for c in ("P1", "P2", "P3")}


def test_a_longer_cover_is_made_again_and_the_others_assume_its_length(
    tmp_path: Path, people_and_extracts
) -> None:
    people, extracts = people_and_extracts
    maker = Maker(tmp_path, lambda code, attempt: 3)
    covers, pages = settle_covers(people, extracts, maker)
    assert maker.calls == [["P1"], ["P1", "P2", "P3"]]
    assert pages == 3
    assert maker.listed_on == {"P1": "4", "P2": "4", "P3": "4"}
    assert covers["P1"].pdf.name == "P1-2.pdf"


def test_a_length_learned_earlier_makes_every_cover_at_once(
    tmp_path: Path, people_and_extracts
) -> None:
    people, extracts = people_and_extracts
    maker = Maker(tmp_path, lambda code, attempt: 3)
    covers, pages = settle_covers(people, extracts, maker, pages=3)
    assert maker.calls == [["P1", "P2", "P3"]] and pages == 3 and len(covers) == 3


def test_only_the_cover_that_came_out_otherwise_is_made_again(
    tmp_path: Path, people_and_extracts
) -> None:
    people, extracts = people_and_extracts
    maker = Maker(tmp_path, lambda code, attempt: 4 if code == "P2" else 3)
    covers, pages = settle_covers(people, extracts, maker, pages=3)
    assert maker.calls == [["P1", "P2", "P3"], ["P2"]]
    assert maker.listed_on == {"P1": "4", "P2": "5", "P3": "4"}
    assert pages == 3 and len(covers) == 3


def test_a_cover_that_never_settles_is_named(tmp_path: Path, people_and_extracts) -> None:
    people, extracts = people_and_extracts
    maker = Maker(tmp_path, lambda code, attempt: 2 + attempt)
    with pytest.raises(RuntimeError, match=r"would not settle.*P1"):
        settle_covers(people[:1], extracts, maker)


def test_nobody_makes_no_cover(tmp_path: Path) -> None:
    maker = Maker(tmp_path, lambda code, attempt: 1)
    assert settle_covers([], {}, maker, pages=3) == ({}, 3)
    assert settle_covers([], {}, maker) == ({}, FIRST_GUESS)
    assert maker.calls == []

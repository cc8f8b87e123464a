"""A slice of a cycle's people as the archive works on them, read from the database in one go:
each person's file, their view for the documents made about them, and their id for the rows
written about them."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlmodel import Session

from appraisal.archive.contents import PersonFile
from appraisal.documents.views import CycleView, PersonView
from appraisal.store.archive_data import files_of
from appraisal.store.cycle_data import cycle_view, person_view
from appraisal.store.cycles import cycle_people, get_cycle


@dataclass(frozen=True)
class ArchiveSlice:
    cycle: CycleView
    files: list[PersonFile]  # in 编号 order
    views: dict[str, PersonView]  # by code
    ids: dict[str, int]  # by code

    def keeping(self, files: Iterable[PersonFile]) -> "ArchiveSlice":
        """The same slice with only `files` left to work on."""
        return replace(self, files=list(files))


def archive_slice(
    session: Session, cycle_id: int, codes: Iterable[str], titles: Mapping[str, str]
) -> ArchiveSlice:
    """The members in `codes` (everyone when empty); `titles` maps template ids to the titles
    printed on the documents."""
    cycle = get_cycle(session, cycle_id)
    people = cycle_people(session, cycle_id, sorted(set(codes)) or None)
    return ArchiveSlice(
        cycle=cycle_view(cycle),
        files=files_of(session, cycle, people, titles),
        views={p.code: person_view(p) for p in people},
        ids={p.code: p.id for p in people if p.id is not None},
    )

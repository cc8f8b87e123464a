"""Settling dossier covers: a cover's 目录 gives the page each part starts on, counting the
cover's own pages, and how many pages the cover takes is known only once it is made. So a
cover is made assuming a length, and made again when it comes out longer or shorter."""

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from appraisal.archive.contents import PersonFile, Rendition, sections, toc_rows
from appraisal.archive.dossier import plan_pages
from appraisal.pdf import pdf_pages

# The 目录 rows of one person's cover, as the template takes them.
TocRows = list[dict[str, Any]]
# Renders and converts the covers of these people with these 目录 rows, in the same order.
CoverMaker = Callable[[Sequence[tuple[PersonFile, TocRows]]], list[Rendition]]

FIRST_GUESS = 2
ATTEMPTS = 5


def settle_covers(
    people: Sequence[PersonFile],
    extracts: Mapping[str, Rendition | None],
    make: CoverMaker,
    pages: int | None = None,
    count_pages: Callable[[Path], int] = pdf_pages,
    known_pages: Mapping[Path, int] | None = None,
) -> tuple[dict[str, Rendition], int]:
    """Each person's cover (by code), made until its 目录 counts the pages it came out with,
    and the cover length to assume next time. `pages` is a cover's length learned earlier;
    `known_pages` the parts' page counts read beforehand (plan_pages reads the others).
    RuntimeError when a cover does not settle in a few attempts."""
    assumed = {pf.code: pages or FIRST_GUESS for pf in people}
    covers: dict[str, Rendition] = {}
    # How long a cover comes out depends on the template: one cover made first tells the rest,
    # so most covers are rendered and converted once instead of twice.
    todo, waiting = (list(people), []) if pages else (list(people[:1]), list(people[1:]))
    for _attempt in range(ATTEMPTS):
        if not todo:
            break
        tocs = []
        for pf in todo:
            secs = sections(pf, extracts[pf.code])
            tocs.append((pf, toc_rows(secs, plan_pages(assumed[pf.code], secs, known_pages))))
        again = []
        for pf, cover in zip(todo, make(tocs), strict=True):
            came_out = count_pages(cover.pdf)
            if came_out != assumed[pf.code]:
                assumed[pf.code] = came_out
                again.append(pf)
            else:
                covers[pf.code] = cover
        if waiting:
            learned = assumed[todo[0].code]
            assumed.update({pf.code: learned for pf in waiting})
            again += waiting
            waiting = []
        todo = again
    if todo:
        raise RuntimeError(
            f"dossier covers would not settle on a page count: {[p.code for p in todo]}"
        )
    return covers, assumed[people[0].code] if people else (pages or FIRST_GUESS)

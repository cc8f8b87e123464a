"""Progress reports from long work to whoever is showing them (the CLI's progress bars).

Flows run in the CLI's process, so a plain hook is enough; with no hook nothing is shown.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Reporter = Callable[[str, int, int], None]  # (what, done, total)
_reporters: list[Reporter] = []


def report(what: str, done: int, total: int) -> None:
    for reporter in _reporters:
        reporter(what, done, total)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    _reporters.append(reporter)
    try:
        yield
    finally:
        _reporters.remove(reporter)

"""Many forms of one template to PDF/A-2b as one document each group, split back per form.

LibreOffice's cost per document it opens is most of its cost per form (bench/convert.py
measures both ways on the same forms). Here the forms are put into one .docx a group
(appraisal.pdf.concat: one section each, headers kept, page numbers from 1), each group
converted once (a LibreOffice process takes several groups, as convert_many gives it several
files), and the PDF is cut at each form's marker, a named destination LibreOffice writes
for the bookmark at the form's start. A long form is a document of its own, converted as it
is. The documents are shared out among the converters by their estimated weight before any
starts, so that they finish together. A group that fails as a whole (a form that hangs or
crashes LibreOffice, a marker missing) is converted again file by file with convert_many,
which pins the failure on the form at fault: the caller gets the same answers either way.
"""

import hashlib
import itertools
import json
import math
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject

from appraisal.pdf.concat import MARKER_PREFIX, SHARED_PARTS, ConcatError, concatenate
from appraisal.pdf.convert import (
    Conversion,
    ConversionError,
    _targets,
    convert_many,
    docx_problem,
)
from appraisal.pdf.office import convert_batch
from appraisal.pdf.pdfinfo import read_fast
from appraisal.pdf.profile import profile_slot
from appraisal.pdf.soffice import SofficeMissingError, find_soffice, pdf_is_complete

# A group's time limit: a form's, plus this for each form in it. A group of 50 takes about
# 3 s on an idle machine; a hang is given up on after 160 s and the group goes file by file.
SECONDS_PER_GROUPED_FORM = 2.0
# Forms per converted document. Measured in bench/convert.py: the per-form cost falls steeply
# up to a few dozen forms and little after; a smaller group loses less to a failure and keeps
# the fonts every split PDF carries (the group's subset) small.
GROUP_SIZE = 50
# What a group may hold, counted as its forms' uncompressed word/document.xml (about 30 KB a
# page of a list): fifty one- or two-page forms fit. Eighty-four 26-page letters as two
# documents took 1.1 GB of this process's memory to split, and longer than file by file.
GROUP_BODY_BYTES = 1_500_000
# A form with a longer body (about five pages) converts on its own: its pages, not its
# opening, are most of its cost, so it gains little in a group and would crowd one.
ALONE_BODY_BYTES = 150_000
# Forms a converter takes in one run: a converter's share of a call of 500 (the stages' chunks)
# and the unevenness of whole groups (convert.MAX_BATCH is the same bound for files one by one).
# Where every run starts its own LibreOffice, a fresh one follows each run; a LibreOffice kept
# between calls (appraisal.pdf.office) goes on, and starts afresh when it has grown.
PROCESS_FORMS = 300
# What a converter's share is weighed by, in bytes of body: a form costs LibreOffice its body
# (pages) and a little for its own section and header; a document it opens costs about a page
# more. Estimates only; they decide who converts what, not how.
FORM_WEIGHT = 15_000
DOCUMENT_WEIGHT = 30_000
_EXPORT_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    # Word bookmarks become named destinations: the markers the split looks for.
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
}
_PLAIN_OPTIONS = {k: v for k, v in _EXPORT_OPTIONS.items() if k != "SelectPdfVersion"}
# LibreOffice writes the bookmark "_x" as the name "/5Fx" (it escapes the underscore).
_MARKER = re.compile(rf"(?:_|5F|#5F){MARKER_PREFIX.lstrip('_')}(\d+)$")


class SplitError(RuntimeError):
    """The converted group's PDF cannot be cut into its forms; the message says why."""


def export_filter(pdfa: bool) -> str:
    options = _EXPORT_OPTIONS if pdfa else _PLAIN_OPTIONS
    return "pdf:writer_pdf_Export:" + json.dumps(options)


def form_starts(reader: PdfReader, forms: int) -> list[int]:
    """The 0-based first page of each form, from its marker; SplitError unless all are there
    and in order."""
    starts: dict[int, int] = {}
    for name, dest in reader.named_destinations.items():
        m = _MARKER.search(name.lstrip("/"))
        if m is None:
            continue
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            starts[int(m[1])] = page
    found = [starts.get(i) for i in range(forms)]
    if None in found:
        missing = [i + 1 for i, s in enumerate(found) if s is None]
        raise SplitError(f"the markers of forms {missing[:5]} are missing from the PDF")
    pages = [s for s in found if s is not None]
    if pages[0] != 0 or any(b <= a for a, b in itertools.pairwise(pages)):
        raise SplitError(f"the forms' first pages are out of order: {pages[:10]}")
    return pages


# An XObject drawn by a content stream: "/Im5 Do".
_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def _own_resources(page: PageObject) -> PageObject:
    """The page with only the images it draws: LibreOffice gives every page of a document one
    resource dictionary listing every image, so a form cut out would carry the whole group's
    QR codes. (Fonts stay: they are shared, subset for the group.) Its key into the group's
    structure tree goes, as that tree is not carried over."""
    if "/StructParents" in page:
        del page[NameObject("/StructParents")]
    resources = page.get("/Resources")
    if resources is None:
        return page
    resources = resources.get_object()
    images = resources.get("/XObject")
    if images is None:
        return page
    images = images.get_object()
    contents = page.get_contents()
    drawn = set(_DRAWN.findall(contents.get_data())) if contents is not None else set()
    own = DictionaryObject(resources)
    own[NameObject("/XObject")] = DictionaryObject(
        {NameObject(k): v for k, v in images.items() if k[1:].encode() in drawn}
    )
    page[NameObject("/Resources")] = own
    return page


def split_pdf(pdf: Path, targets: Sequence[Path], sources: Sequence[Path]) -> None:
    """Write form i's pages of `pdf` to targets[i], as a PDF of its own with the group's
    PDF/A identification (XMP, output intent, document information) carried over."""
    try:
        reader = read_fast(pdf.read_bytes())
        starts = form_starts(reader, len(targets))
    except (OSError, PdfReadError, ValueError) as exc:
        raise SplitError(f"{pdf}: not a readable PDF: {exc}") from exc
    ends = [*starts[1:], len(reader.pages)]
    catalog = reader.trailer["/Root"]
    assert isinstance(catalog, DictionaryObject)
    for start, end, target, source in zip(starts, ends, targets, sources, strict=True):
        writer = PdfWriter()
        writer.pdf_header = reader.pdf_header
        for number in range(start, end):
            writer.add_page(_own_resources(reader.pages[number]))
        root = writer.root_object
        # Not /MarkInfo nor /StructTreeRoot: the group's structure tree (LibreOffice tags every
        # PDF/A it writes) points into every form's pages and cannot be cut with pypdf, so the
        # forms come out untagged, as the dossiers pypdf assembles already are. PDF/A-2b does not
        # ask for tags (PDF/A-2a would).
        for key in ("/Metadata", "/OutputIntents", "/Lang", "/ViewerPreferences"):
            value = catalog.get(key)
            if value is not None:
                root[NameObject(key)] = value.clone(writer)
        if reader.metadata is not None:
            # Producer and dates as LibreOffice wrote them, so they match the XMP copy.
            writer.add_metadata(dict(reader.metadata))
        # PDF/A needs a file /ID; derived from the form, so the same form gives the same bytes.
        ident = ByteStringObject(hashlib.sha256(source.read_bytes()).digest()[:16])
        writer._ID = ArrayObject([ident, ident])
        tmp = target.with_name(f".{target.name}.part")
        with tmp.open("wb") as fh:
            writer.write(fh)
        os.replace(tmp, target)


def _grouping(docx: Path) -> tuple[bytes, int]:
    """What the forms of one group must have alike (the parts the first form lends the rest),
    and how long the form's body is, uncompressed."""
    digest = hashlib.sha256()
    body = 0
    try:
        with zipfile.ZipFile(docx) as zf:
            names = set(zf.namelist())
            for part in SHARED_PARTS:
                digest.update(part.encode() + b"\0")
                if part in names:
                    digest.update(zf.read(part))
            if "word/document.xml" in names:
                body = zf.getinfo("word/document.xml").file_size
    except (OSError, zipfile.BadZipFile):
        digest.update(str(docx).encode())  # a group of its own; its conversion will say why
    return digest.digest(), body


def plan_groups(
    forms: Sequence[tuple[bytes, int]], size: int, budget: int, alone: int
) -> tuple[list[list[int]], list[int]]:
    """Indices of `forms` ((kind, body bytes) each) in groups of one kind, at most `size` forms
    and `budget` body bytes a group (a form larger than the budget alone), in input order; and
    the forms whose body exceeds `alone`, which are not grouped."""
    kinds: dict[bytes, list[int]] = {}
    single: list[int] = []
    for i, (kind, body) in enumerate(forms):
        if body > alone:
            single.append(i)
        else:
            kinds.setdefault(kind, []).append(i)
    groups: list[list[int]] = []
    for same in kinds.values():
        group: list[int] = []
        held = 0
        for i in same:
            body = forms[i][1]
            if group and (len(group) >= size or held + body > budget):
                groups.append(group)
                group, held = [], 0
            group.append(i)
            held += body
        if group:
            groups.append(group)
    return groups, single


def even_size(total: int, most: int, parts: int = 1) -> int:
    """The size of the pieces `total` is cut into: at most `most` each, as few as that allows,
    their number a multiple of `parts` (the converters that share them), and as even as can
    be. 500 documents in calls of at most 400 go as 250 and 250, not 400 and 100;
    250 forms in groups for two converters as six of 42, three each, not five of 50."""
    parts = max(1, parts)
    pieces = parts * math.ceil(max(1, total) / (parts * max(1, most)))
    return max(1, math.ceil(total / pieces))


def group_size_for(bodies: Sequence[int], most: int, budget: int, parts: int) -> int:
    """Forms a group, for forms of these body sizes: at most `most` forms and `budget` bytes of
    body a group, in a number of groups that `parts` converters share evenly. 198 forms of
    35 KB (at most 50 and 1.5 MB a group, two converters) go as six groups of 33, where 50
    forms a group would have been cut by the budget into five, three for one converter and two
    for the other."""
    if not bodies:
        return 1
    # A tenth to spare: forms differ in length, and a group is closed where its budget runs out.
    pieces = max(math.ceil(len(bodies) / max(1, most)), math.ceil(sum(bodies) / (0.9 * budget)))
    pieces = max(1, parts) * math.ceil(pieces / max(1, parts))
    return math.ceil(len(bodies) / pieces)


def share_out(weights: Sequence[int], workers: int) -> list[list[int]]:
    """Indices of `weights` per worker, the heaviest first to whoever has least so far (so the
    converters finish together rather than one waiting on the other's last group); each
    worker's own in input order."""
    shares: list[list[int]] = [[] for _ in range(max(1, workers))]
    loads = [0] * len(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        least = loads.index(min(loads))
        shares[least].append(i)
        loads[least] += weights[i]
    return [sorted(share) for share in shares]


_SLOTS: dict[int, threading.Semaphore] = {}
_SLOTS_LOCK = threading.Lock()


def converter_slots(converters: int) -> threading.Semaphore:
    """The LibreOffice processes this process runs at once, whichever call starts them: one
    call prepares its documents while another's convert, and takes a converter the moment one
    is free, without more processes than cores."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(converters, threading.Semaphore(converters))


def process_runs(units: Sequence[list[int]]) -> Iterator[list[list[int]]]:
    """`units` in runs for one LibreOffice process each, as even as whole units allow and of
    about PROCESS_FORMS forms at most: a process is restarted now and then rather than left to
    grow, but a converter's share of a call is not cut for the sake of one group over."""
    total = sum(len(unit) for unit in units)
    runs = max(1, math.ceil(total / PROCESS_FORMS))
    batch: list[list[int]] = []
    done = 0  # forms in the runs before this one and in it so far
    cut = 1  # the run, counted from 1, whose even end the next unit is weighed against
    for unit in units:
        # A unit goes to the next run when most of it lies past this run's even end.
        if batch and done + len(unit) / 2 > cut * total / runs:
            yield batch
            batch, cut = [], cut + 1
        batch.append(unit)
        done += len(unit)
    if batch:
        yield batch


def convert_as_one(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    workers: int | None = None,
    group_size: int = GROUP_SIZE,
    group_bytes: int = GROUP_BODY_BYTES,
    alone_bytes: int = ALONE_BODY_BYTES,
    timeout_per_file: float = 60.0,
    pdfa: bool = True,
    startup_timeout: float = 60.0,
    profile_root: Path | None = None,
    converted: Callable[[int, Conversion], None] | None = None,
) -> list[Conversion]:
    """Convert forms of one template to `out_dir`/<stem>.pdf, `group_size` forms a LibreOffice
    document; the same answers as convert_many (one Conversion per input, in input order).

    Each form keeps its own body, headers, footers and images; styles, numbering and settings
    are the first form's, so only forms whose such parts are byte for byte alike (filled from
    one template) share a group: forms of other templates in the same call go in other groups.
    `converted(index, conversion)` is called (from a converter's thread) for each form as soon
    as its PDF is whole, as convert_many does; a group's forms come all at once after its split.
    A group holds at most `group_size` forms and `group_bytes` of their bodies (word/document.xml
    uncompressed); a form whose body is over `alone_bytes` is a document on its own, converted
    beside the groups.
    """
    try:
        soffice = find_soffice()
    except SofficeMissingError as exc:
        raise ConversionError(str(exc)) from exc
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = [Path(p).absolute() for p in docx_paths]
    targets = _targets(sources, out_dir)
    results: dict[int, Conversion] = {}
    good: list[int] = []
    for i, src in enumerate(sources):
        problem = docx_problem(src)
        if problem:
            results[i] = Conversion(src, None, f"{src}: {problem}")
        else:
            good.append(i)
    if not good:
        return [results[i] for i in range(len(sources))]

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(good)))
    shapes = [_grouping(sources[i]) for i in good]
    bodies = [body for _, body in shapes if body <= alone_bytes]
    size = group_size_for(bodies, group_size, group_bytes, n_workers)
    planned, single = plan_groups(shapes, size, group_bytes, alone_bytes)
    # What each LibreOffice document holds: a group of forms, or one long form as it is.
    units = [[good[k] for k in group] for group in planned] + [[good[k]] for k in single]
    alone = {good[k] for k in single}
    body = {i: shape[1] for i, shape in zip(good, shapes, strict=True)}
    weights = [DOCUMENT_WEIGHT + sum(FORM_WEIGHT + body[i] for i in unit) for unit in units]
    lock = threading.Lock()
    failed: list[int] = []
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=out_dir))
    numbers = iter(range(1_000_000))

    def finish(unit: list[int], pdf: Path) -> None:
        try:
            if unit[0] in alone:
                os.replace(pdf, targets[unit[0]])
            else:
                split_pdf(pdf, [targets[i] for i in unit], [sources[i] for i in unit])
        except (SplitError, OSError):
            with lock:
                failed.extend(unit)
            return
        for i in unit:
            done = Conversion(sources[i], targets[i])
            with lock:
                results[i] = done
            if converted is not None:
                converted(i, done)

    def prepare(unit: list[int], docx: Path) -> bool:
        try:
            if unit[0] in alone:
                docx.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sources[unit[0]], docx)
            else:
                concatenate([sources[i] for i in unit], docx)
        except (ConcatError, OSError):
            with lock:
                failed.extend(unit)
            return False
        return True

    slots = converter_slots(workers or os.cpu_count() or 1)

    def worker(share: list[int]) -> None:
        for batch in process_runs([units[u] for u in share]):
            with lock:
                folder = work / f"run-{next(numbers)}"
            by_stem: dict[str, list[int]] = {}
            for k, unit in enumerate(batch):
                if prepare(unit, folder / "in" / f"{k:04d}.docx"):
                    by_stem[f"{k:04d}"] = unit
            handled: set[str] = set()

            def keep(
                pdf: Path, handled: set[str] = handled, by_stem: dict[str, list[int]] = by_stem
            ) -> None:
                # Split as soon as LibreOffice is done with it, while it converts the next.
                if pdf.stem not in handled and pdf_is_complete(pdf):
                    handled.add(pdf.stem)
                    finish(by_stem[pdf.stem], pdf)

            try:
                if by_stem:
                    # Prepared before a converter is free, so it starts the moment one is.
                    with slots, profile_slot(profile_root) as profile:
                        convert_batch(
                            [folder / "in" / f"{stem}.docx" for stem in by_stem],
                            folder / "out",
                            profile=profile,
                            pdfa=pdfa,
                            # A group is given a form's time and a little for each form in it.
                            timeout_per_file=timeout_per_file + SECONDS_PER_GROUPED_FORM * size,
                            startup_timeout=startup_timeout,
                            soffice=soffice,
                            finished=keep,
                            export_filter=export_filter(pdfa),
                        )
                    for stem in by_stem:
                        keep(folder / "out" / f"{stem}.pdf")
            except OSError:
                pass  # LibreOffice did not start: the forms go file by file below
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            with lock:
                for stem, unit in by_stem.items():
                    if stem not in handled:
                        failed.extend(unit)

    try:
        shares = [share for share in share_out(weights, n_workers) if share]
        threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in shares]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lost = sorted(set(good) - set(results) - set(failed))
    retry = sorted(failed) + lost
    if retry:
        # File by file: a form that breaks LibreOffice gets its own error while the others of
        # its group convert.
        retry_dir = Path(tempfile.mkdtemp(prefix=".retrying-", dir=out_dir))

        def moved(j: int, conversion: Conversion) -> None:
            # Under the name the form would have had in its group, before the caller sees it.
            i = retry[j]
            assert conversion.pdf is not None
            os.replace(conversion.pdf, targets[i])
            results[i] = done = Conversion(sources[i], targets[i])
            if converted is not None:
                converted(i, done)

        try:
            again = convert_many(
                [sources[i] for i in retry],
                retry_dir,
                workers=workers,
                timeout_per_file=timeout_per_file,
                pdfa=pdfa,
                startup_timeout=startup_timeout,
                profile_root=profile_root,
                converted=moved,
            )
        finally:
            shutil.rmtree(retry_dir, ignore_errors=True)
        for i, conversion in zip(retry, again, strict=True):
            if conversion.pdf is None:
                results[i] = conversion
    return [results[i] for i in range(len(sources))]

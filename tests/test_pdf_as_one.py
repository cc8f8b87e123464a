"""convert_as_one: forms of one template converted as one document, split back per form.

Each split PDF must equal the same form converted alone, page for page: same page count, same
text on every page, same embedded fonts, PDF/A-2b still claimed.
"""

import math
import os
import shutil
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from appraisal.pdf import convert_many, pdf_fonts, pdf_text, pdfa_claim
from appraisal.pdf.as_one import (
    convert_as_one,
    even_size,
    group_size_for,
    plan_groups,
    process_runs,
    share_out,
    split_pdf,
)
from appraisal.pdf.concat import W, concatenate, marker
from appraisal.pdf.pdfinfo import page_images
from appraisal.render import PreparedTemplate
from appraisal.render.manifest import resolve_templates
from appraisal.render.samples import sample_context

# Rows of the list field per form: a form with many runs onto more pages, so the split cannot
# count on a fixed number of pages per template.
ROWS = [2, 40, 3, 25, 1]


def _require_soffice() -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        reason = "LibreOffice or poppler-utils is not installed (make setup installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the LibreOffice tests")
        pytest.skip(reason)


def _forms(folder: Path, template_id: str) -> list[Path]:
    templates = resolve_templates()
    resolved = templates.templates[template_id]
    prepared = PreparedTemplate.load(resolved.path)
    return [
        prepared.render_to(
            folder / f"{template_id}-{i}.docx",
            sample_context(resolved.spec, templates.fields, rows=rows, seed=i + 1),
        )
        for i, rows in enumerate(ROWS)
    ]


def _folder(path: Path) -> Path:
    path.mkdir(exist_ok=True)
    return path


def _pages(pdf: Path) -> list[str]:
    # pdftotext ends every page with a form feed.
    return pdf_text(pdf).split("\f")[:-1]


def test_concatenated_forms_keep_their_own_sections_headers_and_markers(tmp_path: Path) -> None:
    forms = _forms(tmp_path / "docx", "nomination_form")[:3]
    one = concatenate(forms, tmp_path / "one.docx")
    with zipfile.ZipFile(one) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        headers = [n for n in zf.namelist() if n.startswith("word/f") and "header" in n]
        header_text = "".join(zf.read(n).decode() for n in headers)
    sections = body.findall(f".//{{{W}}}sectPr")
    assert len(sections) == 3
    assert all(s.find(f"{{{W}}}pgNumType").get(f"{{{W}}}start") == "1" for s in sections)
    names = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert [marker(i) for i in range(3)] == [n for n in names if n.startswith("_appraisal")]
    # Each form's header (it carries the person's name) is its own part.
    assert len(headers) == 3
    for seed in (1, 2, 3):
        assert f"姓名示例·{seed}" in header_text


def test_groups_are_bounded_by_forms_and_body_and_long_forms_go_alone() -> None:
    a, b = b"a" * 32, b"b" * 32
    forms = [(a, 100), (b, 100), (a, 100), (a, 900), (a, 100), (a, 5000), (b, 100), (a, 100)]
    groups, alone = plan_groups(forms, size=3, budget=1000, alone=1000)
    # One kind a group, in input order; no group over three forms or 1,000 bytes of body.
    assert groups == [[0, 2], [3, 4], [7], [1, 6]]
    assert alone == [5]
    # A form under the `alone` limit but over the budget still gets a group, of its own.
    assert plan_groups([(a, 50), (a, 600), (a, 50)], 10, 500, 1000) == ([[0], [1], [2]], [])


@pytest.mark.parametrize(
    ("forms", "workers", "size"),
    [(1, 2, 1), (3, 2, 2), (50, 2, 25), (100, 2, 50), (101, 2, 26), (250, 2, 42),
     (293, 2, 49), (400, 2, 50), (250, 1, 50), (0, 2, 1)],
)  # fmt: skip
def test_groups_come_in_a_number_the_converters_share_evenly(
    forms: int, workers: int, size: int
) -> None:
    assert even_size(forms, 50, workers) == size
    groups = math.ceil(forms / size)
    assert size <= 50 and (forms == 0 or groups % workers == 0 or groups < workers)


def test_groups_cut_by_their_body_still_come_in_an_even_number() -> None:
    """The budget on a group's body counts as well as the number of forms: 198 covers of
    35 KB make six groups of 33 for two converters, where 50 a group would be cut in five."""
    a = b"a" * 32
    bodies = [35_000] * 198
    size = group_size_for(bodies, 50, 1_500_000, 2)
    groups, alone = plan_groups([(a, b) for b in bodies], size, 1_500_000, 150_000)
    assert (size, len(groups), alone) == (33, 6, [])
    plain = plan_groups([(a, b) for b in bodies], even_size(198, 50, 2), 1_500_000, 150_000)[0]
    assert len(plain) == 5
    # Where the budget does not bind, the size is even_size's.
    for forms in (1, 3, 101, 250, 293, 400):
        assert group_size_for([1_000] * forms, 50, 1_500_000, 2) == even_size(forms, 50, 2)
    assert group_size_for([], 50, 1_500_000, 2) == 1


@pytest.mark.parametrize(
    ("weights", "workers", "shares"),
    [
        # Five like groups: three and two, whichever way; a long form goes where there is room.
        ([10, 10, 10, 10, 10], 2, [[0, 2, 4], [1, 3]]),
        ([10, 10, 10, 10, 10, 25], 2, [[3, 5], [0, 1, 2, 4]]),
        ([30, 5, 5, 5, 5, 5, 5], 2, [[0], [1, 2, 3, 4, 5, 6]]),
        ([7], 2, [[0], []]),
        ([3, 1], 1, [[0, 1]]),
    ],
)
def test_converters_get_even_shares_by_weight(
    weights: list[int], workers: int, shares: list[list[int]]
) -> None:
    got = share_out(weights, workers)
    assert got == shares
    assert sorted(i for share in got for i in share) == list(range(len(weights)))


@pytest.mark.parametrize(
    ("sizes", "runs"),
    [
        # A converter's share of a call of 500, a group over the bound: one process.
        ([42] * 7, [294]),
        ([33] * 10, [165, 165]),
        ([1] * 700, [233, 234, 233]),
        ([10, 290, 10], [300, 10]),
        ([400, 5], [400, 5]),
        ([], []),
    ],
)
def test_a_converters_share_goes_to_as_few_processes_as_the_bound_allows(
    sizes: list[int], runs: list[int]
) -> None:
    units = [list(range(n)) for n in sizes]
    got = list(process_runs(units))
    assert [sum(len(u) for u in run) for run in got] == runs
    assert [u for run in got for u in run] == units


@pytest.mark.libreoffice
@pytest.mark.parametrize("template_id", ["nomination_form", "dossier_cover"])
def test_split_pdfs_equal_the_forms_converted_alone(tmp_path: Path, template_id: str) -> None:
    _require_soffice()
    forms = _forms(tmp_path / "docx", template_id)
    profiles = tmp_path / "profiles"
    alone = convert_many(forms, tmp_path / "alone", workers=1, profile_root=profiles)
    # Groups of two: the split has to work across more than one group, the last one short.
    together = convert_as_one(
        forms, tmp_path / "together", workers=2, group_size=2, profile_root=profiles
    )
    assert [c.source for c in together] == [c.source for c in alone]
    page_counts = set()
    for a, b in zip(alone, together, strict=True):
        assert a.pdf is not None and b.pdf is not None, (a.error, b.error)
        assert b.pdf == tmp_path / "together" / f"{b.source.stem}.pdf"
        pages_a, pages_b = _pages(a.pdf), _pages(b.pdf)
        assert len(pages_a) == len(pages_b), b.source.name
        assert pages_a == pages_b, b.source.name
        page_counts.add(len(pages_b))
        fonts_a, fonts_b = pdf_fonts(a.pdf), pdf_fonts(b.pdf)
        assert sorted({f.name for f in fonts_a}) == sorted({f.name for f in fonts_b})
        assert all(f.embedded for f in fonts_b)
        assert pdfa_claim(b.pdf) == (2, "B")
        # Untagged, and saying so: nothing points into a structure tree that is not there.
        split = PdfReader(b.pdf)
        assert "/MarkInfo" not in split.root_object
        assert all("/StructParents" not in page for page in split.pages)
        # Drawn alike too: the QR code is the form's own, not another's of its group.
        for x, y in zip(
            page_images(a.pdf, _folder(tmp_path / "img-a"), 30, gray=True),
            page_images(b.pdf, _folder(tmp_path / "img-b"), 30, gray=True),
            strict=True,
        ):
            assert x.read_bytes() == y.read_bytes(), y.name
    # The forms ran to different lengths: the split found them by marker, not by count.
    assert len(page_counts) > 1
    assert not list((tmp_path / "together").glob(".*"))


def test_a_group_pdf_whose_offsets_are_off_is_still_split(tmp_path: Path) -> None:
    """The strict first read fails on a cross-reference table that points beside its objects;
    the lenient read finds them, and each form still gets its own pages."""
    writer = PdfWriter()
    for i, pages in enumerate([2, 1]):
        start = len(writer.pages)
        for _ in range(pages):
            writer.add_blank_page(595, 842)
        writer.add_named_destination(marker(i), start)
    good = tmp_path / "good.pdf"
    writer.write(good)
    data = good.read_bytes()
    header = data.index(b"\n") + 1
    group = tmp_path / "group.pdf"
    group.write_bytes(data[:header] + b"% shifted\n" + data[header:])  # every offset now 10 short
    with pytest.raises(PdfReadError, match="xref"):
        PdfReader(group, strict=True)
    targets = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    split_pdf(group, targets, [good, good])
    assert [len(PdfReader(t).pages) for t in targets] == [2, 1]


@pytest.mark.libreoffice
def test_a_form_that_breaks_the_group_is_reported_alone(tmp_path: Path) -> None:
    _require_soffice()
    forms = _forms(tmp_path / "docx", "nomination_form")[:3]
    broken = tmp_path / "docx" / "broken.docx"
    with zipfile.ZipFile(forms[0]) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut off: neither we nor LibreOffice can read it
            dst.writestr(info, data)
    not_docx = tmp_path / "docx" / "notes.docx"
    not_docx.write_text("不是 Word 文档", encoding="utf-8")
    # A form of another template in the same call goes into a group of its own.
    cover = _forms(tmp_path / "cover", "dossier_cover")[0]
    seen: list[int] = []
    results = convert_as_one(
        [forms[0], broken, forms[1], not_docx, forms[2], cover],
        tmp_path / "out",
        workers=1,
        profile_root=tmp_path / "profiles",
        converted=lambda i, _: seen.append(i),
    )
    assert [r.ok for r in results] == [True, False, True, False, True, True]
    assert sorted(seen) == [0, 2, 4, 5]
    assert "档案" in pdf_text(results[5].pdf or Path())
    assert results[1].error is not None and "broken.docx" in results[1].error
    assert results[3].error is not None and "not a DOCX file" in results[3].error
    for r in results:
        if r.pdf is not None:
            assert pdfa_claim(r.pdf) == (2, "B")


@pytest.mark.libreoffice
def test_a_form_that_hangs_its_group_is_given_up_on_alone(tmp_path: Path) -> None:
    _require_soffice()
    templates = resolve_templates()
    resolved = templates.templates["nomination_form"]
    prepared = PreparedTemplate.load(resolved.path)
    # Same template, so the same group; tens of thousands of rows take LibreOffice minutes to
    # lay out (10,000 once came out within the 17 s it is given, on a fast moment).
    rows = [2, 30000, 3]
    forms = [
        prepared.render_to(
            tmp_path / f"form-{i}.docx",
            sample_context(resolved.spec, templates.fields, rows=n, seed=i + 1),
        )
        for i, n in enumerate(rows)
    ]
    results = convert_as_one(
        forms,
        tmp_path / "out",
        workers=1,
        timeout_per_file=2,
        # The group's limit starts after this; the default (60 s) would only make the test slow.
        startup_timeout=15,
        profile_root=tmp_path / "p",
    )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error is not None and "within 2 s" in results[1].error
    assert "姓名示例·3" in pdf_text(results[2].pdf or Path())


@pytest.mark.libreoffice
def test_long_forms_are_converted_on_their_own_and_come_out_the_same(tmp_path: Path) -> None:
    """The 40- and 25-row forms are over the limit given: they go file by file, the others as
    one, and every form lands under its own name with the same pages as converted alone."""
    _require_soffice()
    forms = _forms(tmp_path / "docx", "solicitation_letter")
    bodies = {}
    for form in forms:
        with zipfile.ZipFile(form) as zf:
            bodies[form] = zf.getinfo("word/document.xml").file_size
    limit = sorted(bodies.values())[2]  # the three shortest are grouped, the two longest not
    profiles = tmp_path / "profiles"
    alone = convert_many(forms, tmp_path / "alone", workers=1, profile_root=profiles)
    seen: list[int] = []
    mixed = convert_as_one(
        forms,
        tmp_path / "mixed",
        workers=2,
        alone_bytes=limit,
        profile_root=profiles,
        converted=lambda i, _: seen.append(i),
    )
    assert sorted(seen) == list(range(len(forms)))
    for a, b in zip(alone, mixed, strict=True):
        assert a.pdf is not None and b.pdf is not None, (a.error, b.error)
        assert b.pdf == tmp_path / "mixed" / f"{b.source.stem}.pdf"
        assert _pages(a.pdf) == _pages(b.pdf), b.source.name
        # A form converted on its own keeps LibreOffice's tags; a split one does not.
        tagged = "/MarkInfo" in PdfReader(b.pdf).root_object
        assert tagged == (bodies[b.source] > limit), b.source.name
    assert not list((tmp_path / "mixed").glob(".*"))


def _converters_on(root: Path) -> int:
    """LibreOffice processes running on a profile under `root` (Linux: /proc)."""
    marker = root.resolve().as_uri().encode()
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"soffice.bin") and any(marker in a for a in args):
            count += 1
    return count


@pytest.mark.libreoffice
def test_calls_at_once_share_the_converters(tmp_path: Path) -> None:
    """Two calls in one process, one converter each: the second prepares its document while
    the first converts, and runs its LibreOffice only once the first's is done (a process
    may take a moment to exit after its converter is handed on, so a short overlap is let be;
    without the shared slots, the two convert side by side the whole time)."""
    _require_soffice()
    forms = _forms(tmp_path / "docx", "nomination_form")
    profiles = tmp_path / "profiles"
    seen: list[tuple[float, int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append((time.monotonic(), _converters_on(profiles)))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(2) as pool:
            calls = [
                pool.submit(
                    convert_as_one, each, tmp_path / f"out-{i}", workers=1, profile_root=profiles
                )
                for i, each in enumerate((forms, forms))
            ]
            results = [r for call in calls for r in call.result()]
    finally:
        done.set()
        watcher.join()
    assert [r.ok for r in results] == [True] * 2 * len(forms)
    assert max(count for _, count in seen) >= 1
    # The longest stretch with two converters running at once.
    longest, since = 0.0, None
    for at, count in seen:
        if count >= 2:
            since = at if since is None else since
            longest = max(longest, at - since)
        else:
            since = None
    assert longest < 0.5, seen

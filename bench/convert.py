"""Time DOCX -> PDF/A: one soffice process per file, the warm converter, and forms as one.

Makes N two-page Chinese documents (appraisal.pdf.sample: 宋体, 仿宋_GB2312, 黑体, 楷体,
方正小标宋简体, a table; or, with --template ID, N forms filled from one of the project's
templates with made-up values), then converts them
  1. one `soffice --convert-to` process per file, one after the other, as people script it, on
     one shared profile warmed by a first run (so no run pays the profile creation),
  2. with appraisal.pdf.convert_many (its profiles warmed the same way), and
  3. with appraisal.pdf.as_one.convert_as_one: the forms put into one .docx a group (a section
     each), converted once a group, and the PDF split back into one PDF a form with pypdf;
  4. unless --no-options: the warm way again with each export option variant (PDF/A off,
     tagging, image compression, standard fonts, bookmarks), to see which options cost time.
All produce PDF/A-2b with our font set-up unless a variant says otherwise. The ways alternate
over a few rounds (the per-file run takes a share of the documents each round, the others all
of them), so load from other work on the machine falls on all. Prints per-document
milliseconds for each round and their medians, and ends with `convert_speedup_vs_soffice: Y`
and `batch_speedup_vs_warm: X`.

    .venv/bin/python bench/convert.py [--n 40] [--workers 2] [--rounds 3] [--template ID]
        [--group-size 50] [--per-file K] [--no-options]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from appraisal.pdf import convert_many, pdf_fonts, pdf_pages, pdfa_claim
from appraisal.pdf.as_one import GROUP_SIZE, convert_as_one
from appraisal.pdf.fonts import fontconfig_env
from appraisal.pdf.profile import profile_slot, seed_profile
from appraisal.pdf.sample import write_sample_docx
from appraisal.pdf.soffice import PDFA2B_FILTER, find_soffice, run_batch

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志"


def make_documents(folder: Path, n: int) -> list[Path]:
    docs = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[i % len(GIVEN)]
        docs.append(write_sample_docx(folder / f"推荐表-{i:03d}.docx", name=name))
    return docs


def make_forms(folder: Path, n: int, template_id: str) -> list[Path]:
    """N forms of one project template, each with its own made-up values (table rows vary)."""
    from appraisal.render import PreparedTemplate
    from appraisal.render.manifest import resolve_templates
    from appraisal.render.samples import sample_context

    templates = resolve_templates()
    resolved = templates.templates[template_id]
    prepared = PreparedTemplate.load(resolved.path)
    return [
        prepared.render_to(
            folder / f"{template_id}-{i:03d}.docx",
            sample_context(resolved.spec, templates.fields, rows=3 + i % 5, seed=i),
        )
        for i in range(n)
    ]


PDFA2 = {"SelectPdfVersion": {"type": "long", "value": "2"}}
# Export options that might cost LibreOffice time per document. PDF/A-2b is promised for every
# document (README), so only the first variant drops it, to show what it costs.
VARIANTS: dict[str, dict[str, dict[str, str]]] = {
    "pdfa2b_default": PDFA2,
    "no_pdfa": {"SelectPdfVersion": {"type": "long", "value": "0"}},
    "pdfa2b_tagged": {**PDFA2, "UseTaggedPDF": {"type": "boolean", "value": "true"}},
    "pdfa2b_lossless_images": {
        **PDFA2,
        "UseLosslessCompression": {"type": "boolean", "value": "true"},
        "ReduceImageResolution": {"type": "boolean", "value": "false"},
    },
    "pdfa2b_no_standard_fonts": {
        **PDFA2,
        "EmbedStandardFonts": {"type": "boolean", "value": "false"},
    },
    "pdfa2b_no_bookmarks": {**PDFA2, "ExportBookmarks": {"type": "boolean", "value": "false"}},
}


def warm_with_filter(
    docs: list[Path], out: Path, profiles: Path, workers: int, options: dict[str, dict[str, str]]
) -> float:
    """Seconds for the warm way (a process per worker, its share of the files) with `options`."""
    export = "pdf:writer_pdf_Export:" + json.dumps(options)
    shares = [docs[w::workers] for w in range(workers)]

    def run(share: list[Path], w: int) -> None:
        with profile_slot(profiles) as profile:
            run_batch(
                share,
                out / f"w{w}",
                profile=profile,
                pdfa=True,
                timeout_per_file=120,
                startup_timeout=60,
                export_filter=export,
            )

    start = time.perf_counter()
    threads = [threading.Thread(target=run, args=(share, w)) for w, share in enumerate(shares)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def fidelity(pdfs: list[Path]) -> str:
    """Pages, whether every font is embedded, the PDF/A claim: what a variant must keep."""
    pages = sum(pdf_pages(p) for p in pdfs)
    embedded = all(f.embedded for p in pdfs for f in pdf_fonts(p))
    claims = {pdfa_claim(p) for p in pdfs}
    claim = ",".join(sorted(f"PDF/A-{c[0]}{c[1].lower()}" if c else "no PDF/A" for c in claims))
    return f"{pages} pages, fonts {'all embedded' if embedded else 'NOT all embedded'}, {claim}"


def soffice_per_file(docs: list[Path], out: Path, profile: Path) -> float:
    """Seconds for one soffice process per document, sequentially."""
    env = {**os.environ, **fontconfig_env()}
    soffice = str(find_soffice())
    start = time.perf_counter()
    for doc in docs:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                PDFA2B_FILTER,
                "--outdir",
                str(out),
                str(doc),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=300,
        )
    return time.perf_counter() - start


def same_pdfs(a: list[Path], b: list[Path]) -> int:
    """How many pairs differ in pages, extracted text per page or embedded font names."""
    from pypdf import PdfReader

    def look(p: Path) -> tuple[list[str], list[str]]:
        text = [page.extract_text() for page in PdfReader(p).pages]
        return text, sorted({f.name for f in pdf_fonts(p)})

    return sum(look(x) != look(y) for x, y in zip(a, b, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40, help="documents per warm run")
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternate the methods this many times, so a busy machine hurts all alike",
    )
    parser.add_argument(
        "--template", default=None, help="forms filled from this template id (nomination_form)"
    )
    parser.add_argument("--group-size", type=int, default=GROUP_SIZE, help="forms as one")
    parser.add_argument(
        "--per-file",
        type=int,
        default=None,
        help="documents one soffice each, per round (default: N / rounds); it is the slow way",
    )
    parser.add_argument("--no-options", action="store_true", help="skip the export variants")
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        root = Path(tmp)
        if args.template:
            docs = make_forms(root / "docx", args.n, args.template)
            print(f"documents: {len(docs)} {args.template} forms, cores: {os.cpu_count()}")
        else:
            docs = make_documents(root / "docx", args.n)
            print(f"documents: {len(docs)} (two pages each), cores: {os.cpu_count()}")

        profile = root / "soffice-profile"
        seed_profile(profile)  # same fonts as the converter, so both do the same work
        soffice_per_file(docs[:1], root / "warm-up", profile)
        profiles = root / "converter-profiles"
        warm_up = docs[: workers * 2]
        convert_many(warm_up, root / "warm-up-2", workers=workers, profile_root=profiles)

        per_file_ms: list[float] = []
        warm_ms: list[float] = []
        batch_ms: list[float] = []
        variant_ms: dict[str, list[float]] = {name: [] for name in VARIANTS}
        share = args.per_file or max(1, len(docs) // args.rounds)
        warm_pdfs: list[Path] = []
        batch_pdfs: list[Path] = []
        for r in range(args.rounds):
            # Each round: a share of the documents one process each, then all of them warm,
            # then all of them as one document a group, then the export variants.
            chunk = docs[(r * share) % len(docs) :][:share] or docs[:share]
            seconds = soffice_per_file(chunk, root / f"per-file-{r}", profile)
            per_file_ms.append(seconds / len(chunk) * 1000)
            start = time.perf_counter()
            results = convert_many(docs, root / f"warm-{r}", workers=workers, profile_root=profiles)
            warm_ms.append((time.perf_counter() - start) / len(docs) * 1000)
            start = time.perf_counter()
            batched = convert_as_one(
                docs,
                root / f"batch-{r}",
                workers=workers,
                group_size=args.group_size,
                profile_root=profiles,
            )
            batch_ms.append((time.perf_counter() - start) / len(docs) * 1000)
            failed = [c.error for c in [*results, *batched] if not c.ok]
            if failed:
                raise SystemExit(f"conversion failed: {failed[:3]}")
            warm_pdfs = [c.pdf for c in results if c.pdf]
            batch_pdfs = [c.pdf for c in batched if c.pdf]
            pages = sum(pdf_pages(p) for p in warm_pdfs)
            batch_pages = sum(pdf_pages(p) for p in batch_pdfs)
            print(
                f"round {r + 1}: soffice per file {per_file_ms[-1]:.0f} ms/doc ({len(chunk)} "
                f"files), warm converter {warm_ms[-1]:.0f} ms/doc ({len(docs)} files, "
                f"{pages} pages, {workers} workers), as one {batch_ms[-1]:.0f} ms/doc "
                f"({batch_pages} pages, groups of up to {args.group_size})"
            )
            if args.no_options:
                continue
            for name, options in VARIANTS.items():
                out = root / f"variant-{name}-{r}"
                seconds = warm_with_filter(docs, out, profiles, workers, options)
                variant_ms[name].append(seconds / len(docs) * 1000)
                if r == args.rounds - 1:
                    print(f"  {name}: {fidelity(sorted(out.glob('w*/*.pdf')))}")
            print(
                "  export variants, ms/doc: "
                + ", ".join(f"{k} {v[-1]:.0f}" for k, v in variant_ms.items())
            )
        differing = same_pdfs(warm_pdfs, batch_pdfs)
        sizes = [
            sum(p.stat().st_size for p in pdfs) // len(pdfs) for pdfs in (warm_pdfs, batch_pdfs)
        ]
        print(
            f"as one vs warm: {differing} of {len(docs)} PDFs differ in pages, text or fonts; "
            f"mean size {sizes[0] // 1024} KB warm, {sizes[1] // 1024} KB as one"
        )
        per_file, warm = statistics.median(per_file_ms), statistics.median(warm_ms)
        batch = statistics.median(batch_ms)
        print(f"soffice_per_file_ms_per_document: {per_file:.0f}")
        print(f"warm_converter_ms_per_document: {warm:.0f}")
        print(f"batch_as_one_ms_per_document: {batch:.0f}")
        for name, values in variant_ms.items():
            if values:
                print(f"export_{name}_ms_per_document: {statistics.median(values):.0f}")
        print(f"convert_speedup_vs_soffice: {per_file / warm:.1f}")
        print(f"batch_speedup_vs_warm: {warm / batch:.2f}")
        # The same, round by round: each pair ran back to back under the same load.
        paired = statistics.median(w / b for w, b in zip(warm_ms, batch_ms, strict=True))
        print(f"batch_speedup_vs_warm_median_of_rounds: {paired:.2f}")


if __name__ == "__main__":
    main()

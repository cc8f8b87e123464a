"""Time intake's inspection of returned files, a file at a time, as `intake_returns` runs it.

Fills N forms of one project template with made-up values and a document ID each, converts them,
and makes of each form the three kinds of return intake meets:
  - stamped: a seal image put on in a PDF editor; the text layer gives the ID, and the pages are
    compared with the original's (`appraisal.intake.pages`);
  - scanned: printed, signed and scanned; no text layer, so the ID comes from the QR code;
  - signed: a PAdES signature; the ID from the text, the signature checked.
Each kind is inspected with intake's own function, two files at a time as the flow does (each in
its own bounded process). Prints milliseconds a file for each kind and ends with
`intake_ms_per_file: X` (wall time over every file of every kind).

    .venv/bin/python bench/intake.py [--n 20] [--template evaluation_form] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from appraisal.identity import document_id
from appraisal.intake import inspect_return
from appraisal.models.vocab import Stage
from appraisal.pdf import convert_many
from appraisal.render import PreparedTemplate
from appraisal.render.image import Image, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.render.samples import sample_context
from appraisal.simulate import digitally_sign, eseal_return, make_demo_pki, scan_return


def make_originals(folder: Path, n: int, template_id: str) -> dict[str, Path]:
    """N converted forms of one template: document ID -> PDF."""
    templates = resolve_templates()
    resolved = templates.templates[template_id]
    prepared = PreparedTemplate.load(resolved.path)
    docs = {}
    for i in range(n):
        doc_id = document_id(
            cycle_id=1, stage=Stage.EVALUATION, template_id=template_id,
            person_code=f"P{i:05d}", recipient="统战部",
        )  # fmt: skip
        context = sample_context(resolved.spec, templates.fields, rows=3 + i % 5, seed=i + 1)
        # The form's own ID, in its text and its QR code, as the stages print it.
        context = {k: qr_image(doc_id) if isinstance(v, Image) else v for k, v in context.items()}
        context["文档编号"] = doc_id
        docs[doc_id] = prepared.render_to(folder / f"{doc_id}.docx", context)
    converted = convert_many(list(docs.values()), folder)
    failed = [c for c in converted if not c.ok]
    if failed:
        raise SystemExit(f"conversion failed: {failed[0]}")
    return {doc_id: docx.with_suffix(".pdf") for doc_id, docx in docs.items()}


def make_returns(folder: Path, originals: dict[str, Path]) -> dict[str, list[Path]]:
    pki = make_demo_pki(folder / "pki")
    kinds: dict[str, list[Path]] = {"stamped": [], "scanned": [], "signed": []}
    for kind in kinds:
        (folder / kind).mkdir()
    for n, (doc_id, pdf) in enumerate(originals.items()):
        for kind in kinds:
            out = folder / kind / f"{doc_id}.pdf"
            if kind == "stamped":
                eseal_return(pdf, out, seed=n, seal_text="某某市委统战部")
            elif kind == "scanned":
                scan_return(pdf, out, seed=n, signer_name="李明", stamp_text="某某市委统战部")
            else:
                digitally_sign(
                    pdf, out, key=pki.signer_key, cert=pki.signer_cert, signer_name="李明",
                    chain=[pki.root_cert],
                )  # fmt: skip
            kinds[kind].append(out)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="forms (each returned three ways)")
    parser.add_argument("--template", default="evaluation_form")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        folder = Path(tmp)
        originals = make_originals(folder, args.n, args.template)
        kinds = make_returns(folder, originals)

        def one(path: Path) -> str:
            found = inspect_return(path, max_bytes=50 * 1024 * 1024, original_of=originals.get)
            return found.document_id or f"no ID: {found.reason}"

        total_files, total_seconds = 0, 0.0
        for kind, paths in kinds.items():
            started = time.perf_counter()
            with ThreadPoolExecutor(args.workers) as pool:
                ids = list(pool.map(one, paths))
            seconds = time.perf_counter() - started
            wrong = [i for i, p in zip(ids, paths, strict=True) if i != p.stem]
            if wrong:
                raise SystemExit(f"{kind}: not matched: {wrong[0]}")
            print(f"{kind}: {len(paths)} files, {1000 * seconds / len(paths):.0f} ms a file")
            total_files += len(paths)
            total_seconds += seconds
        print(f"intake_ms_per_file: {1000 * total_seconds / total_files:.0f}")


if __name__ == "__main__":
    main()

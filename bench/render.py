"""Time plain docxtpl against our renderer on the same templates and contexts.

Plain docxtpl is called as people call it: DocxTemplate(path), render(context), save(file) for
each document, with our sandboxed environment. Ours prepares each template once per batch and
then renders every document. Both write every document to disk. For each template the first
document of both is compared part by part (body, headers, footers), and the run ends with
`render_speedup_vs_docxtpl: X` (total docxtpl time / total time of ours, all templates).

Times are this process's CPU time (time.process_time, file writes included), the best of
--repeat runs: on a shared machine wall-clock time mostly measures the neighbours.

Then the same for a generated pool's whole document set, every stage as the cycle plans it
(--pool 793 by default; the archive's covers and extracts are not included).

    .venv/bin/python bench/render.py [--docs 200] [--pool 793]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from appraisal.render import Image, PreparedTemplate, make_environment
from appraisal.render.feature_templates import build_feature_templates, feature_contexts
from appraisal.render.manifest import ManifestError, resolve_templates
from appraisal.render.samples import sample_context


def _cases(folder: Path, docs: int) -> list[tuple[str, Path, list[dict[str, Any]]]]:
    cases = []
    try:
        templates = resolve_templates()
    except ManifestError as exc:
        print(f"(default templates skipped: {exc})")
    else:
        for tid, resolved in templates.templates.items():
            if resolved.path.is_file():
                contexts = [
                    sample_context(resolved.spec, templates.fields, rows=5, seed=i)
                    for i in range(docs)
                ]
                cases.append((tid, resolved.path, contexts))
    features = build_feature_templates(folder / "features")
    per_seed = [feature_contexts(i) for i in range(docs)]
    for name, path in features.items():
        cases.append((f"feature:{name}", path, [c[name] for c in per_seed]))
    return cases


def _pool_cases(folder: Path, people: int) -> list[tuple[str, Path, list[dict[str, Any]]]]:
    """Every stage's documents for a generated pool, as the cycle plans them: (template, path,
    contexts with the QR image). Built in a private SQLite database under `folder`."""
    # Before flows import Prefect, so its home goes there too.
    os.environ["APPRAISAL_OUTPUT_DIR"] = str(folder / "pool")
    from datetime import date

    from appraisal.demo_data import write_demo_data
    from appraisal.flows.demo import start_generated_cycle, use_fresh_output
    from appraisal.flows.runmode import plain_calls
    from appraisal.flows.tasks import plan_documents, score_cycle
    from appraisal.models.vocab import Stage
    from appraisal.render import qr_image
    from appraisal.stages import STAGE_ORDER

    use_fresh_output(folder / "pool")
    data = write_demo_data(folder / "pool-data", people=people, seed=2026, year=2026)
    cycle_id = start_generated_cycle(data)
    issued, due = date(2026, 11, 22), date(2026, 12, 6)
    by_template: dict[str, list[dict[str, Any]]] = {}
    with plain_calls():
        score_cycle(cycle_id)
        for stage in STAGE_ORDER:
            if stage in (Stage.ARCHIVE, Stage.DONE):
                continue
            for job in plan_documents(cycle_id, stage, issued, due):
                context = {**job.context, "二维码": qr_image(job.document_id)}
                by_template.setdefault(job.template_id, []).append(context)
    templates = resolve_templates()
    return [
        (f"pool:{tid}", templates.get(tid).path, contexts) for tid, contexts in by_template.items()
    ]


def _docxtpl_context(tpl: DocxTemplate, context: dict[str, Any]) -> dict[str, Any]:
    return {
        k: InlineImage(tpl, io.BytesIO(v.data), width=Mm(v.width_mm)) if isinstance(v, Image) else v
        for k, v in context.items()
    }


def _plain_docxtpl(path: Path, contexts: list[dict[str, Any]], out: Path) -> float:
    out.mkdir(parents=True)
    env = make_environment()
    start = time.process_time()
    for i, context in enumerate(contexts):
        tpl = DocxTemplate(path)
        tpl.render(_docxtpl_context(tpl, context), env)
        tpl.save(out / f"docxtpl_{i}.docx")
    return time.process_time() - start


def _ours(path: Path, contexts: list[dict[str, Any]], out: Path) -> float:
    out.mkdir(parents=True)
    start = time.process_time()
    prepared = PreparedTemplate.load(path)
    for i, context in enumerate(contexts):
        prepared.render_to(out / f"ours_{i}.docx", context)
    return time.process_time() - start


def _same_xml(plain: Path, ours: Path) -> bool:
    a, b = zipfile.ZipFile(plain / "docxtpl_0.docx"), zipfile.ZipFile(ours / "ours_0.docx")
    names = [
        n
        for n in a.namelist()
        if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))
    ]
    return all(a.read(n) == b.read(n) for n in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 200 is the cycle's batch (APPRAISAL_BATCH_SIZE): it prepares a template once per batch.
    parser.add_argument("--docs", type=int, default=200, help="documents per template")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side; the best counts")
    parser.add_argument(
        "--pool",
        type=int,
        default=793,
        help="people whose whole document set is rendered (0: none)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        folder = Path(tmp)
        total_plain = total_ours = 0.0
        all_same = True
        print(f"{'template':28} {'docxtpl ms/doc':>15} {'ours ms/doc':>12} {'speedup':>8}  xml")
        cases = [(c, args.repeat) for c in _cases(folder, args.docs)]
        if args.pool:
            # The pool's set is large: one run a side (the per-template rows above take the best).
            cases += [(c, 1) for c in _pool_cases(folder, args.pool)]
        pool_plain = pool_ours = 0.0
        pool_docs = 0
        for (name, path, contexts), repeat in cases:
            out = folder / "out" / name.replace(":", "_")
            # Each run writes a folder of its own (a run into files that already hold its bytes
            # would write nothing), and nothing is deleted until the end: on this ext4, which
            # has no journal, the inode allocator steps over inodes freed in the last minutes
            # one by one, so deleting thousands of files made every file created after it cost
            # up to 1 ms more (`recently_deleted` in a perf profile). The cycle never deletes
            # its documents.
            plain = min(_plain_docxtpl(path, contexts, out / f"docxtpl-{r}") for r in range(repeat))
            ours = min(_ours(path, contexts, out / f"ours-{r}") for r in range(repeat))
            same = _same_xml(out / "docxtpl-0", out / "ours-0")
            all_same &= same
            total_plain += plain
            total_ours += ours
            n = len(contexts)
            if name.startswith("pool:"):
                pool_plain += plain
                pool_ours += ours
                pool_docs += n
            print(
                f"{name:28} {plain / n * 1000:15.2f} {ours / n * 1000:12.3f} "
                f"{plain / ours:8.1f}  {'same' if same else 'DIFFERENT'}  ({n} documents)"
            )
        if pool_docs:
            print(
                f"pool of {args.pool}: {pool_docs} documents, docxtpl {pool_plain:.1f} s, "
                f"ours {pool_ours:.1f} s, {pool_plain / pool_ours:.1f}x"
            )
        print(f"all documents' XML identical to docxtpl's: {'yes' if all_same else 'NO'}")
        print(f"render_speedup_vs_docxtpl: {total_plain / total_ours:.1f}")
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())

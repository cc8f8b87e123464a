"""Time plain docxtpl against our renderer on the same templates and contexts.

Plain docxtpl is called as people call it: DocxTemplate(path), render(context), save(file) for
each document, with our sandboxed environment. Ours prepares each template once per batch and
then renders every document. Both write every document to disk. For each template the first
document of both is compared part by part (body, headers, footers), and the run ends with
`render_speedup_vs_docxtpl: X` (total docxtpl time / total time of ours, all templates).

Times are this process's CPU time (time.process_time, file writes included), the best of
--repeat runs: on a shared machine wall-clock time mostly measures the neighbours.

    .venv/bin/python bench/render.py [--docs 30]
"""

from __future__ import annotations

import argparse
import io
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


def _docxtpl_context(tpl: DocxTemplate, context: dict[str, Any]) -> dict[str, Any]:
    return {
        k: InlineImage(tpl, io.BytesIO(v.data), width=Mm(v.width_mm)) if isinstance(v, Image) else v
        for k, v in context.items()
    }


def _plain_docxtpl(path: Path, contexts: list[dict[str, Any]], out: Path) -> float:
    env = make_environment()
    start = time.process_time()
    for i, context in enumerate(contexts):
        tpl = DocxTemplate(path)
        tpl.render(_docxtpl_context(tpl, context), env)
        tpl.save(out / f"docxtpl_{i}.docx")
    return time.process_time() - start


def _ours(path: Path, contexts: list[dict[str, Any]], out: Path) -> float:
    start = time.process_time()
    prepared = PreparedTemplate.load(path)
    for i, context in enumerate(contexts):
        prepared.render_to(out / f"ours_{i}.docx", context)
    return time.process_time() - start


def _same_xml(out: Path) -> bool:
    a, b = zipfile.ZipFile(out / "docxtpl_0.docx"), zipfile.ZipFile(out / "ours_0.docx")
    names = [
        n
        for n in a.namelist()
        if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))
    ]
    return all(a.read(n) == b.read(n) for n in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50, help="documents per template")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        folder = Path(tmp)
        total_plain = total_ours = 0.0
        all_same = True
        print(f"{'template':28} {'docxtpl ms/doc':>15} {'ours ms/doc':>12} {'speedup':>8}  xml")
        for name, path, contexts in _cases(folder, args.docs):
            out = folder / "out" / name.replace(":", "_")
            out.mkdir(parents=True)
            plain = min(_plain_docxtpl(path, contexts, out) for _ in range(args.repeat))
            ours = min(_ours(path, contexts, out) for _ in range(args.repeat))
            same = _same_xml(out)
            all_same &= same
            total_plain += plain
            total_ours += ours
            n = len(contexts)
            print(
                f"{name:28} {plain / n * 1000:15.2f} {ours / n * 1000:12.3f} "
                f"{plain / ours:8.1f}  {'same' if same else 'DIFFERENT'}"
            )
        print(f"all documents' XML identical to docxtpl's: {'yes' if all_same else 'NO'}")
        print(f"render_speedup_vs_docxtpl: {total_plain / total_ours:.1f}")
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())

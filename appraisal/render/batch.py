"""Render many documents from one prepared template into a folder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appraisal.files import sha256_bytes, write_atomic
from appraisal.render.prepared import PreparedTemplate


@dataclass(frozen=True)
class RenderedDocument:
    path: Path
    sha256: str
    size: int


def render_batch(
    template: PreparedTemplate | Path,
    documents: Iterable[tuple[str, Mapping[str, Any]]],
    out_dir: Path,
) -> list[RenderedDocument]:
    """Write each (file name, context) as out_dir/file name; the template is prepared once.

    Files are written atomically (a crash never leaves half a .docx under its real name), and
    an identical file already there is left alone; RenderError stops at the failing document.
    """
    if not isinstance(template, PreparedTemplate):
        template = PreparedTemplate.load(template)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for file_name, context in documents:
        if Path(file_name).name != file_name:
            raise ValueError(
                f"文档文件名 {file_name!r} 不能含有文件夹 / "
                f"document file name must not contain a folder: {file_name!r}"
            )
        data = template.render(context)
        target = out_dir / file_name
        write_atomic(target, data)
        results.append(RenderedDocument(target, sha256_bytes(data), len(data)))
    return results

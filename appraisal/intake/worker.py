"""The child process that parses one untrusted PDF under CPU, memory and file-size limits.

Run as ``python -m appraisal.intake.worker`` with a JSON request on stdin; writes one JSON result
line on stdout. A request naming an "original" compares the file's pages with that generated PDF
instead (`appraisal.intake.pages`). The limits are set here, first thing, rather than in a
``preexec_fn``: that hook is unsafe in a parent that runs threads (Prefect does). pdftoppm,
started from here, inherits them.
"""

import importlib.util
import json
import os
import resource
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

# How much of the text layer to read: the ID is printed on every page, and a returned form is a
# few pages; the CPU limit covers what a hostile file does within them.
MAX_TEXT_PAGES = 20
# The package of the tables and their vocabularies (see _vocabularies_only).
PACKAGE = "appraisal.models"


def _vocabularies_only() -> None:
    """Let `appraisal.identity` import `appraisal.models.vocab` without the package's tables.

    The package imports SQLModel and every table: 0.4 s, more than the parsing itself, and
    intake starts this process once or twice a file. The vocabularies module imports nothing of
    ours, so a bare package object suffices here.
    """
    if PACKAGE not in sys.modules:
        spec = importlib.util.find_spec(PACKAGE)
        stub = types.ModuleType(PACKAGE)
        stub.__path__ = list(spec.submodule_search_locations or []) if spec else []
        sys.modules[PACKAGE] = stub


def _limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 1_048_576
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    # Rendered pages go to a temporary folder; a page is a few MB at most.
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1_048_576, 256 * 1_048_576))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _text_ids(reader: Any) -> tuple[list[str], bool]:
    """Document IDs in the text layer, and whether there is a text layer at all."""
    from appraisal.identity import LOOSE_PATTERN, parse_document_id

    found: list[str] = []
    text_layer = False
    for page in reader.pages[:MAX_TEXT_PAGES]:
        try:
            text = page.extract_text() or ""
        except (MemoryError, RecursionError):
            raise
        except Exception:
            continue  # one page with a broken content stream should not hide the others
        text_layer = text_layer or bool(text.strip())
        for m in LOOSE_PATTERN.finditer(text.upper()):
            doc_id = parse_document_id(m.group(0))
            if doc_id and doc_id not in found:
                found.append(doc_id)
    return found, text_layer


def _read_all(fd: int) -> bytes:
    """The whole file the parent opened and handed down (it was checked to be a regular file)."""
    with os.fdopen(fd, "rb") as f:
        f.seek(0)
        return f.read()


def inspect(data: bytes, trust_roots: list[Path]) -> dict[str, Any]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return {"problem": "encrypted"}
        pages = len(reader.pages)
    except (MemoryError, RecursionError):
        raise
    except FileNotDecryptedError:
        return {"problem": "encrypted"}
    except Exception as exc:
        return {"problem": "unreadable", "detail": f"{type(exc).__name__}: {exc}"[:200]}
    if pages == 0:
        return {"problem": "unreadable", "detail": "no pages"}
    text_ids, text_layer = _text_ids(reader)
    result: dict[str, Any] = {
        "pages": pages, "text_ids": text_ids, "text_layer": text_layer, "qr_ids": [],
    }  # fmt: skip
    del reader
    if not result["text_ids"]:
        from appraisal.intake.qr import find_qr_ids

        # pdftoppm reads a file by name: a private copy, never the drop folder's name again.
        with tempfile.TemporaryDirectory(prefix="appraisal-return-") as tmp:
            copy = Path(tmp) / "return.pdf"
            copy.write_bytes(data)
            result["qr_ids"] = list(find_qr_ids(copy, pages))
    # A signature dictionary can never sit in a compressed object stream (its /Contents is
    # patched in place at a byte offset), so a byte search finds every signed file and spares
    # the unsigned majority the 0.6 s import of pyHanko.
    if b"/ByteRange" in data:
        from dataclasses import asdict

        from appraisal.intake.signatures import check_signatures

        result["signature"] = asdict(check_signatures(data, trust_roots))
    return result


def main() -> None:
    request = json.loads(sys.stdin.read())
    _limit(request["memory_mb"], request["cpu_s"])
    _vocabularies_only()
    out = sys.stdout
    sys.stdout = sys.stderr  # only our one result line may reach the parent's pipe
    try:
        data = _read_all(request["fd"])
        if request.get("original"):
            from appraisal.intake.pages import compare_pages

            # pdftoppm reads by name: a private copy, never the drop folder's name again.
            with tempfile.TemporaryDirectory(prefix="appraisal-return-") as tmp:
                copy = Path(tmp) / "return.pdf"
                copy.write_bytes(data)
                result = compare_pages(copy, Path(request["original"]))
        else:
            result = inspect(data, [Path(p) for p in request["trust_roots"]])
    except MemoryError:
        result = {"problem": "too_complex"}
    except RecursionError:
        result = {"problem": "unreadable", "detail": "objects nested too deeply"}
    out.write(json.dumps(result) + "\n")
    out.flush()


if __name__ == "__main__":
    main()

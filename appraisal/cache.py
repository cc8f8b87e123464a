"""The per-user folder for what we generate once and reuse across runs: fontconfig files,
LibreOffice profiles, Prefect's migrated empty database."""

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """A per-user folder for generated files and LibreOffice profiles; it survives across runs."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "appraisal"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only home (some CI containers): fall back to a private temporary folder.
        path = Path(tempfile.gettempdir()) / f"appraisal-{os.getuid()}"
        path.mkdir(mode=0o700, exist_ok=True)
    return path

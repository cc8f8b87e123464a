"""The portal served on a free local port, and Debian's chromium driven by Playwright."""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "output" / "screenshots"


@contextmanager
def served_portal() -> Iterator[str]:
    """The portal of the current settings, in a thread; yields its base URL."""
    import uvicorn

    from appraisal.portal.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the portal did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium (skipped where it is missing, except in CI, which must have it)."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: scripts/system-deps.sh installs it")
        pytest.skip("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def visit(page: Any, url: str) -> None:
    """Open `url`. While a stage runs the cycle's page reloads itself every 5 s (a meta
    refresh), and a reload that fires as we navigate aborts our navigation: go again."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        try:
            page.goto(url)
            return
        except PlaywrightError as exc:
            if "ERR_ABORTED" not in str(exc) or attempt == 2:
                raise

"""Run by the Python that has LibreOffice's `uno` module (Debian's python3-uno), not ours.

Connects to a LibreOffice started with `--accept=pipe,name=NAME;urp;` and converts the
documents asked for on stdin, one JSON object a line, answering each on stdout:

    {"source": "/a.docx", "target": "/a.pdf", "infilter": "...", "filter": "...",
     "options": {"SelectPdfVersion": {"type": "long", "value": "2"}}}
    -> {"ok": true} | {"error": "why", "fatal": false}

First it answers {"ready": true} once connected. "fatal" means LibreOffice is gone or broken
and must be started again. On end of input (the caller exited, even by SIGKILL) it asks
LibreOffice to terminate, and kills its process group if it has not within a few seconds, so
no converter outlives its caller.
"""

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

# How a value of the export options is typed in LibreOffice's JSON, and in Python here.
_TYPES: dict[str, Callable[[str], Any]] = {
    "long": int,
    "short": int,
    "boolean": lambda v: v.lower() == "true",
    "string": str,
}


def _prop(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _answer(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _connect(pipe: str, seconds: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _filter_data(options: dict[str, dict[str, str]]) -> Any:
    props = [
        _prop(name, _TYPES.get(spec["type"], str)(spec["value"])) for name, spec in options.items()
    ]
    return uno.Any("[]com.sun.star.beans.PropertyValue", tuple(props))


def _convert(desktop: Any, job: dict[str, Any]) -> str | None:
    load = (
        _prop("Hidden", True),
        _prop("ReadOnly", True),
        _prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
        _prop("UpdateDocMode", 0),  # NO_UPDATE: no links fetched
        _prop("FilterName", job["infilter"]),
    )
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["source"]), "_blank", 0, load)
    if doc is None:
        return "LibreOffice could not load it"
    try:
        store = [_prop("FilterName", job["filter"]), _prop("Overwrite", True)]
        if job.get("options"):
            store.append(_prop("FilterData", _filter_data(job["options"])))
        doc.storeToURL(uno.systemPathToFileUrl(job["target"]), tuple(store))
    finally:
        doc.close(True)
    return None


def _alive(desktop: Any) -> bool:
    try:
        desktop.getComponents()
    except Exception:
        return False
    return True


def main() -> None:
    pipe, seconds, office_group = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    desktop = _connect(pipe, seconds)
    _answer(ready=True)
    try:
        for line in sys.stdin:
            job = json.loads(line)
            try:
                problem = _convert(desktop, job)
            except Exception as exc:
                # If LibreOffice no longer answers, it crashed or was killed: nothing more can
                # be converted through it. Otherwise the document was at fault.
                fatal = not _alive(desktop)
                _answer(error=f"{type(exc).__name__}: {exc}", fatal=fatal)
                if fatal:
                    return
                continue
            if problem:
                _answer(error=problem, fatal=False)
            else:
                _answer(ok=True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        _stop_group(office_group)


def _stop_group(group: int) -> None:
    """Kill LibreOffice's process group unless it ended on its own within a few seconds (a
    document still loading may veto terminate())."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except OSError:
            return
        time.sleep(0.05)
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)


if __name__ == "__main__":
    main()

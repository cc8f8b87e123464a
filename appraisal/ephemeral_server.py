"""Prefect's temporary API server, started so that it ends with the command that started it.

With no Prefect server configured, Prefect starts its own API server as a child process on the
first flow run and stops it at exit; but a command killed with SIGKILL (or the OOM killer, or a
closed terminal's SIGHUP handled badly) leaves that child running for good, holding a port and
its SQLite database. Here a command starts that server itself, before Prefect would, through a
small wrapper that watches its parent: when the parent is gone, the server stops. Prefect then
finds its singleton already running and uses it.

Run as `python -m appraisal.ephemeral_server PARENT_PID UVICORN_ARGS...` (by `start_guarded`).
"""

import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from typing import Any

POLL_SECONDS = 0.5


def start_guarded() -> None:
    """In Prefect's ephemeral mode, start its temporary server as a guarded child; else nothing."""
    from appraisal.prefect_env import prepare_prefect

    prepare_prefect()  # Prefect reads its home and telemetry settings when first imported
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return  # a real server is configured: nothing of ours to start
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the singleton Prefect's client would create
    if server.running:
        return
    server._run_uvicorn_command = lambda: _guarded_uvicorn(server)  # type: ignore[method-assign]
    server.start()


def _guarded_uvicorn(server: Any) -> "subprocess.Popen[bytes]":
    """Prefect 3.8's own uvicorn command for the temporary server, run under our watchdog."""
    import prefect
    from prefect.settings import get_current_settings

    env = {
        **os.environ,
        # As Prefect starts it: no UI, ephemeral, final settings.
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }
    args = [
        sys.executable, "-m", __name__, str(os.getpid()),
        "--app-dir", str(prefect.__module_path__.parent),
        "--factory", "prefect.server.api.server:create_app",
        "--host", "127.0.0.1", "--port", str(server.port),
        "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip
    return subprocess.Popen(args, env=env)


def _watch(parent: int) -> None:
    # Orphaned, a process is handed to init (or a subreaper): its parent id changes.
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn shuts down cleanly on SIGTERM
    time.sleep(10)
    os._exit(1)


def main() -> None:
    parent = int(sys.argv[1])
    if os.getppid() != parent:  # the parent died before we got here
        sys.exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    sys.argv = ["uvicorn", *sys.argv[2:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

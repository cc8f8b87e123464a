"""What a process killed with SIGKILL leaves behind is cleaned by the next run, and what it
started does not outlive it: staging folders, LibreOffice converters, Prefect's server."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from appraisal.files import staging_dir, sweep_staging
from appraisal.pdf.profile import profile_slot
from appraisal.pdf.soffice import find_soffice
from tests.cycle_helpers import require_soffice


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A killed child of ours stays a zombie until reaped; a zombie counts as gone.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def _child(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        start_new_session=True,
    )


def test_a_killed_process_s_staging_folder_is_swept_and_a_live_one_kept(tmp_path: Path) -> None:
    holder = _child(
        f"""
        import time
        from pathlib import Path
        from appraisal.files import staging_dir
        with staging_dir(Path({str(tmp_path)!r}), ".converting-") as folder:
            (folder / "half.pdf").write_bytes(b"%PDF-")
            print(folder, flush=True)
            time.sleep(600)
        """
    )
    assert holder.stdout is not None
    dead = Path(holder.stdout.readline().strip())
    with staging_dir(tmp_path, ".converting-") as alive:
        assert sweep_staging(tmp_path, ".converting-*") == []  # both still held
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert sweep_staging(tmp_path, ".converting-*") == [dead]
        assert not dead.exists() and alive.is_dir()
    assert not alive.exists()
    # A folder nobody ever locked (older code's `tmp*`) goes once it is old enough.
    old = tmp_path / "tmpabc"
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    young = tmp_path / "tmpdef"
    young.mkdir()
    assert sweep_staging(tmp_path, "tmp*") == [old]
    assert young.is_dir()


@pytest.mark.libreoffice
def test_a_converter_left_running_by_a_killed_process_is_stopped_before_its_profile_is_reused(
    tmp_path: Path,
) -> None:
    require_soffice()
    root = tmp_path / "profiles"
    with profile_slot(root) as profile:
        pass
    # What a SIGKILLed converter leaves: soffice in a session of its own, on the profile.
    orphan = subprocess.Popen(
        [str(find_soffice()), f"-env:UserInstallation={profile.resolve().as_uri()}",
         "--headless", "--invisible", "--norestore", "--nologo"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(2)
    assert orphan.poll() is None
    with profile_slot(root) as again:
        assert again == profile
        assert _gone(orphan.pid, within=10)
    orphan.wait(timeout=10)


def test_prefect_s_temporary_server_ends_with_the_command_that_started_it(tmp_path: Path) -> None:
    command = _child(
        """
        import time
        from appraisal.ephemeral_server import start_guarded
        start_guarded()
        from prefect.server.api.server import SubprocessASGIServer
        print(SubprocessASGIServer().server_process.pid, flush=True)
        time.sleep(600)
        """,
        APPRAISAL_OUTPUT_DIR=str(tmp_path / "output"),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_URL="",
    )
    assert command.stdout is not None
    server = int(command.stdout.readline().strip())
    assert not _gone(server, within=1)
    command.send_signal(signal.SIGKILL)
    command.wait()
    assert _gone(server, within=15), f"Prefect's server {server} outlived its command"

"""LibreOffice left converting by a killed run is stopped, unless a live converter holds its
profile (a stand-in process carries the same command-line marker as a converter's soffice)."""

import fcntl
import subprocess
import sys
from pathlib import Path

from appraisal.pdf.profile import stop_unheld_orphans


def _stand_in(profile: Path) -> subprocess.Popen[bytes]:
    marker = f"-env:UserInstallation={profile.resolve().as_uri()}"
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker])


def test_only_processes_on_unheld_profiles_are_stopped(tmp_path: Path) -> None:
    root = tmp_path / "libreoffice"
    root.mkdir()
    orphan, live = _stand_in(root / "profile-0"), _stand_in(root / "profile-1")
    (root / "profile-0.lock").touch()
    with (root / "profile-1.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            assert stop_unheld_orphans(root) == [orphan.pid]
            assert orphan.wait(timeout=5) == -9
            assert live.poll() is None
        finally:
            live.kill()
            live.wait()

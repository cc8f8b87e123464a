"""An empty, fully migrated database for Prefect's temporary server, made once per Prefect version.

Prefect's temporary server keeps its SQLite database in PREFECT_HOME, under our output folder
(see prefect_env). In a new output folder it builds that database by running every one of its
Alembic migrations, which took 11 s of the first flow's 21 s on a 2-core machine: each demo, each
benchmark and each test that starts a command in a folder of its own paid it. `make setup`
makes the migrated database once, in our cache folder (appraisal.cache), and a new output folder
starts from a copy. Without one (no cache, another Prefect version) Prefect migrates as before.

    python -m appraisal.prefect_template    # make it if it is missing; print its path
"""

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from appraisal.cache import cache_dir

DATABASE = "prefect.db"


def template_path() -> Path:
    """Where the migrated database for the installed Prefect lives."""
    return cache_dir() / f"prefect-{version('prefect')}.db"


def build_template() -> Path:
    """Make the template if it is missing (Prefect's own `database upgrade` in a scratch home)."""
    target = template_path()
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".prefect-template-") as scratch:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
        env.update(PREFECT_HOME=scratch, DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING")
        done = subprocess.run(
            [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
            env=env,
            capture_output=True,
            text=True,
        )
        made = Path(scratch) / DATABASE
        if done.returncode or not made.is_file():
            raise RuntimeError(
                f"Prefect could not make its database in {scratch}: {done.stderr[-2000:]}"
            )
        os.replace(made, target)  # whole or not at all, even with two setups at once
    return target


def seed_database(home: Path) -> bool:
    """Start Prefect's temporary database in `home` from the template: True if it was copied.

    Only where Prefect would make a new SQLite database in `home`: not when a server or another
    database is configured, and never over a database that is already there."""
    if os.environ.get("PREFECT_API_URL") or os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL"):
        return False
    database = home / DATABASE
    if database.exists():  # the usual case, checked before the package metadata is read
        return False
    try:
        template = template_path()
    except Exception:  # no Prefect metadata, no home folder: Prefect will migrate itself
        return False
    if not template.is_file():
        return False
    partial = home / f".{DATABASE}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(template, partial)
        # A link, not a rename: it fails rather than replace a database another command began.
        os.link(partial, database)
    except OSError:
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True


if __name__ == "__main__":
    print(f"Prefect's migrated empty database: {build_template()}")

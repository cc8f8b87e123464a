"""Time a whole cycle at pool size and its archive: stages, `cycle status`, sealing, verifying.

Builds a fresh cycle over a generated pool (default the 793-person pool) in its own output
folder, runs every stage through the real flows (render, LibreOffice, record, deliver), and
records each document's own PDF as its signed return straight through the store, so the intake's
per-file inspection (measured by bench/intake.py) does not dominate. Then seals
every dossier, seals again (nothing changed), verifies every package and times `cycle status`.

    .venv/bin/python bench/archive.py [--people 793] [--out output/bench-archive]

Prints lines like `archive_793_seconds: 123.4`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=793)
    parser.add_argument("--out", type=Path, default=Path("output/bench-archive"))
    args = parser.parse_args()
    out: Path = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    os.environ["APPRAISAL_OUTPUT_DIR"] = str(out)
    os.environ.pop("APPRAISAL_DATABASE_URL", None)

    from datetime import date

    from appraisal.archive.bag import find_bags
    from appraisal.archive.verify import verify_package
    from appraisal.db import session_scope
    from appraisal.demo_data import write_demo_data
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.demo import sign_stage, start_generated_cycle
    from appraisal.stages import WORK_STAGES
    from appraisal.store.progress import document_count

    n = args.people
    today = date(2026, 11, 22)
    cycle_id = start_generated_cycle(write_demo_data(out / "data", people=n, seed=2026, year=2026))
    stage_seconds: dict[str, float] = {}
    for stage in WORK_STAGES:
        t = time.perf_counter()
        outcome = run_cycle(cycle_id, today)
        assert outcome.stage == stage.value, outcome
        stage_seconds[stage.value] = time.perf_counter() - t
        signed = sign_stage(cycle_id, stage)
        print(f"stage_{stage.value}_seconds: {stage_seconds[stage.value]:.1f} ({signed} returns)")
    assert run_cycle(cycle_id, today).stage == "archive"

    t = time.perf_counter()
    cli = str(Path(sys.executable).parent / "appraisal")
    status = subprocess.run(
        [cli, "cycle", "status", str(cycle_id), "--json"], capture_output=True, check=True
    )
    print(f"cycle_status_{n}_seconds: {time.perf_counter() - t:.2f} ({len(status.stdout)} bytes)")
    t = time.perf_counter()
    subprocess.run([cli, "--help"], capture_output=True)
    print(f"cli_startup_seconds: {time.perf_counter() - t:.2f}")

    t = time.perf_counter()
    sealed = archive_cycle(cycle_id, None, today)
    seconds = time.perf_counter() - t
    assert not sealed.refused and not sealed.failed, (sealed.refused, sealed.failed)
    print(f"archive_{n}_seconds: {seconds:.1f} ({len(sealed.sealed)} dossiers, "
          f"{seconds / max(1, len(sealed.sealed)) * 1000:.0f} ms each)")  # fmt: skip
    t = time.perf_counter()
    again = archive_cycle(cycle_id, None, today)
    print(f"archive_again_{n}_seconds: {time.perf_counter() - t:.1f} "
          f"({len(again.unchanged)} unchanged, {len(again.sealed)} sealed)")  # fmt: skip
    bags = find_bags(Path(sealed.dossiers))
    t = time.perf_counter()
    bad = [b for b in bags if verify_package(b)]
    print(
        f"verify_{n}_seconds: {time.perf_counter() - t:.1f} ({len(bags)} packages, {len(bad)} bad)"
    )
    size = sum(p.stat().st_size for b in bags for p in b.rglob("*") if p.is_file())
    print(f"archive_{n}_megabytes: {size / 1e6:.0f}")
    with session_scope() as session:
        docs_total = document_count(session, cycle_id)
    print(f"documents_{n}: {docs_total}")


if __name__ == "__main__":
    main()

"""The whole cycle at pool size, twice: through Prefect, and as plain calls without it.

Both sides build the same generated pool in their own output folder and database, run every
stage (render, LibreOffice, record, deliver), record every return straight through the store
(the intake's per-file inspection is measured by bench/intake.py), and seal every
dossier. Each stage prints its wall time and this process's peak resident memory; LibreOffice's
converters are separate processes, and their peak is reported on its own.

    .venv/bin/python bench/cycle.py [--people 793] [--out output/bench-cycle] [--no-plain]

Ends with `prefect_overhead_pct: Z` (stages and archive, Prefect over plain) and
`cycle_seconds: T` (the Prefect side end to end, returns included).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 22)


def _rss_mb(pid: str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PeakMemory:
    """This process's and LibreOffice's largest resident size while the block runs, sampled
    every 50 ms from /proc (Linux), and the LibreOffice processes (soffice.bin) seen."""

    def __init__(self) -> None:
        self.own = 0.0
        self.office = 0.0
        self.office_pids: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        ticks = 0
        offices: list[str] = []
        while not self._stop.is_set():
            self.own = max(self.own, _rss_mb())
            if ticks % 10 == 0:  # finding the converters costs more than reading them
                offices = [
                    p.parent.name
                    for p in Path("/proc").glob("[0-9]*/comm")
                    if _read(p).startswith("soffice")
                ]
                self.office_pids.update(
                    pid
                    for pid in offices
                    if _read(Path(f"/proc/{pid}/comm")).strip() == "soffice.bin"
                )
            for pid in offices:
                self.office = max(self.office, _rss_mb(pid))
            ticks += 1
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@dataclass
class Side:
    name: str
    seconds: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    office_peak: float = 0.0
    office_pids: set[str] = field(default_factory=set)
    returns_seconds: float = 0.0
    documents: int = 0

    @property
    def work(self) -> float:
        return sum(self.seconds.values())


def run_side(name: str, data: tuple[Path, Path], out: Path, plain: bool) -> Side:
    from contextlib import nullcontext

    from appraisal.db import session_scope
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.demo import sign_stage, start_generated_cycle, use_fresh_output
    from appraisal.flows.runmode import call_flow, plain_calls
    from appraisal.models.vocab import Stage
    from appraisal.stages import WORK_STAGES
    from appraisal.store.approvals import confirm_rest
    from appraisal.store.cycles import get_cycle
    from appraisal.store.progress import document_count

    use_fresh_output(out)
    side = Side(name)
    cycle_id = start_generated_cycle(data)
    mode = plain_calls if plain else nullcontext
    for stage_name in [s.value for s in WORK_STAGES]:
        t = time.perf_counter()
        with mode(), PeakMemory() as peak:
            outcome = call_flow(run_cycle, cycle_id, TODAY)
        side.seconds[stage_name] = time.perf_counter() - t
        side.peaks[stage_name] = peak.own
        side.office_peak = max(side.office_peak, peak.office)
        side.office_pids |= peak.office_pids
        assert outcome.stage == stage_name, outcome
        t = time.perf_counter()
        if stage_name == Stage.APPROVAL:  # the 审核 confirms every grade: nothing to sign
            with session_scope() as session:
                signed = len(confirm_rest(session, cycle=get_cycle(session, cycle_id),
                                          actor="bench"))  # fmt: skip
        else:
            signed = sign_stage(cycle_id, Stage(stage_name))
        side.returns_seconds += time.perf_counter() - t
        print(
            f"{name} {stage_name}: {side.seconds[stage_name]:.1f} s, "
            f"peak {side.peaks[stage_name]:.0f} MB ({signed} returns)",
            flush=True,
        )
    with mode():
        assert call_flow(run_cycle, cycle_id, TODAY).stage == "archive"
    t = time.perf_counter()
    with mode(), PeakMemory() as peak:
        sealed = call_flow(archive_cycle, cycle_id, None, TODAY)
    side.seconds["archive"] = time.perf_counter() - t
    side.peaks["archive"] = peak.own
    side.office_peak = max(side.office_peak, peak.office)
    side.office_pids |= peak.office_pids
    assert not sealed.refused and not sealed.failed, (sealed.refused, sealed.failed)
    print(
        f"{name} archive: {side.seconds['archive']:.1f} s, peak {side.peaks['archive']:.0f} MB "
        f"({len(sealed.sealed)} dossiers)",
        flush=True,
    )
    with session_scope() as session:
        side.documents = document_count(session, cycle_id)
    return side


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=793)
    parser.add_argument("--out", type=Path, default=Path("output/bench-cycle"))
    parser.add_argument("--no-plain", action="store_true", help="Skip the run without Prefect.")
    args = parser.parse_args()
    root: Path = args.out.resolve()
    # Prefect's home goes under the output folder, so set it before flows import Prefect. Its
    # ephemeral server starts on the first flow call: that is part of Prefect's cost.
    os.environ["APPRAISAL_OUTPUT_DIR"] = str(root)
    from appraisal.demo_data import write_demo_data
    from appraisal.flows.demo import use_fresh_output

    use_fresh_output(root)
    n = args.people
    data = write_demo_data(root / "data", people=n, seed=2026, year=2026)

    sides = [run_side("prefect", data, root / "prefect", plain=False)]
    if not args.no_plain:
        sides.append(run_side("plain", data, root / "plain", plain=True))

    print(f"people: {n}")
    for side in sides:
        per_stage = ", ".join(f"{k} {v:.1f}" for k, v in side.seconds.items())
        print(f"{side.name}_seconds: {side.work:.1f} ({per_stage})")
        print(f"{side.name}_peak_mb: {max(side.peaks.values()):.0f}")
        print(f"{side.name}_converter_peak_mb: {side.office_peak:.0f} (largest LibreOffice)")
        print(f"{side.name}_converter_processes: {len(side.office_pids)} (soffice.bin started)")
        print(f"{side.name}_documents: {side.documents}")
    prefect = sides[0]
    if len(sides) == 2:
        plain = sides[1]
        print(f"prefect_overhead_pct: {(prefect.work - plain.work) / plain.work * 100:.1f}")
    print(f"cycle_seconds: {prefect.work + prefect.returns_seconds:.1f}")


if __name__ == "__main__":
    main()

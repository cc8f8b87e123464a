"""A stage made in parts on a Prefect server's workers: start one flow run per part, wait for
them all, and add up what each part wrote in its record file."""

import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import cast

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

from appraisal.flows.runmode import log
from appraisal.models.vocab import Stage
from appraisal.paths import parts_dir

# How often the stage run asks the server whether its parts are done.
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class PartRecord:
    stage: str
    part: int
    parts: int
    planned: int
    changed: int
    failed: int
    seconds: float
    # APPRAISAL_WORKER_NAME when the worker sets it, else host and the worker's process id.
    worker: str


def _record_path(cycle_id: int, stage: Stage, part: int, parts: int) -> Path:
    return parts_dir(cycle_id) / f"{stage.value}-{part + 1:03d}-of-{parts:03d}.json"


def worker_name() -> str:
    return os.environ.get("APPRAISAL_WORKER_NAME") or f"{socket.gethostname()}:{os.getppid()}"


def write_part_record(
    cycle_id: int, stage: Stage, part: int, parts: int, counts: dict[str, int], seconds: float
) -> PartRecord:
    record = PartRecord(
        stage=stage.value,
        part=part,
        parts=parts,
        planned=counts["planned"],
        changed=counts["changed"],
        failed=counts["failed"],
        seconds=round(seconds, 3),
        worker=worker_name(),
    )
    path = _record_path(cycle_id, stage, part, parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return record


def read_part_records(cycle_id: int, stage: Stage, parts: int) -> list[PartRecord]:
    out = []
    for part in range(parts):
        path = _record_path(cycle_id, stage, part, parts)
        if path.is_file():
            out.append(PartRecord(**json.loads(path.read_text(encoding="utf-8"))))
    return out


def run_parts_on_workers(
    deployment: str,
    cycle_id: int,
    stage: Stage,
    issued: date,
    due: date,
    parts: int,
    timeout: float,
) -> dict[str, int]:
    """Start every part at once so idle workers pick them up, then wait for all of them."""
    for part in range(parts):
        _record_path(cycle_id, stage, part, parts).unlink(missing_ok=True)
    runs = [
        run_deployment(
            deployment,
            parameters={
                "cycle_id": cycle_id,
                "stage": stage.value,
                "issued": issued.isoformat(),
                "due": due.isoformat(),
                "part": part,
                "parts": parts,
            },
            timeout=0,
        )
        for part in range(parts)
    ]
    log("stage %s: %d parts sent to %s", stage.value, parts, deployment)
    deadline = time.monotonic() + timeout
    # Called from synchronous code, run_deployment returns the FlowRun itself (async_dispatch
    # types it as that or a coroutine).
    pending = {cast(FlowRun, run).id: part for part, run in enumerate(runs)}
    failed: dict[int, str] = {}
    with get_client(sync_client=True) as client:
        while pending:
            for run_id, part in list(pending.items()):
                state = client.read_flow_run(run_id).state
                if state is not None and state.is_final():
                    del pending[run_id]
                    if not state.is_completed():
                        failed[part + 1] = f"{state.name}: {state.message or ''}".strip()
            if pending and time.monotonic() > deadline:
                left = ", ".join(str(p + 1) for p in sorted(pending.values()))
                raise TimeoutError(f"stage {stage.value}: parts {left} not done in {timeout:.0f} s")
            if pending:
                time.sleep(POLL_SECONDS)
    if failed:
        detail = "; ".join(f"part {p}: {why}" for p, why in sorted(failed.items()))
        raise RuntimeError(f"stage {stage.value}: {len(failed)} of {parts} parts failed ({detail})")
    records = read_part_records(cycle_id, stage, parts)
    if len(records) != parts:
        raise RuntimeError(
            f"stage {stage.value}: {parts - len(records)} parts finished without a record in "
            f"{parts_dir(cycle_id)}; do the workers share this output folder?"
        )
    for r in records:
        log(
            "stage %s: part %d made %d documents on %s",
            stage.value,
            r.part + 1,
            r.planned,
            r.worker,
        )
    return {
        "planned": sum(r.planned for r in records),
        "changed": sum(r.changed for r in records),
        "failed": sum(r.failed for r in records),
    }

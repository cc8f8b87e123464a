"""复核 after a changed grade: the person's sealed dossier sealed again by the archive flow (the
old package kept first), else the register rewritten if one was written already."""

from appraisal.flows.archive import archive_cycle
from appraisal.paths import register_path
from appraisal.reviewing import Decided, rewrite_register, stale_dossier, supersede


def reseal_changed(cycle_id: int, code: str, done: Decided) -> None:
    """Seal the person's dossier again when it was sealed before their grade changed (the
    archive seals them whatever the freeze says: store/freeze.py lets a 复核变更 through),
    keeping the old package; else only rewrite the register if one was written already."""
    if stale_dossier(cycle_id, code):
        done.superseded = supersede(cycle_id, code)
        outcome = archive_cycle(cycle_id, [code])
        done.resealed = code in outcome.sealed
        done.register = outcome.register
        if code in outcome.failed:
            done.problems.append(f"重新封存失败 / reseal failed: {outcome.failed[code]}")
        if code in outcome.refused:
            done.problems.append("重新封存未完成：" + "；".join(outcome.refused[code]))
    elif register_path(cycle_id).is_file():
        done.register = rewrite_register(cycle_id)

"""Intake of signed returns: classify one returned file, safely. Recording is the caller's job.

Names are loaded on first use: the parsing child process imports this package too, and must not
pay for the table models that `appraisal.identity` would otherwise pull in.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "inspect_return": "appraisal.intake.inspect_pdf",
    "Inspection": "appraisal.intake.inspection",
    "MatchedBy": "appraisal.intake.inspection",
    "Marks": "appraisal.intake.inspection",
    "Problem": "appraisal.intake.inspection",
    "SignatureCheck": "appraisal.intake.inspection",
    "SignatureInfo": "appraisal.intake.inspection",
    "Unsigned": "appraisal.intake.unmarked",
    "choose_id": "appraisal.intake.inspection",
    "unsigned": "appraisal.intake.unmarked",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Launching a cycle: everything that must hold before one starts, checked before anything is
written. A broken template or scheme stops the launch with the problems named."""

from pathlib import Path

from appraisal.cycles import CycleError, Selection, start_cycle
from appraisal.db import session_scope
from appraisal.render.check import TemplateCheckError, ensure_templates_ok
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import SchemeError, default_scheme_path, load_scheme
from appraisal.settings import get_settings
from models.vocab import CycleKind


def launch_cycle(
    *, name: str, kind: CycleKind, year: int, scheme_path: Path | None, selection: Selection
) -> int:
    """Create the cycle (scheme copied in, members listed); returns its number."""
    settings = get_settings()
    try:
        scheme = load_scheme(scheme_path or default_scheme_path())
    except SchemeError as exc:
        raise CycleError(f"the scheme has problems:\n{exc}") from None
    try:
        ensure_templates_ok(resolve_templates(settings.templates_dir))
    except TemplateCheckError as exc:
        raise CycleError(
            f"the templates have problems; the cycle was not started:\n{exc}"
        ) from None
    with session_scope() as session:
        cycle = start_cycle(
            session,
            name=name,
            kind=kind,
            year=year,
            scheme_name=scheme.name,
            scheme_version=scheme.version,
            scheme_text=scheme.text,
            scheme_sha256=scheme.sha256,
            selection=selection,
            actor=settings.actor,
        )
        cycle.office = {
            "name": settings.office_name,
            "number_prefix": settings.office_number_prefix,
            "contact": settings.office_contact,
            "phone": settings.office_phone,
        }
        session.add(cycle)
        session.flush()
        assert cycle.id is not None
        return cycle.id

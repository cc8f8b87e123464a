"""Launching a cycle: everything that must hold before one starts, checked before anything is
written. A broken template or scheme stops the launch with the problems named; so do people the
scheme cannot grade for want of data, unless staff choose to start with them (recorded).

Launching again with the name of a cycle whose first stage never finished (a crash, a failed
conversion) resumes that cycle instead of refusing: the command that started it finishes it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from appraisal.db import session_scope
from appraisal.models import Person
from appraisal.models.vocab import CycleKind, Stage
from appraisal.render.check import TemplateCheckError, ensure_templates_ok
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import Scheme, SchemeError, default_scheme_path, load_scheme
from appraisal.scoring.readiness import missing_inputs
from appraisal.settings import get_settings
from appraisal.store.changes import chunks
from appraisal.store.cycle_data import people_inputs
from appraisal.store.cycles import (
    CycleError,
    Selection,
    cycle_named,
    selected_people,
    start_cycle,
)
from appraisal.store.stage_runs import stage_finished


@dataclass(frozen=True)
class Gap:
    code: str
    name: str
    missing: tuple[str, ...]


class MissingInputs(CycleError):
    """People the scheme cannot grade; the cycle was not started."""

    def __init__(self, gaps: Sequence[Gap]) -> None:
        self.gaps = list(gaps)
        super().__init__(
            f"所选人员中有 {len(self.gaps)} 人缺少评价方案评定所需的数据，考核周期未启动："
            "请导入他们的记录，或以 --allow-missing 启动（记入审计记录）"
            " / the cycle was not started"
        )


@dataclass(frozen=True)
class Launch:
    cycle_id: int
    resumed: bool = False  # the cycle existed and its first stage had not finished
    gaps: list[Gap] = field(default_factory=list)  # started with these, as staff allowed


def gaps_of(session: Session, people: Sequence[Person], year: int, scheme: Scheme) -> list[Gap]:
    """Who lacks what among `people`, read a slice at a time (a pool can be 10,000 people)."""
    gaps = []
    for some in chunks(list(people)):
        for person in people_inputs(session, some, year):
            lacking = missing_inputs(scheme, person)
            if lacking:
                gaps.append(Gap(person.code, person.name, lacking))
    return gaps


def launch(
    *,
    name: str,
    kind: CycleKind,
    year: int,
    scheme_path: Path | None,
    selection: Selection,
    allow_missing: bool = False,
) -> Launch:
    """Create the cycle (scheme copied in, members listed), or find the one to resume."""
    settings = get_settings()
    try:
        scheme = load_scheme(scheme_path or default_scheme_path())
    except SchemeError as exc:
        raise CycleError(
            f"评价方案有问题，考核周期未启动 / the scheme has problems：\n{exc}"
        ) from None
    try:
        ensure_templates_ok(resolve_templates(settings.templates_dir))
    except TemplateCheckError as exc:
        raise CycleError(
            f"模板有问题，考核周期未启动 / the templates have problems; the cycle was not started："
            f"\n{exc}"
        ) from None
    with session_scope() as session:
        existing = cycle_named(session, name)
        if existing is not None and existing.id is not None:
            if (existing.kind, existing.year) == (kind, year) and not stage_finished(
                session, existing.id, Stage.NOMINATION
            ):
                return Launch(existing.id, resumed=True)
            raise CycleError(f"名为“{name}”的考核周期已存在 / a cycle of that name exists already")
        gaps = gaps_of(session, selected_people(session, selection), year, scheme)
        if gaps and not allow_missing:
            raise MissingInputs(gaps)
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
            missing={g.code: g.missing for g in gaps},
            office={
                "name": settings.office_name,
                "number_prefix": settings.office_number_prefix,
                "contact": settings.office_contact,
                "phone": settings.office_phone,
            },
        )
        assert cycle.id is not None
        return Launch(cycle.id, gaps=gaps)

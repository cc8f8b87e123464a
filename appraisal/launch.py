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
from appraisal.kinds import first_stage, profile
from appraisal.models import Person
from appraisal.models.office import ROOT_OFFICE_ID
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
from appraisal.store.offices import issuing_office, scope_of
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
            f"选中的人员中有 {len(self.gaps)} 人缺少评分所需的数据，周期未启动：请导入他们的记录，"
            "或确认在缺少数据的情况下启动（--allow-missing，记入审计日志） / "
            f"{len(self.gaps)} of the selected people lack what the scheme needs to grade them; "
            "the cycle was not started"
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


def resumable_until(kind: CycleKind) -> Stage:
    """Starting again resumes a cycle until this stage has finished: the 党外 cycle's 提名推荐
    (its 动员部署 may write to no one), another kind's first stage."""
    return Stage.NOMINATION if kind is CycleKind.NON_PARTY else first_stage(kind)


@dataclass(frozen=True)
class Check:
    """What starting would find, before anything is written: who is in, who lacks what."""

    people: int
    gaps: list[Gap]
    scheme: Scheme


def shipped_schemes() -> list[tuple[str, Scheme]]:
    """The schemes that come with the engine, by file stem, the default first."""
    default = default_scheme_path()
    paths = sorted(default.parent.glob("*.toml"), key=lambda p: (p != default, p.name))
    return [(path.stem, load_scheme(path)) for path in paths]


def kind_scheme_path(kind: CycleKind) -> Path:
    """The shipped scheme a cycle of `kind` starts with when staff name none."""
    return default_scheme_path().parent / f"{profile(kind).scheme}.toml"


def _scheme(scheme_path: Path | None, kind: CycleKind) -> Scheme:
    try:
        return load_scheme(scheme_path or kind_scheme_path(kind))
    except SchemeError as exc:
        raise CycleError(f"方案有问题 / the scheme has problems:\n{exc}") from None


def check_launch(
    *,
    year: int,
    scheme_path: Path | None,
    selection: Selection,
    office_id: int = ROOT_OFFICE_ID,
    kind: CycleKind = CycleKind.NON_PARTY,
) -> Check:
    """The check `launch` makes, without starting: the people selected from `office_id`'s
    pool (and its children's) and what each lacks for the scheme to grade them."""
    scheme = _scheme(scheme_path, kind)
    pool = profile(kind).needs_tier
    with session_scope() as session:
        people = selected_people(session, selection, scope_of(session, office_id), pool=pool)
        return Check(len(people), gaps_of(session, people, year, scheme), scheme)


def launch(
    *,
    name: str,
    kind: CycleKind,
    year: int,
    scheme_path: Path | None,
    selection: Selection,
    allow_missing: bool = False,
    actor: str | None = None,
    office_id: int = ROOT_OFFICE_ID,
) -> Launch:
    """Create the cycle (scheme copied in, members listed), or find the one to resume. The cycle
    is `office_id`'s and covers people of its pool and its children's only."""
    settings = get_settings()
    scheme = _scheme(scheme_path, kind)
    try:
        ensure_templates_ok(resolve_templates(settings.templates_dir))
    except TemplateCheckError as exc:
        raise CycleError(
            f"文书模板有问题，周期未启动 / the templates have problems; the cycle was not started:"
            f"\n{exc}"
        ) from None
    with session_scope() as session:
        scope = scope_of(session, office_id)
        existing = cycle_named(session, name)
        if existing is not None and existing.id is not None:
            if (
                (existing.kind, existing.year) == (kind, year)
                and scope.covers(existing.office_id)
                and not stage_finished(session, existing.id, resumable_until(kind))
            ):
                return Launch(existing.id, resumed=True)
            raise CycleError(f"已有名为“{name}”的考核周期 / a cycle named {name!r} exists already")
        pool = profile(kind).needs_tier
        people = selected_people(session, selection, scope, pool=pool)
        gaps = gaps_of(session, people, year, scheme)
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
            actor=actor or settings.actor,
            missing={g.code: g.missing for g in gaps},
            office=issuing_office(
                session,
                office_id,
                name=settings.office_name,
                number_prefix=settings.office_number_prefix,
                contact=settings.office_contact,
                phone=settings.office_phone,
            ),
            office_id=office_id,
        )
        assert cycle.id is not None
        return Launch(cycle.id, gaps=gaps)

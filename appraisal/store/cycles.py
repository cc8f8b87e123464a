"""Starting and finding cycles, who is in them, and moving a cycle from stage to stage."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from appraisal.documents.views import Affiliation
from appraisal.kinds import first_stage, profile
from appraisal.models import AuditEntry, Cycle, CycleMember, Person, PoolMembership
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import CycleKind, Stage, Tier
from appraisal.store.offices import EVERYWHERE, Scope, people_in, scope_of

Q = TypeVar("Q", bound=sa.Select[*tuple[Any, ...]])


class CycleError(Exception):
    """A staff request about cycles that cannot be carried out, with the reason."""


@dataclass(frozen=True)
class Selection:
    """Who a cycle covers: the current pool but its 名人, one tier of it, or a list of 编号."""

    tier: Tier | None = None
    codes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Selection":
        """`all`, `tier:精英`, `P0001,P0002`, or `@people.txt` (one 编号 per line)."""
        text = text.strip()
        if text in ("", "all", "全部"):
            return cls()
        if text.startswith("tier:") or text.startswith("梯队:"):
            word = text.split(":", 1)[1].strip()
            try:
                return cls(tier=Tier(word))
            except ValueError:
                known = "、".join(t.value for t in Tier)
                raise CycleError(
                    f"没有梯队“{word}”，可选：{known} / unknown tier {word!r}"
                ) from None
        if text.startswith("@"):
            path = Path(text[1:])
            if not path.is_file():
                raise CycleError(f"{path}：文件不存在（应每行一个编号） / no such file")
            lines = path.read_text(encoding="utf-8").splitlines()
            return cls(codes=tuple(c.strip() for c in lines if c.strip()))
        return cls(codes=tuple(c.strip() for c in text.split(",") if c.strip()))

    def describe(self, *, pool: bool = True) -> str:
        if self.tier:
            return f"梯队 {self.tier.value}"
        if self.codes:
            return f"列出的 {len(self.codes)} 人"
        return f"全部在库人员（不含{Tier.PROMINENT.value}）" if pool else "本单位名册全部人员"


def selected_people(
    session: Session, selection: Selection, scope: Scope = EVERYWHERE, *, pool: bool = True
) -> list[Person]:
    """The people `selection` names in the current pool of the offices in `scope`, by code;
    CycleError if none. With `pool` False (a kind that needs no 十百千 tier: 政协委员, 干部),
    everyone on the offices' roster, in the pool or not."""
    query = people_in(scope).order_by(Person.code)
    if pool:
        in_pool = select(PoolMembership.person_id).where(col(PoolMembership.left_on).is_(None))
        query = query.where(col(Person.id).in_(in_pool))
    if selection.tier:
        query = query.where(col(Person.tier) == selection.tier)
    elif not selection.codes and pool:
        # Seed 002: the 统战名人 are honoured figures kept on record, not appraised each year;
        # staff who want one in a cycle name them (by 编号 or by the tier).
        query = query.where(col(Person.tier) != Tier.PROMINENT)
    if selection.codes:
        query = query.where(col(Person.code).in_(selection.codes))
    people = list(session.exec(query))
    if selection.codes:
        missing = sorted(set(selection.codes) - {p.code for p in people})
        if missing:
            raise CycleError(f"以下编号不在本单位当前人员库中：{'、'.join(missing)}")
    if not people:
        raise CycleError(f"没有选中任何人（{selection.describe(pool=pool)}）；请先导入花名册")
    return people


def start_cycle(
    session: Session,
    *,
    name: str,
    kind: CycleKind,
    year: int,
    scheme_name: str,
    scheme_version: str,
    scheme_text: str,
    scheme_sha256: str,
    selection: Selection,
    actor: str,
    missing: Mapping[str, Sequence[str]] | None = None,
    office: Mapping[str, str] | None = None,
    office_id: int = ROOT_OFFICE_ID,
) -> Cycle:
    """Create the cycle with a copy of its scheme and its members, at its kind's first stage
    (动员部署 for the 党外 cycle; appraisal/kinds.py).

    `missing` is what staff were shown to be lacking (编号 -> what) and chose to start with:
    it goes into the audit log with the start. `office` is the issuing office as its letters
    will print it; `office_id` the office that runs it, whose people (and its children's) it
    may cover."""
    if cycle_named(session, name) is not None:
        raise CycleError(f"已有名为“{name}”的考核周期 / a cycle named {name!r} exists already")
    needs_tier = profile(kind).needs_tier
    people = selected_people(session, selection, scope_of(session, office_id), pool=needs_tier)
    cycle = Cycle(
        name=name,
        kind=kind,
        stage=first_stage(kind),
        year=year,
        scheme_name=scheme_name,
        scheme_version=scheme_version,
        scheme_toml=scheme_text,
        scheme_sha256=scheme_sha256,
        office=dict(office or {}),
        office_id=office_id,
    )
    session.add(cycle)
    session.flush()
    assert cycle.id is not None
    session.execute(
        sa.insert(CycleMember),
        [
            {"cycle_id": cycle.id, "person_id": p.id, "tier": p.tier if needs_tier else None}
            for p in people
        ],
    )
    session.add(
        AuditEntry(
            actor=actor,
            entity="cycle",
            entity_key=name,
            field="started",
            after=(
                f"{kind.value} {year}年度，{len(people)} 人"
                f"（{selection.describe(pool=needs_tier)}）"
            ),
        )
    )
    if missing:
        listed = f"{len(missing)}人：" + "；".join(
            f"{code} {'、'.join(gaps)}" for code, gaps in missing.items()
        )
        session.add(
            AuditEntry(
                actor=actor,
                entity="cycle",
                entity_key=name,
                field="started with missing inputs",
                after=listed if len(listed) <= 4096 else listed[:4093] + "…",
                reason="经办人确认在以上人员缺少数据的情况下启动（--allow-missing）",
            )
        )
    return cycle


class NoSuchCycle(CycleError, LookupError):
    """A cycle number that names no cycle."""


def get_cycle(session: Session, cycle_id: int, scope: Scope = EVERYWHERE) -> Cycle:
    """The cycle with this number; NoSuchCycle (naming it) when there is none, or when it is
    another office's (which looks the same: a number typed is no way into their work)."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or not scope.covers(cycle.office_id):
        raise NoSuchCycle(
            f"没有第{cycle_id}号考核周期；`appraisal cycle list` 列出全部周期 / no cycle"
        )
    return cycle


def cycle_named(session: Session, name: str) -> Cycle | None:
    return session.exec(select(Cycle).where(Cycle.name == name)).first()


def find_cycle(session: Session, ref: str | int) -> Cycle:
    """A cycle by its number or its name."""
    text = str(ref).strip()
    cycle = session.get(Cycle, int(text)) if text.isdigit() else None
    cycle = cycle or cycle_named(session, text)
    if cycle is None:
        raise CycleError(f"没有考核周期“{text}”；`appraisal cycle list` 列出全部周期 / no cycle")
    return cycle


def list_cycles(session: Session, scope: Scope = EVERYWHERE) -> list[Cycle]:
    return list(session.exec(scope.only(select(Cycle), Cycle.office_id).order_by(col(Cycle.id))))


def _of_cycle(query: Q, cycle_id: int) -> Q:
    """Restrict a query over Person to the cycle's members, in code order."""
    return (
        query.join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .where(col(CycleMember.cycle_id) == cycle_id)
        .order_by(col(Person.code))
    )


def cycle_people(
    session: Session, cycle_id: int, codes: Collection[str] | None = None
) -> list[Person]:
    """The cycle's members by code, or only those of them in `codes`."""
    query = _of_cycle(select(Person), cycle_id)
    if codes is not None:
        query = query.where(col(Person.code).in_(list(codes)))
    return list(session.exec(query))


def cycle_codes(session: Session, cycle_id: int) -> list[str]:
    """The members' codes in order, without loading their records."""
    return list(session.exec(_of_cycle(select(Person.code), cycle_id)))


def member_ids(session: Session, cycle_id: int, codes: Collection[str]) -> dict[str, int]:
    """Code -> person id of the members among `codes`, without loading their records."""
    query = _of_cycle(select(Person.code, col(Person.id)), cycle_id).where(
        col(Person.code).in_(list(codes))
    )
    return {code: pid for code, pid in session.exec(query) if pid is not None}


def cycle_affiliations(session: Session, cycle_id: int) -> list[Affiliation]:
    """The members in code order, as only what decides which bodies hear about them."""
    # sqlmodel's select() is typed for up to four columns; sqlalchemy's takes these five.
    query = select(  # type: ignore[call-overload]
        Person.code, Person.employer, Person.party, Person.sector, Person.private_sector
    )
    return [
        Affiliation(code, employer, party, sector, private)
        for code, employer, party, sector, private in session.exec(_of_cycle(query, cycle_id))
    ]


def set_stage(session: Session, cycle: Cycle, stage: Stage, *, actor: str, reason: str) -> None:
    if cycle.stage == stage:
        return
    session.add(
        AuditEntry(
            actor=actor,
            entity="cycle",
            entity_key=cycle.name,
            field="stage",
            before=cycle.stage.value,
            after=stage.value,
            reason=reason,
        )
    )
    cycle.stage = stage
    session.add(cycle)

"""The sealed dossiers' rows: what each seal was made from, and closing the cycle once every
member's dossier is sealed."""

from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, col, select

from appraisal.models import Cycle, CycleMember, Dossier
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.store.cycles import set_stage


def seal_fingerprints(
    session: Session, cycle_id: int, person_ids: Collection[int]
) -> dict[int, str]:
    """Person id -> the fingerprint of their last seal, for those of them sealed already."""
    query = select(Dossier.person_id, Dossier.fingerprint).where(
        Dossier.cycle_id == cycle_id, col(Dossier.person_id).in_(list(person_ids))
    )
    return dict(session.exec(query).all())


def record_seal(
    session: Session,
    *,
    cycle_id: int,
    person_id: int,
    path: str,
    fingerprint: str,
    pages: int,
    files: int,
    size: int,
) -> None:
    """The person's dossier row, made or updated to the package just sealed at `path`."""
    row = session.exec(
        select(Dossier).where(Dossier.cycle_id == cycle_id, Dossier.person_id == person_id)
    ).first() or Dossier(
        cycle_id=cycle_id, person_id=person_id, path="", fingerprint="", pages=0, files=0, bytes=0
    )
    row.path, row.fingerprint = path, fingerprint
    row.pages, row.files, row.bytes = pages, files, size
    row.sealed_at = utcnow()
    session.add(row)


def close_when_all_sealed(session: Session, cycle: Cycle, *, actor: str) -> Stage:
    """Move a cycle at the archive stage to done once every member has a sealed dossier; the
    stage the cycle is at afterwards."""
    members = session.exec(
        select(sa.func.count()).select_from(CycleMember).where(CycleMember.cycle_id == cycle.id)
    ).one()
    sealed = session.exec(
        select(sa.func.count()).select_from(Dossier).where(Dossier.cycle_id == cycle.id)
    ).one()
    if cycle.stage == Stage.ARCHIVE and sealed == members:
        set_stage(session, cycle, Stage.DONE, actor=actor, reason="all dossiers sealed")
    return cycle.stage

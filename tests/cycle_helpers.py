"""Factories for cycle tests: a generated pool imported into the test database, a started cycle."""

from datetime import date
from pathlib import Path

from sqlmodel import select

from appraisal.cycles import Selection
from appraisal.db import session_scope
from appraisal.demo_data import write_demo_data
from appraisal.launch import launch_cycle
from appraisal.sheets import read_records, read_roster
from appraisal.store import import_people, import_records
from models import Document
from models.vocab import CycleKind, Stage

YEAR = 2026
TODAY = date(2026, 11, 22)


def import_pool(folder: Path, people: int = 5, seed: int = 7) -> None:
    roster, records = write_demo_data(folder, people=people, seed=seed, year=YEAR)
    with session_scope() as session:
        import_people(session, rows=read_roster(roster).rows, actor="test", source="roster")
        import_records(session, book=read_records(records), actor="test")


def start(name: str = "测试周期") -> int:
    return launch_cycle(
        name=name, kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=None, selection=Selection()
    )


def documents(cycle_id: int, stage: Stage) -> list[Document]:
    with session_scope() as session:
        query = (
            select(Document)
            .where(Document.cycle_id == cycle_id, Document.stage == stage)
            .order_by(Document.id)
        )
        return list(session.exec(query))

"""Factories for cycle tests: a generated pool imported into the test database, a started cycle."""

import os
import shutil
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.demo_data import write_demo_data
from appraisal.launch import launch
from appraisal.models import Document, Person, Result, SignOff
from appraisal.models.vocab import CycleKind, Reply, SignOffMethod, Stage
from appraisal.paths import located
from appraisal.scheme import default_scheme_path
from appraisal.settings import get_settings
from appraisal.sheets import read_records, read_roster
from appraisal.simulate import eseal_return
from appraisal.stages import WORK_STAGES
from appraisal.store import import_people, import_records
from appraisal.store.cycles import Selection

YEAR = 2026
TODAY = date(2026, 11, 22)


# The db_url fixture's SQLite case alone, for tests whose subject is not the database. A whole
# cycle takes two to four minutes on a test machine, so the long workflow tests run it on SQLite
# only and CI stays well inside its hour. PostgreSQL still runs a whole nominated cycle
# (test_nominated_cycle), sealing and stages killed part-way (test_archive_crashes,
# test_stage_crashes, test_cycle_flow), concurrent returns, the scale-out test on two workers,
# and the store tests and most portal tests.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def require_soffice() -> None:
    """Flow tests convert with LibreOffice: skip without it, except in CI, which must run them."""
    if shutil.which("soffice") is None and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")


def import_pool(folder: Path, people: int = 5, seed: int = 7) -> None:
    roster, records = write_demo_data(folder, people=people, seed=seed, year=YEAR)
    with session_scope() as session:
        import_people(session, rows=read_roster(roster).rows, actor="test", source="roster")
        import_records(session, book=read_records(records), actor="test")


def everyone() -> Selection:
    """Every person imported, the 名人 included: a cycle by default leaves the 名人 out (seed
    002: an honoured record, not appraised), and the tests written over the whole generated
    pool name them, as staff may."""
    with session_scope() as session:
        return Selection(codes=tuple(session.exec(select(Person.code).order_by(Person.code))))


def scheme_with_bodies(bodies: Mapping[str, str]) -> str:
    """The default scheme's text with `bodies` (name -> field) as its nominating bodies."""
    text = default_scheme_path().read_text(encoding="utf-8")
    start = text.index("[nomination.bodies]\n")
    end = text.index("\n\n", start)
    table = "".join(f'"{name}" = "{kind}"\n' for name, kind in bodies.items())
    return text[:start] + "[nomination.bodies]\n" + table + text[end + 1 :]


def scheme_file(bodies: Mapping[str, str]) -> Path:
    path = get_settings().output_dir / f"scheme-{len(bodies)}-bodies.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scheme_with_bodies(bodies), encoding="utf-8")
    return path


def start(name: str = "测试周期", *, bodies: Mapping[str, str] | None = None) -> int:
    """A cycle over everyone, at 动员部署. By default on the default scheme without its bodies:
    动员部署 has nothing to send and its gate is open once it has run, so `run_cycle` goes
    straight on to 提名推荐, and tests of other stages make no letters they do not look at.
    With `bodies`, on the default scheme listing those."""
    scheme = scheme_file(bodies or {})
    return launch(
        name=name, kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme, selection=everyone()
    ).cycle_id


# The working stages a cycle started without bodies stops at: all but 动员部署.
STOPS = tuple(s for s in WORK_STAGES if s is not Stage.MOBILIZATION)


def through_mobilization(cycle_id: int, drop: Path) -> None:
    """Run 动员部署 and have every body return its 回执, so `run_cycle` goes on to 提名推荐."""
    from appraisal.flows.cycle import run_cycle

    assert run_cycle(cycle_id, TODAY).stage == Stage.MOBILIZATION.value
    return_all(cycle_id, Stage.MOBILIZATION, drop)


def documents(cycle_id: int, stage: Stage) -> list[Document]:
    with session_scope() as session:
        query = (
            select(Document)
            .where(Document.cycle_id == cycle_id, Document.stage == stage)
            .order_by(Document.id)
        )
        return list(session.exec(query))


def return_all(
    cycle_id: int,
    stage: Stage,
    drop: Path,
    *,
    keep: Collection[str] = (),
    only: str = "",
    with_reply: bool = True,
) -> None:
    """Reviewers send back every document of the stage that needs it (or just `only`), except
    those in `keep`, stamped with their seal in a PDF editor, through the drop-folder intake;
    solicitation replies say 无异议 unless `with_reply` is off. At 审定, which sends nothing, a
    审核 confirms every grade not held."""
    from appraisal.flows.intake import intake_returns

    if stage == Stage.APPROVAL:
        approve_all(cycle_id)
        return
    drop.mkdir(exist_ok=True)
    for n, d in enumerate(documents(cycle_id, stage)):
        if d.needs_signoff and d.id not in keep and only in ("", d.id):
            eseal_return(
                located(d.pdf_path), drop / f"{d.id}.pdf", seed=n, seal_text=d.recipient_name
            )
    reply = Reply.NO_OBJECTION if stage == Stage.SOLICITATION and with_reply else None
    outcomes = intake_returns(cycle_id, drop, reply)
    assert {o.outcome for o in outcomes} <= {"recorded"}, outcomes


def approve_all(cycle_id: int) -> list[str]:
    """A 审核 confirms the grades of everyone waiting for 审定: the 编号 confirmed."""
    from appraisal.store.approvals import confirm_rest
    from appraisal.store.cycles import get_cycle

    with session_scope() as session:
        return confirm_rest(session, cycle=get_cycle(session, cycle_id), actor="审核")


def answered_letter(cycle_id: int, doc_id: str) -> list[str]:
    """A 征求意见函 to 纪委监委 listing every member, its signed reply slip recorded (no reply
    yet), and a result for each member; the 编号 it lists."""
    with session_scope() as session:
        people = list(session.exec(select(Person).order_by(Person.code)))
        codes = [p.code for p in people]
        session.add(Document(
            id=doc_id, cycle_id=cycle_id, stage=Stage.SOLICITATION,
            template_id="solicitation_letter", template_version="1", recipient_kind="纪委监委",
            recipient_name="纪委监委", docx_path="", docx_sha256="", people=codes,
        ))  # fmt: skip
        for p in people:
            session.add(Result(cycle_id=cycle_id, person_id=p.id, points=80, org_score=80,
                               appraisal_score=80, composite=80))  # fmt: skip
        session.flush()
        session.add(SignOff(document_id=doc_id, version=1, method=SignOffMethod.SCAN, sha256="x",
                            file_path="v1.pdf"))  # fmt: skip
    return codes


def notices_sent(cycle_id: int, on: date) -> list[str]:
    """Each member graded 称职 and sent a 考核结果通知书 on `on` (rows as the notification stage
    writes them, no file rendered): what a 复核 is asked against. The members' 编号."""
    from appraisal.identity import document_id
    from appraisal.models.vocab import Band, Grade
    from appraisal.stages import RESULT_NOTICE
    from appraisal.store.cycles import cycle_people
    from appraisal.store.stage_runs import open_stage_run

    with session_scope() as session:
        open_stage_run(session, cycle_id, Stage.NOTIFICATION, on)
        people = cycle_people(session, cycle_id)
        for p in people:
            assert p.id is not None
            session.add(
                Result(
                    cycle_id=cycle_id,
                    person_id=p.id,
                    points=80.0,
                    org_score=80.0,
                    appraisal_score=80.0,
                    composite=80.0,
                    grade=Grade.COMPETENT,
                    band=Band.B,
                )
            )
            doc_id = document_id(
                cycle_id=cycle_id,
                stage=Stage.NOTIFICATION,
                template_id=RESULT_NOTICE,
                person_code=p.code,
                recipient="本人",
            )
            session.add(
                Document(
                    id=doc_id,
                    cycle_id=cycle_id,
                    stage=Stage.NOTIFICATION,
                    template_id=RESULT_NOTICE,
                    template_version="1",
                    person_id=p.id,
                    recipient_kind="本人",
                    recipient_name=p.name,
                    docx_path="/nonexistent.docx",
                    docx_sha256="0" * 64,
                )
            )
        return [p.code for p in people]

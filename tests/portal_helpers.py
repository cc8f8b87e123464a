"""A small cycle at its nomination stage, a staff account, and links for the portal tests."""

import os
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import func, select

from appraisal.db import session_scope
from appraisal.models import AccessLog, Document, IntakeEvent, ReviewerLink, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.store.accounts import save_account
from appraisal.store.links import issue_link
from tests.cycle_helpers import TODAY, documents, import_pool, start

STAFF, PASSWORD = "alice", "correct horse battery"


@dataclass(frozen=True)
class PortalCycle:
    cycle_id: int
    output: Path
    docs: list[Document]  # nomination documents, one per person

    def reviewers(self) -> list[tuple[str, str]]:
        return sorted({(d.recipient_kind, d.recipient_name) for d in self.docs})

    def docs_of(self, name: str) -> list[Document]:
        return [d for d in self.docs if d.recipient_name == name]


def nomination_cycle(output: Path, data: Path, people: int = 3) -> PortalCycle:
    if shutil.which("soffice") is None and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    from appraisal.flows.cycle import run_cycle

    import_pool(data, people=people)
    cycle_id = start()
    assert run_cycle(cycle_id, TODAY).stage == Stage.NOMINATION.value
    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD)
    docs = documents(cycle_id, Stage.NOMINATION)
    return PortalCycle(cycle_id, output, docs)


def cycle_without_documents(data: Path) -> int:
    """A started cycle (people, no documents: no LibreOffice needed) and the staff account."""
    import_pool(data, people=3)
    cycle_id = start()
    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD)
    return cycle_id


def new_link(
    cycle_id: int, name: str, kind: str = "推荐单位", *, expired: bool = False
) -> tuple[int, str]:
    issued = utcnow() - timedelta(days=31) if expired else utcnow()
    with session_scope() as session:
        link, token = issue_link(
            session, cycle_id=cycle_id, kind=kind, name=name, actor="test", days=30, now=issued
        )
        return link.id or 0, token


def stored_state(output: Path) -> dict[str, object]:
    """Everything a refused request must leave alone (the access log is meant to grow)."""
    with session_scope() as session:
        counts = {
            "signoffs": session.exec(select(func.count()).select_from(SignOff)).one(),
            "intake": session.exec(select(func.count()).select_from(IntakeEvent)).one(),
            "links": [
                (link.id, link.revoked_at)
                for link in session.exec(select(ReviewerLink).order_by(ReviewerLink.id))
            ],
            "documents": [
                (d.id, d.docx_sha256, d.delivered_at) for d in session.exec(select(Document))
            ],
        }
    files = sorted(
        str(p.relative_to(output))
        for p in output.rglob("*")
        if p.is_file() and ("returns" in p.parts or "quarantine" in p.parts)
    )
    return {**counts, "files": files}


def access_log(outcome: str | None = None) -> list[AccessLog]:
    with session_scope() as session:
        query = select(AccessLog).order_by(AccessLog.id)
        if outcome:
            query = query.where(AccessLog.outcome == outcome)
        return list(session.exec(query))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(client: TestClient, username: str = STAFF, password: str = PASSWORD) -> Response:
    """Fill in a fresh login form, as a browser would."""
    csrf = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": csrf, "username": username, "password": password})


def staff_client(app: object, password: str = PASSWORD) -> TestClient:
    """A browser-like client logged in as the test's staff member."""
    client = TestClient(app)  # type: ignore[arg-type]
    done = log_in(client, STAFF, password)
    assert done.url.path == "/", done.text
    return client

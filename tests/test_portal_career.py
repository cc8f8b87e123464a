"""一人一档 from the person's page: the PDF and the package download, made anew, and only for
people of the staff member's own offices."""

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import Person
from appraisal.store.accounts import save_account
from appraisal.store.offices import add_office
from tests.cycle_helpers import import_pool, require_soffice
from tests.portal_helpers import PASSWORD, STAFF, log_in

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def portal(app_env: Path, tmp_path: Path) -> object:
    from appraisal.portal.app import create_app

    require_soffice()
    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD)
        west = add_office(session, name="西区统战部").id
        save_account(session, "bob", password=PASSWORD, office_id=west)
    import_pool(tmp_path / "data", people=3)
    return create_app()


def _client(app: object, username: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert log_in(client, username, PASSWORD).url.path == "/"
    return client


def test_the_person_page_offers_the_growing_file_and_only_to_their_office(portal: object) -> None:
    with session_scope() as session:
        code, name = session.exec(select(Person.code, Person.name).order_by(Person.code)).first()
    ours = _client(portal, STAFF)
    assert f'href="/people/{code}/file.pdf"' in ours.get(f"/people/{code}").text

    pdf = ours.get(f"/people/{code}/file.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    top = [o.title for o in reader.outline if not isinstance(o, list)]
    assert top == ["个人档案"]  # no cycle sealed yet; the summary's sections are under it
    assert name in reader.pages[0].extract_text()

    package = ours.get(f"/people/{code}/file.zip")
    assert package.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert f"{code}/bagit.txt" in names and f"{code}/data/一人一档.pdf" in names

    theirs = _client(portal, "bob")
    assert theirs.get(f"/people/{code}/file.pdf").status_code == 404
    assert theirs.get(f"/people/{code}/file.zip").status_code == 404

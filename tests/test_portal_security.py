"""The portal's locks, tried for real: other reviewers' documents, bad links, bad uploads and
forged forms are refused, and none of them changes what is stored."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import ReviewerLink, SignOff
from appraisal.paths import located
from appraisal.settings import get_settings
from appraisal.simulate import eseal_return
from tests.portal_helpers import (
    PASSWORD,
    STAFF,
    PortalCycle,
    access_log,
    csrf_of,
    new_link,
    nomination_cycle,
    staff_client,
    stored_state,
)

pytestmark = pytest.mark.libreoffice
LIMIT = 300_000


@pytest.fixture
def cycle(
    app_env: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> PortalCycle:
    monkeypatch.setenv("APPRAISAL_MAX_RETURN_BYTES", str(LIMIT))
    get_settings.cache_clear()
    found = nomination_cycle(app_env, tmp_path / "data", people=3)
    assert len(found.reviewers()) >= 2, "the test needs two reviewers"
    return found


@pytest.fixture
def app(cycle: PortalCycle) -> Iterator[object]:
    from appraisal.portal.app import create_app

    yield create_app()


def _reviewer(app: object, token: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    opened = client.get(f"/r/{token}")
    assert opened.status_code == 200 and opened.url.path == "/inbox", opened.text
    return client


def test_a_reviewer_sees_only_their_own_documents(cycle: PortalCycle, app: object) -> None:
    (_, a), (_, b) = cycle.reviewers()[:2]
    _, token = new_link(cycle.cycle_id, a)
    client = _reviewer(app, token)
    inbox = client.get("/inbox").text
    mine, theirs = cycle.docs_of(a)[0], cycle.docs_of(b)[0]
    assert mine.id in inbox and theirs.id not in inbox
    assert client.get(f"/inbox/documents/{mine.id}.pdf").content[:5] == b"%PDF-"
    docx = client.get(f"/inbox/documents/{mine.id}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"

    before = stored_state(cycle.output)
    csrf = csrf_of(inbox)
    for response in [
        client.get(f"/inbox/documents/{theirs.id}.pdf"),
        client.get(f"/inbox/documents/{theirs.id}.docx"),
        client.get("/inbox/documents/AP-0001-NM-0000000000-00.pdf"),
        client.post(
            f"/inbox/documents/{theirs.id}/return",
            data={"csrf": csrf},
            files={"file": ("x.pdf", located(theirs.pdf_path).read_bytes(), "application/pdf")},
        ),
        client.post(f"/inbox/documents/{theirs.id}/reply", data={"csrf": csrf, "answer": "无异议"}),
    ]:
        assert response.status_code == 404, response.text
        assert theirs.id not in response.text or "没有这份文件" in response.text
    assert stored_state(cycle.output) == before
    denied = access_log("denied")
    assert {e.document_id for e in denied} >= {theirs.id}
    assert all(e.actor == f"reviewer:推荐单位/{a}" for e in denied)
    downloads = [e for e in access_log("ok") if e.action.startswith("download")]
    assert {(e.document_id, e.action) for e in downloads} == {
        (mine.id, "download pdf"),
        (mine.id, "download docx"),
    }


def test_expired_revoked_and_forged_links_are_refused(cycle: PortalCycle, app: object) -> None:
    name = cycle.reviewers()[0][1]
    _, expired = new_link(cycle.cycle_id, name, expired=True)
    revoked_id, revoked = new_link(cycle.cycle_id, name)
    good_id, good = new_link(cycle.cycle_id, name)
    with session_scope() as session:
        link = session.get(ReviewerLink, revoked_id)
        assert link is not None
        from appraisal.models.base import utcnow

        link.revoked_at = utcnow()
        session.add(link)
    before = stored_state(cycle.output)
    client = TestClient(app)  # type: ignore[arg-type]
    for token, words in [
        (expired, "已过期"),
        (revoked, "已被撤销"),
        (good[:-2] + "xx", "链接无效"),
        ("not-a-token", "链接无效"),
        ("x" * 500, "链接无效"),
    ]:
        response = client.get(f"/r/{token}")
        assert response.status_code == 403 and words in response.text, token
        assert client.get("/inbox").status_code == 403
    # A link revoked while its holder is browsing stops working at the next request.
    browsing = _reviewer(app, good)
    client_staff = staff_client(app)
    board = client_staff.get(f"/cycles/{cycle.cycle_id}").text
    client_staff.post(f"/links/{good_id}/revoke", data={"csrf": csrf_of(board), "confirm": "yes"})
    assert browsing.get("/inbox").status_code == 403
    doc = cycle.docs_of(name)[0]
    assert browsing.get(f"/inbox/documents/{doc.id}.pdf").status_code == 403
    after = stored_state(cycle.output)
    assert after["signoffs"] == before["signoffs"] and after["files"] == before["files"]
    # Only hashes are kept: no token appears in the table.
    with session_scope() as session:
        hashes = [link.token_hash for link in session.exec(select(ReviewerLink))]
    assert all(token not in hashes for token in (expired, revoked, good))


def test_bad_uploads_are_refused_and_nothing_is_kept(
    cycle: PortalCycle, app: object, tmp_path: Path
) -> None:
    name = cycle.reviewers()[0][1]
    doc = cycle.docs_of(name)[0]
    _, token = new_link(cycle.cycle_id, name)
    client = _reviewer(app, token)
    csrf = csrf_of(client.get("/inbox").text)
    url = f"/inbox/documents/{doc.id}/return"
    before = stored_state(cycle.output)

    photo = client.post(
        url, data={"csrf": csrf}, files={"file": ("会议照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 999)}
    )
    assert photo.status_code == 200 and "不是PDF文件" in photo.text and "会议照片.jpg" in photo.text
    big = client.post(
        url, data={"csrf": csrf}, files={"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * (LIMIT * 2))}
    )
    assert big.status_code == 413 and "文件过大" in big.text
    no_csrf = client.post(
        url, files={"file": ("x.pdf", located(doc.pdf_path).read_bytes(), "application/pdf")}
    )
    assert no_csrf.status_code == 403 and "表单已失效" in no_csrf.text
    wrong_csrf = client.post(
        url,
        data={"csrf": csrf[:-3] + "abc"},
        files={"file": ("x.pdf", located(doc.pdf_path).read_bytes(), "application/pdf")},
    )
    assert wrong_csrf.status_code == 403
    other = next(d for d in cycle.docs if d.id != doc.id)
    mismatch = client.post(
        url,
        data={"csrf": csrf},
        files={"file": ("scan.pdf", located(other.pdf_path).read_bytes(), "application/pdf")},
    )
    assert other.id in mismatch.text and "不是" in mismatch.text
    unsigned = client.post(
        url,
        data={"csrf": csrf},
        files={"file": ("原件.pdf", located(doc.pdf_path).read_bytes(), "application/pdf")},
    )
    assert "原件.pdf" in unsigned.text and "没有签字或盖章" in unsigned.text
    assert stored_state(cycle.output) == before
    staging = cycle.output / f"cycle-{cycle.cycle_id:04d}" / ".portal-uploads"
    assert not any(staging.rglob("*.pdf"))

    sealed = eseal_return(located(doc.pdf_path), tmp_path / "sealed.pdf", seed=1, seal_text=name)
    good = client.post(
        url,
        data={"csrf": csrf},
        files={"file": ("签署件.pdf", sealed.read_bytes(), "application/pdf")},
    )
    assert "已收到 签署件.pdf（第 1 版）" in good.text
    again = client.post(
        url,
        data={"csrf": csrf},
        files={"file": ("again.pdf", sealed.read_bytes(), "application/pdf")},
    )
    assert "此前已收到" in again.text
    with session_scope() as session:
        kept = session.exec(select(SignOff).where(SignOff.document_id == doc.id)).all()
    assert [(s.version, s.recorded_by) for s in kept] == [(1, f"reviewer:推荐单位/{name}")]
    assert located(kept[0].file_path).read_bytes() == sealed.read_bytes()
    uploads = [e for e in access_log() if e.action == "upload"]
    assert [e.outcome for e in uploads] == ["refused", "refused", "refused", "ok", "ok"]


def test_staff_login_csrf_and_the_closed_gate(cycle: PortalCycle, app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    assert client.get(f"/cycles/{cycle.cycle_id}").url.path == "/login"
    csrf = csrf_of(client.get("/login").text)
    no_csrf = client.post("/login", data={"username": STAFF, "password": PASSWORD})
    assert no_csrf.status_code == 403
    wrong = client.post("/login", data={"csrf": csrf, "username": STAFF, "password": "guess"})
    assert "用户名或密码不正确" in wrong.text
    assert client.get("/").url.path == "/login"
    staff = staff_client(app)
    board = staff.get(f"/cycles/{cycle.cycle_id}")
    assert "提名推荐" in board.text and "等待回传" in board.text
    assert 'id="advance" disabled' in board.text
    before = stored_state(cycle.output)
    forged = staff.post(f"/cycles/{cycle.cycle_id}/advance", data={"csrf": "forged"})
    assert forged.status_code == 403
    closed = staff.post(f"/cycles/{cycle.cycle_id}/advance", data={"csrf": csrf_of(board.text)})
    assert "不能进入下一阶段" in closed.text
    assert stored_state(cycle.output) == before
    # A reviewer's link never opens staff pages, and logging in is not possible with one.
    name = cycle.reviewers()[0][1]
    _, token = new_link(cycle.cycle_id, name)
    reviewer = _reviewer(app, token)
    assert reviewer.get(f"/cycles/{cycle.cycle_id}").url.path == "/login"


def test_a_body_without_length_is_cut_off_while_it_streams(cycle: PortalCycle, app: object) -> None:
    name = cycle.reviewers()[0][1]
    doc = cycle.docs_of(name)[0]
    _, token = new_link(cycle.cycle_id, name)
    client = _reviewer(app, token)

    def chunks() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        for _ in range(100):  # 6.4 MB offered, against a limit of 300 kB plus form overhead
            yield b"0" * (64 * 1024)

    before = stored_state(cycle.output)
    response = client.post(
        f"/inbox/documents/{doc.id}/return",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413 and "文件过大" in response.text
    assert stored_state(cycle.output) == before

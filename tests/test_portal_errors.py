"""What the portal refuses, and how: every form field has a bound on the server, and every refusal
or failure is a Chinese page in the portal's frame, with the security headers, in the access
log. Numbers a path cannot hold name nothing (404)."""

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import func, select

from appraisal.db import session_scope
from appraisal.models import Document, Result, SignOff
from appraisal.models.vocab import Stage
from appraisal.paths import cycle_dir
from appraisal.portal.limits import MAX_ROW_ID, REPLY_TEXT_MAX
from appraisal.settings import get_settings
from appraisal.store.accounts import AccountError, save_account
from tests.portal_helpers import (
    STAFF,
    access_log,
    csrf_of,
    log_in,
    new_link,
    staff_client,
)

REVIEWER = "某大学"
LIMIT = 100_000  # bytes of a returned file, for the 413 tests


@pytest.fixture
def small_app(bare_cycle: int, monkeypatch: pytest.MonkeyPatch) -> object:
    """The portal taking returned files of at most LIMIT bytes."""
    from appraisal.portal.app import create_app

    monkeypatch.setenv("APPRAISAL_MAX_RETURN_BYTES", str(LIMIT))
    get_settings.cache_clear()
    return create_app()


def _reviewer(portal: object, cycle_id: int, **kwargs: object) -> TestClient:
    _, token = new_link(cycle_id, REVIEWER)
    client = TestClient(portal, **kwargs)  # type: ignore[arg-type]
    assert client.get(f"/r/{token}").url.path == "/inbox"
    return client


def _own_document(cycle_id: int, stage: Stage = Stage.NOMINATION) -> Document:
    """A document of the reviewer's, as a stage run records it (no file needed to upload to it)."""
    doc = Document(
        id=f"AP-0001-{stage.value[:2].upper()}-TESTTESTTE-00", cycle_id=cycle_id, stage=stage,
        template_id="nomination", template_version="1", recipient_kind="推荐单位",
        recipient_name=REVIEWER, docx_path="/nonexistent.docx", docx_sha256="0" * 64,
    )  # fmt: skip
    with session_scope() as session:
        session.add(doc)
    return doc


def _in_frame(answer: Response, status: int, *words: str) -> None:
    """A page of ours: the status, the portal's frame, the words, and the security headers."""
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert "考核评价工作平台" in answer.text and "/static/portal.css" in answer.text
    for word in words:
        assert word in answer.text, (word, answer.text[:800])
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def _stored() -> tuple[int, list[bool]]:
    with session_scope() as session:
        signoffs = session.exec(select(func.count()).select_from(SignOff)).one()
        flagged = list(session.exec(select(Result.flagged)))
    return signoffs, flagged


def test_every_form_field_is_bounded_on_the_server(bare_cycle: int, bare_portal: object) -> None:
    letter = _own_document(bare_cycle, Stage.SOLICITATION)
    reviewer = _reviewer(bare_portal, bare_cycle)
    inbox = reviewer.get("/inbox").text
    csrf = csrf_of(inbox)
    assert f'maxlength="{REPLY_TEXT_MAX}"' in inbox  # the form says what the server holds to
    url = f"/inbox/documents/{letter.id}/reply"
    signoffs, flagged = _stored()

    # The tester's reply: 900,000 characters (under the form parser's own 1 MB a field).
    long_reply = reviewer.post(url, data={"csrf": csrf, "answer": "有异议", "text": "x" * 900_000})
    _in_frame(long_reply, 422, "表单内容有误", "具体意见最多 4000 个字，提交了 900000 个")
    assert "x" * 100 not in long_reply.text  # the text is not sent back
    too_many = reviewer.post(
        url, data={"csrf": csrf, "answer": "有异议", "text": "x", "person": ["P1"] * 201}
    )
    _in_frame(too_many, 422, "涉及人员最多 200 项，每项最多 64 个字")
    at_limit = reviewer.post(url, data={"csrf": csrf, "answer": "有异议", "text": "违" * 4000})
    assert "请先上传签章后的回执" in at_limit.text  # within bounds: on to the next check
    assert _stored() == (signoffs, flagged)
    refused = [e for e in access_log("refused") if e.detail.startswith("422 POST")]
    assert [e.actor for e in refused] == [f"reviewer:推荐单位/{REVIEWER}"] * 2

    staff = staff_client(bare_portal)
    links = f"/cycles/{bare_cycle}/links"
    staff_csrf = csrf_of(staff.get(f"/cycles/{bare_cycle}").text)
    for days in ("0", "366", "abc", "9" * 30):
        answer = staff.post(
            links, data={"csrf": staff_csrf, "reviewer": "推荐单位/某大学", "days": days}
        )
        _in_frame(answer, 422, "有效期（天）须为 1 到 365 之间的整数")
    long_name = staff.post(links, data={"csrf": staff_csrf, "reviewer": "推" * 500})
    _in_frame(long_name, 422, "接收方最多 161 个字，提交了 500 个")
    anonymous = TestClient(bare_portal)  # type: ignore[arg-type]
    _in_frame(log_in(anonymous, "u" * 65, "x"), 422, "用户名最多 64 个字")
    _in_frame(log_in(anonymous, STAFF, "p" * 257), 422, "密码最多 256 个字")
    with session_scope() as session, pytest.raises(AccountError, match="10 到 256"):
        save_account(session, "carol", password="p" * 257)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Result)).one() == len(flagged)


def test_refusals_and_errors_are_chinese_pages_with_the_security_headers(
    bare_cycle: int, bare_portal: object
) -> None:
    anonymous = TestClient(bare_portal)  # type: ignore[arg-type]
    _in_frame(anonymous.get("/no/such/page"), 404, "找不到页面", "没有这个页面")
    _in_frame(anonymous.get("/inbox"), 403, "请通过工作人员发给您的链接进入")
    _in_frame(anonymous.get("/logout"), 405, "不支持的操作")
    staff = staff_client(bare_portal)
    for path in (
        "/cycles/99999999999999999999999",
        f"/cycles/{MAX_ROW_ID + 1}",
        "/cycles/-1",
        "/cycles/abc",
        f"/cycles/{MAX_ROW_ID}",
        f"/cycles/{MAX_ROW_ID + 1}/register.xlsx",
    ):
        _in_frame(staff.get(path), 404, "找不到")
    board = staff.get(f"/cycles/{bare_cycle}").text
    revoke = staff.post("/links/99999999999999999999/revoke", data={"csrf": csrf_of(board)})
    _in_frame(revoke, 404, "没有这个页面")
    denied = [e.detail for e in access_log("denied") if e.action == "request"]
    assert "404 GET /no/such/page: 没有这个页面 / there is no such page" in denied
    assert any(d.startswith("404 GET /cycles/99999999999999999999999") for d in denied)

    # A broken upload form (400) and an upload that fails on our side (500).
    doc = _own_document(bare_cycle)
    reviewer = _reviewer(bare_portal, bare_cycle, raise_server_exceptions=False)
    url = f"/inbox/documents/{doc.id}/return"
    fields = {f"field{n}": "x" for n in range(5)}  # the upload form has at most four
    broken = reviewer.post(url, data=fields, files={"file": ("a.pdf", b"%PDF-1.7\n")})
    _in_frame(broken, 400, "请求有误", "无法读取提交的内容", "Too many fields")
    staging = cycle_dir(bare_cycle) / ".portal-uploads"
    staging.parent.mkdir(parents=True, exist_ok=True)
    staging.write_text("a file where the upload folder should be")
    csrf = csrf_of(reviewer.get("/inbox").text)
    failed = reviewer.post(url, data={"csrf": csrf}, files={"file": ("a.pdf", b"%PDF-1.7\n")})
    _in_frame(failed, 500, "系统出错", "已记入日志")
    assert "FileExistsError" not in failed.text and "Traceback" not in failed.text
    errors = access_log("error")
    assert [(e.actor, e.detail.split(":")[0]) for e in errors] == [
        (f"reviewer:推荐单位/{REVIEWER}", f"500 POST {url}")
    ]
    assert "FileExistsError" in errors[0].detail
    refused = [e.detail.split(":")[0] for e in access_log("refused")]
    assert refused == ["405 GET /logout", f"400 POST {url}"]


def test_a_413_is_logged_and_its_page_works_under_our_own_csp(
    bare_cycle: int, small_app: object
) -> None:
    doc = _own_document(bare_cycle)
    reviewer = _reviewer(small_app, bare_cycle)
    csrf = csrf_of(reviewer.get("/inbox").text)
    big = reviewer.post(
        f"/inbox/documents/{doc.id}/return",
        data={"csrf": csrf},
        files={"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * (LIMIT * 2))},
    )
    _in_frame(big, 413, "文件过大", "最大允许")
    assert "javascript:" not in big.text and 'href="/inbox"' in big.text
    assert big.headers["connection"] == "close"

    # A form that streams past the limit without saying its length: 413 too, not a 400.
    def chunks():  # type: ignore[no-untyped-def]
        yield b"csrf=x&username=alice&password="
        for _ in range(20):
            yield b"0" * (64 * 1024)

    streamed = TestClient(small_app).post(  # type: ignore[arg-type]
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    _in_frame(streamed, 413, "文件过大")
    refused = [(e.actor, e.detail.split(":")[0]) for e in access_log("refused")]
    assert refused == [
        (f"reviewer:推荐单位/{REVIEWER}", f"413 POST /inbox/documents/{doc.id}/return"),
        ("anonymous", "413 POST /login"),
    ]


def test_forged_forms_are_refused_and_logged(bare_cycle: int, bare_portal: object) -> None:
    doc = _own_document(bare_cycle)
    reviewer = _reviewer(bare_portal, bare_cycle)
    upload = reviewer.post(
        f"/inbox/documents/{doc.id}/return", files={"file": ("a.pdf", b"%PDF-1.7\n")}
    )
    _in_frame(upload, 403, "表单已失效")
    staff = staff_client(bare_portal)
    forged = staff.post(f"/cycles/{bare_cycle}/advance", data={"csrf": "forged"})
    _in_frame(forged, 403, "表单已失效")
    logged = [(e.actor, e.detail) for e in access_log("denied") if e.action == "csrf"]
    assert logged == [
        (
            f"reviewer:推荐单位/{REVIEWER}",
            f"POST /inbox/documents/{doc.id}/return: no valid CSRF token",
        ),
        (f"staff:{STAFF}", f"POST /cycles/{bare_cycle}/advance: no valid CSRF token"),
    ]
    assert not [e for e in access_log() if e.action == "request"]  # each refusal logged once


def test_every_route_answers_a_number_out_of_range_with_404(
    bare_cycle: int, bare_portal: object
) -> None:
    """Every route taking a number in its path, found from the portal itself (so routes added
    later are tried too), with a number no database column holds."""
    staff = staff_client(bare_portal)
    csrf = csrf_of(staff.get(f"/cycles/{bare_cycle}").text)
    tried = []
    for path, operations in bare_portal.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            if not any(p["schema"].get("type") == "integer" for p in params):
                continue
            url = path
            for p in params:
                huge = p["schema"].get("type") == "integer"
                url = url.replace(f"{{{p['name']}}}", "99999999999999999999999" if huge else "x")
            answer = staff.request(method, url, data={"csrf": csrf} if method == "post" else None)
            _in_frame(answer, 404, "找不到")
            tried.append(url)
    assert "/cycles/99999999999999999999999/register.xlsx" in tried and len(tried) >= 7

"""Portal sessions are rows that end when they should: logging out, a new password, a deactivated
account or a revoked link end them at once, and a saved cookie opens nothing afterwards. Staff
logins are throttled per account and per address, across requests made at the same moment."""

import hashlib
import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app as cli
from appraisal.db import session_scope
from appraisal.models import LoginAttempt, PortalSession, ReviewerLink
from appraisal.models.base import utcnow
from appraisal.paths import cycle_dir
from appraisal.store.accounts import save_account
from appraisal.store.logins import FAILED, OK, THROTTLED, attempt_login
from tests.portal_helpers import (
    PASSWORD,
    STAFF,
    access_log,
    csrf_of,
    log_in,
    new_link,
    staff_client,
)

COOKIE = "appraisal_session"
NEW_PASSWORD = "a much better passphrase"


def _replayed(portal: object, cookie: str) -> TestClient:
    """Another browser holding a copy of a saved session cookie."""
    client = TestClient(portal)  # type: ignore[arg-type]
    client.cookies.set(COOKIE, cookie)
    return client


def _row(cookie: str) -> PortalSession:
    with session_scope() as session:
        digest = hashlib.sha256(cookie.encode()).hexdigest()
        return session.exec(select(PortalSession).where(PortalSession.token_hash == digest)).one()


def _session_refusals(reason: str) -> list[str]:
    return [
        e.actor
        for e in access_log("denied")
        if e.action == "session" and e.detail.startswith(f"{reason}:")
    ]


def test_logging_out_ends_the_session_and_a_saved_cookie_opens_nothing(
    bare_cycle: int, bare_portal: object
) -> None:
    register = cycle_dir(bare_cycle) / "register.xlsx"
    register.parent.mkdir(parents=True, exist_ok=True)
    register.write_bytes(b"PK\x03\x04 the register")
    staff = staff_client(bare_portal)
    saved = staff.cookies[COOKIE]
    assert staff.get(f"/cycles/{bare_cycle}/register.xlsx").content == register.read_bytes()
    out = staff.post("/logout", data={"csrf": csrf_of(staff.get("/").text)})
    assert out.url.path == "/login"

    for path in ("/", f"/cycles/{bare_cycle}", f"/cycles/{bare_cycle}/register.xlsx"):
        answer = _replayed(bare_portal, saved).get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login", path
        assert f'{COOKIE}=""' in answer.headers["set-cookie"]  # the browser is told to forget it
    assert _session_refusals("logout") == [f"staff:{STAFF}"] * 3
    # The cookie is an opaque ID: the row keeps only its hash, who it was for, and its end.
    row = _row(saved)
    assert row.staff_user_id is not None and saved != row.token_hash
    assert row.end_reason == "logout" and row.ended_at is not None
    assert [e.action for e in access_log() if e.action == "download register"] == [
        "download register"
    ]


def test_a_new_password_or_deactivating_the_account_ends_its_sessions(
    bare_cycle: int, bare_portal: object
) -> None:
    office, home = staff_client(bare_portal), staff_client(bare_portal)
    with session_scope() as session:
        save_account(session, "bob", password="bob's own long password")
    bob = TestClient(bare_portal)  # type: ignore[arg-type]
    assert log_in(bob, "bob", "bob's own long password").url.path == "/"

    with session_scope() as session:
        save_account(session, STAFF, password=NEW_PASSWORD)
    for browser in (office, home):
        assert browser.get("/", follow_redirects=False).headers["location"] == "/login"
    assert bob.get("/").url.path == "/"  # another account's session goes on
    assert len(_session_refusals("password")) == 2

    again = staff_client(bare_portal, NEW_PASSWORD)
    done = CliRunner().invoke(cli, ["portal", "user", STAFF, "--deactivate"])
    assert done.exit_code == 0, done.output
    assert "结束了 1 个会话" in done.output
    assert again.get("/", follow_redirects=False).headers["location"] == "/login"
    assert _session_refusals("deactivated") == [f"staff:{STAFF}"]
    refused = log_in(TestClient(bare_portal), STAFF, NEW_PASSWORD)  # type: ignore[arg-type]
    assert "用户名或密码不正确" in refused.text
    assert bob.get("/").url.path == "/"


def test_revoking_a_link_ends_every_session_opened_through_it(
    bare_cycle: int, bare_portal: object
) -> None:
    link_id, token = new_link(bare_cycle, "某职业学院")
    other_id, other = new_link(bare_cycle, "某大学")
    first, second, bystander = (TestClient(bare_portal) for _ in range(3))  # type: ignore[arg-type]
    for browser, opened in ((first, token), (second, token), (bystander, other)):
        assert browser.get(f"/r/{opened}").url.path == "/inbox"

    staff = staff_client(bare_portal)
    board = staff.get(f"/cycles/{bare_cycle}").text
    staff.post(f"/links/{link_id}/revoke", data={"csrf": csrf_of(board), "confirm": "yes"})
    for browser in (first, second):
        refused = browser.get("/inbox")
        assert refused.status_code == 403 and "链接已被撤销" in refused.text
    assert bystander.get("/inbox").status_code == 200
    refusals = [e for e in access_log("denied") if e.action == "session"]
    assert {(e.actor, e.link_id) for e in refusals} == {("reviewer:推荐单位/某职业学院", link_id)}
    assert len(refusals) == 2  # once per refused request, not again by the error page

    # The command line's revoke ends them the same way.
    done = CliRunner().invoke(cli, ["portal", "revoke", str(bare_cycle), "某大学"])
    assert done.exit_code == 0, done.output
    assert "已被撤销" in bystander.get("/inbox").text
    with session_scope() as session:
        ended = session.exec(select(PortalSession).where(PortalSession.link_id == other_id)).one()
    assert ended.end_reason == "revoked" and ended.ended_at is not None


def test_an_expired_session_is_refused_like_a_missing_one_and_logged(
    bare_cycle: int, bare_portal: object
) -> None:
    staff = staff_client(bare_portal)
    link_id, token = new_link(bare_cycle, "某大学")
    reviewer = TestClient(bare_portal)  # type: ignore[arg-type]
    reviewer.get(f"/r/{token}")
    opened = reviewer.cookies[COOKIE]
    with session_scope() as session:
        row = _row(staff.cookies[COOKIE])
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        link = session.get(ReviewerLink, link_id)
        assert link is not None
        link.expires_at = utcnow() - timedelta(seconds=1)  # the link runs out while in use
        session.add(link)
    assert staff.get("/", follow_redirects=False).headers["location"] == "/login"
    expired = reviewer.get("/inbox")
    assert expired.status_code == 403 and "链接已过期" in expired.text
    assert _session_refusals("expired") == [f"staff:{STAFF}"]
    assert _session_refusals("link expired") == ["reviewer:推荐单位/某大学"]
    assert _row(opened).end_reason == "link expired"
    assert COOKIE not in reviewer.cookies  # the browser was told to forget it


def test_each_login_form_serves_one_attempt_and_each_login_gets_its_own_csrf_token(
    bare_cycle: int, bare_portal: object
) -> None:
    client = TestClient(bare_portal)  # type: ignore[arg-type]
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"csrf": token, "username": STAFF, "password": "guess"})
    assert "用户名或密码不正确" in wrong.text
    assert csrf_of(wrong.text) != token  # the answer carries a new form
    for sent in (token, token[:-4] + "abcd"):  # used once already; forged
        replay = TestClient(bare_portal)  # type: ignore[arg-type]
        replay.cookies.set("appraisal_login", sent)
        again = replay.post("/login", data={"csrf": sent, "username": STAFF, "password": PASSWORD})
        assert again.status_code == 403 and "表单已失效" in again.text
    assert [e.detail for e in access_log() if e.action == "login"] == ["failed", "reused"]
    assert len([e for e in access_log("denied") if e.action == "csrf"]) == 1

    first, second = staff_client(bare_portal), staff_client(bare_portal)
    csrfs = {csrf_of(browser.get("/").text) for browser in (first, second)}
    assert len(csrfs) == 2 and token not in csrfs
    login_token = csrf_of(first.get("/login").text)
    forged = first.post(f"/cycles/{bare_cycle}/advance", data={"csrf": login_token})
    assert forged.status_code == 403


def test_ten_failures_throttle_the_account_even_with_the_right_password(
    bare_cycle: int, bare_portal: object
) -> None:
    guesser = TestClient(bare_portal)  # type: ignore[arg-type]
    for n in range(10):
        assert "用户名或密码不正确" in log_in(guesser, STAFF, f"guess {n}").text
    for client in (guesser, TestClient(bare_portal, client=("10.1.2.3", 50000))):  # type: ignore[arg-type]
        held = log_in(client, STAFF, PASSWORD)
        assert held.status_code == 429 and "登录失败次数过多" in held.text
        assert 890 <= int(held.headers["retry-after"]) <= 900
        assert "15 分钟后再试" in held.text and "考核评价工作平台" in held.text
        assert held.headers["content-security-policy"].startswith("default-src 'self'")
        assert COOKIE not in held.cookies
    throttled = [e for e in access_log() if e.outcome == "throttled"]
    assert [(e.action, e.actor) for e in throttled] == [("login", f"staff:{STAFF}")] * 2
    assert {e.client for e in throttled} == {"testclient", "10.1.2.3"}
    with session_scope() as session:
        outcomes = [a.outcome for a in session.exec(select(LoginAttempt).order_by(LoginAttempt.id))]
    assert outcomes == [FAILED] * 10 + [THROTTLED] * 2


def test_ten_failures_from_one_address_throttle_it_for_every_account(
    bare_cycle: int, bare_portal: object
) -> None:
    guesser = TestClient(bare_portal, client=("192.0.2.7", 40000))  # type: ignore[arg-type]
    for n in range(10):
        assert "用户名或密码不正确" in log_in(guesser, f"user{n}", "guess").text
    assert log_in(guesser, STAFF, PASSWORD).status_code == 429
    assert log_in(TestClient(bare_portal), STAFF, PASSWORD).url.path == "/"  # type: ignore[arg-type]


def test_the_throttle_lifts_fifteen_minutes_after_the_tenth_failure(bare_cycle: int) -> None:
    start = utcnow()

    def attempt(n: int, password: str, minutes: float) -> tuple[str, int]:
        with session_scope() as session:
            result = attempt_login(
                session, username=STAFF, password=password, client="198.51.100.1",
                form_hash=f"{n:064d}", now=start + timedelta(minutes=minutes),
            )  # fmt: skip
            return result.outcome, result.retry_after

    for n in range(10):
        assert attempt(n, "guess", n)[0] == FAILED  # one a minute: ten within fifteen minutes
    assert attempt(10, PASSWORD, 10) == (THROTTLED, 14 * 60)
    assert attempt(11, PASSWORD, 23.9)[0] == THROTTLED
    assert attempt(12, PASSWORD, 24.01)[0] == OK


def test_guesses_sent_at_the_same_moment_are_held_too(bare_cycle: int, bare_portal: object) -> None:
    """Twenty wrong passwords at once, each with its own form: at most ten are checked."""
    clients = [TestClient(bare_portal) for _ in range(20)]  # type: ignore[arg-type]
    forms = [csrf_of(client.get("/login").text) for client in clients]
    start = threading.Barrier(len(clients))
    answers: list[int] = []

    def guess(client: TestClient, csrf: str) -> None:
        start.wait()
        sent = client.post("/login", data={"csrf": csrf, "username": STAFF, "password": "no"})
        answers.append(sent.status_code)

    pairs = zip(clients, forms, strict=True)
    threads = [threading.Thread(target=guess, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 20 and set(answers) <= {200, 429}
    assert answers.count(200) <= 10
    with session_scope() as session:
        checked = session.exec(select(LoginAttempt).where(LoginAttempt.outcome == FAILED)).all()
    assert len(checked) == answers.count(200)

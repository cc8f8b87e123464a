"""E-mail for real: a local SMTP server (aiosmtpd), real Prefect flows, real LibreOffice PDFs.

Each reviewer with an address gets one message with their own link and their own PDFs; reruns,
crashes mid-send and refusing servers never make a message go twice.
"""

import email
import email.policy
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import select
from typer.testing import CliRunner

from appraisal import models
from appraisal.cli import app
from appraisal.db import get_engine, session_scope
from appraisal.documents.views import Office
from appraisal.mail import (
    LINK_PLACEHOLDER,
    LISTED,
    DocumentLine,
    compose,
    documents_body,
    message_id_for,
)
from appraisal.models import OutboxMessage
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.settings import get_settings
from appraisal.store.links import find_link, link_problem
from appraisal.store.outbox import DOCUMENTS, attachments, claim, messages_of
from appraisal.store.reviewers import set_reviewer
from tests.cycle_helpers import TODAY, documents, import_pool, require_soffice, start

runner = CliRunner()
PORTAL = "https://portal.example.cn/appraisal"
TOKEN = re.compile(re.escape(PORTAL) + r"/r/([A-Za-z0-9_-]{20,})")


# ---- a real SMTP server ---------------------------------------------------------------------


@dataclass
class Collector:
    """An aiosmtpd handler keeping what it is sent; `refuse` makes it answer DATA with a 451."""

    port: int
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 mailbox busy, try again later"
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for _, raw in self.received
        ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _use_port(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("APPRAISAL_SMTP_PORT", str(port))
    get_settings.cache_clear()


@pytest.fixture
def smtp(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    handler = Collector(port=_free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    monkeypatch.setenv("APPRAISAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("APPRAISAL_MAIL_FROM", "kaohe@example.cn")
    monkeypatch.setenv("APPRAISAL_PORTAL_URL", PORTAL + "/")
    _use_port(monkeypatch, handler.port)
    try:
        yield handler
    finally:
        controller.stop()


def _mail_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPRAISAL_SMTP_HOST", "")
    get_settings.cache_clear()


def _mail_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPRAISAL_SMTP_HOST", "127.0.0.1")
    get_settings.cache_clear()


# ---- a small cycle whose reviewers have addresses, but one ----------------------------------


@dataclass(frozen=True)
class Reviewers:
    cycle_id: int
    addresses: dict[tuple[str, str], str]  # reviewers with an address
    without: tuple[str, str]  # the one without

    def address_of(self, kind: str, name: str) -> str:
        return self.addresses[(kind, name)]


@pytest.fixture
def pool(app_env: Path, prefect_harness: None, tmp_path: Path) -> Path:
    require_soffice()
    import_pool(tmp_path / "data", people=4)
    return app_env


def _reviewers(cycle_id: int, pool_people: int = 4) -> Reviewers:
    """Addresses for every nomination reviewer but the last, before the stage runs."""
    from appraisal.store import cycle_data

    with session_scope() as session:
        units = sorted({p.unit for p in cycle_data.people_views(session, cycle_id)})
        addresses = {}
        for n, unit in enumerate(units[:-1], 1):
            addresses[("推荐单位", unit)] = f"unit{n}@example.cn"
            set_reviewer(session, kind="推荐单位", name=unit, email=f"unit{n}@example.cn",
                         actor="test")  # fmt: skip
    assert len(units) >= 2, "the test needs two reviewers"
    return Reviewers(cycle_id, addresses, ("推荐单位", units[-1]))


def _by_recipient(messages: list[EmailMessage]) -> dict[str, list[EmailMessage]]:
    grouped: dict[str, list[EmailMessage]] = {}
    for m in messages:
        grouped.setdefault(m["To"].addresses[0].addr_spec, []).append(m)
    return grouped


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _token(message: EmailMessage) -> str:
    found = TOKEN.findall(_body(message))
    assert len(found) == 1, _body(message)
    return str(found[0])


def _statuses(cycle_id: int) -> dict[str, str]:
    with session_scope() as session:
        return {m.reviewer_name: m.status for m in messages_of(session, cycle_id)}


def _assert_no_token_stored(tokens: list[str]) -> None:
    """No table, no column, anywhere, holds a raw token (links keep only its SHA-256)."""
    with get_engine().connect() as conn:
        for table in models.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                text = repr(tuple(row))
                for token in tokens:
                    assert token not in text, f"a raw link token is stored in {table.name}"


# ---- the tests ------------------------------------------------------------------------------


def test_each_reviewer_gets_one_message_with_their_link_and_their_pdfs(
    pool: Path, smtp: Collector
) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    reviewers = _reviewers(cycle_id)
    nomination(cycle_id, TODAY)
    docs = documents(cycle_id, Stage.NOMINATION)

    received = _by_recipient(smtp.messages())
    assert sorted(received) == sorted(reviewers.addresses.values())
    tokens = []
    for (kind, name), address in reviewers.addresses.items():
        [message] = received[address]
        own = [d for d in docs if (d.recipient_kind, d.recipient_name) == (kind, name)]
        assert own
        attached = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
        assert attached == {f"{d.id}.pdf": located(d.pdf_path).read_bytes() for d in own}
        body = _body(message)
        assert all(d.id in body for d in own) and name in body
        assert LINK_PLACEHOLDER not in body
        assert "提名推荐" in str(message["Subject"])
        assert message["From"].addresses[0].addr_spec == "kaohe@example.cn"
        assert message["Auto-Submitted"] == "auto-generated"
        token = _token(message)
        tokens.append(token)
        with session_scope() as session:
            link = find_link(session, token)
            assert link is not None and link_problem(link) is None
            assert (link.cycle_id, link.reviewer_kind, link.reviewer_name) == (cycle_id, kind, name)
            assert link.created_by == "mail"
            outbox = session.exec(
                select(OutboxMessage).where(OutboxMessage.reviewer_name == name)
            ).one()
            assert message["Message-ID"] == outbox.message_id == message_id_for(outbox.key)
            assert LINK_PLACEHOLDER in outbox.body
    _assert_no_token_stored(tokens)
    statuses = _statuses(cycle_id)
    assert statuses.pop(reviewers.without[1]) == "no_address"
    assert set(statuses.values()) == {"sent"}

    # The stage again, and `mail send`: nothing goes twice.
    nomination(cycle_id, TODAY)
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert result.exit_code == 0, result.output
    assert "已发送 0 封，失败 0 封" in result.output and "1 封邮件等待邮箱地址" in result.output
    assert len(smtp.received) == len(reviewers.addresses)

    # The reviewer without an address gets theirs once staff add it, and only theirs.
    listed = runner.invoke(app, ["reviewers", "list", "--cycle", str(cycle_id), "--json"])
    rows = json.loads(listed.output)
    assert {(r["kind"], r["name"]): r["email"] for r in rows} == {
        **reviewers.addresses,
        reviewers.without: "",
    }
    assert sum(r["documents"] for r in rows) == len(docs)
    kind, name = reviewers.without
    result = runner.invoke(app, ["reviewers", "set", kind, name, "late＠example.cn"])
    assert result.exit_code == 0 and "已添加" in result.output, result.output
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert result.exit_code == 0 and "已发送 1 封，失败 0 封" in result.output, result.output
    [late] = _by_recipient(smtp.messages())["late@example.cn"]
    assert {a.get_filename() for a in late.iter_attachments()} == {
        f"{d.id}.pdf" for d in docs if d.recipient_name == name
    }
    assert set(_statuses(cycle_id).values()) == {"sent"}
    status = json.loads(runner.invoke(app, ["mail", "status", str(cycle_id), "--json"]).output)
    assert status == {
        "counts": {"pending": 0, "sending": 0, "sent": len(reviewers.addresses) + 1,
                   "failed": 0, "no_address": 0},
        "unsent": [],
    }  # fmt: skip


def test_a_message_left_in_sending_goes_only_when_staff_retry(
    pool: Path, smtp: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.stages import nomination

    _mail_off(monkeypatch)
    cycle_id = start()
    reviewers = _reviewers(cycle_id)
    nomination(cycle_id, TODAY)
    # With e-mail off the messages are planned and wait.
    statuses = _statuses(cycle_id)
    assert statuses.pop(reviewers.without[1]) == "no_address"
    assert set(statuses.values()) == {"pending"} and not smtp.received

    # A sender that claimed a message and died before the SMTP call returned leaves this.
    kind, name = next(iter(reviewers.addresses))
    with session_scope() as session:
        stuck = session.exec(select(OutboxMessage).where(OutboxMessage.reviewer_name == name)).one()
        assert claim(session, stuck.id or 0) is not None
        assert claim(session, stuck.id or 0) is None  # nobody else can take it now

    _mail_on(monkeypatch)
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert result.exit_code == 0, result.output
    assert f"已发送 {len(reviewers.addresses) - 1} 封，失败 0 封" in result.output
    assert "可能已经发出" in result.output
    assert reviewers.address_of(kind, name) not in _by_recipient(smtp.messages())
    assert _statuses(cycle_id)[name] == "sending"
    status = runner.invoke(app, ["mail", "status", str(cycle_id)])
    assert "发送中" in status.output and name in status.output

    # Running again still leaves it alone; staff's retry sends it, once.
    nomination(cycle_id, TODAY)
    assert _statuses(cycle_id)[name] == "sending"
    result = runner.invoke(app, ["mail", "retry", str(cycle_id)])
    assert result.exit_code == 0, result.output
    assert "原为发送中" in result.output and "已发送 1 封，失败 0 封" in result.output
    received = _by_recipient(smtp.messages())
    assert len(received[reviewers.address_of(kind, name)]) == 1
    assert all(len(v) == 1 for v in received.values())
    assert _statuses(cycle_id)[name] == "sent"


def test_a_refusing_server_leaves_messages_failed_and_a_later_run_sends_them(
    pool: Path, smtp: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    reviewers = _reviewers(cycle_id)
    addressed = {name for _, name in reviewers.addresses}

    # The server answers DATA with a temporary refusal: the stage still completes.
    smtp.refuse = True
    counts = nomination(cycle_id, TODAY)
    assert counts["delivered"] == len(documents(cycle_id, Stage.NOMINATION))
    with session_scope() as session:
        failed = [m for m in messages_of(session, cycle_id) if m.reviewer_name in addressed]
    assert {m.status for m in failed} == {"failed"} and {m.attempts for m in failed} == {1}
    assert all("451" in m.error and "mailbox busy" in m.error for m in failed)
    assert not smtp.received

    # Then no server at all: the error says so, and the command exits 1.
    _use_port(monkeypatch, _free_port())
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert result.exit_code == 1 and f"失败 {len(addressed)} 封" in result.output
    status = runner.invoke(app, ["mail", "status", str(cycle_id)])
    assert "ConnectionRefusedError" in status.output and "已尝试 2/3 次" in status.output

    # A third failure uses the last attempt; a fourth run does not try again.
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert f"失败 {len(addressed)} 封" in result.output
    smtp.refuse = False
    _use_port(monkeypatch, smtp.port)
    result = runner.invoke(app, ["mail", "send", str(cycle_id)])
    assert result.exit_code == 0 and "已发送 0 封，失败 0 封" in result.output, result.output
    assert not smtp.received

    # Staff retry: every message goes, once.
    result = runner.invoke(app, ["mail", "retry", str(cycle_id)])
    assert result.exit_code == 0, result.output
    assert f"已发送 {len(addressed)} 封，失败 0 封" in result.output
    received = _by_recipient(smtp.messages())
    assert sorted(received) == sorted(reviewers.addresses.values())
    assert all(len(v) == 1 for v in received.values())
    with session_scope() as session:
        for m in messages_of(session, cycle_id):
            if m.reviewer_name in addressed:
                assert (m.status, m.error) == ("sent", "")


def test_reminders_go_once_per_reviewer_per_day(
    pool: Path, smtp: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    reviewers = _reviewers(cycle_id)
    nomination(cycle_id, TODAY)
    docs = documents(cycle_id, Stage.NOMINATION)
    sent_before = len(smtp.received)
    due = max(d.due_on for d in docs if d.due_on)

    def remind_on(day: date) -> Any:
        monkeypatch.setenv("APPRAISAL_TODAY", day.isoformat())
        get_settings.cache_clear()
        return runner.invoke(app, ["remind", str(cycle_id), "--send", "--json"])

    # Not overdue yet: nothing to remind.
    result = remind_on(due)
    assert result.exit_code == 0 and "0 reminder(s) planned" in result.output, result.output
    result = remind_on(due + timedelta(days=1))
    assert result.exit_code == 0, result.output
    assert f"{len(reviewers.addresses) + 1} reminder(s) planned" in result.output
    reminders = smtp.messages()[sent_before:]
    assert len(reminders) == len(reviewers.addresses)
    for message in reminders:
        assert "催办" in str(message["Subject"])
        assert not list(message.iter_attachments())  # the link opens the documents
        name = str(message["To"].addresses[0].display_name)
        body = _body(message)
        assert all(d.id in body for d in docs if d.recipient_name == name)
        assert not any(d.id in body for d in docs if d.recipient_name != name)
        with session_scope() as session:
            link = find_link(session, _token(message))
            assert link is not None and link.reviewer_name == name

    # The same day again: nothing new. The next day: one more each.
    result = remind_on(due + timedelta(days=1))
    assert "0 reminder(s) planned" in result.output
    assert len(smtp.received) == sent_before + len(reviewers.addresses)
    remind_on(due + timedelta(days=2))
    assert len(smtp.received) == sent_before + 2 * len(reviewers.addresses)
    with session_scope() as session:
        keys = [m.key for m in messages_of(session, cycle_id) if m.purpose == "reminder"]
    assert len(keys) == len(set(keys)) == 2 * (len(reviewers.addresses) + 1)

    # Returned documents are no longer chased.
    with session_scope() as session:
        from appraisal.store.signoffs import waive

        for d in docs:
            waive(session, document_id=d.id, reason="已电话确认", actor="test")
    result = remind_on(due + timedelta(days=3))
    assert "0 reminder(s) planned" in result.output


def test_the_message_is_built_from_plain_values() -> None:
    office = Office(name="中共某市委统战部", number_prefix="统战评", contact="王", phone="123")
    line = DocumentLine("AP-0001-NO-X", "推荐表", "张三", date(2026, 12, 6), needs_return=True)
    body = documents_body(
        reviewer="某大学", cycle_name="2026年度评价", stage_name="提名推荐", lines=[line],
        office=office,
    )  # fmt: skip
    assert "AP-0001-NO-X  推荐表（张三），请于2026年12月6日前签字盖章交回" in body
    assert body.count(LINK_PLACEHOLDER) == 1 and "联系人：王" in body
    message = compose(
        to="a@example.cn", to_name="某大学", sender="b@example.cn", sender_name="统战部",
        subject="主题", body=body, key="1/nomination/documents/推荐单位/某大学",
        link="https://x/r/abc", attachments=[("AP-0001-NO-X.pdf", b"%PDF-1.7 test")],
    )  # fmt: skip
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"] == message_id_for("1/nomination/documents/推荐单位/某大学")
    assert message_id_for("k") == message_id_for("k") != message_id_for("k2")
    assert "https://x/r/abc" in _body(parsed)  # type: ignore[arg-type]
    [pdf] = parsed.iter_attachments()  # type: ignore[attr-defined]
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content() == b"%PDF-1.7 test"
    with pytest.raises(ValueError, match="exactly once"):
        compose(
            to="a@example.cn", to_name="", sender="b@example.cn", sender_name="", subject="s",
            body="no link here", key="k", link="https://x/r/abc",
        )  # fmt: skip


def test_a_long_list_shows_its_first_documents_and_points_to_the_link() -> None:
    office = Office(name="中共某市委统战部", number_prefix="统战评", contact="王", phone="123")
    lines = [
        DocumentLine(f"AP-0001-AS-{n:04d}", "民主测评票", f"人{n}", None, needs_return=False)
        for n in range(LISTED + 3)
    ]
    body = documents_body(
        reviewer="考核组", cycle_name="2026年度评价", stage_name="组织考核", lines=lines,
        office=office,
    )  # fmt: skip
    assert f"文件共{LISTED + 3}份，下列前{LISTED}份的 PDF 附在本邮件中" in body
    assert lines[LISTED - 1].document_id in body and lines[LISTED].document_id not in body
    assert "另有3份未列出，请打开下面的个人链接查看" in body
    assert body.count(LINK_PLACEHOLDER) == 1
    # The outbox reads only the listed documents' lines and gives the count.
    shorter = documents_body(
        reviewer="考核组", cycle_name="2026年度评价", stage_name="组织考核",
        lines=lines[:LISTED], total=len(lines), office=office,
    )  # fmt: skip
    assert shorter == body


def test_a_message_attaches_the_documents_its_body_lists(pool: Path) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    nomination(cycle_id, TODAY)
    ids = sorted(d.id for d in documents(cycle_id, Stage.NOMINATION))
    assert len(ids) == 4
    # Listed first, LISTED - 2 documents with no PDF here; then the stage's four: the body
    # lists only the first two of them, and only they are attached.
    listed = [f"AP-9999-NM-{n:010d}-00" for n in range(LISTED - 2)] + ids
    message = OutboxMessage(
        key="k", cycle_id=cycle_id, purpose=DOCUMENTS, stage="nomination",
        reviewer_kind="推荐单位", reviewer_name="某单位", to_addr="", subject="", body="",
        document_ids=listed, message_id="m",
    )  # fmt: skip
    with session_scope() as session:
        assert [a.filename for a in attachments(session, message)] == [f"{i}.pdf" for i in ids[:2]]


def test_mail_send_refuses_while_email_is_off(app_env: Path) -> None:
    result = runner.invoke(app, ["mail", "send", "1"])
    assert result.exit_code == 1 and "APPRAISAL_SMTP_HOST" in result.output

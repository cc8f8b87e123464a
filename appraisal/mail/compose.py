"""The messages reviewers receive: the Chinese texts and the MIME message, from plain values.

A body is written when the message is planned and kept in the outbox with LINK_PLACEHOLDER where
the personal link goes: the link's token exists only in the message that is sent.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from appraisal.documents.views import Office

LINK_PLACEHOLDER = "{链接}"
# A message lists and attaches at most this many documents; a reviewer with more opens the rest
# through the personal link. In a cycle of 10,000 people the assessment team receives 20,000
# documents: no one reads such a list, and mail servers refuse messages of a gigabyte.
LISTED = 50


@dataclass(frozen=True)
class DocumentLine:
    """One document as a message lists it."""

    document_id: str
    title: str  # the template's title, e.g. 党外代表人士推荐表
    about: str  # the person's name, or e.g. "3人" for a letter about several people
    due_on: date | None
    needs_return: bool


def message_id_for(key: str) -> str:
    """The Message-ID of the outbox message with this key: the same on every attempt, so a
    receiving system that saw the message already can tell a resend for what it is."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@appraisal>"


def _cn_date(day: date) -> str:
    # The form official documents use (no leading zeros); appraisal.render has the same helper,
    # but importing it would load the Word renderer into every command that sends mail.
    return f"{day.year}年{day.month}月{day.day}日"


def _line(n: int, line: DocumentLine) -> str:
    about = f"（{line.about}）" if line.about else ""
    if not line.needs_return:
        when = "供阅存，无需交回"
    elif line.due_on is not None:
        when = f"请于{_cn_date(line.due_on)}前签字盖章交回"
    else:
        when = "请签字盖章后交回"
    return f"  {n}. {line.document_id}  {line.title}{about}，{when}"


def _listing(lines: Sequence[DocumentLine], total: int) -> list[str]:
    shown = [_line(n, line) for n, line in enumerate(lines[:LISTED], 1)]
    if total > len(shown):
        shown.append(f"  ……另有{total - len(shown)}份未列出，请打开下面的个人链接查看。")
    return shown


def _signature(office: Office) -> list[str]:
    contact = "　".join(
        part
        for part in (
            f"联系人：{office.contact}" if office.contact else "",
            f"电话：{office.phone}" if office.phone else "",
        )
        if part
    )
    return [office.name, *([contact] if contact else []), "（本邮件由系统自动发送。）"]


def documents_subject(cycle_name: str, stage_name: str, count: int) -> str:
    return f"【{cycle_name}】{stage_name}文件{count}份"


def documents_body(
    *,
    reviewer: str,
    cycle_name: str,
    stage_name: str,
    lines: Sequence[DocumentLine],
    office: Office,
    total: int | None = None,
) -> str:
    """The message that brings a reviewer their documents of one stage (the first LISTED of
    them as attached PDFs). `lines` may stop after the first LISTED of `total` documents."""
    total = len(lines) if total is None else total
    attached = (
        "PDF 文件附在本邮件中"
        if total <= LISTED
        else f"下列前{LISTED}份的 PDF 附在本邮件中，全部文件请打开下面的个人链接查看、下载"
    )
    return "\n".join(
        [
            f"{reviewer}：",
            "",
            f"{cycle_name}{stage_name}阶段的文件共{total}份，{attached}：",
            "",
            *_listing(lines, total),
            "",
            "需要交回的文件，请签字盖章后扫描交回；也可以打开下面的个人链接，在线查看文件、"
            "上传签字回执：",
            "",
            LINK_PLACEHOLDER,
            "",
            "此链接仅供收件人使用，请勿转发；链接过期后请与我们联系。",
            "",
            *_signature(office),
            "",
        ]
    )


def reminder_subject(cycle_name: str, count: int) -> str:
    return f"【催办】{cycle_name}：{count}份文件已过交回期限"


def reminder_body(
    *,
    reviewer: str,
    cycle_name: str,
    today: date,
    lines: Sequence[DocumentLine],
    office: Office,
) -> str:
    """The reminder of returns that are past their due date."""
    return "\n".join(
        [
            f"{reviewer}：",
            "",
            f"截至{_cn_date(today)}，{cycle_name}的下列{len(lines)}份文件已过交回期限，"
            "尚未收到签字回执：",
            "",
            *_listing(lines, len(lines)),
            "",
            "请尽快签字盖章后交回；也可以打开下面的个人链接，在线查看文件、上传签字回执：",
            "",
            LINK_PLACEHOLDER,
            "",
            "如已交回，请忽略本邮件。",
            "",
            *_signature(office),
            "",
        ]
    )


def compose(
    *,
    to: str,
    to_name: str,
    sender: str,
    sender_name: str,
    subject: str,
    body: str,
    key: str,
    link: str,
    attachments: Sequence[tuple[str, bytes]] = (),
    date_header: str | None = None,
) -> EmailMessage:
    """The message to send: `body` with its link placeholder filled, PDFs attached.

    `key` is the outbox key the Message-ID derives from. Raises ValueError when the body has no
    place for the link (a body written by something other than this module).
    """
    if body.count(LINK_PLACEHOLDER) != 1:
        raise ValueError(f"the body must hold {LINK_PLACEHOLDER} exactly once")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(display_name=sender_name, addr_spec=sender)
    message["To"] = Address(display_name=to_name, addr_spec=to)
    message["Date"] = date_header or formatdate(localtime=True)
    message["Message-ID"] = message_id_for(key)
    # RFC 3834: out-of-office replies should not answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body.replace(LINK_PLACEHOLDER, link))
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return message

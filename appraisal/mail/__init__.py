"""E-mail to reviewers, as plain values: addresses, the Chinese texts, the message, SMTP.

Nothing here touches the database or Prefect; appraisal/store/outbox.py decides what to send and
flows/mail.py sends it.
"""

from appraisal.mail.address import (
    AddressError,
    ReviewerEntry,
    ReviewerError,
    checked_entry,
    normalise_address,
)
from appraisal.mail.compose import (
    LINK_PLACEHOLDER,
    LISTED,
    DocumentLine,
    compose,
    documents_body,
    documents_subject,
    message_id_for,
    reminder_body,
    reminder_subject,
)
from appraisal.mail.smtp import send_message

__all__ = [
    "LINK_PLACEHOLDER",
    "LISTED",
    "AddressError",
    "DocumentLine",
    "ReviewerEntry",
    "ReviewerError",
    "checked_entry",
    "compose",
    "documents_body",
    "documents_subject",
    "message_id_for",
    "normalise_address",
    "reminder_body",
    "reminder_subject",
    "send_message",
]

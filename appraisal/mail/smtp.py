"""Handing one message to an SMTP server."""

import smtplib
import ssl
from email.message import EmailMessage

# Long enough for a slow relay to take a message with PDFs attached; short enough that a server
# that accepts connections and then hangs does not stall a stage for long.
TIMEOUT_SECONDS = 60.0


def send_message(
    message: EmailMessage,
    *,
    host: str,
    port: int,
    user: str = "",
    password: str = "",
    starttls: bool = False,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """Send `message` to the addresses in its headers; any refusal raises (smtplib's errors,
    or OSError when the server cannot be reached)."""
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        if starttls:
            smtp.starttls(context=ssl.create_default_context())
        if user:
            smtp.login(user, password)
        refused = smtp.send_message(message)
    # smtplib raises when every recipient is refused, and returns the rest; a message has one.
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)

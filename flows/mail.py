"""E-mail to reviewers: plan what a stage owes them, and send a cycle's outbox.

Each message is claimed (committed as `sending`) before its SMTP call and marked sent or failed
after it, one message at a time, so a rerun never sends a message twice and a crash leaves at
most one message in `sending` for staff to decide about.
"""

from prefect import flow

from appraisal.db import session_scope
from appraisal.flows.runmode import run_logger, task
from appraisal.mail import compose, send_message
from appraisal.models.vocab import Stage
from appraisal.progress import report
from appraisal.render.manifest import template_titles
from appraisal.settings import Settings, get_settings
from appraisal.store.cycles import get_cycle
from appraisal.store.links import issue_link
from appraisal.store.outbox import (
    FAILED,
    NO_ADDRESS,
    SENDING,
    SENT,
    attachments,
    claim,
    mark_failed,
    mark_sent,
    outbox_counts,
    plan_document_messages,
    refresh_addresses,
    sendable_ids,
)


@task(name="plan e-mail")
def plan_stage_mail(cycle_id: int, stage: Stage) -> int:
    """One message per reviewer of the stage's delivered documents; returns how many are new."""
    titles = template_titles(get_settings().templates_dir)
    with session_scope() as session:
        return len(plan_document_messages(session, cycle_id, stage, titles=titles))


def _send_one(message_id: int, settings: Settings) -> str | None:
    """Send one message: "sent", "failed", or None when it was not sendable any more."""
    with session_scope() as session:
        msg = claim(session, message_id)
        if msg is None:
            return None
        office = get_cycle(session, msg.cycle_id).office.get("name", "")
        files = attachments(session, msg)
        # A fresh link per message: the token goes into this message and nowhere else.
        _, token = issue_link(
            session,
            cycle_id=msg.cycle_id,
            kind=msg.reviewer_kind,
            name=msg.reviewer_name,
            actor="mail",
            days=settings.link_days,
        )
    try:
        message = compose(
            to=msg.to_addr,
            to_name=msg.reviewer_name,
            sender=settings.mail_from,
            sender_name=office,
            subject=msg.subject,
            body=msg.body,
            key=msg.key,
            link=f"{settings.portal_url.rstrip('/')}/r/{token}",
            attachments=[(f.filename, f.path.read_bytes()) for f in files],
        )
        send_message(
            message,
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    # Whatever went wrong (server refused or unreachable, an attachment gone, an address the
    # server cannot take), the message must not stay in `sending`, which means "may have gone".
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        with session_scope() as session:
            mark_failed(session, message_id, error)
        run_logger().warning("e-mail %s to %s failed: %s", msg.key, msg.to_addr, error)
        return FAILED
    with session_scope() as session:
        mark_sent(session, message_id)
    return SENT


@flow(name="send e-mail", flow_run_name="e-mail of cycle {cycle_id}")
def send_outbox(cycle_id: int) -> dict[str, int]:
    """Send every pending message of the cycle, and failed ones with attempts left.

    Returns {"sent", "failed"} for this run and, for the whole cycle afterwards, "no_address"
    (reviewers without an address) and "sending" (left by a crash: `appraisal mail retry`).
    With no SMTP host set nothing is sent.
    """
    settings = get_settings()
    logger = run_logger()
    counts = {SENT: 0, FAILED: 0}
    if settings.smtp_host:
        with session_scope() as session:
            refresh_addresses(session, cycle_id)
            ids = sendable_ids(session, cycle_id)
        for n, message_id in enumerate(ids, 1):
            outcome = _send_one(message_id, settings)
            if outcome is not None:
                counts[outcome] += 1
            report("e-mail", n, len(ids))
    else:
        logger.info("e-mail is off (APPRAISAL_SMTP_HOST is empty): messages stay pending")
    with session_scope() as session:
        totals = outbox_counts(session, cycle_id)
    result = {**counts, NO_ADDRESS: totals[NO_ADDRESS], SENDING: totals[SENDING]}
    logger.info("e-mail of cycle %s: %s", cycle_id, result)
    return result

"""The portal's access log: a row per page, download, upload or refusal, with who asked."""

from sqlmodel import Session

from appraisal.models import AccessLog


def record_access(
    session: Session,
    *,
    actor: str,
    action: str,
    outcome: str,
    document_id: str,
    link_id: int | None,
    detail: str,
    client: str,
) -> None:
    """Add the row, each text cut to what its column holds: a request can carry anything."""
    session.add(
        AccessLog(
            actor=actor[:200],
            link_id=link_id,
            document_id=document_id[:64],
            action=action,
            outcome=outcome,
            detail=detail[:1024],
            client=client[:64],
        )
    )

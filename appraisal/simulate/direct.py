"""Every outstanding return of a stage, recorded straight through the store: each document's own
PDF stands for its signed return. For benchmarks at pool size, where the intake's per-file
inspection (measured on its own by the intake tests and the demo) would dominate the figures."""

from pathlib import Path

from sqlmodel import Session, col, select

from appraisal.files import sha256_file
from appraisal.intake import Inspection
from appraisal.intake.inspection import MatchedBy
from appraisal.store.signoffs import record_return
from models import Cycle, Document, SignOff
from models.vocab import Reply, Stage

PAGE = 500


def sign_everything(
    session: Session, cycle: Cycle, stage: Stage, *, returns: Path, quarantine: Path, actor: str
) -> int:
    """Record a return for each document of `stage` that needs one and has none; how many."""
    assert cycle.id is not None
    done = select(SignOff.document_id)
    reply = Reply.NO_OBJECTION if stage == Stage.SOLICITATION else None
    signed = 0
    while True:  # a page at a time, so a large cycle needs no more memory than a small one
        docs = session.exec(
            select(Document)
            .where(
                Document.cycle_id == cycle.id,
                Document.stage == stage,
                Document.needs_signoff,
                col(Document.id).not_in(done),
            )
            .order_by(Document.id)
            .limit(PAGE)
        ).all()
        for d in docs:
            pdf = Path(d.pdf_path)
            ins = Inspection(
                path=pdf,
                size=pdf.stat().st_size,
                sha256=sha256_file(pdf),
                pages=1,
                text_ids=(d.id,),
                document_id=d.id,
                matched_by=MatchedBy.TEXT,
            )
            record_return(
                session,
                cycle=cycle,
                ins=ins,
                returns_dir=returns,
                quarantine_dir=quarantine,
                reply=reply,
                actor=actor,
            )
        session.flush()  # the next page's query sees these returns
        signed += len(docs)
        if len(docs) < PAGE:
            return signed

"""The store's document and dossier rows, on a real database: a recorded document is updated in
place and goes out again only when its content changed; a dossier row is made once and updated;
the cycle closes when every member is sealed."""

from datetime import date
from pathlib import Path

from appraisal.db import session_scope
from appraisal.documents.plan import DocumentJob
from appraisal.models import Document
from appraisal.models.vocab import Stage
from appraisal.store import documents, dossiers
from appraisal.store.cycles import cycle_codes, get_cycle, member_ids, set_stage

DUE = date(2026, 12, 1)


def _made(code: str, n: int, folder: Path, sha: str = "a" * 64) -> documents.MadeDocument:
    job = DocumentJob(
        document_id=f"DOC-{n}", stage=Stage.NOMINATION, template_id="nomination_form",
        person_code=code, recipient_kind="所在单位", recipient_name=f"单位{n}",
        needs_signoff=True, due_on=DUE, context={},
    )  # fmt: skip
    return documents.MadeDocument(
        job, folder / f"DOC-{n}.docx", sha, folder / f"DOC-{n}.pdf", "b" * 64, "1"
    )


def test_a_document_is_recorded_once_and_delivered_again_only_when_changed(
    bare_cycle: int, tmp_path: Path
) -> None:
    folder = tmp_path / "output"  # documents are kept under the output folder (app_env)
    with session_scope() as session:
        codes = cycle_codes(session, bare_cycle)
        ids = member_ids(session, bare_cycle, codes)
    made = [_made(code, n, folder) for n, code in enumerate(codes)]
    with session_scope() as session:
        assert documents.record_documents(session, bare_cycle, made, ids) == len(codes)
    with session_scope() as session:
        assert documents.record_documents(session, bare_cycle, made, ids) == 0
        page = documents.undelivered(session, bare_cycle, Stage.NOMINATION, limit=2)
        assert [d.document_id for d in page] == ["DOC-0", "DOC-1"]
        assert page[0].recipient == "单位0"
        documents.mark_delivered(session, [d.document_id for d in page])
    with session_scope() as session:
        left = documents.undelivered(session, bare_cycle, Stage.NOMINATION, limit=100)
        assert [d.document_id for d in left] == [f"DOC-{n}" for n in range(2, len(codes))]
        changed = _made(codes[0], 0, folder, sha="c" * 64)
        assert documents.record_documents(session, bare_cycle, [changed], ids) == 1
    with session_scope() as session:
        doc = session.get(Document, "DOC-0")
        assert doc is not None and doc.delivered_at is None and doc.docx_sha256 == "c" * 64
        assert doc.person_id == ids[codes[0]]
        assert len(documents.awaiting_return(session, bare_cycle, Stage.NOMINATION)) == len(codes)
        assert documents.first_document_to(session, bare_cycle, "所在单位") is not None
        assert documents.first_document_to(session, bare_cycle, "纪委监委") is None


def test_the_cycle_closes_once_every_member_is_sealed(bare_cycle: int) -> None:
    with session_scope() as session:
        ids = member_ids(session, bare_cycle, cycle_codes(session, bare_cycle))
        set_stage(session, get_cycle(session, bare_cycle), Stage.ARCHIVE, actor="t", reason="t")
    first, *rest = ids.values()
    for fingerprint in ("f1", "f2"):  # sealed again: the same row, updated
        with session_scope() as session:
            dossiers.record_seal(
                session, cycle_id=bare_cycle, person_id=first, path="p", fingerprint=fingerprint,
                pages=3, files=4, size=5,
            )  # fmt: skip
    with session_scope() as session:
        assert dossiers.seal_fingerprints(session, bare_cycle, ids.values()) == {first: "f2"}
        cycle = get_cycle(session, bare_cycle)
        assert dossiers.close_when_all_sealed(session, cycle, actor="t") == Stage.ARCHIVE
        for pid in rest:
            dossiers.record_seal(
                session, cycle_id=bare_cycle, person_id=pid, path="p", fingerprint="f",
                pages=1, files=1, size=1,
            )  # fmt: skip
        session.flush()
        assert dossiers.close_when_all_sealed(session, cycle, actor="t") == Stage.DONE

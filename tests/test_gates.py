"""The gate's rules on plain values: what a document still lacks and how a stage counts it."""

from dataclasses import dataclass
from datetime import date, datetime

from appraisal.gates import StageProgress
from appraisal.models.vocab import Reply, SignOffMethod, Stage

TODAY = date(2026, 5, 10)


@dataclass(frozen=True)
class Doc:
    id: str = "NOM-0001"
    template_id: str = "nomination_letter"
    recipient_name: str = "某推荐单位"
    delivered_at: datetime | None = datetime(2026, 5, 1, 9)
    needs_signoff: bool = True
    due_on: date | None = date(2026, 5, 8)
    created_at: datetime = datetime(2026, 5, 1, 8)
    name: str | None = "张三"


@dataclass(frozen=True)
class Back:
    method: SignOffMethod = SignOffMethod.SCAN
    signature_valid: bool | None = None
    reply: Reply | None = None


def test_a_document_without_its_return_is_outstanding_and_overdue_after_its_due_day() -> None:
    p = StageProgress(Stage.NOMINATION)
    p.count(Doc(), [], TODAY)
    assert (p.generated, p.delivered, p.returned, p.overdue) == (1, 1, 0, 1)
    [o] = p.outstanding
    assert (o.document_id, o.person, o.missing, o.since) == (
        "NOM-0001",
        "张三",
        "signed return",
        date(2026, 5, 1),
    )
    assert not p.gate_open


def test_a_held_return_is_named_in_what_is_missing() -> None:
    p = StageProgress(Stage.NOMINATION)
    p.count(Doc(due_on=None), [], TODAY, held="one is held")
    assert p.outstanding[0].missing == "signed return (one is held)"
    assert p.overdue == 0


def test_returned_waived_and_objecting_documents_are_counted_and_open_the_gate() -> None:
    p = StageProgress(Stage.SOLICITATION)
    p.count(Doc(id="a"), [Back(reply=Reply.OBJECTION)], TODAY)
    p.count(Doc(id="b"), [Back(method=SignOffMethod.WAIVER)], TODAY)
    p.count(Doc(id="c", needs_signoff=False, delivered_at=None), [], TODAY)
    assert (p.generated, p.delivered, p.returned, p.waived, p.objections) == (3, 2, 1, 1, 1)
    assert p.for_reading == 1  # the one that needs no sign-off, so staff see why 3 ≠ 1 + 1
    assert p.gate_open


def test_a_solicitation_return_without_its_reply_is_still_outstanding() -> None:
    p = StageProgress(Stage.SOLICITATION)
    p.count(Doc(), [Back()], TODAY)
    assert p.outstanding[0].missing == "reply (无异议 / 有异议)"

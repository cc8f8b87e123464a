"""Where each stage of a cycle stands, and whether its gate is open.

A stage's gate opens when every document that needs a sign-off has one: a signed return whose
signature (if digital) held up, plus for solicitation letters the reply; or a waiver with a reason.
A stage that ran to its end with nothing to send is open at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from appraisal.models.vocab import Reply, SignOffMethod, Stage
from appraisal.stages import takes_reply


@dataclass(frozen=True)
class Outstanding:
    """A document still owed a sign-off, or (document_id "") a person still owed a grade."""

    document_id: str
    template_id: str
    recipient: str
    person: str
    missing: str  # what is still needed, in words
    since: date
    due_on: date | None
    overdue: bool
    code: str = ""  # the person's 编号, when the item is about one person


@dataclass
class StageProgress:
    stage: Stage
    generated: int = 0
    delivered: int = 0
    returned: int = 0
    waived: int = 0
    overdue: int = 0
    objections: int = 0
    for_reading: int = 0
    outstanding: list[Outstanding] = field(default_factory=list)
    # The stage's run got to the end: one that had nothing to send (动员部署 with no body in
    # the scheme) waits for nothing.
    finished: bool = False

    @property
    def gate_open(self) -> bool:
        return (self.generated > 0 or self.finished) and not self.outstanding

    def count(
        self, doc: "StageDocument", returns: Sequence["Returned"], today: date, held: str = ""
    ) -> None:
        """Add one document of the stage with its returns and waivers, oldest first; `held`
        (when one of its returns waits for staff review) says so in what it still lacks."""
        self.generated += 1
        self.delivered += doc.delivered_at is not None
        self.waived += any(s.method == SignOffMethod.WAIVER for s in returns)
        self.returned += any(s.method != SignOffMethod.WAIVER for s in returns)
        self.objections += any(s.reply == Reply.OBJECTION for s in returns)
        if not doc.needs_signoff:
            self.for_reading += 1
            return
        missing = missing_signoff(self.stage, returns)
        if missing is None:
            return
        overdue = doc.due_on is not None and doc.due_on < today
        self.overdue += overdue
        self.outstanding.append(
            Outstanding(
                document_id=doc.id,
                template_id=doc.template_id,
                recipient=doc.recipient_name,
                person=doc.name or "",
                missing=missing + (f" ({held})" if held else ""),
                since=doc.created_at.date(),
                due_on=doc.due_on,
                overdue=overdue,
            )
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage.value,
            "generated": self.generated,
            "delivered": self.delivered,
            "returned": self.returned,
            "waived": self.waived,
            "overdue": self.overdue,
            "objections": self.objections,
            "for_reading": self.for_reading,
            "gate_open": self.gate_open,
            "outstanding": [
                {
                    "document_id": o.document_id,
                    "template_id": o.template_id,
                    "recipient": o.recipient,
                    "person": o.person,
                    "missing": o.missing,
                    "since": o.since.isoformat(),
                    "due_on": o.due_on.isoformat() if o.due_on else None,
                    "overdue": o.overdue,
                    "code": o.code,
                }
                for o in self.outstanding
            ],
        }


class StageDocument(Protocol):
    """What the gate reads of a document: a row of these columns, `name` the person's if any."""

    @property
    def id(self) -> str: ...
    @property
    def template_id(self) -> str: ...
    @property
    def recipient_name(self) -> str: ...
    @property
    def delivered_at(self) -> datetime | None: ...
    @property
    def needs_signoff(self) -> bool: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def name(self) -> str | None: ...


class Returned(Protocol):
    """What the gate reads of a return or waiver: a SignOff, or a row of these columns."""

    method: SignOffMethod
    signature_valid: bool | None
    reply: Reply | None


def missing_signoff(stage: Stage, returns: Sequence[Returned]) -> str | None:
    """What a document of `stage` still lacks, or None when its sign-off is complete."""
    if any(s.method == SignOffMethod.WAIVER for s in returns):
        return None
    good = [s for s in returns if s.signature_valid is not False]
    if not good:
        if returns:
            return "a valid signed return (the digital signature failed validation)"
        return "signed return"
    if takes_reply(stage) and all(s.reply is None for s in good):
        return "reply (无异议 / 有异议)"
    return None


def missing_grade(org_score: float | None, appraisal_score: float | None) -> str:
    """What stands between a person without a grade and the evaluation gate, in words."""
    lacking = [
        *(["组织考核得分"] if org_score is None else []),
        *(["有效的民主测评"] if appraisal_score is None else []),
    ]
    what = f"（缺少{'、'.join(lacking)}）" if lacking else ""
    return (
        f"等次未评定{what}：补录后运行 appraisal cycle rescore，或记录暂缓评定/免评 / no grade: "
        "import the missing records and rescore, or record a decision (暂缓评定 or 免评)"
    )


# What `missing_signoff` returns is matched by its readers (the portal's inbox reads "reply..."),
# so it stays as it is; staff read it through `missing_in_words`.
_MISSING_WORDS = {
    "a valid signed return (the digital signature failed validation)": (
        "有效的签署回件（电子签名未通过验证）"
    ),
    "signed return": "签署回件",
    "reply (无异议 / 有异议)": "回复意见（无异议 / 有异议）",
}


def missing_in_words(missing: str) -> str:
    """What a document still lacks (`Outstanding.missing`), in Chinese for staff."""
    for key, words in _MISSING_WORDS.items():
        if missing.startswith(key):
            rest = missing[len(key) :]
            return words + (f"（{rest.strip()[1:-1]}）" if rest.strip().startswith("(") else rest)
    return missing

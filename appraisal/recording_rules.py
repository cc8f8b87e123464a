"""What a recorded duty may be, checked before anything is written (pure: values in, values or a
Chinese error out): which kinds take attendance and which have authors, the outcomes each kind
can have, and the roles and co-signer count of a jointly signed piece."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from appraisal.models.vocab import DutyKind, DutyOutcome, DutyRole

# Meetings and activities: the organising department records who attended.
ATTENDED = (
    DutyKind.PLENARY, DutyKind.STANDING_COMMITTEE, DutyKind.MEETING, DutyKind.ACTIVITY,
    DutyKind.RESEARCH, DutyKind.INSPECTION, DutyKind.TRAINING, DutyKind.COMMUNITY,
)  # fmt: skip
# Pieces a member writes, alone or jointly: the office receiving them records the authors.
AUTHORED = (DutyKind.PROPOSAL, DutyKind.REPORT, DutyKind.SPEECH, DutyKind.SUGGESTION,
            DutyKind.INQUIRY)  # fmt: skip
# What the receiving office may later record of a piece (issue 21: the proposals office records
# 立案 and 重点/优秀, the research office 社情民意 采用 and 批示); a 批示 is a leader's written
# instruction on any piece. The scheme says what each is worth (appraisal/schemes/).
OUTCOMES: dict[DutyKind, tuple[DutyOutcome, ...]] = {
    DutyKind.PROPOSAL: (DutyOutcome.ACCEPTED, DutyOutcome.KEY, DutyOutcome.EXCELLENT,
                        DutyOutcome.INSTRUCTION),
    DutyKind.REPORT: (DutyOutcome.ADOPTED, DutyOutcome.INSTRUCTION),
    DutyKind.SPEECH: (DutyOutcome.ADOPTED, DutyOutcome.INSTRUCTION),
    DutyKind.SUGGESTION: (DutyOutcome.ADOPTED, DutyOutcome.INSTRUCTION),
    DutyKind.INQUIRY: (DutyOutcome.INSTRUCTION,),
}  # fmt: skip
TITLE_MAX = 256
NOTES_MAX = 1024
PLACE_MAX = 256


class RuleError(ValueError):
    """A duty that cannot be recorded as given, with the reason in Chinese."""


@dataclass(frozen=True)
class EventFacts:
    kind: DutyKind
    title: str
    held_on: date
    place: str = ""
    notes: str = ""

    @property
    def year(self) -> int:
        return self.held_on.year


@dataclass(frozen=True)
class Signer:
    code: str
    role: DutyRole
    cosigners: int  # how many signed, the lead included


def parse_kind(word: str) -> DutyKind:
    found = next((k for k in DutyKind if k.value == word.strip()), None)
    if found is None:
        raise RuleError(f"没有“{word}”这种履职类别；可选：{'、'.join(k.value for k in DutyKind)}")
    return found


def parse_day(text: str | date, what: str = "日期") -> date:
    """A date as staff type it: 2026-03-15, 2026.03.15 or 2026/3/15."""
    if isinstance(text, date):
        return text
    parts = text.strip().replace(".", "-").replace("/", "-").split("-")
    try:
        year, month, day = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        raise RuleError(f"{what}“{text}”不是日期，请写成 2026-03-15") from None


def event_facts(
    kind: DutyKind,
    title: str,
    held_on: str | date,
    *,
    place: str = "",
    notes: str = "",
    kinds: Sequence[DutyKind] = ATTENDED,
) -> EventFacts:
    """An event's facts, checked: a kind of `kinds`, a title, a date, lengths within limits."""
    if kind not in kinds:
        raise RuleError(f"“{kind.value}”不在此处登记；可选：{'、'.join(k.value for k in kinds)}")
    title = " ".join(title.split())
    if not title:
        raise RuleError("请填写名称")
    if len(title) > TITLE_MAX:
        raise RuleError(f"名称不能超过 {TITLE_MAX} 个字")
    if len(place.strip()) > PLACE_MAX or len(notes.strip()) > NOTES_MAX:
        raise RuleError(f"地点不能超过 {PLACE_MAX} 个字，备注不能超过 {NOTES_MAX} 个字")
    return EventFacts(kind, title, parse_day(held_on), place.strip(), notes.strip())


def signers(lead: str, cosigners: Sequence[str]) -> list[Signer]:
    """The lead author and co-signers as records: 领衔 and 联名 with how many signed, the lead
    included; a piece nobody co-signed is 独立 (one signer)."""
    lead = lead.strip()
    if not lead:
        raise RuleError("请选择领衔人（第一作者）")
    others: list[str] = []
    for code in (c.strip() for c in cosigners):
        if code == lead:
            raise RuleError(f"{code} 已是领衔人，不能同时是联名人")
        if code and code not in others:
            others.append(code)
    if not others:
        return [Signer(lead, DutyRole.SOLE, 1)]
    count = 1 + len(others)
    return [Signer(lead, DutyRole.LEAD, count)] + [
        Signer(c, DutyRole.COSIGNER, count) for c in others
    ]


def check_outcome(kind: DutyKind, outcome: DutyOutcome) -> None:
    allowed = OUTCOMES.get(kind, ())
    if outcome is not DutyOutcome.NONE and outcome not in allowed:
        choices = "、".join(o.value for o in allowed) or "（无）"
        raise RuleError(f"“{kind.value}”不能记为“{outcome.value}”；可选：{choices}")


def parse_outcome(word: str) -> DutyOutcome:
    found = next((o for o in DutyOutcome if o.value == word.strip()), None)
    if found is None:
        raise RuleError(
            f"没有“{word}”这种办理结果；可选：{'、'.join(o.value for o in DutyOutcome)}"
        )
    return found

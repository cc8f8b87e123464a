"""A year recorded by its departments (谁组织谁记录), for the demo of a CPPCC year: the 委员联络室
and the 提案委员会 as 登记 accounts; plenary, standing-committee, activity, 调研 and 进社区 events
with attendance; 提案 with co-signers and their outcomes. Deterministic for a seed. Everything goes
through the same store functions staff use (appraisal/store/duty_events.py, proposals.py)."""

import random
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from appraisal.demo_words import ACTIVITY_TOPICS, CITY, PROPOSAL_TOPICS
from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, Role
from appraisal.recording_rules import AUTHORED, event_facts
from appraisal.secrets import new_token
from appraisal.store.accounts import accounts, save_account
from appraisal.store.duty_events import add_event, members, record_attendance
from appraisal.store.offices import EVERYWHERE
from appraisal.store.proposals import add_proposal, set_outcome
from appraisal.store.recorders import parse_kinds, recorder_for_account, set_recording_scope

# The demo's two recording departments: (account, department, 登记范围).
DEPARTMENTS = (
    ("lianluo", "委员联络室", "全会、常委会、其他会议、活动、调研、视察、培训、进社区"),
    ("tian", "提案委员会", "提案、建议"),
)


@dataclass(frozen=True)
class RecordedYear:
    events: int
    proposals: int
    records: int


def record_demo_year(session: Session, *, year: int, seed: int, actor: str) -> RecordedYear:
    """Make the departments' accounts (if missing) and record a year of their duties."""
    rng = random.Random(seed)
    known = {a.username for a in accounts(session)}
    for username, department, kinds in DEPARTMENTS:
        if username not in known:
            # A password nobody knows: staff set one with `appraisal portal user NAME`.
            save_account(session, username, password=new_token(), role=Role.RECORDER)
        set_recording_scope(session, username, kinds=parse_kinds(kinds), department=department,
                            actor=actor)  # fmt: skip
    codes = [p.code for p in members(session, EVERYWHERE)]
    liaison = recorder_for_account(session, DEPARTMENTS[0][0])
    proposals = recorder_for_account(session, DEPARTMENTS[1][0])
    plan = [
        (DutyKind.PLENARY, f"{CITY}政协{year}年全体会议", date(year, 1, 10)),
        (DutyKind.STANDING_COMMITTEE, "常委会第一次会议", date(year, 3, 20)),
        (DutyKind.RESEARCH, f"{rng.choice(ACTIVITY_TOPICS)}专题调研", date(year, 5, 14)),
        (DutyKind.COMMUNITY, "委员进社区联系群众", date(year, 6, 18)),
        (DutyKind.STANDING_COMMITTEE, "常委会第二次会议", date(year, 9, 25)),
    ]
    records = 0
    for kind, title, on in plan:
        event = add_event(session, recorder=liaison, facts=event_facts(kind, title, on))
        invited = codes if kind in (DutyKind.PLENARY, DutyKind.STANDING_COMMITTEE) else (
            rng.sample(codes, max(1, len(codes) // 3)))  # fmt: skip
        marks = {c: rng.choices(list(Attendance), weights=(85, 10, 5))[0] for c in invited}
        records += record_attendance(session, event_id=event.id or 0, marks=marks,
                                     recorder=liaison).added  # fmt: skip
    pieces = 0
    for n, topic in enumerate(rng.sample(PROPOSAL_TOPICS, min(3, len(PROPOSAL_TOPICS)))):
        authors = rng.sample(codes, min(len(codes), 1 + n))
        facts = event_facts(DutyKind.PROPOSAL, f"关于{topic}的提案", date(year, 1, 12 + n),
                            kinds=AUTHORED)  # fmt: skip
        piece = add_proposal(session, recorder=proposals, facts=facts, lead=authors[0],
                             cosigners=authors[1:])  # fmt: skip
        records += len(authors)
        outcome = (DutyOutcome.ACCEPTED, DutyOutcome.KEY, DutyOutcome.EXCELLENT)[n % 3]
        set_outcome(session, event_id=piece.id or 0, outcome=outcome, recorder=proposals)
        pieces += 1
    return RecordedYear(len(plan), pieces, records)

"""Who may record which duties (谁组织谁记录): a 登记 account records the duty kinds of its scope
for its department; 经办 and 管理员 (and the CLI, run by whoever holds the server) record any kind.
Managers grant the scope on the accounts page and with `appraisal portal user`."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from appraisal.models import StaffUser
from appraisal.models.vocab import DutyKind, Role
from appraisal.recording_rules import RuleError
from appraisal.roles import Action, allows
from appraisal.store.changes import AuditLog
from appraisal.store.offices import EVERYWHERE, Scope, StaffMember, office_of, scope_of

SEPARATOR = "、"


class RecordingError(RuleError):
    """A recording that cannot be made or is not allowed, with the reason in Chinese."""


@dataclass(frozen=True)
class Recorder:
    """Who records: the audit's actor, the department printed as 记录单位, the duty kinds they may
    record (None: any), the office their events belong to and the offices whose people they see."""

    actor: str
    department: str
    kinds: frozenset[DutyKind] | None
    office_id: int
    scope: Scope = EVERYWHERE

    def may(self, kind: DutyKind) -> bool:
        return self.kinds is None or kind in self.kinds

    def check(self, kind: DutyKind) -> None:
        if not self.may(kind):
            allowed = SEPARATOR.join(k.value for k in DutyKind if k in (self.kinds or ()))
            raise RecordingError(
                f"{self.department or self.actor}不能登记“{kind.value}”：本账户的登记范围是"
                f"{allowed or '（空）'}；如需登记，请联系管理员调整登记范围"
            )


def parse_kinds(text: str | Iterable[str]) -> frozenset[DutyKind]:
    """Duty kinds from their words ("全会、常委会", "全会,常委会" or a list); an unknown word is a
    RecordingError naming the choices."""
    words = text if not isinstance(text, str) else text.replace(",", SEPARATOR).split(SEPARATOR)
    kinds: set[DutyKind] = set()
    for word in (w.strip() for w in words):
        if not word:
            continue
        found = next((k for k in DutyKind if k.value == word), None)
        if found is None:
            choices = SEPARATOR.join(k.value for k in DutyKind)
            raise RecordingError(f"没有“{word}”这种履职类别；可选：{choices}")
        kinds.add(found)
    return frozenset(kinds)


def kinds_text(kinds: Iterable[DutyKind]) -> str:
    """The scope as stored and shown: in DutyKind's order."""
    chosen = set(kinds)
    return SEPARATOR.join(k.value for k in DutyKind if k in chosen)


def recorder_of(member: StaffMember) -> Recorder:
    """The portal's recorder: a 登记 account its scope, 经办 and 管理员 any kind."""
    if not member.may(Action.RECORD):
        raise RecordingError(f"您的角色是“{member.role.value}”，不能登记履职")
    kinds = None if member.may(Action.RUN) else member.duty_kinds
    department = member.department or member.office_name
    return Recorder(member.actor, department, kinds, member.office_id, member.scope)


def recorder_for_account(session: Session, username: str) -> Recorder:
    """The CLI recording as a staff account (`--account`): its role, scope and department."""
    user = session.exec(select(StaffUser).where(StaffUser.username == username.strip())).first()
    if user is None or not user.active:
        raise RecordingError(f"没有在用的账户 {username}")
    if not allows(user.role, Action.RECORD):
        raise RecordingError(f"账户 {username} 的角色是“{user.role.value}”，不能登记履职")
    kinds = None if allows(user.role, Action.RUN) else parse_kinds(user.duty_kinds)
    return Recorder(
        f"staff:{user.username}",
        user.department or office_of(session, user.office_id),
        kinds,
        user.office_id,
        scope_of(session, user.office_id),
    )


def set_recording_scope(
    session: Session,
    username: str,
    *,
    kinds: frozenset[DutyKind] | None = None,
    department: str | None = None,
    actor: str,
    scope: Scope = EVERYWHERE,
) -> StaffUser:
    """Grant an account its recording scope (duty kinds) and department; the change is audited.
    None leaves a value as it is."""
    user = session.exec(select(StaffUser).where(StaffUser.username == username.strip())).first()
    if user is None or not scope.covers(user.office_id):
        raise RecordingError(f"没有账户 {username}")
    log = AuditLog(actor)
    if kinds is not None and kinds_text(kinds) != user.duty_kinds:
        log.record("staff_user", user.username, "duty_kinds", user.duty_kinds, kinds_text(kinds),
                   "登记范围")  # fmt: skip
        user.duty_kinds = kinds_text(kinds)
    if department is not None and department.strip() != user.department:
        if len(department.strip()) > 64:
            raise RecordingError("部门名称不能超过 64 个字符")
        log.record("staff_user", user.username, "department", user.department,
                   department.strip(), "记录单位")  # fmt: skip
        user.department = department.strip()
    if user.role is Role.RECORDER and not user.duty_kinds:
        raise RecordingError(f"登记账户 {username} 须有登记范围（至少一种履职类别）")
    session.add(user)
    log.write(session)
    session.flush()
    return user

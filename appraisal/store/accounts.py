"""Staff accounts as administrators manage them: role, office, password, active. An
administrator manages the accounts of their own office and the offices below it."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.models import Office, StaffUser
from appraisal.models.vocab import Role
from appraisal.secrets import PASSWORD_MAX, hash_password
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.sessions import end_staff_sessions

PASSWORD_MIN = 10


class AccountError(ValueError):
    """A request about a staff account that cannot be carried out, with the reason in Chinese."""


@dataclass(frozen=True)
class AccountRow:
    username: str
    role: Role
    office: str
    active: bool
    duty_kinds: str = ""  # a 登记 account's scope (appraisal/store/recorders.py)
    department: str = ""


def parse_role(word: str | None) -> Role | None:
    """A role from its Chinese word (or English name); AccountError naming the choices."""
    if word is None:
        return None
    for role in Role:
        if word.strip() in (role.value, role.name.lower()):
            return role
    choices = "、".join(r.value for r in Role)
    raise AccountError(f"没有“{word}”这个角色；可选：{choices}")


def accounts(session: Session, scope: Scope = EVERYWHERE) -> list[AccountRow]:
    query = scope.only(
        select(StaffUser, Office).join(Office, col(Office.id) == col(StaffUser.office_id)),
        StaffUser.office_id,
    ).order_by(col(Office.name), col(StaffUser.username))
    return [
        AccountRow(u.username, u.role, o.name, u.active, u.duty_kinds, u.department)
        for u, o in session.exec(query)
    ]


def save_account(
    session: Session,
    username: str,
    *,
    password: str | None = None,
    role: Role | None = None,
    office_id: int | None = None,
    scope: Scope = EVERYWHERE,
) -> StaffUser:
    """Create an account (a password is needed) or change one's password, role or office.

    Any change ends the account's open sessions: it logs in again under what it may now do.
    Accounts and offices outside `scope` are neither found nor given."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("用户名须为 1 到 64 个字符")
    if office_id is not None and not scope.covers(office_id):
        raise AccountError("只能把账户设在本单位或下级单位")
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is not None and not scope.covers(user.office_id):
        raise AccountError(f"账户 {username} 属于其他单位，不能在这里修改")
    if user is None:
        if password is None:
            raise AccountError(f"没有账户 {username}；新建账户需要设置密码")
        user = StaffUser(username=username, password_hash="")
    if password is not None:
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise AccountError(f"密码须为 {PASSWORD_MIN} 到 {PASSWORD_MAX} 个字符")
        user.password_hash = hash_password(password)
        user.active = True
    if role is not None:
        user.role = role
    if office_id is not None:
        if session.get(Office, office_id) is None:
            raise AccountError(f"没有编号为 {office_id} 的单位")
        user.office_id = office_id
    session.add(user)
    session.flush()
    end_staff_sessions(session, user.id or 0, "password" if password else "changed")
    return user


def deactivate_account(session: Session, username: str, scope: Scope = EVERYWHERE) -> int:
    """Stop an account logging in and end its open sessions; returns how many ended."""
    user = session.exec(select(StaffUser).where(StaffUser.username == username.strip())).first()
    if user is None or not scope.covers(user.office_id):
        raise AccountError(f"没有账户 {username}")
    user.active = False
    session.add(user)
    session.flush()
    return end_staff_sessions(session, user.id or 0, "deactivated")

"""What each staff role may do. The portal and the CLI ask here; the store's queries keep each
office to its own people and cycles (appraisal/store/offices.py)."""

from enum import StrEnum

from appraisal.models.vocab import Role


class Action(StrEnum):
    READ = "查看"
    RUN = "经办"  # start and advance cycles, import, enter replies and waivers, archive
    APPROVE = "审核"
    MANAGE = "管理"  # staff accounts, offices and settings
    # Record duties through the year (谁组织谁记录): a 登记 account only the duty kinds of its
    # scope (appraisal/store/recorders.py); 经办 and 管理员 any kind.
    RECORD = "登记"


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset({Action.READ, Action.RUN, Action.RECORD}),
    Role.APPROVER: frozenset({Action.READ, Action.APPROVE}),
    Role.READER: frozenset({Action.READ}),
    Role.RECORDER: frozenset({Action.READ, Action.RECORD}),
}

_DOING = {
    Action.READ: "查看",
    Action.RUN: "办理周期和录入数据",
    Action.APPROVE: "审核",
    Action.MANAGE: "管理账户和设置",
    Action.RECORD: "登记履职",
}


def allows(role: Role, action: Action) -> bool:
    return action in _ALLOWED[role]


def refusal(role: Role, action: Action) -> str:
    """The refusal a staff member reads, in their words."""
    return f"您的角色是“{role.value}”，不能{_DOING[action]}；如需办理，请联系本单位管理员"

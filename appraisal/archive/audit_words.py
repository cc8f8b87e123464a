"""The audit trail in the words staff read: the register's 审计记录 sheet shows who did what to
which record in Chinese, while the database keeps its English keys (queries and tests match them).

Only fixed vocabulary is translated: actors, kinds of record, field names, stage keys and the
values and reasons the code itself writes. What people typed (reasons, names, replies) is shown
as it is, and a word this table does not know is shown unchanged rather than guessed.
"""

from appraisal.stages import stage_name

# Who: "staff" (the CLI's default actor), "staff:<username>" (a portal account),
# "reviewer:<kind>/<name>" (a reviewer's personal link), and the demo's simulated staff.
ACTORS = {"staff": "工作人员", "demo": "演示", "anonymous": "匿名", "system": "系统"}
_ACTOR_KINDS = {"staff": "工作人员", "reviewer": "审阅方"}

# What kind of record an entry is about (AuditEntry.entity).
ENTITIES = {
    "cycle": "考核周期",
    "cyclemember": "周期人员",
    "document": "文件",
    "signoff": "回件",
    "result": "评价结果",
    "dossier": "档案",
    "person": "人员",
    "pool": "人才库",
    "pooldecision": "人才库调整",
    "reviewer": "收件方",
    "intake": "回件导入",
    "review": "复核",
}

FIELDS = {
    "started": "启动",
    "started with missing inputs": "缺少数据仍启动",
    "stage": "阶段",
    "reopened": "重新开启",
    "decision": "决定",
    "requested": "申请复核",
    "sealed early": "提前封存",
    "signoff": "签署",
    "reply": "回复意见",
    "flagged": "异议标记",
    "pool_decision": "入库调整",
    "left_on": "移出日期",
    "joined_on": "入库日期",
    "decided": "逐人决定",
    "approved": "审核批准",
    "tier": "梯队",
    "email": "电子邮箱",
    "outcome": "处理结果",
    "created": "新建",
    "points": "履职积分",
    "org_score": "组织考核",
    "score": "组织考核得分",
    "political": "政治表现",
    "thinking": "思想状况",
    "duty": "履行职责",
    "integrity": "廉洁自律",
    "material": "考核材料",
    "appraisal_score": "民主测评",
    "composite": "综合得分",
    "grade": "等次",
    "band": "档次",
    "vetoes": "否决事项",
    "deductions": "扣分",
    "actions": "处理建议",
}

# Values the code writes, by field; stage values are stage keys.
_VALUES = {
    "signoff": {"waived": "免于回传"},
    "outcome": {
        "held": "待核对",
        "accepted": "认定为已签署",
        "quarantined": "已隔离",
        "recorded": "已登记",
    },
}

# Reasons the code writes (older entries carry the English ones).
REASONS = {
    "gate open": "闸门已开启",
    "stage run started": "阶段开始运行",
    "scored": "评分",
    "rescored": "重新评分",
    "started with --allow-missing although these people lack inputs": (
        "以 --allow-missing 启动，以下人员缺少数据"
    ),
}


def actor_words(actor: str) -> str:
    """ "staff:alice" → "工作人员 alice"; "reviewer:推荐单位/某大学" → "审阅方 推荐单位/某大学"."""
    if actor in ACTORS:
        return ACTORS[actor]
    kind, sep, who = actor.partition(":")
    if sep and kind in _ACTOR_KINDS:
        return f"{_ACTOR_KINDS[kind]} {who}"
    return actor


def entity_words(entity: str) -> str:
    """The kind of record in Chinese, its key as it is: "cycle 2026年度…" → "考核周期 2026年度…"."""
    kind, sep, key = entity.partition(" ")
    return f"{ENTITIES[kind]}{sep}{key}" if kind in ENTITIES else entity


def field_words(field: str) -> str:
    return FIELDS.get(field, field)


def value_words(field: str, value: str) -> str:
    """A before or after value of `field` as staff read it."""
    if field == "stage":
        return stage_name(value) if value else value
    return _VALUES.get(field, {}).get(value, value)


def reason_words(reason: str) -> str:
    return REASONS.get(reason, reason)

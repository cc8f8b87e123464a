"""Every bound on what a request may carry, in one place: the body's size while it streams in,
each form field's length, and the numbers a path may hold. The forms' own limits (`maxlength`)
are only a courtesy to the browser; these are the limits."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Form, HTTPException, Path
from pydantic import StringConstraints
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appraisal.documents.plan import LETTER_PEOPLE
from appraisal.models.records import MATERIAL_LIMIT
from appraisal.secrets import PASSWORD_MAX

# Rows are numbered in a 32-bit INTEGER on PostgreSQL; a larger number names nothing (404).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
# What an objection may say: about two pages of reasons, within the 4,096 characters the
# sign-off and the audit trail keep.
REPLY_TEXT_MAX = 4000


@dataclass(frozen=True)
class FieldLimit:
    zh: str
    en: str
    max_length: int = 0  # characters; for a list, how many items
    item_length: int = 0  # a list's items, in characters
    low: int = 0  # a whole number's range
    high: int = 0

    def rule(self, sent: int | None = None) -> str:
        """The bound, as a refusal states it (with how much text was sent, when known)."""
        if self.high:
            return (
                f"{self.zh}须为 {self.low} 到 {self.high} 之间的整数 / "
                f"{self.en} must be a whole number from {self.low} to {self.high}"
            )
        if self.item_length:
            return (
                f"{self.zh}最多 {self.max_length} 项，每项最多 {self.item_length} 个字 / "
                f"{self.en}: at most {self.max_length}, each at most {self.item_length} characters"
            )
        if sent is not None:
            return (
                f"{self.zh}最多 {self.max_length} 个字，提交了 {sent} 个 / "
                f"{self.en}: at most {self.max_length} characters, {sent} sent"
            )
        n = self.max_length
        return f"{self.zh}最多 {n} 个字 / {self.en}: at most {n} characters"

    def form(self) -> Any:
        """The FastAPI form parameter that enforces the bound."""
        if self.high:
            return Form(ge=self.low, le=self.high)
        return Form(max_length=self.max_length)


# Every form field of the portal, by name. The upload form's fields are bounded by its parser.
FIELDS = {
    "csrf": FieldLimit("表单令牌", "the form token", max_length=256),
    "username": FieldLimit("用户名", "the username", max_length=64),
    "password": FieldLimit("密码", "the password", max_length=PASSWORD_MAX),
    "reviewer": FieldLimit("接收方", "the reviewer", max_length=32 + 1 + 128),  # kind/name
    "days": FieldLimit("有效期（天）", "the days", low=1, high=365),
    "answer": FieldLimit("回执意见", "the answer", max_length=8),
    "text": FieldLimit("具体意见", "the reasons", max_length=REPLY_TEXT_MAX),
    "person": FieldLimit("涉及人员", "the people", max_length=LETTER_PEOPLE, item_length=64),
    "code": FieldLimit("编号", "the 编号", max_length=64),
    "decision": FieldLimit("决定", "the decision", max_length=8),
    "reason": FieldLimit("理由", "the reason", max_length=1024),
    # accounts and offices (管理员)
    "role": FieldLimit("角色", "the role", max_length=8),
    "office_id": FieldLimit("单位", "the office", low=1, high=MAX_ROW_ID),
    "office_name": FieldLimit("单位名称", "the office's name", max_length=128),
    "contact": FieldLimit("联系人", "the contact", max_length=128),
    "phone": FieldLimit("联系电话", "the telephone", max_length=64),
    # The bulk waiver's ticked documents, and its "all of this reviewer / person" buttons.
    "doc": FieldLimit("文件", "the documents", max_length=5000, item_length=64),
    "group": FieldLimit("范围", "the selection", max_length=32 + 1 + 128 + 8),
    "confirm": FieldLimit("确认", "the confirmation", max_length=8),
    "stage": FieldLimit("阶段", "the stage", max_length=16),
    # Starting a cycle (portal/start.py).
    "kind": FieldLimit("考核类型", "the kind", max_length=32),
    "name": FieldLimit("周期名称", "the name", max_length=128),
    "year": FieldLimit("年度", "the year", low=1900, high=2100),
    "scheme": FieldLimit("评分方案", "the scheme", max_length=64),
    "who": FieldLimit("参加人员", "who is in it", max_length=8),
    "tier": FieldLimit("梯队", "the tier", max_length=16),
    "codes": FieldLimit("编号", "the 编号 list", max_length=100_000),
    "allow_missing": FieldLimit("确认", "the confirmation", max_length=8),
    # A person's information (portal/people.py).
    "field": FieldLimit("项目", "the field", max_length=32),
    "value": FieldLimit("内容", "the value", max_length=512),
    "entry_kind": FieldLimit("记录类别", "the kind of entry", max_length=8),
    "start": FieldLimit("起始年月", "the start", max_length=16),
    "end": FieldLimit("截止年月", "the end", max_length=16),
    "entry_text": FieldLimit("记录内容", "the entry", max_length=512),
    "merit": FieldLimit("奖惩类别", "reward or sanction", max_length=8),
    # 统战名人 (portal/figures.py).
    "figure_name": FieldLimit("姓名", "the name", max_length=64),
    "years": FieldLimit("生卒年", "the years", max_length=64),
    "native_place": FieldLimit("籍贯", "the native place", max_length=64),
    "identity": FieldLimit("身份界别", "the identity", max_length=256),
    "biography": FieldLimit("生平事迹", "the biography", max_length=4000),
    "selected_on": FieldLimit("入选时间", "the date chosen", max_length=16),
    "decided_by": FieldLimit("入选依据", "who decided", max_length=128),
    "number": FieldLimit("文号", "the document number", max_length=64),
    "figure_value": FieldLimit("内容", "the value", max_length=4000),
    "site_kind": FieldLimit("场所类别", "the kind of site", max_length=8),
    "site_name": FieldLimit("场所名称", "the site", max_length=128),
    "address": FieldLimit("地址", "the address", max_length=256),
    "opening": FieldLimit("开放情况", "the opening", max_length=128),
    "plaque_on": FieldLimit("挂牌时间", "the plaque's date", max_length=16),
    "activity_on": FieldLimit("活动时间", "the date", max_length=16),
    "activity_kind": FieldLimit("活动类别", "the kind of activity", max_length=8),
    "activity_summary": FieldLimit("活动内容", "the summary", max_length=1024),
    "organiser": FieldLimit("主办单位", "the organiser", max_length=128),
    # A talk logged (谈心谈话, portal/people.py): the talk table's own lengths.
    "held_on": FieldLimit("谈话时间", "the date", max_length=16),
    "talk_kind": FieldLimit("谈话类别", "the kind of talk", max_length=8),
    "talker": FieldLimit("谈话人", "who talked", max_length=64),
    "talker_post": FieldLimit("谈话人职务", "their post", max_length=128),
    "place": FieldLimit("谈话地点", "the place", max_length=128),
    "summary": FieldLimit("谈话内容", "what was said", max_length=2048),
    "follow_up": FieldLimit("后续跟进", "the follow-up", max_length=1024),
    # A nomination decided (portal/nominations.py).
    "nomination": FieldLimit("推荐序号", "the nomination", low=1, high=MAX_ROW_ID),
    # 复核 (portal/reviews.py and the person's own link).
    "grounds": FieldLimit("申请理由", "the grounds", max_length=4096),
    "grade": FieldLimit("等次", "the grade", max_length=8),
    "on": FieldLimit("申请日期", "the date", max_length=10),
    "late_reason": FieldLimit("逾期受理理由", "the reason to take it late", max_length=1024),
    # 年度履职报告 uploaded by staff on a person's behalf (portal/reports.py).
    "note": FieldLimit("说明", "the note", max_length=1024),
    # 组织考核 by dimension (store/assessment.py)
    "political": FieldLimit("政治表现", "the 政治表现 rating", max_length=16),
    "thinking": FieldLimit("思想状况", "the 思想状况 rating", max_length=16),
    "duty": FieldLimit("履行职责", "the 履行职责 rating", max_length=16),
    "integrity": FieldLimit("廉洁自律", "the 廉洁自律 rating", max_length=16),
    "material": FieldLimit("考核材料", "the written material", max_length=MATERIAL_LIMIT),
    "assessor": FieldLimit("考核人", "the assessor", max_length=64),
    # 计票 (portal/ballots.py): a sheet's 发出, 收回, and five counts a person in its order.
    "sheet": FieldLimit("测评票", "the ballot sheet", max_length=64),
    "issued": FieldLimit("发出票数", "ballots issued", low=0, high=999_999),
    "returned": FieldLimit("收回票数", "ballots returned", low=0, high=999_999),
    "votes": FieldLimit("票数", "the votes", max_length=5 * 200, item_length=7),
    # 履职申报 through the member's own link (portal/own_duties.py) and decided by staff.
    "duty_kind": FieldLimit("履职类别", "the kind of duty", max_length=16),
    "title": FieldLimit("事项名称", "the title", max_length=256),
    "duty_on": FieldLimit("履职日期", "the date", max_length=10),
    "duty_role": FieldLimit("署名方式", "the role", max_length=8),
    "cycle": FieldLimit("考核周期", "the cycle", max_length=16),
}
PersonCode = Annotated[str, StringConstraints(max_length=FIELDS["person"].item_length)]
DocumentId = Annotated[str, StringConstraints(max_length=FIELDS["doc"].item_length)]


def field(name: str) -> Any:
    return FIELDS[name].form()


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI's form parsing passes it on
    to the error page instead of turning it into a 400."""

    def __init__(self, max_bytes: int) -> None:
        mb = max(1, max_bytes // (1024 * 1024))
        super().__init__(
            413,
            f"上传的文件过大，最大允许 {mb} MB / the file is too large: at most {mb} MB",
            headers={"Connection": "close"},
        )


class BodyLimit:
    """ASGI middleware: a body longer than `max_bytes` gets 413, whatever Content-Length said."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            # A declared length over the limit is refused before a byte of the body is read.
            if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)

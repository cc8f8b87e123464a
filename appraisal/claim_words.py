"""The words of a 履职申报 form (or CLI options) as values: the kind, the role and the date, each
refused in Chinese naming the field when it is not one the office knows."""

from datetime import date

from appraisal.models.vocab import DutyKind, DutyRole

# The kinds a member may claim: everything the office records. Listed for the form's choices.
CLAIM_KINDS = tuple(DutyKind)
CLAIM_ROLES = tuple(DutyRole)
# The claim form's fields besides the file, as the portal's forms name them.
CLAIM_FIELDS = ("duty_kind", "title", "duty_on", "duty_role", "note")


class ClaimFieldError(ValueError):
    """A field of a claim that is not understood, with the reason naming the field."""


def claim_kind(text: str) -> DutyKind:
    try:
        return DutyKind(text.strip())
    except ValueError:
        known = "、".join(CLAIM_KINDS)
        raise ClaimFieldError(f"履职类别“{text}”无法识别，请选择：{known} / unknown kind") from None


def claim_role(text: str) -> DutyRole | None:
    """The role on a proposal (独立/领衔/联名); empty for a duty without one."""
    if not text.strip():
        return None
    try:
        return DutyRole(text.strip())
    except ValueError:
        known = "、".join(CLAIM_ROLES)
        raise ClaimFieldError(f"署名方式“{text}”无法识别，请选择：{known} / unknown role") from None


def claim_day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ClaimFieldError(f"履职日期“{text}”无法识别，请写成 2026-05-20 / not a date") from None

"""统战名人 kept as a record (seed 002: "宣传十位统战名人", 名人故居, 教育基地): staff add a figure,
correct its fields, and add or remove the places (纪念场所) and activities (宣传活动) that keep
their memory. Every change is audited with its reason under the figure's number.

The scheme's 名人 quota ([pool.tier_quota]) is a cap that warns: one more figure than it allows
is added, with the warning returned to staff and written in the audit log.

The portal's 统战名人 pages and `appraisal figures` call these functions and nothing else."""

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlmodel import Session, col, func, select

from appraisal.clock import today as clock_today
from appraisal.db import begin_writing
from appraisal.models import Cycle, Figure, FigureActivity, FigureSite, Person
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import ActivityKind, SiteKind, Tier
from appraisal.scheme import default_scheme_path, load_scheme, parse_scheme
from appraisal.sheets.values import CellError, clean_text, parse_date
from appraisal.store.changes import AuditLog
from appraisal.store.offices import EVERYWHERE, Scope, scope_of
from appraisal.store.person_info import NoSuchPerson, person_in_scope

ENTITY = "figure"
SITE = "纪念场所"
ACTIVITY = "宣传活动"

# The fields staff edit, by the words they see: (attribute, longest text, a date).
FIELDS: dict[str, tuple[str, int, bool]] = {
    "姓名": ("name", 64, False),
    "生卒年": ("years", 64, False),
    "籍贯": ("native_place", 64, False),
    "身份界别": ("identity", 256, False),
    "生平事迹": ("biography", 4000, False),
    "入选时间": ("selected_on", 16, True),
    "入选依据": ("decided_by", 128, False),
    "文号": ("decision_number", 64, False),
}
K = TypeVar("K", SiteKind, ActivityKind)
LABELS = {attr: label for label, (attr, _n, _d) in FIELDS.items()}


class FigureError(ValueError):
    """A change that cannot be made, with the reason in Chinese (and English)."""


class NoSuchFigure(FigureError):
    """No figure has the number within the scope (another office's is not found either)."""


def day_text(day: date | None, day_known: bool = True) -> str:
    """A date as staff wrote it: 2019.05 when only the month was given, else 2019.05.12."""
    if day is None:
        return ""
    return f"{day:%Y.%m.%d}" if day_known else f"{day:%Y.%m}"


def parse_day(label: str, text: str, *, required: bool = False) -> tuple[date | None, bool]:
    """A date typed by staff (2019.05, 2019年5月12日, 2019-05-12); not after today."""
    text = clean_text(text)
    if not text:
        if required:
            raise FigureError(f"{label} 必填 / {label} is required")
        return None, True
    try:
        found = parse_date(text)
    except CellError as exc:
        raise FigureError(f"{label}：{exc}") from None
    if found.value > clock_today():
        raise FigureError(f"{label} {text} 晚于今天 / in the future")
    return found.value, found.day_known


def _text(label: str, value: str, longest: int, *, required: bool = False) -> str:
    text = clean_text(value) if "\n" not in value else value.strip()
    if required and not text:
        raise FigureError(f"{label} 不能为空 / {label} is required")
    if len(text) > longest:
        raise FigureError(f"{label}太长：{len(text)} 个字，最多 {longest} 个 / too long")
    return text


def _reason(reason: str, *, required: bool = True, default: str = "录入") -> str:
    reason = reason.strip()
    if not reason:
        if required:
            raise FigureError("请说明依据 / a reason is required")
        return default
    return reason[:1024]


def figure_in_scope(session: Session, scope: Scope, figure_id: int) -> Figure:
    figure = session.get(Figure, figure_id)
    if figure is None or not scope.covers(figure.office_id):
        raise NoSuchFigure(f"没有第 {figure_id} 号统战名人，或其不属于您的单位 / no such figure")
    return figure


def key_of(figure: Figure) -> str:
    """The audit log's key: not a bare number, which could be someone's 编号 or a document's."""
    return f"figure/{figure.id}"


# ---- the quota ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    cap: int | None  # None: the scheme sets no 名人 quota
    source: str  # which scheme said so


def figure_quota(session: Session, office_id: int = ROOT_OFFICE_ID) -> Quota:
    """The 名人 quota of the scheme the office last started a cycle with, else the default's."""
    stored = session.exec(
        select(Cycle).where(Cycle.office_id == office_id).order_by(col(Cycle.id).desc())
    ).first()
    if stored is not None:
        scheme = parse_scheme(stored.scheme_toml, f"scheme of cycle {stored.name}")
        source = f"{stored.name}所用的{scheme.name}"
    else:
        scheme = load_scheme(default_scheme_path())
        source = scheme.name
    return Quota(scheme.pool.tier_quota.get(Tier.PROMINENT), source)


def count_figures(session: Session, office_id: int = ROOT_OFFICE_ID) -> int:
    """Figures on record over the office and the offices below it (the quota's scope)."""
    query = scope_of(session, office_id).only(select(func.count()).select_from(Figure),
                                              Figure.office_id)  # fmt: skip
    return int(session.exec(query).one())


def quota_warning(count: int, quota: Quota) -> str:
    if quota.cap is None or count <= quota.cap:
        return ""
    return (
        f"统战名人已有 {count} 位，超过名额 {quota.cap} 位（{quota.source}）"
        f" / over the 名人 quota of {quota.cap}"
    )


# ---- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    figure: Figure
    warning: str  # the quota's warning, or ""


def add_figure(
    session: Session,
    *,
    values: dict[str, str],
    actor: str,
    reason: str = "",
    office_id: int = ROOT_OFFICE_ID,
    person_code: str = "",
    scope: Scope = EVERYWHERE,
) -> Added:
    """A new figure from the words staff typed, keyed by the labels of FIELDS (姓名 required).
    With `person_code` the figure is linked to that person (a living figure staff keep), and
    takes its 姓名 and 籍贯 from them where not given."""
    begin_writing(session)
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise FigureError(f"没有这些项目：{'、'.join(unknown)} / unknown fields")
    person: Person | None = None
    if person_code.strip():
        try:
            person = person_in_scope(session, scope, person_code)
        except NoSuchPerson as exc:
            raise FigureError(str(exc)) from None
        linked = session.exec(select(Figure).where(Figure.person_id == person.id)).first()
        if linked is not None:
            raise FigureError(
                f"{person.code} {person.name} 已有统战名人记录（第 {linked.id} 号）"
                " / linked already"
            )
        values = {"姓名": person.name, "籍贯": person.native_place, **values}
    row = Figure(office_id=office_id, name="", recorded_by=actor[:128],
                 person_id=person.id if person else None)  # fmt: skip
    for label, given in values.items():
        _assign(row, label, given)
    if not row.name:
        raise FigureError("姓名 不能为空 / 姓名 is required")
    same = session.exec(
        select(Figure).where(Figure.office_id == office_id, Figure.name == row.name)
    ).first()
    if same is not None:
        raise FigureError(f"已有统战名人“{row.name}”（第 {same.id} 号） / already on record")
    session.add(row)
    session.flush()
    basis = " ".join(p for p in (row.decided_by, row.decision_number) if p)
    why = _reason(reason, required=False, default=basis or "录入")
    log = AuditLog(actor)
    log.record(ENTITY, key_of(row), "created", None, _summary(row), why)
    warning = quota_warning(count_figures(session, office_id), figure_quota(session, office_id))
    if warning:
        # The cap warns and does not refuse: whoever added past it is on record with it.
        log.record(ENTITY, key_of(row), "quota", None, warning.split(" / ")[0], why)
    log.write(session)
    session.flush()
    return Added(row, warning)


def _assign(row: Figure, label: str, given: str) -> None:
    attr, longest, is_date = FIELDS[label]
    if is_date:
        day, known = parse_day(label, given)
        row.selected_on, row.selected_day_known = day, known
    else:
        setattr(row, attr, _text(label, given, longest, required=attr == "name"))


def _summary(row: Figure) -> str:
    parts = [row.name, row.years and f"（{row.years}）", row.identity and f"，{row.identity}"]
    return "".join(p for p in parts if p)


def _shown(row: Figure, attr: str) -> str:
    if attr == "selected_on":
        return day_text(row.selected_on, row.selected_day_known)
    return str(getattr(row, attr))


def set_figure_field(
    session: Session,
    *,
    figure_id: int,
    field: str,
    value: str,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
) -> tuple[str, str]:
    """One field corrected; returns (before, after) as staff read them. Nothing is written
    when the value is unchanged."""
    begin_writing(session)
    row = figure_in_scope(session, scope, figure_id)
    label = field.strip()
    if label not in FIELDS:
        raise FigureError(f"不能修改“{label}”：可修改的项目有 {'、'.join(FIELDS)} / not a field")
    why = _reason(reason)
    attr = FIELDS[label][0]
    before = _shown(row, attr)
    _assign(row, label, value)
    after = _shown(row, attr)
    if before == after:
        session.refresh(row)
        return before, after
    if attr == "name":
        same = session.exec(
            select(Figure).where(
                Figure.office_id == row.office_id, Figure.name == row.name, Figure.id != row.id
            )
        ).first()
        if same is not None:
            session.refresh(row)
            raise FigureError(f"已有统战名人“{after}”（第 {same.id} 号） / already on record")
    session.add(row)
    _audit(session, actor, row, attr, before or None, after or None, why)
    return before, after


# ---- sites and activities ----------------------------------------------------------------


def _vocab(kinds: type[K], label: str, word: str) -> K:
    found = next((k for k in kinds if k.value == word.strip()), None)
    if found is None:
        raise FigureError(f"{label}应为 {'、'.join(k.value for k in kinds)} 之一 / unknown: {word}")
    return found


def site_words(site: FigureSite) -> str:
    """A site as the history shows it: 教育基地 王伯谦故居（青石巷 12 号，2019.05 挂牌）."""
    plaque = f"{day_text(site.plaque_on, site.plaque_day_known)} 挂牌" if site.plaque_on else ""
    more = "，".join(p for p in (site.address, site.opening, plaque) if p)
    return f"{site.kind.value} {site.name}" + (f"（{more}）" if more else "")


def activity_words(activity: FigureActivity) -> str:
    who = f"（{activity.organiser}）" if activity.organiser else ""
    when = day_text(activity.held_on, activity.held_day_known)
    return f"{when} {activity.kind.value}：{activity.summary}{who}"


def add_site(
    session: Session,
    *,
    figure_id: int,
    kind: str,
    name: str,
    address: str = "",
    opening: str = "",
    plaque_on: str = "",
    actor: str,
    reason: str = "",
    scope: Scope = EVERYWHERE,
) -> FigureSite:
    begin_writing(session)
    figure = figure_in_scope(session, scope, figure_id)
    day, known = parse_day("挂牌时间", plaque_on)
    site = FigureSite(
        figure_id=figure_id, kind=_vocab(SiteKind, "场所类别", kind),
        name=_text("场所名称", name, 128, required=True), address=_text("地址", address, 256),
        opening=_text("开放情况", opening, 128), plaque_on=day, plaque_day_known=known,
        recorded_by=actor[:128],
    )  # fmt: skip
    session.add(site)
    _audit(session, actor, figure, SITE, None, site_words(site), _reason(reason, required=False))
    return site


def _audit(
    session: Session, actor: str, figure: Figure, what: str, before: str | None,
    after: str | None, why: str,
) -> None:  # fmt: skip
    """One change of a figure on record, flushed with the change itself."""
    log = AuditLog(actor)
    log.record(ENTITY, key_of(figure), what, before, after, why)
    log.write(session)
    session.flush()


def remove_site(
    session: Session, *, figure_id: int, site_id: int, actor: str, reason: str,
    scope: Scope = EVERYWHERE,
) -> FigureSite:  # fmt: skip
    begin_writing(session)
    figure = figure_in_scope(session, scope, figure_id)
    site = session.get(FigureSite, site_id)
    if site is None or site.figure_id != figure_id:
        raise FigureError(f"{figure.name} 没有第 {site_id} 号纪念场所 / no such site")
    why = _reason(reason)
    session.delete(site)
    _audit(session, actor, figure, SITE, site_words(site), None, why)
    return site


def add_activity(
    session: Session,
    *,
    figure_id: int,
    held_on: str,
    kind: str,
    summary: str,
    organiser: str = "",
    actor: str,
    reason: str = "",
    scope: Scope = EVERYWHERE,
) -> FigureActivity:
    begin_writing(session)
    figure = figure_in_scope(session, scope, figure_id)
    day, known = parse_day("活动时间", held_on, required=True)
    assert day is not None
    activity = FigureActivity(
        figure_id=figure_id, held_on=day, held_day_known=known,
        kind=_vocab(ActivityKind, "活动类别", kind),
        summary=_text("活动内容", summary, 1024, required=True),
        organiser=_text("主办单位", organiser, 128), recorded_by=actor[:128],
    )  # fmt: skip
    session.add(activity)
    _audit(session, actor, figure, ACTIVITY, None, activity_words(activity),
           _reason(reason, required=False))  # fmt: skip
    return activity


def remove_activity(
    session: Session, *, figure_id: int, activity_id: int, actor: str, reason: str,
    scope: Scope = EVERYWHERE,
) -> FigureActivity:  # fmt: skip
    begin_writing(session)
    figure = figure_in_scope(session, scope, figure_id)
    activity = session.get(FigureActivity, activity_id)
    if activity is None or activity.figure_id != figure_id:
        raise FigureError(f"{figure.name} 没有第 {activity_id} 号宣传活动 / no such activity")
    why = _reason(reason)
    session.delete(activity)
    _audit(session, actor, figure, ACTIVITY, activity_words(activity), None, why)
    return activity


def field_values(figure: Figure) -> list[tuple[str, str]]:
    """Every field as staff read it, in the order of FIELDS."""
    return [(label, _shown(figure, attr)) for label, (attr, _n, _d) in FIELDS.items()]


def change_label(field: str) -> str:
    """What an audit row of a figure changed, in staff's words."""
    return {"created": "新增", "quota": "名额提示"}.get(field, LABELS.get(field, field))

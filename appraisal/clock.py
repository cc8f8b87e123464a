"""Today's date, which staff (and the demo) may set: deadlines and reminders are counted from it;
and the office's time zone, in which stored UTC timestamps are shown and dated."""

from datetime import UTC, date, datetime, timedelta, timezone

from appraisal.settings import get_settings

# China keeps one zone and no summer time: a fixed offset needs no tz database.
OFFICE_TIME = timezone(timedelta(hours=8), "CST")


def today() -> date:
    return get_settings().today or date.today()


def office_time(at: datetime) -> datetime:
    """A stored timestamp in Beijing time (SQLite hands them back without their zone: UTC)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(OFFICE_TIME)


def office_date(at: datetime) -> date:
    """The day a stored timestamp fell on in the office: a return at 07:00 Beijing time is dated
    that day, not the day before as its UTC date would be."""
    return office_time(at).date()

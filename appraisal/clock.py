"""Today's date, which staff (and the demo) may set: deadlines and reminders are counted from it."""

from datetime import date

from appraisal.settings import get_settings


def today() -> date:
    return get_settings().today or date.today()

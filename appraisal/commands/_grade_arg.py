"""The --keep / --change GRADE pair of the commands that decide a grade (复核, 审定, 异议暂缓)."""

from appraisal.console import fail
from appraisal.models.vocab import Grade


def kept_or_changed(keep: bool, change: str, keep_word: str, change_word: str) -> Grade | None:
    """None to keep the grade, or the grade `change` names; exits with the reason when the two
    are both given or both missing, or `change` is no grade at all (whether it is one of the
    cycle's scheme is the store's to say)."""
    if keep == bool(change):
        fail(
            f"请选择 --keep（{keep_word}）或 --change 等次（{change_word}）之一"
            " / give --keep or --change GRADE"
        )
    if not change:
        return None
    try:
        return Grade(change)
    except ValueError:
        fail(f"未知的等次“{change}”：可选 {'、'.join(g.value for g in Grade)} / no such grade")

"""民主测评票 that list people: which rater groups assess a person, and when their 民主测评结果
汇总表 can be made. Plain functions, read by the planner (appraisal/documents/plan.py) and by
the store of counts (appraisal/store/ballots.py), so both decide alike.

A person's rater groups are those of their tallies imported from the records workbook, or else
the default groups. The counts read back from the sheets write tallies too; they add to the
groups nobody, so a sheet lists the same people before and after it is counted, and running
the assessment stage again plans the same sheets.
"""

from collections.abc import Collection, Iterable, Sequence

from appraisal.models.vocab import RaterGroup, Vote

DEFAULT_RATER_GROUPS: tuple[str, ...] = (RaterGroup.LEADERS.value, RaterGroup.COLLEAGUES.value)

# The columns a sheet is counted in, per person: the four choices, then 弃权 (a ballot on which
# the person has no tick, or more than one).
VOTES: tuple[str, ...] = tuple(v.value for v in Vote)
TALLY_FIELDS: tuple[str, ...] = ("excellent", "competent", "basic", "incompetent", "abstain")


def rater_groups(
    tallied: Iterable[tuple[str, bool]], defaults: Sequence[str] = DEFAULT_RATER_GROUPS
) -> list[str]:
    """The rater groups that assess a person, from their tallies as (group, counted from a
    sheet): the groups of the imported ones, or, when none was imported, the defaults (and any
    group a sheet was counted for)."""
    rows = list(tallied)
    groups = [g for g, _ in rows]
    if any(not from_sheet for _, from_sheet in rows):
        return groups
    return [*defaults, *(g for g in groups if g not in defaults)]


def tally_ready(
    groups: Sequence[str], tallied: Collection[str], waived: Collection[str] = ()
) -> bool:
    """Whether a person's 民主测评结果汇总表 can be made: every group that assesses them has a
    tally, or staff waived the count of the sheet listing them."""
    return all(g in tallied or g in waived for g in groups)


def group_order(group: str) -> int:
    """Rater groups in the vocabulary's order (领导班子 first), unknown ones last."""
    order = [g.value for g in RaterGroup]
    return order.index(group) if group in order else len(order)

"""Who receives the letters: the scheme names kinds of body, people decide the actual bodies."""

from collections.abc import Sequence
from dataclasses import dataclass

from appraisal.documents.views import Affiliation

# The scheme says "所在单位党组织"; the letter goes to the party organisation of each person's unit.
EMPLOYER_PARTY_ORG = "所在单位党组织"
EMPLOYER = "所在单位"
PARTY_OR_SECTOR = "所在党派或界别"
OWN_PARTY = "所在党派"
SELF = "本人"
# A 政协委员's units told of their year (seed 001: "report to the members themselves, their
# units, and sector activity groups"). The roster has no 推荐单位 column: a member of a democratic
# party was put forward by it, anyone else by their 界别, which is what this names.
NOMINATING_UNIT = "推荐单位"
WORK_UNIT = "工作单位"
SECTOR_GROUP = "界别活动组"
COMMUNIST = "中共党员"
NOT_A_PARTY = frozenset({COMMUNIST, "中共预备党员", "共青团员", "无党派人士", "群众"})


@dataclass(frozen=True)
class RecipientGroup:
    kind: str  # the scheme's word, e.g. 纪委监委, 所在单位党组织
    name: str  # the actual body, e.g. 某大学党委
    people: tuple[str, ...]  # codes, in roster order


def democratic_party(person: Affiliation) -> str:
    """The democratic party the person belongs to, as a body is called ("民盟盟员" → 民盟,
    "九三学社社员" → 九三学社); "" for everyone else."""
    if not person.party or person.party in NOT_A_PARTY:
        return ""
    for member in ("党员", "盟员", "会员", "社员"):
        if person.party.endswith(member) and len(person.party) > len(member) + 1:
            return person.party.removesuffix(member)
    return person.party


def party_or_sector(person: Affiliation) -> str:
    """Democratic-party members are reported to their party, everyone else to their 界别."""
    return democratic_party(person) or person.sector or "无党派人士"


def _body(kind: str, person: Affiliation) -> str:
    if kind == EMPLOYER_PARTY_ORG:
        return f"{person.unit}党组织"
    if kind == EMPLOYER:
        return person.unit
    if kind == PARTY_OR_SECTOR:
        return party_or_sector(person)
    if kind == OWN_PARTY:
        return democratic_party(person)
    if kind == NOMINATING_UNIT:
        return party_or_sector(person)
    if kind == WORK_UNIT:
        return person.unit
    if kind == SECTOR_GROUP:
        return f"{person.sector or '其他'}界别活动组"
    return kind


def group_people(
    kinds: Sequence[str], people: Sequence[Affiliation], *, only: Sequence[str] = ()
) -> list[RecipientGroup]:
    """One group per actual body of each kind, listing the people it concerns.

    `only` restricts a kind to a subset of codes (the private-sector bodies only hear about
    private-sector people). Groups come out in a stable order: kind order, then body name.
    """
    allowed = set(only)
    groups: list[RecipientGroup] = []
    for kind in kinds:
        bodies: dict[str, list[str]] = {}
        for person in people:
            if allowed and person.code not in allowed:
                continue
            bodies.setdefault(_body(kind, person), []).append(person.code)
        groups += [
            RecipientGroup(kind, name, tuple(codes)) for name, codes in sorted(bodies.items())
        ]
    return groups


def solicitation_groups(
    people: Sequence[Affiliation],
    *,
    always: Sequence[str],
    private_sector: Sequence[str],
    party_members: Sequence[str] = (),
) -> list[RecipientGroup]:
    private = [p.code for p in people if p.private_sector]
    groups = group_people(always, people)
    if private:
        groups += group_people(private_sector, people, only=private)
    members = [p.code for p in people if democratic_party(p)]
    if members:
        groups += group_people(party_members, people, only=members)
    return groups


def notification_groups(
    people: Sequence[Affiliation], kinds: Sequence[str]
) -> list[RecipientGroup]:
    """Briefings (情况通报) go to bodies; the person's own notice is planned separately."""
    return group_people([k for k in kinds if k != SELF], people)

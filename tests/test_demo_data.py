"""The synthetic pool: the right shape, deterministic, and importable as written."""

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from appraisal.demo_data import generate, tier_counts, write_demo_data
from appraisal.models.vocab import Attendance, DutyKind, FindingEffect, Tier
from appraisal.sheets import read_records, read_roster
from appraisal.store import ImportCounts, import_people, import_records


def test_the_default_pool_is_the_ten_hundred_thousand_shape() -> None:
    data = generate()
    assert Counter(p["tier"] for p in data.roster) == {
        Tier.PROMINENT: 10, Tier.REPRESENTATIVE: 130, Tier.RISING: 653}  # fmt: skip
    assert len({p["code"] for p in data.roster}) == 793


@pytest.mark.parametrize("people", [3, 50, 1000, 10_000])
def test_other_sizes_scale_the_tiers(people: int) -> None:
    counts = tier_counts(people)
    assert sum(counts.values()) == people and min(counts.values()) >= 1
    assert counts[Tier.PROMINENT] <= counts[Tier.REPRESENTATIVE] <= counts[Tier.RISING]


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    assert generate(100, seed=7) == generate(100, seed=7)
    assert generate(100, seed=7).roster != generate(100, seed=8).roster


def test_the_default_seed_has_one_veto_and_a_few_deductions() -> None:
    findings = generate().findings
    vetoes = [f["item_code"] for f in findings if f["effect"] is FindingEffect.VETO]
    deductions = {f["item_code"] for f in findings if f["effect"] is FindingEffect.DEDUCTION}
    assert vetoes == ["J01"]
    assert deductions == {"D03", "Z02"} and 2 <= len(findings) - 1 <= 3


def test_the_tallies_include_weak_people_and_an_invalid_one() -> None:
    data = generate()
    below: set[str] = set()
    invalid = 0
    for tally in data.ballots:
        valid = sum(tally[k] for k in ("excellent", "competent", "basic", "incompetent"))
        if tally["returned"] * 2 < tally["due"]:
            invalid += 1
        elif tally["excellent"] + tally["competent"] < valid * 2 / 3:
            below.add(tally["code"])
        assert tally["issued"] <= tally["due"] and valid + tally["abstain"] <= tally["returned"]
    assert invalid == 1 and len(below) >= 2
    groups = Counter(t["code"] for t in data.ballots)
    assert set(groups.values()) <= {2, 3}


def test_duty_records_and_scores_are_plausible() -> None:
    data = generate()
    kinds = Counter(d["kind"] for d in data.duties)
    assert kinds[DutyKind.PLENARY] == 793 and kinds[DutyKind.PROPOSAL] > 500
    attendance = Counter(d["attendance"] for d in data.duties if d["kind"] is DutyKind.PLENARY)
    assert attendance[Attendance.EXCUSED] > 0 and attendance[Attendance.UNEXCUSED] > 0
    # 组织考核 by dimension: the equal-weight pairs average back to a total between 60 and 98.
    totals = [
        (s["political"] + s["duty"] + s["thinking"] + s["integrity"]) / 4 for s in data.scores
    ]
    assert all(60 <= t <= 98 for t in totals) and len(data.scores) == 793
    assert all(s["material"] for s in data.scores)
    assert any(p["private_sector"] for p in data.roster)
    assert len({p["party"] for p in data.roster}) >= 9


def test_the_workbooks_read_back_and_import(engine: sa.Engine, tmp_path: Path) -> None:
    roster_path, records_path = write_demo_data(tmp_path, people=60, seed=3)
    roster = read_roster(roster_path)
    book = read_records(records_path)
    assert len(roster.rows) == 60 and roster.warnings == () and book.warnings == ()
    assert any(not r.birth_day_known for r in roster.rows)  # some typed as 1975.03
    with Session(engine) as session:
        assert import_people(session, rows=roster.rows, actor="t") == ImportCounts(added=60)
        counts = import_records(session, book=book, actor="t")
        session.commit()
    assert counts["组织考核"] == ImportCounts(added=60)
    assert counts["履职记录"].added == len(book.duties) > 60


def test_the_demo_nominations_read_back_two_bodies_one_newcomer_twice(tmp_path: Path) -> None:
    from appraisal.demo_data import (
        NEWCOMER,
        NOMINATING_BODIES,
        demo_online_nomination,
        write_demo_nominations,
    )
    from appraisal.sheets.nominations import read_nomination_form, read_nominations

    sheet = read_nominations(write_demo_nominations(tmp_path, year=2026))
    body, values, career = demo_online_nomination()
    online = read_nomination_form(body, values, career)
    rows = [*sheet.rows, online]
    assert {r.body for r in rows} == set(NOMINATING_BODIES) and body not in {
        r.body for r in sheet.rows
    }
    assert [r.name for r in rows].count(NEWCOMER["name"]) == 2 and len(online.career) == 2
    # The newcomer's records are there to import once they are accepted, under their 编号.
    records = read_records(tmp_path / "records-newcomer.xlsx")
    assert {r.name for r in records.duties} == {NEWCOMER["name"]} and records.scores

"""The rolling adjustment through the store: 名人 left out of cycles, decisions per person, the
quota warning, approval changing tiers and memberships once, the audit, and the documents."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document as Docx
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import score_cycle
from appraisal.launch import launch
from appraisal.models import AuditEntry, CycleMember, Person, PoolMembership, Result
from appraisal.models.vocab import CycleKind, PoolMove, Tier
from appraisal.scheme import default_scheme_path
from appraisal.store import pool
from appraisal.store.cycles import Selection, get_cycle
from appraisal.store.pool_files import write_pool_files
from tests.cycle_helpers import YEAR, import_pool

ON = date(2026, 11, 30)


def _cycle(tmp_path: Path, selection: Selection | None = None, cap: int = 1) -> int:
    """Five people (P00001 名人, P00002 代表人士, P00003-5 精英), a scheme whose 代表人士 quota
    is `cap`, and a scored cycle over `selection`."""
    import_pool(tmp_path / "data", people=5)
    text = default_scheme_path().read_text(encoding="utf-8")
    scheme = tmp_path / "scheme.toml"
    scheme.write_text(text.replace('"代表人士" = 130', f'"代表人士" = {cap}'), encoding="utf-8")
    cycle_id = launch(name="调整测试", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme,
                      selection=selection or Selection(), allow_missing=True).cycle_id  # fmt: skip
    with plain_calls():
        score_cycle(cycle_id)
    return cycle_id


def _tiers() -> dict[str, Tier]:
    with session_scope() as session:
        return {p.code: p.tier for p in session.exec(select(Person))}


def test_the_honoured_figures_are_in_a_cycle_only_when_named(app_env: Path, tmp_path: Path) -> None:
    cycle_id = _cycle(tmp_path)
    with session_scope() as session:
        members = session.exec(
            select(Person.code)
            .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
            .where(CycleMember.cycle_id == cycle_id)
        ).all()
    assert _tiers()["P00001"] is Tier.PROMINENT
    assert sorted(members) == ["P00002", "P00003", "P00004", "P00005"]
    named = launch(name="含名人", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=None,
                   selection=Selection(codes=("P00001", "P00003")), allow_missing=True)  # fmt: skip
    with plain_calls():
        score_cycle(named.cycle_id)
    with session_scope() as session:
        rows = pool.board(session, get_cycle(session, named.cycle_id)).rows
    kept = next(r for r in rows if r.code == "P00001")
    assert kept.proposed is PoolMove.KEEP and "荣誉记录" in kept.reason


def test_staff_decide_each_person_and_approval_changes_tiers_once(
    app_env: Path, tmp_path: Path
) -> None:
    cycle_id = _cycle(tmp_path)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        board = pool.board(session, cycle)
        assert board.scored and [r.code for r in board.rows] == ["P00002", "P00003", "P00004",
                                                                 "P00005"]  # fmt: skip
        assert board.after[Tier.REPRESENTATIVE] == 1 and board.caps[Tier.REPRESENTATIVE] == 1
        proposed = {r.code: r.proposed for r in board.rows}
        up = pool.decide(session, cycle, "P00003", PoolMove.PROMOTE, reason="表现突出，经研究晋升",
                         actor="alice")  # fmt: skip
        # The quota is a cap that warns: 代表人士 would have 2 of 1 (P00002 not yet decided).
        assert up.to_tier is Tier.REPRESENTATIVE and "超过名额 1 人" in up.warning
        if proposed["P00002"] is not PoolMove.DEMOTE:
            with pytest.raises(pool.PoolError, match=r"P00002 .*须写明理由"):
                pool.decide(session, cycle, "P00002", PoolMove.DEMOTE, reason=" ", actor="alice")
        pool.decide(session, cycle, "P00002", PoolMove.DEMOTE, reason="本人申请，调整为精英",
                    actor="alice")  # fmt: skip
        with pytest.raises(pool.PoolError, match=r"P00004 .*只有代表人士可以调整"):
            pool.decide(session, cycle, "P00004", PoolMove.DEMOTE, reason="x", actor="alice")
        pool.decide(session, cycle, "P00004", PoolMove.LEAVE, reason="工作调动离开本市",
                    actor="alice")  # fmt: skip
        with pytest.raises(pool.PoolError, match=r"尚未决定.*P00005"):
            pool.approve(session, cycle, actor="bob", on=ON)
        assert pool.confirm_rest(session, cycle, actor="alice") == 1
        board = pool.board(session, cycle)
        assert board.over == {} and not board.undecided
        assert _tiers()["P00003"] is Tier.RISING  # nothing moves before approval
    with session_scope() as session:
        done = pool.approve(session, get_cycle(session, cycle_id), actor="bob", on=ON)
    assert done.changed == 3 and done.counts[PoolMove.LEAVE] == 1
    tiers = _tiers()
    assert (tiers["P00003"], tiers["P00002"]) == (Tier.REPRESENTATIVE, Tier.RISING)
    with session_scope() as session:
        stays = {
            (p.code, m.tier, m.joined_on, m.left_on, m.join_reason, m.leave_reason)
            for m, p in session.exec(
                select(PoolMembership, Person).join(
                    Person, col(Person.id) == col(PoolMembership.person_id)
                )
            )
        }
        results = dict(
            session.exec(
                select(Person.code, Result.pool_decision).join(
                    Result, col(Result.person_id) == col(Person.id)
                )
            ).all()
        )
    open_now = {(c, t) for c, t, _j, left, _jr, _lr in stays if left is None}
    assert ("P00003", Tier.REPRESENTATIVE) in open_now and ("P00003", Tier.RISING) not in open_now
    assert ("P00002", Tier.RISING) in open_now and not any(c == "P00004" for c, _ in open_now)
    closed = {c: (left, why) for c, t, _j, left, _jr, why in stays if left is not None}
    assert closed["P00004"] == (ON, "出库：工作调动离开本市")
    assert ("P00003", Tier.REPRESENTATIVE, ON, None, "晋升：表现突出，经研究晋升", "") in stays
    assert results == {"P00002": "调整", "P00003": "晋升", "P00004": "出库",
                       "P00005": results["P00005"]} and results["P00005"]  # fmt: skip
    with session_scope() as session:
        audit = session.exec(
            select(AuditEntry.actor, AuditEntry.entity_key, AuditEntry.field, AuditEntry.after,
                   AuditEntry.reason).where(AuditEntry.entity.in_(["pooldecision", "person"]))  # type: ignore[attr-defined]
        ).all()  # fmt: skip
    (left,) = [a for a in audit if a[1] == "调整测试/P00004" and a[2] == "decided"]
    assert left[0] == "alice" and left[3] == "出库" and left[4].endswith("工作调动离开本市")
    assert left[4].startswith("改变建议") == (proposed["P00004"] is not PoolMove.LEAVE)
    assert ("bob", "调整测试/P00003", "approved", "晋升", "表现突出，经研究晋升") in audit
    assert ("bob", "P00003", "tier", "代表人士", "表现突出，经研究晋升") in audit

    with session_scope() as session:
        again = pool.approve(session, get_cycle(session, cycle_id), actor="bob", on=ON)
        count = len(session.exec(select(PoolMembership)).all())
        with pytest.raises(pool.PoolError, match="已由bob审核批准"):
            pool.decide(session, get_cycle(session, cycle_id), "P00005", PoolMove.LEAVE,
                        reason="x", actor="alice")  # fmt: skip
    assert again.changed == 0 and _tiers() == tiers
    with session_scope() as session:
        assert len(session.exec(select(PoolMembership)).all()) == count
        files = write_pool_files(session, get_cycle(session, cycle_id))

    form = Docx(str(files.form))
    cells = [[c.text for c in row.cells] for t in form.tables for row in t.rows]
    (down,) = [row for row in cells if row[1] == "P00002"]
    assert down[3:6] == ["代表人士", "调整", "精英"] and down[6].startswith("本人申请，调整为精英")
    # A decision other than the proposal says what was proposed.
    assert ("原建议" in down[6]) == (proposed["P00002"] is not PoolMove.DEMOTE)
    assert any(row[3:6] == ["精英", "出库", "（出库）"] for row in cells)
    text = "\n".join(p.text for p in form.paragraphs)
    assert "晋升 1 人" in text and "调整 1 人" in text and "出库 1 人" in text
    assert any("bob" in c for row in cells for c in row)
    book = openpyxl.load_workbook(files.pool_list)
    assert book.sheetnames == ["名人", "代表人士", "精英"]
    sheet_codes = {
        s.title: [r[1] for r in s.iter_rows(min_row=3, values_only=True)] for s in book.worksheets
    }
    assert sheet_codes == {"名人": ["P00001"], "代表人士": ["P00003"],
                           "精英": ["P00002", "P00005"]}  # fmt: skip


def test_admitting_someone_opens_a_membership_once(app_env: Path, tmp_path: Path) -> None:
    import_pool(tmp_path / "data", people=5)
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.code == "P00004")).one()
        for stay in session.exec(
            select(PoolMembership).where(PoolMembership.person_id == person.id)
        ):
            stay.left_on = date(2025, 1, 1)
            session.add(stay)
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.code == "P00004")).one()
        with pytest.raises(pool.PoolError, match=r"P00004 .*入库须写明理由"):
            pool.admit(session, person, Tier.RISING, on=ON, reason="", actor="alice")
        assert pool.admit(session, person, Tier.REPRESENTATIVE, on=ON, reason="统战部提名",
                          actor="alice")  # fmt: skip
        assert not pool.admit(session, person, Tier.RISING, on=ON, reason="again", actor="alice")
    assert _tiers()["P00004"] is Tier.REPRESENTATIVE


def test_someone_in_the_cycle_but_not_the_pool_is_admitted_on_approval(
    app_env: Path, tmp_path: Path
) -> None:
    cycle_id = _cycle(tmp_path, cap=130)
    # As the nomination work will leave them: in the cycle, not (or no longer) in the pool.
    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == "P00005")).one()
        for stay in session.exec(select(PoolMembership).where(PoolMembership.person_id == pid)):
            stay.left_on = date(2025, 1, 1)
            session.add(stay)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        row = next(r for r in pool.board(session, cycle).rows if r.code == "P00005")
        assert row.from_tier is None
        if row.proposed is PoolMove.ADMIT:
            assert row.to_tier is Tier.RISING and "入库" in row.reason
        else:  # a grade that would remove them keeps them out
            assert row.proposed is PoolMove.LEAVE and "不予入库" in row.reason
            pool.decide(session, cycle, "P00005", PoolMove.ADMIT, reason="经研究同意入库",
                        actor="alice")  # fmt: skip
        pool.confirm_rest(session, cycle, actor="alice")
        pool.approve(session, cycle, actor="bob", on=ON)
    with session_scope() as session:
        stays = session.exec(
            select(PoolMembership).where(
                PoolMembership.person_id == pid, col(PoolMembership.left_on).is_(None)
            )
        ).all()
    assert [(s.tier, s.joined_on) for s in stays] == [(Tier.RISING, ON)]
    assert stays[0].join_reason.startswith("入库：")

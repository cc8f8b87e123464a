"""A stage made in parts, or as plain calls without Prefect, makes the very same documents."""

from pathlib import Path

import pytest

from appraisal.models.vocab import Stage
from appraisal.settings import get_settings
from tests.cycle_helpers import TODAY, documents, import_pool, require_soffice, start

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def pool(app_env: Path, prefect_harness: None, tmp_path: Path) -> Path:
    require_soffice()
    import_pool(tmp_path / "data", people=5)
    return app_env


def test_parts_and_plain_calls_make_the_same_documents(
    pool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.parts import read_part_records
    from appraisal.flows.runmode import plain_calls
    from appraisal.flows.stages import nomination, run_stage

    cycle_id = start()
    with plain_calls():
        plain = run_stage(cycle_id, Stage.NOMINATION, TODAY)
    assert plain["planned"] == 5 and plain["changed"] == 5 and plain["failed"] == 0
    before = {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.NOMINATION)}
    assert len(before) == 5

    # In parts, and within each part one person at a time.
    monkeypatch.setenv("APPRAISAL_STAGE_PARTS", "3")
    monkeypatch.setenv("APPRAISAL_SLICE_PEOPLE", "1")
    get_settings.cache_clear()
    counts = nomination(cycle_id, TODAY)
    # Same plan, same bytes: nothing recorded as changed, nothing delivered twice.
    assert counts == {"planned": 5, "changed": 0, "failed": 0, "delivered": 0}
    after = {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.NOMINATION)}
    assert after == before
    records = read_part_records(cycle_id, Stage.NOMINATION, 3)
    assert [r.part for r in records] == [0, 1, 2]
    assert [r.planned for r in records] == [1, 2, 2]
    # A stage that only writes to bodies is one run whatever the setting: no part records.
    run_stage(cycle_id, Stage.MOBILIZATION, TODAY)
    assert read_part_records(cycle_id, Stage.MOBILIZATION, 3) == []


def test_slices_made_while_the_one_before_converts_come_out_whole(
    pool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people a slice: each slice is rendered and handed to LibreOffice while the one
    before still converts, and every document ends up recorded with its PDF, the same as
    made in one slice."""
    from appraisal.flows.stages import nomination

    monkeypatch.setenv("APPRAISAL_SLICE_PEOPLE", "2")
    get_settings.cache_clear()
    cycle_id = start()
    counts = nomination(cycle_id, TODAY)
    assert counts["planned"] == 5 and counts["changed"] == 5 and counts["failed"] == 0
    made = documents(cycle_id, Stage.NOMINATION)
    assert len(made) == 5 and all(d.pdf_path and d.pdf_sha256 for d in made)
    monkeypatch.setenv("APPRAISAL_SLICE_PEOPLE", "500")
    get_settings.cache_clear()
    assert nomination(cycle_id, TODAY)["changed"] == 0
    assert {d.id: d.pdf_sha256 for d in documents(cycle_id, Stage.NOMINATION)} == {
        d.id: d.pdf_sha256 for d in made
    }


def test_parts_cover_every_document_once() -> None:
    from appraisal.flows.stages import part_of

    for total in [0, 1, 5, 17, 200]:
        for parts in [1, 2, 3, 7]:
            items = list(range(total))
            pieces = [part_of(items, p, parts) for p in range(parts)]
            assert [j for piece in pieces for j in piece] == items
            assert max(map(len, pieces)) - min(map(len, pieces)) <= 1

"""The stage table agrees with everything else that names a stage: the enum the data stores, the
document IDs, the template manifest and files, and the planners."""

from collections import Counter

from appraisal.documents.plan import LETTERS, PERSON_PLANNERS
from appraisal.identity import ALPHABET, ID_PATTERN, document_id, parse_document_id
from appraisal.kinds import CADRE_REGISTRATION, PROFILES
from appraisal.models.vocab import Stage
from appraisal.render.manifest import MANIFEST, default_templates_dir, load_manifest
from appraisal.stages import (
    DOCUMENT_STAGES,
    PEOPLE,
    PEOPLE_TEMPLATES,
    STAGE_CODES,
    STAGE_NAMES,
    STAGE_ORDER,
    STAGE_TITLES,
    STAGES,
    WORK_STAGES,
)


def _repeated(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def test_every_stage_has_one_row_in_the_order_of_the_enum() -> None:
    # The enum's order is the order the data's stages move in (a cycle starts at its first).
    assert tuple(Stage) == STAGE_ORDER
    assert STAGE_ORDER[-1] is Stage.DONE


def test_codes_are_unique_and_printable_in_an_id() -> None:
    codes = [s.code for s in STAGES if s.code]
    assert not _repeated(codes)
    for stage, code in STAGE_CODES.items():
        assert len(code) == 2 and set(code) <= set(ALPHABET), code
        doc = document_id(
            cycle_id=7, stage=stage, template_id="t", person_code="P1", recipient="r/n"
        )
        assert ID_PATTERN.fullmatch(doc) and parse_document_id(doc) == doc


def test_a_stage_making_documents_has_a_code() -> None:
    for spec in STAGES:
        if spec.templates or spec.work:
            assert spec.stage in DOCUMENT_STAGES, spec.stage


def test_names_and_titles_are_unique_and_every_working_stage_has_a_title() -> None:
    assert all(STAGE_NAMES.values()) and not _repeated(list(STAGE_NAMES.values()))
    assert list(STAGE_TITLES) == list(WORK_STAGES)
    assert all(STAGE_TITLES.values()) and not _repeated(list(STAGE_TITLES.values()))


def test_templates_are_the_manifests_and_their_files_exist() -> None:
    folder = default_templates_dir()
    _, specs = load_manifest(folder / MANIFEST)
    manifest = {t.id: t for t in specs}
    listed = [t.id for s in STAGES for t in (*s.templates, *s.on_demand)]
    listed += [t.id for t in PEOPLE_TEMPLATES]
    # The other kinds' own templates (appraisal/kinds.py), each at the stage it fills.
    own = [(s, t) for k in PROFILES.values() for s, ts in k.templates.items() for t in ts]
    listed += [t.id for _, t in own]
    assert not _repeated(listed)
    # The cadre kind's 年度考核登记表 is declared by the cadre work (branch wt-cadre), not yet here.
    assert set(manifest) <= set(listed) and set(listed) - set(manifest) <= {CADRE_REGISTRATION}
    for stage, template in own:
        if template.id in manifest:
            entry = manifest[template.id]
            assert (entry.stage, entry.recipient) == (stage.value, template.recipient)
            assert (folder / entry.file).is_file(), entry.file
    for template in PEOPLE_TEMPLATES:
        entry = manifest[template.id]
        assert (entry.stage, entry.recipient) == (PEOPLE, template.recipient), template.id
    for spec in STAGES:
        for template in (*spec.templates, *spec.on_demand):
            entry = manifest[template.id]
            assert entry.stage == spec.stage.value, template.id
            assert entry.recipient == template.recipient, template.id
            assert (folder / entry.file).is_file(), entry.file


def test_every_working_stage_is_planned_and_only_they_take_replies() -> None:
    assert set(PERSON_PLANNERS) == set(WORK_STAGES)
    assert set(LETTERS) <= set(WORK_STAGES)
    assert all(s.work for s in STAGES if s.takes_reply)

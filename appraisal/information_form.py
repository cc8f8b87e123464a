"""The 信息采集表 of one person: the template filled with what is on record, for the person to
check, correct and sign. `appraisal people form` and the person's page both write it here."""

from pathlib import Path

from appraisal.clock import today as clock_today
from appraisal.db import session_scope
from appraisal.documents.contexts import information_form
from appraisal.render.manifest import resolve_templates
from appraisal.render.prepared import PreparedTemplate
from appraisal.settings import get_settings
from appraisal.stages import INFORMATION_FORM
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.person_info import person_file


def write_information_form(code: str, out: Path, *, scope: Scope = EVERYWHERE) -> Path:
    """Write the person's 信息采集表 (.docx) to `out`; PersonInfoError if they are not in scope."""
    with session_scope() as session:
        person, entries = person_file(session, code, scope)
    template = resolve_templates(get_settings().templates_dir).get(INFORMATION_FORM)
    out.parent.mkdir(parents=True, exist_ok=True)
    context = information_form(person, entries, clock_today())
    return PreparedTemplate.load(template.path).render_to(out, context)

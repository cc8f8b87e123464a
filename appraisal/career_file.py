"""Making a person's growing file (一人一档), as staff do it from the CLI or the portal: gather it
from the database, check every sealed dossier it takes in, lay out and convert the summary,
assemble the PDF and write the package."""

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from appraisal.archive.bag import verify_bag
from appraisal.archive.career import (
    CAREER_PDF,
    assemble_career,
    section_headings,
    summary_docx,
    write_career_package,
)
from appraisal.archive.dossier import DossierError
from appraisal.db import session_scope
from appraisal.paths import output_root
from appraisal.pdf import convert_many
from appraisal.store.career import career_of
from appraisal.store.offices import EVERYWHERE, Scope


class CareerFileError(ValueError):
    """The file cannot be made; the message names the person or the dossier at fault."""


class NoSuchPerson(CareerFileError):
    """No person has that 编号, or not in the asker's offices."""


@dataclass(frozen=True)
class CareerFile:
    package: Path  # the BagIt package
    pdf: Path  # the file inside it
    pages: int
    dossiers: int
    bytes: int


def career_folder(code: str) -> Path:
    return output_root() / "people" / code


def make_career_file(
    code: str,
    *,
    made_on: date,
    issuer: str,
    scope: Scope = EVERYWHERE,
    target: Path | None = None,
) -> CareerFile:
    """Write the growing file of the person with 编号 `code` as a package at `target` (by
    default the person's folder under output/people), replacing an earlier one whole."""
    with session_scope() as session:
        career = career_of(session, scope, code, made_on=made_on, issuer=issuer)
    if career is None:
        raise NoSuchPerson(f"没有编号为 {code} 的人员，或其不属于您的单位 / no such person")
    # A damaged dossier is never copied on: the file waits until the dossier is mended.
    for d in career.dossiers:
        problems = verify_bag(d.package)
        if problems:
            found = "；".join(p.detail for p in problems[:3])
            raise CareerFileError(
                f"{d.cycle}的封存档案 {d.package} 核验未通过：{found} / a sealed dossier fails "
                "verification; run `appraisal archive verify` on it"
            )
    package = target or career_folder(career.code)
    with tempfile.TemporaryDirectory(prefix="appraisal-career-") as tmp:
        folder = Path(tmp)
        docx = summary_docx(career, folder / "summary.docx")
        (converted,) = convert_many([docx], folder, pdfa=False)
        if converted.pdf is None:
            raise CareerFileError(f"个人档案摘要无法转为 PDF：{converted.error}")
        pdf = folder / CAREER_PDF
        title = f"{career.name}（{career.code}）一人一档"
        try:
            layout = assemble_career(converted.pdf, career.dossiers, pdf, title=title,
                                     author=issuer, sections=section_headings(career))  # fmt: skip
        except DossierError as exc:
            raise CareerFileError(str(exc)) from exc
        write_career_package(career, pdf, layout, package)
    size = sum(p.stat().st_size for p in (package / "data").rglob("*") if p.is_file())
    return CareerFile(package, package / "data" / CAREER_PDF, layout.pages, len(career.dossiers),
                      size)  # fmt: skip

"""Check a sealed package years later: the bag's checksums, every kept original and return
against the checksum recorded when it came in (in record.json and, when given, the database),
the dossier against its record, and the digital signatures of the returns it keeps.

The bag's manifests only prove the package is what it was when it was bagged; a package bagged
from a wrong file agrees with itself. The recorded checksums are what make it fail."""

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from appraisal.archive.bag import BagProblem, verify_bag
from appraisal.archive.career import CAREER_PDF, CAREER_RECORD
from appraisal.archive.contents import (
    DOSSIER_NAME,
    LETTERS_PACKAGE,
    LETTERS_RECORD,
    RECORD_NAME,
    Recorded,
)
from appraisal.archive.dossier import read_layout
from appraisal.files import sha256_file
from appraisal.intake.signatures import check_signatures


def _record(data: Path) -> tuple[dict[str, Any] | None, list[BagProblem]]:
    path = data / RECORD_NAME
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        detail = f"记录文件无法读取 / cannot be read: {exc}"
        return None, [BagProblem(f"data/{RECORD_NAME}", "record", detail)]
    if not isinstance(rec, dict) or not isinstance(rec.get("dossier"), dict):
        detail = "不是档案记录 / is not a dossier record"
        return None, [BagProblem(f"data/{RECORD_NAME}", "record", detail)]
    return rec, []


def _dossier(data: Path, rec: dict[str, Any]) -> list[BagProblem]:
    where = f"data/{DOSSIER_NAME}"
    try:
        layout = read_layout(data / DOSSIER_NAME)
    except Exception as exc:  # a damaged PDF is a finding, not a crash
        detail = f"无法作为 PDF 读取 / cannot be read as a PDF: {exc}"
        return [BagProblem(where, "dossier", detail)]
    want = rec["dossier"]
    problems = []
    if layout.pages != want.get("pages"):
        pages = f"共 {layout.pages} 页，记录为 {want.get('pages')} 页"
        english = f"has {layout.pages} pages, the record says {want.get('pages')}"
        problems.append(BagProblem(where, "pages", f"{pages} / {english}"))
    outline = [asdict(e) for e in layout.outline]
    if outline != want.get("outline"):
        got = {(e["title"], e["page"]) for e in outline}
        expected = {(e["title"], e["page"]) for e in want.get("outline", [])}
        lost = sorted(expected - got, key=lambda e: e[1])[:3]
        extra = sorted(got - expected, key=lambda e: e[1])[:3]
        detail = (
            f"书签与记录不符：缺少 {_bookmarks(lost)}；多出 {_bookmarks(extra)} / "
            "bookmarks differ from the record (missing; unexpected)"
        )
        problems.append(BagProblem(where, "outline", detail))
    return problems


def _career_package(data: Path, damaged: set[str]) -> list[BagProblem]:
    """A growing file (一人一档): its PDF's pages and bookmarks as its record says, and each
    dossier it carries as that dossier's own record says."""
    where = f"data/{CAREER_PDF}"
    try:
        rec = json.loads((data / CAREER_RECORD).read_text(encoding="utf-8"))
        layout = read_layout(data / CAREER_PDF)
    except Exception as exc:  # a damaged file is a finding, not a crash
        detail = f"无法读取 / cannot be read: {exc}"
        return [] if where in damaged else [BagProblem(where, "record", detail)]
    problems = []
    marks = [(e.title, e.page, e.level) for e in layout.outline]
    recorded = [(m.get("标题"), m.get("页"), m.get("层级")) for m in rec.get("书签", [])]
    if layout.pages != rec.get("页数") or marks != recorded:
        detail = (
            f"共 {layout.pages} 页、{len(marks)} 个书签，记录为 {rec.get('页数')} 页、"
            f"{len(recorded)} 个书签 / pages or bookmarks differ from the record"
        )
        problems.append(BagProblem(where, "outline", detail))
    for folder in sorted((data / "dossiers").glob("*/")):
        inner, bad = _record(folder)
        inner_problems = bad if inner is None else _dossier(folder, inner)
        prefix = f"data/dossiers/{folder.name}/"
        for p in inner_problems:
            moved = p.path.replace("data/", prefix, 1)
            if moved not in damaged:
                problems.append(BagProblem(moved, p.check, p.detail))
    return problems


def _bookmarks(marks: list[tuple[str, int]]) -> str:
    return "、".join(f"“{title}”（第 {page} 页）" for title, page in marks) or "无"


def _signatures(
    data: Path, rec: dict[str, Any], trust_roots: Sequence[Path]
) -> tuple[list[BagProblem], list[BagProblem]]:
    """(problems, notes): without trust roots an intact signature is a note, not a problem."""
    problems, notes = [], []
    for doc in rec.get("documents", []):
        for ret in doc.get("returns", []):
            if ret.get("method") != "digital" or not ret.get("path"):
                continue
            where = f"data/{ret['path']}"
            try:
                info = check_signatures((data / ret["path"]).read_bytes(), trust_roots)
            except Exception as exc:
                detail = f"签名无法核验 / cannot be checked: {exc}"
                problems.append(BagProblem(where, "signature", detail))
                continue
            if not info.signed:
                detail = "数字签名已丢失 / has lost its digital signature"
                problems.append(BagProblem(where, "signature", detail))
            elif (
                not info.valid or info.modified_after_signing or (trust_roots and not info.trusted)
            ):
                problems.append(BagProblem(where, "signature", info.summary))
            elif not info.trusted:
                notes.append(BagProblem(where, "signature not trusted", info.summary))
    return problems, notes


def _letters(path: Path, rec: dict[str, Any]) -> list[BagProblem]:
    """The letters a dossier points to must be in the cycle's letters package, unchanged."""
    wanted = {d["document_id"]: d.get("pdf_sha256") for d in rec.get("letters", [])}
    if not wanted:
        return []
    where = f"../{LETTERS_PACKAGE}/data/{LETTERS_RECORD}"
    try:
        filed = json.loads((path.parent / LETTERS_PACKAGE / "data" / LETTERS_RECORD).read_text())
        have = {d["document_id"]: d.get("pdf_sha256") for d in filed["letters"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        detail = (
            "公函档案包的记录缺失或无法读取，本档案引用的公函无从核对 / "
            f"the letters this dossier cites are not there: {exc}"
        )
        return [BagProblem(where, "letters", detail)]
    return [
        BagProblem(
            where,
            "letters",
            f"公函 {doc_id} 缺失或与记录不符 / "
            f"letter {doc_id} is missing or differs from the record",
        )
        for doc_id, sha in wanted.items()
        if have.get(doc_id) != sha
    ]


def _checksums(entries: object) -> tuple[list[str], dict[str, str]]:
    """The document IDs a record's entries list, and path inside data/ -> recorded SHA-256 of
    each of their originals and returns."""
    docs = [d for d in entries if isinstance(d, dict)] if isinstance(entries, list) else []
    sums: dict[str, str] = {}
    for doc in docs:
        files = [(doc.get("docx"), doc.get("docx_sha256")), (doc.get("pdf"), doc.get("pdf_sha256"))]
        returns = found if isinstance(found := doc.get("returns"), list) else []
        files += [(r.get("path"), r.get("sha256")) for r in returns if isinstance(r, dict)]
        sums.update((name, str(sha)) for name, sha in files if isinstance(name, str) and sha)
    return sorted({str(d.get("document_id", "")) for d in docs} - {""}), sums


def _as_recorded(
    data: Path,
    entries: object,
    cycle_name: str,
    record: str,
    recorded: Recorded | None,
    damaged: set[str],
) -> list[BagProblem]:
    """Each file the record lists against the checksum `record` and the database give for it."""
    ids, sums = _checksums(entries)
    database = recorded(cycle_name, ids) if recorded and ids else None
    problems = []
    for name, want in sorted(sums.items()):
        where = f"data/{name}"
        if where in damaged:
            continue  # the bag check has named it already
        if not (data / name).is_file():
            detail = (
                f"{record} 中列有 {where}，档案包中却没有 / {record} lists {where}; it is not here"
            )
            problems.append(BagProblem(where, "record", detail))
            continue
        got = sha256_file(data / name)
        if got != want:
            detail = (
                f"SHA-256 为 {got}，与 {record} 记录的 {want} 不符 / "
                f"its SHA-256 differs from the one {record} recorded"
            )
            problems.append(BagProblem(where, "record", detail))
        if database is None:
            continue
        if name not in database:
            detail = "数据库中没有这个文件的记录 / the database has no record of it"
            problems.append(BagProblem(where, "database", detail))
        elif database[name] != got:
            detail = (
                f"SHA-256 为 {got}，与数据库记录的 {database[name]} 不符 / "
                "its SHA-256 differs from the one the database recorded"
            )
            problems.append(BagProblem(where, "database", detail))
    return problems


def _letters_package(data: Path, recorded: Recorded | None, damaged: set[str]) -> list[BagProblem]:
    try:
        filed = json.loads((data / LETTERS_RECORD).read_text(encoding="utf-8"))
        name, letters = str(filed["cycle"]), filed["letters"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        where = f"data/{LETTERS_RECORD}"
        return [BagProblem(where, "record", f"公函记录无法读取 / cannot be read: {exc}")]
    return _as_recorded(data, letters, name, LETTERS_RECORD, recorded, damaged)


def verify_package(
    path: Path,
    trust_roots: Sequence[Path] = (),
    recorded: Recorded | None = None,
    notes: list[BagProblem] | None = None,
) -> list[BagProblem]:
    """Every problem with one sealed package; [] when it is whole and consistent.

    With `recorded`, every kept original and return is also checked against the database.
    `notes`, when given, receives what is no fault of the package but worth a line: a digital
    signature that is intact but was not checked for trust, as no trust roots are configured.
    """
    problems = verify_bag(path)
    data = path / "data"
    if not (path / "bagit.txt").is_file() or not data.is_dir():
        return problems
    damaged = {p.path for p in problems}
    if (data / LETTERS_RECORD).is_file() and not (data / RECORD_NAME).exists():
        return problems + _letters_package(data, recorded, damaged)
    if (data / CAREER_RECORD).is_file() and not (data / RECORD_NAME).exists():
        return problems + _career_package(data, damaged)
    rec, bad = _record(data)
    problems += [p for p in bad if p.path not in damaged]
    if rec is None:
        return problems
    cycle = found if isinstance(found := rec.get("cycle"), dict) else {}
    name = str(cycle.get("name", ""))
    problems += _as_recorded(data, rec.get("documents"), name, RECORD_NAME, recorded, damaged)
    if f"data/{DOSSIER_NAME}" not in damaged:
        problems += _dossier(data, rec)
    signed, untrusted = _signatures(data, rec, trust_roots)
    problems += [p for p in signed if p.path not in damaged]
    if notes is not None:
        notes += [p for p in untrusted if p.path not in damaged]
    return problems + _letters(path, rec)

"""The template manifest (templates/manifest.toml) and the staff folder merged over the defaults."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from appraisal.stages import DOCUMENT_STAGES, PEOPLE

MANIFEST = "manifest.toml"
FieldKind = Literal["text", "image", "list"]
Per = Literal["person", "recipient", "cycle"]
_KINDS = ("text", "image", "list")
_PERS = ("person", "recipient", "cycle")
_STAGES = {s.value for s in DOCUMENT_STAGES} | {PEOPLE}


class ManifestError(ValueError):
    """A manifest file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    description: str
    kind: FieldKind = "text"
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    file: str
    title: str
    stage: str
    per: Per
    recipient: str
    signoff: bool
    version: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedTemplate:
    """A manifest entry and the .docx that serves it (the staff copy when there is one)."""

    spec: TemplateSpec
    path: Path
    overridden: bool = False  # True when the file or the entry comes from the staff folder


@dataclass
class TemplateSet:
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    templates: dict[str, ResolvedTemplate] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()

    def get(self, template_id: str) -> ResolvedTemplate:
        try:
            return self.templates[template_id]
        except KeyError:
            known = ", ".join(sorted(self.templates)) or "无"
            raise KeyError(
                f"没有编号为 {template_id!r} 的模板（现有：{known}） / "
                f"no template with id {template_id!r}"
            ) from None


def default_templates_dir() -> Path:
    """The repository's templates/ folder: next to the appraisal package (editable install)."""
    return Path(__file__).resolve().parents[2] / "templates"


def load_manifest(path: Path) -> tuple[dict[str, FieldSpec], list[TemplateSpec]]:
    """Fields and template entries of one manifest.toml; ManifestError names file and entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}：找不到模板清单文件 / manifest not found") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{path}：第 {exc.start} 字节不是 UTF-8 文本，请将文件另存为 UTF-8 编码 / "
            f"not valid TOML: {exc}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"第 {at[1]} 行第 {at[2]} 列" if at else ""
        raise ManifestError(
            f"{path}：{where}不是有效的 TOML 写法 / not valid TOML: {exc}"
        ) from None
    fields = {name: _field(path, name, spec) for name, spec in _table(path, data, "fields").items()}
    entries = data.get("templates", [])
    if not isinstance(entries, list):
        raise ManifestError(
            f"{path}：[[templates]] 须写成若干个 [[templates]] 表 / "
            "[[templates]] must be an array of tables"
        )
    templates = [_template(path, i, entry) for i, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for spec in templates:
        if spec.id in seen:
            raise ManifestError(
                f"{path}：模板编号 {spec.id!r} 出现了两次 / template id {spec.id!r} appears twice"
            )
        seen.add(spec.id)
    return fields, templates


def resolve_templates(
    staff_dir: Path | None = None, defaults_dir: Path | None = None
) -> TemplateSet:
    """Defaults, with the staff folder's manifest entries and same-named files on top."""
    defaults_dir = defaults_dir or default_templates_dir()
    fields, specs = load_manifest(defaults_dir / MANIFEST)
    result = TemplateSet(dict(fields), folders=(defaults_dir,))
    for spec in specs:
        result.templates[spec.id] = ResolvedTemplate(spec, defaults_dir / spec.file)
    if staff_dir is None or Path(staff_dir).resolve() == defaults_dir.resolve():
        return result
    staff_dir = Path(staff_dir)
    if not staff_dir.is_dir():
        raise ManifestError(f"{staff_dir}：找不到模板文件夹 / templates folder not found")
    result.folders = (defaults_dir, staff_dir)
    if (staff_dir / MANIFEST).exists():
        staff_fields, staff_specs = load_manifest(staff_dir / MANIFEST)
        result.fields.update(staff_fields)
        for spec in staff_specs:
            result.templates[spec.id] = ResolvedTemplate(spec, staff_dir / spec.file, True)
    # A staff file named like a default template's file replaces that file.
    for tid, resolved in list(result.templates.items()):
        candidate = staff_dir / resolved.spec.file
        if not resolved.overridden and candidate.is_file():
            result.templates[tid] = ResolvedTemplate(resolved.spec, candidate, True)
    return result


def template_titles(staff_dir: Path | None = None) -> dict[str, str]:
    """Template id -> the title printed on its documents (what messages and dossiers list)."""
    return {tid: t.spec.title for tid, t in resolve_templates(staff_dir).templates.items()}


def _table(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ManifestError(f"{path}：[{key}] 须是一个表 / [{key}] must be a table")
    return value


def _field(path: Path, name: str, spec: Any) -> FieldSpec:
    where = f'{path}：字段 [fields."{name}"]'
    if not isinstance(spec, dict):
        raise ManifestError(f"{where} 须是一个表 / must be a table")
    kind = spec.get("kind", "text")
    if kind not in _KINDS:
        raise ManifestError(
            f"{where}：kind {kind!r} 不是可选值（{', '.join(_KINDS)}）之一 / "
            f"kind {kind!r} is not one of {', '.join(_KINDS)}"
        )
    items = spec.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ManifestError(f"{where}：items 须是名称列表 / items must be a list of names")
    if items and kind != "list":
        raise ManifestError(
            f"{where}：kind 为 {kind!r} 时不能给 items（只有 'list' 可以） / "
            f"items given but kind is {kind!r}, not 'list'"
        )
    return FieldSpec(name, str(spec.get("description", "")), kind, tuple(items))


def _template(path: Path, index: int, entry: Any) -> TemplateSpec:
    if not isinstance(entry, dict):
        raise ManifestError(
            f"{path}：第 {index} 个模板条目须是一个表 / templates entry {index} must be a table"
        )
    tid = entry.get("id")
    where = f"{path}：模板 {tid!r}" if tid else f"{path}：第 {index} 个模板条目"
    for key in ("id", "file", "title", "stage"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ManifestError(f"{where}：缺少 {key} 或为空 / {key} is missing or empty")
    if entry["stage"] not in _STAGES:
        raise ManifestError(
            f"{where}：stage {entry['stage']!r} 不是可选值（{'、'.join(sorted(_STAGES))}）之一 / "
            f"stage {entry['stage']!r} is not one of {sorted(_STAGES)}"
        )
    per = entry.get("per", "person")
    if per not in _PERS:
        raise ManifestError(
            f"{where}：per {per!r} 不是可选值（{', '.join(_PERS)}）之一 / "
            f"per {per!r} is not one of {', '.join(_PERS)}"
        )
    fields = entry.get("fields", [])
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ManifestError(
            f"{where}：fields 须是字段名列表 / fields must be a list of field names"
        )
    if Path(entry["file"]).name != entry["file"]:
        raise ManifestError(
            f"{where}：file {entry['file']!r} 须是单纯的文件名，不能带文件夹 / "
            f"file {entry['file']!r} must be a plain file name"
        )
    return TemplateSpec(
        id=entry["id"],
        file=entry["file"],
        title=entry["title"],
        stage=entry["stage"],
        per=per,
        recipient=str(entry.get("recipient", "")),
        signoff=bool(entry.get("signoff", False)),
        version=str(entry.get("version", "1")),
        fields=tuple(fields),
    )

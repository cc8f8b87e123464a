"""Layers point one way: the core (everything in appraisal/ but the portal, the CLI and the flows)
imports none of them; the portal starts no flow and no Prefect; only appraisal/store queries the
database. Read from the source with `ast`, so a lazy import inside a function counts too."""

import ast
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# appraisal/flows and appraisal/models are links to these folders: walked once, under their names.
LINKED = {"flows": "appraisal.flows", "models": "appraisal.models"}
OUTSIDE = ("tests", "bench", "scripts")
EDGES = ("appraisal.portal", "appraisal.commands", "appraisal.cli", "appraisal.__main__")
UPWARDS = ("appraisal.flows", *EDGES)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] in LINKED:
        parts[:1] = LINKED[parts[0]].split(".")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    """Module name -> file, for appraisal/ (not through its links), flows/ and models/."""
    found = {}
    for path in _python_files(ROOT / "appraisal"):
        rel = path.relative_to(ROOT / "appraisal")
        if rel.parts[0] not in LINKED:
            found[_module_of(path)] = path
    for folder in LINKED:
        for path in _python_files(ROOT / folder):
            found[_module_of(path)] = path
    return found


SOURCES = _sources()


def _imports(module: str, path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it, with relative imports made absolute."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            # `from appraisal import flows` imports the package appraisal.flows.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _core(module: str) -> bool:
    return not any(_within(module, p) for p in UPWARDS)


def _offenders(in_layer: Callable[[str], bool], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, path in SOURCES.items()
        if in_layer(module)
        for name in _imports(module, path)
        if any(_within(name, f) for f in forbidden)
    )


def test_the_core_imports_no_flow_no_portal_and_no_command() -> None:
    assert _core("appraisal.gates") and _core("appraisal.models.cycle")
    assert not _core("appraisal.flows.tasks") and not _core("appraisal.portal.web")
    assert _offenders(_core, UPWARDS) == []


def test_the_store_imports_nothing_above_it() -> None:
    assert _offenders(lambda m: _within(m, "appraisal.store"), UPWARDS) == []


def test_the_portal_imports_no_flow_no_command_and_no_prefect() -> None:
    forbidden = ("appraisal.flows", "appraisal.commands", "appraisal.cli", "prefect")
    assert _offenders(lambda m: _within(m, "appraisal.portal"), forbidden) == []


def test_importing_the_portal_leaves_prefect_alone() -> None:
    """Serving a page must neither import Prefect nor set its environment (prepare_prefect)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    code = (
        "import os, sys\n"
        "import appraisal.portal.web, appraisal.portal.app\n"
        "appraisal.portal.app.create_app()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'"
        " or m.startswith('appraisal.flows'))\n"
        "assert not loaded, loaded\n"
        "assert 'PREFECT_HOME' not in os.environ\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_nothing_imports_models_or_flows_by_their_generic_top_level_names() -> None:
    found = dict(SOURCES)
    for folder in OUTSIDE:
        found.update({f"{folder}.{p.stem}": p for p in _python_files(ROOT / folder)})
    bad = sorted(
        f"{module} imports {name}"
        for module, path in found.items()
        for name in _imports(module, path)
        if name.split(".")[0] in LINKED
    )
    assert bad == []


# Reads (select, exec, get) and writes (add, delete) alike.
QUERY = re.compile(r"\bselect\(|session\.(exec\b|get\(|add\(|add_all\(|delete\()")
# Migrations are frozen at the schema they move between, so they read tables themselves.
NOT_CHECKED = ("appraisal.migrations",)


def test_only_the_store_queries_the_database() -> None:
    """Tests read the database to check it; benchmarks and scripts go through the store."""
    allowed = ("appraisal.store", *NOT_CHECKED)
    found = dict(SOURCES)
    for folder in ("bench", "scripts"):
        found.update({f"{folder}.{p.stem}": p for p in _python_files(ROOT / folder)})
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for module, path in sorted(found.items())
        if not any(_within(module, a) for a in allowed)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if QUERY.search(line.split("#", 1)[0])
    ]
    assert offenders == []


def test_setuptools_installs_every_package_folder() -> None:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]
    folders = {"appraisal"}
    for top, dirs, _ in os.walk(ROOT / "appraisal", followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        base = Path(top).relative_to(ROOT)
        folders.update(".".join((base / d).parts) for d in dirs)
    assert sorted(folders - set(listed)) == []
    assert sorted(set(listed) - folders) == []

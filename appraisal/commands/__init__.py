"""Command groups of the CLI, one module each; `register` mounts them on the app."""

import importlib
import pkgutil

import typer


def register(app: typer.Typer) -> None:
    """Mount every module here that defines `app` (a group) or `register(app)` (top-level)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(app)
        elif hasattr(module, "app"):
            app.add_typer(module.app, name=getattr(module, "NAME", info.name.replace("_", "-")))

"""Every command has help text and is shown in the README, so the README stays true."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from appraisal.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "commands"):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*prefix, name))
    else:
        yield " ".join(prefix), command


COMMANDS = dict(_commands(typer.main.get_command(app)))


def test_there_are_commands() -> None:
    assert {"demo", "cycle start", "signoff import", "roster import"} <= set(COMMANDS)


def test_every_command_has_help() -> None:
    missing = [name for name, cmd in COMMANDS.items() if not (cmd.help or "").strip()]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in COMMANDS if f"appraisal {name}" not in README]
    assert missing == []

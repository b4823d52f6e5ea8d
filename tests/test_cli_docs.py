"""docs/cli.md documents every command, sub-command, argument and option of the command line.

The commands are walked from the typer app, so a command or option added without its line in
docs/cli.md fails here: each command has a section headed ``### `revline COMMAND` `` and every
argument (``NAME``) and option (each long flag, ``--no-...`` included) appears in it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cli_commands import click_app, walk

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands() -> dict[str, Any]:
    return dict(walk(click_app()))


def names_of(command: Any) -> list[str]:
    """What the docs must show for a command: ``NAME`` per argument, each long option flag."""
    out = []
    for param in command.params:
        if param.name == "help":
            continue
        if param.param_type_name == "argument":
            out.append(f"`{param.name.upper()}`")
        else:
            flags = [*param.opts, *param.secondary_opts]
            out += [f"`{flag}`" for flag in flags if flag.startswith("--")]
    return out


def section(name: str, text: str | None = None) -> str | None:
    """The text of ``### `revline NAME` `` up to the next heading, or None when absent."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    found = re.search(rf"^### `revline {re.escape(name)}`.*?\n(.*?)(?=^##|\Z)", text, re.M | re.S)
    return None if found is None else found[1]


@pytest.mark.parametrize("name", sorted(commands()))
def test_command_and_every_option_are_documented(name: str) -> None:
    body = section(name)
    assert body is not None, f"docs/cli.md has no section '### `revline {name}`'"
    missing = [flag for flag in names_of(commands()[name]) if flag not in body]
    assert not missing, f"docs/cli.md, revline {name}: document {', '.join(missing)}"


def test_global_options_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"^### `revline` \(every command\)\n(.*?)(?=^##|\Z)", text, re.M | re.S)
    assert found is not None, "docs/cli.md has no section '### `revline` (every command)'"
    flags = names_of(click_app())
    assert "`--debug`" in flags
    assert [flag for flag in flags if flag not in found[1]] == []


def test_the_check_fails_on_a_missing_command_or_option() -> None:
    """The check itself: a section without an option, and a doc without a command, fail."""
    serve = commands()["serve"]
    full = section("serve")
    assert full is not None and "`--port`" in names_of(serve)
    assert [f for f in names_of(serve) if f not in full.replace("`--port`", "")] == ["`--port`"]
    assert section("init", "# cli\n\n### `revline check`\n\ntext\n") is None
    for name in ("init", "demo", "serve", "users add", "users list", "users remove"):
        assert section(name) is not None, name

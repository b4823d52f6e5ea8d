"""Every command takes the common options the docs say it takes (issue 13 §4).

``-w/--warehouse``: every command that opens a warehouse; the commands that describe revline
itself are listed in README and docs/cli.md and refuse it. ``--format``: every command in the
output-formats table of docs/cli.md, ``users list`` included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cli_commands import click_app, walk
from conftest import CliRunnerFn

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def leaves() -> dict[str, Any]:
    return {name: cmd for name, cmd in walk(click_app())}


def flags(command: Any) -> set[str]:
    return {flag for param in command.params for flag in param.opts}


def no_warehouse_commands() -> set[str]:
    """The commands docs/cli.md says take no warehouse (one line under "every command")."""
    line = next(x for x in CLI_DOC.splitlines() if x.startswith("Commands that open no warehouse"))
    return set(re.findall(r"`revline ([a-z ]+)`", line))


def test_the_no_warehouse_list_is_the_same_in_readme_and_cli_docs() -> None:
    listed = no_warehouse_commands()
    assert {"schema", "metrics explain", "init"} <= listed
    start = README.index("open no warehouse")
    paragraph = README[start : README.index("\n\n", start)]
    for command in listed:
        first, *rest = command.split()
        assert f"`{first}" in paragraph, command
        for word in rest:
            assert word in paragraph, command


@pytest.mark.parametrize("name", sorted(leaves()))
def test_every_command_takes_the_warehouse_option_unless_documented(name: str) -> None:
    takes = {"-w", "--warehouse"} <= flags(leaves()[name])
    assert takes != (name in no_warehouse_commands()), name


def format_commands() -> set[str]:
    """The commands in the output-formats table of docs/cli.md."""
    start = CLI_DOC.index("## Output formats")
    table = CLI_DOC[start : CLI_DOC.index("\n## ", start + 3)]
    out: set[str] = set()
    for row in table.splitlines():
        if not row.startswith("| `revline "):
            continue
        cell = row.split("|")[1]
        head = re.findall(r"`revline ([a-z ]+?)(?: [A-Z\[].*)?`", cell)
        words = head[0].split() if head else []
        # "forecast bookings` / `backtest` / `revenue" names three sub-commands
        subs = re.findall(r"/ `([a-z]+)`", cell)
        out.add(" ".join(words))
        out |= {f"{words[0]} {s}" for s in subs}
    return out


@pytest.mark.parametrize("name", sorted(format_commands()))
def test_every_command_with_documented_formats_takes_format(name: str) -> None:
    assert name in leaves(), name
    assert {"-f", "--format"} <= flags(leaves()[name]), name


def test_users_list_prints_json(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    from revline.web.users import UserStore, users_path

    warehouse = tmp_path / "company.duckdb"
    UserStore(users_path(warehouse)).add("mia", "a long password 123", "lead", ("marketing",))
    result = revline_cli("users", "list", "-w", str(warehouse), "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["user"], row["role"], row["functions"], row["tokens"]) == (
        "mia",
        "lead",
        ["marketing"],
        0,
    )


def test_a_command_without_a_warehouse_says_so(revline_cli: CliRunnerFn) -> None:
    result = revline_cli("schema", "-w", "x.duckdb")
    assert result.exit_code == 2
    assert "No such option" in result.output

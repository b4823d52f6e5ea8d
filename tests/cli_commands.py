"""Every command of the ``revline`` command line, walked from the typer app (test helper).

Tests that must cover each command (its docs, its JSON) read the commands from here, so a
command added to the app is picked up without editing a second list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer


def click_app() -> Any:
    """The click command behind the ``revline`` typer app, every command registered."""
    from revline import commands  # noqa: F401  (registers every command)
    from revline.cli import app

    return typer.main.get_command(app)


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(``"forecast bookings"``, click command) for every leaf command under ``command``."""
    subs = getattr(command, "commands", None)
    if subs is None:
        yield " ".join(path), command
        return
    for name, sub in subs.items():
        yield from walk(sub, (*path, name))

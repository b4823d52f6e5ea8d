"""The demo's sign-in: a ``cro`` user (role ``exec``) with a fresh random password.

``revline demo`` calls :func:`demo_login` after building the warehouse and prints the result,
so a newcomer can open the dashboard at once. The password is new on every call (the old
``cro`` user is replaced); nothing is printed or stored in plain text here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from revline.web.users import UserStore, users_path

DEMO_USER = "cro"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    users_file: Path
    url: str

    def __str__(self) -> str:
        return (
            f"Dashboard: revline serve -w <warehouse>, then open {self.url} and sign in as "
            f"{self.username} / {self.password}"
        )


def demo_login(warehouse: str | Path, url: str = "http://127.0.0.1:8000/") -> DemoLogin:
    """Create (or reset) the demo's ``cro`` user for ``warehouse`` and return the login."""
    store = UserStore(users_path(warehouse))
    if store.get(DEMO_USER) is not None:
        store.remove(DEMO_USER)
    password = secrets.token_urlsafe(12)
    store.add(DEMO_USER, password, "exec")
    return DemoLogin(DEMO_USER, password, store.path, url)

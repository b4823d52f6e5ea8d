"""The web dashboard and REST API (docs/web.md).

:func:`create_app` builds the FastAPI app; :mod:`revline.web.registry` is the page contract;
:mod:`revline.web.users` the user and token store.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: page modules import revline.web.registry without pulling in FastAPI.
    if name == "create_app":
        from revline.web.app import create_app

        return create_app
    raise AttributeError(name)

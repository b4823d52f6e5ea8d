"""Sign-in throttling: failed sign-ins limited per account and per client address.

Built on the `limits <https://limits.readthedocs.io>`_ library's moving-window limiter, kept in
the server's memory (one server process; a restart forgets the counts). Only failures count.
When any limit of the user name or of the address is used up, the sign-in is refused with 429
and ``Retry-After`` *before* the password is checked (so a locked-out guesser learns nothing,
not even whether the password was right), until the window has moved on. The limits grow with
the window (by default 5 failures a minute, 10 in 15 minutes, 20 an hour per user name), so a
persistent guesser waits ever longer. A successful sign-in clears its user name's counts.
Every refusal is logged with the user name and address (never the password).
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from revline.web.config import WebSettings

log = logging.getLogger("revline.web")


class LoginThrottle:
    """Counts failed sign-ins (see the module docstring)."""

    def __init__(self, settings: WebSettings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account: list[RateLimitItem] = parse_many(settings.login_limits_account)
        self._address: list[RateLimitItem] = parse_many(settings.login_limits_address)

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        name = username.strip().lower()
        return [(limit, "account", name) for limit in self._account] + [
            (limit, "address", address) for limit in self._address
        ]

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until a sign-in for ``username`` from ``address`` may be tried again, or
        ``None`` when it may be tried now."""
        wait = 0.0
        now = time.time()
        for limit, kind, key in self._keys(username, address):
            if not self._limiter.test(limit, kind, key):
                reset = self._limiter.get_window_stats(limit, kind, key).reset_time
                wait = max(wait, reset - now)
        if wait <= 0:
            return None
        seconds = max(1, math.ceil(wait))
        log.warning(
            "Sign-in for %r from %s refused: too many failed attempts (retry in %d s).",
            username,
            address,
            seconds,
        )
        return seconds

    def failed(self, username: str, address: str) -> None:
        log.warning("Failed sign-in for %r from %s.", username, address)
        for limit, kind, key in self._keys(username, address):
            self._limiter.hit(limit, kind, key)

    def succeeded(self, username: str) -> None:
        name = username.strip().lower()
        for limit in self._account:
            self._limiter.clear(limit, "account", name)

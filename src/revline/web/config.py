"""The dashboard server's security settings: session timeouts and sign-in throttling.

Defaults follow OWASP ASVS level 2 (docs/security.md): a session ends after 30 minutes without
a request (idle) and 12 hours after sign-in (absolute), whatever happens in between; sign-in
failures are limited per account and per client address with growing windows, so a guesser is
slowed down and then locked out for a while, and a legitimate user locked out by someone else
waits minutes, not forever. Each value can be set by an environment variable (below) or passed
to :func:`revline.web.create_app` as a :class:`WebSettings`.

Limits are written as the `limits <https://limits.readthedocs.io>`_ library parses them
(``"5/minute;10/15 minutes"``: at most 5 failures in any minute and 10 in any 15 minutes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from limits import parse_many

from revline.errors import ConfigError

ENV = {
    "session_idle_minutes": "REVLINE_SESSION_IDLE_MINUTES",
    "session_max_hours": "REVLINE_SESSION_MAX_HOURS",
    "login_limits_account": "REVLINE_LOGIN_LIMITS_ACCOUNT",
    "login_limits_address": "REVLINE_LOGIN_LIMITS_ADDRESS",
}


@dataclass(frozen=True)
class WebSettings:
    """Session timeouts and sign-in limits (see the module docstring)."""

    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    #: Failed sign-ins allowed per user name: the 6th failure within a minute is refused.
    login_limits_account: str = "5/minute;10/15 minutes;20/hour"
    #: Failed sign-ins allowed per client address (any user names).
    login_limits_address: str = "20/minute;100/hour"

    def __post_init__(self) -> None:
        for name in ("session_idle_minutes", "session_max_hours"):
            value = getattr(self, name)
            if not value > 0:
                raise ConfigError(
                    f"Web setting {name} is {value!r}.", hint="Give a number above 0."
                )
        for name in ("login_limits_account", "login_limits_address"):
            try:
                parse_many(getattr(self, name))
            except ValueError:
                raise ConfigError(
                    f"Web setting {name} is {getattr(self, name)!r}, which is not a list of "
                    "limits.",
                    hint='Write limits such as "5/minute;10/15 minutes;20/hour".',
                ) from None

    @property
    def idle_seconds(self) -> float:
        return self.session_idle_minutes * 60

    @property
    def max_seconds(self) -> float:
        return self.session_max_hours * 3600

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> WebSettings:
        """Defaults overridden by the ``REVLINE_SESSION_*`` / ``REVLINE_LOGIN_*`` variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, var in ENV.items():
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            if name.startswith("session_"):
                try:
                    values[name] = float(raw)
                except ValueError:
                    raise ConfigError(
                        f"{var} is {raw!r}, not a number.", hint="Give a number above 0."
                    ) from None
            else:
                values[name] = raw
        return cls(**values)  # type: ignore[arg-type]

"""Users, roles and API tokens, kept in a small SQLite file next to the warehouse.

Why SQLite and not the warehouse: the server holds the DuckDB file open (read-only), and DuckDB
lets one process write at a time, so ``revline users add`` must not need the warehouse. SQLite
takes short write locks per statement, so the CLI and a running server share the file safely.

Passwords are hashed with scrypt (stdlib :func:`hashlib.scrypt`, a random 16-byte salt per
user); API tokens are 256-bit random strings stored only as their SHA-256 (a token is already
high-entropy, so a fast hash suffices and lookups stay O(1)). Browser sessions are kept here
too (server-side, so they can be ended): the cookie carries a 256-bit random session id,
stored only as its SHA-256; signing out ends the session, and removing a user ends all of
theirs (``ON DELETE CASCADE``), so a copied cookie stops working. The cookie-signing key is
generated once and kept in the same file.

Roles: ``admin`` (everything, and the user list), ``exec`` (the CRO: every page and every row),
``lead`` (a function lead: the pages and rows of their functions), ``viewer`` (every page's
figures, read-only, but no row-level drill-downs or CSV).
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from revline.errors import ConfigError, unknown

ROLES: tuple[str, ...] = ("admin", "exec", "lead", "viewer")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
#: scrypt cost: n=2**14, r=8, p=1 (16 MiB, ~50 ms): OWASP's minimum recommendation.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOKEN_PREFIX = "rl_"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, functions TEXT NOT NULL,
    password TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    label TEXT NOT NULL, created_at TEXT NOT NULL,
    token_id TEXT, expires_at REAL, last_used_at REAL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at REAL NOT NULL, last_seen REAL NOT NULL);
"""


@dataclass(frozen=True)
class User:
    """A signed-in user: name, role and (for a lead) the functions they lead."""

    username: str
    role: str
    functions: tuple[str, ...]
    created_at: str = ""

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "exec")


def users_path(warehouse: str | Path) -> Path:
    """The user store of a warehouse: ``revline.duckdb`` -> ``revline.users.sqlite``."""
    path = Path(warehouse)
    return path.with_name(f"{path.stem}.users.sqlite")


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for ``password`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(got, expected)


#: Days an API token lives unless told otherwise (``revline users token --expires-days``).
DEFAULT_TOKEN_DAYS = 90.0
_TOKEN_COLUMNS = {"token_id": "TEXT", "expires_at": "REAL", "last_used_at": "REAL"}


@dataclass(frozen=True)
class TokenInfo:
    """What is known of a token (never the token): its public id, owner, label and times
    (``expires_at`` and ``last_used_at`` in epoch seconds, ``None`` for never)."""

    token_id: str
    username: str
    label: str
    created_at: str
    expires_at: float | None
    last_used_at: float | None


def _token_id() -> str:
    """A short public id to name a token by (list, revoke): random, not derived from it."""
    return "tok_" + secrets.token_hex(6)


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a user file written by an older version up to this schema: tokens gain an id,
    an expiry (none for tokens made before expiries existed) and a last use."""
    have = {row[1] for row in db.execute("PRAGMA table_info(tokens)")}
    for column, kind in _TOKEN_COLUMNS.items():
        if column not in have:
            db.execute(f"ALTER TABLE tokens ADD COLUMN {column} {kind}")
    for (token_hash,) in db.execute(
        "SELECT token_hash FROM tokens WHERE token_id IS NULL"
    ).fetchall():
        db.execute("UPDATE tokens SET token_id = ? WHERE token_hash = ?", (_token_id(), token_hash))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class UserStore:
    """The users, tokens and session key of one warehouse (a SQLite file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise ConfigError(
                f"Cannot keep users at {self.path}: folder {self.path.parent} does not exist.",
                hint="Create the warehouse first (revline init) or pass an existing folder.",
            )
        with self._db() as db:
            db.executescript(_SCHEMA)
            _upgrade(db)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    # -- users -----------------------------------------------------------------------------
    def add(
        self,
        username: str,
        password: str,
        role: str,
        functions: Sequence[str] = (),
        known_functions: Sequence[str] | None = None,
    ) -> User:
        """Add a user (an existing name is an error: remove it first)."""
        if not _USERNAME.match(username):
            raise ConfigError(
                f"User name {username!r} is not valid.",
                hint="Use 1-64 letters, digits, '_', '.', '@' or '-'.",
            )
        if role not in ROLES:
            raise ConfigError(unknown("role", role, ROLES), hint="Pick one of the roles.")
        if len(password) < MIN_PASSWORD:
            raise ConfigError(
                f"The password of {username!r} has {len(password)} characters.",
                hint=f"Use at least {MIN_PASSWORD}.",
            )
        if role == "lead" and not functions:
            raise ConfigError(
                f"Lead {username!r} has no functions.",
                hint="Name the functions they lead, e.g. --function marketing.",
            )
        if role != "lead" and functions:
            raise ConfigError(
                f"Functions were given for {username!r}, whose role is {role!r}.",
                hint="Only the lead role is limited to functions; drop --function.",
            )
        for name in functions:
            if known_functions is not None and name not in known_functions:
                raise ConfigError(unknown("function", name, known_functions))
        created = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                    (username, role, ",".join(functions), hash_password(password), created),
                )
        except sqlite3.IntegrityError:
            raise ConfigError(
                f"User {username!r} already exists in {self.path}.",
                hint=f"Remove it first: revline users remove {username}",
            ) from None
        return User(username, role, tuple(functions), created)

    def remove(self, username: str) -> None:
        """Remove a user and their tokens."""
        with self._db() as db:
            gone = db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount
        if not gone:
            raise ConfigError(
                unknown("user", username, [u.username for u in self.list()]),
                hint="List users with: revline users list",
            )

    def list(self) -> list[User]:
        with self._db() as db:
            rows = db.execute(
                "SELECT username, role, functions, created_at FROM users ORDER BY username"
            ).fetchall()
        return [User(r[0], r[1], tuple(f for f in r[2].split(",") if f), r[3]) for r in rows]

    def get(self, username: str) -> User | None:
        with self._db() as db:
            row = db.execute(
                "SELECT username, role, functions, created_at FROM users WHERE username = ?",
                (username,),
            ).fetchone()
        return (
            None
            if row is None
            else User(row[0], row[1], tuple(f for f in row[2].split(",") if f), row[3])
        )

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right, else ``None`` (same work either way)."""
        with self._db() as db:
            row = db.execute(
                "SELECT password FROM users WHERE username = ?", (username,)
            ).fetchone()
        ok = check_password(password, row[0] if row else _DUMMY_HASH)
        return self.get(username) if ok and row else None

    # -- tokens ----------------------------------------------------------------------------
    def create_token(
        self,
        username: str,
        label: str = "api",
        expires_days: float | None = DEFAULT_TOKEN_DAYS,
        now: float | None = None,
    ) -> str:
        """A new API token for ``username``, returned once (only its hash is stored). It
        expires after ``expires_days`` (``None``: never)."""
        if self.get(username) is None:
            raise ConfigError(
                unknown("user", username, [u.username for u in self.list()]),
                hint="Add the user first: revline users add",
            )
        if expires_days is not None and not expires_days > 0:
            raise ConfigError(
                f"A token cannot expire after {expires_days} days.",
                hint="Give a number of days above 0, or no expiry.",
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        at = time.time() if now is None else now
        created = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
        expires = None if expires_days is None else at + expires_days * 86400
        with self._db() as db:
            db.execute(
                "INSERT INTO tokens (token_hash, username, label, created_at, token_id, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (_token_hash(token), username, label, created, _token_id(), expires),
            )
        return token

    def token_entry(self, token: str) -> tuple[User, str, float | None, float | None] | None:
        """The user of a token with the token's id, expiry and last use (epoch seconds)."""
        with self._db() as db:
            row = db.execute(
                "SELECT username, token_id, expires_at, last_used_at FROM tokens "
                "WHERE token_hash = ?",
                (_token_hash(token),),
            ).fetchone()
        user = None if row is None else self.get(row[0])
        return None if user is None else (user, str(row[1]), row[2], row[3])

    def user_for_token(self, token: str, now: float | None = None) -> User | None:
        """The user of a live (known, unexpired) token; its last use is recorded."""
        entry = self.token_entry(token)
        at = time.time() if now is None else now
        if entry is None or (entry[2] is not None and at >= entry[2]):
            return None
        self.touch_token(entry[1], at)
        return entry[0]

    def touch_token(self, token_id: str, now: float) -> None:
        with self._db() as db:
            db.execute("UPDATE tokens SET last_used_at = ? WHERE token_id = ?", (now, token_id))

    def tokens(self, username: str | None = None) -> builtins.list[TokenInfo]:
        """Every token (of ``username``), oldest first: never the token itself."""
        query = "SELECT token_id, username, label, created_at, expires_at, last_used_at FROM tokens"
        args: tuple[str, ...] = ()
        if username is not None:
            query += " WHERE username = ?"
            args = (username,)
        with self._db() as db:
            rows = db.execute(query + " ORDER BY created_at, token_id", args).fetchall()
        return [TokenInfo(*row) for row in rows]

    def revoke_token(self, token_id: str) -> TokenInfo:
        """Delete the token with this id (as ``revline users tokens`` lists it)."""
        found = [t for t in self.tokens() if t.token_id == token_id]
        if not found:
            raise ConfigError(
                unknown("token id", token_id, [t.token_id for t in self.tokens()]),
                hint="List them with: revline users tokens",
            )
        with self._db() as db:
            db.execute("DELETE FROM tokens WHERE token_id = ?", (token_id,))
        return found[0]

    def token_count(self, username: str) -> int:
        with self._db() as db:
            row = db.execute(
                "SELECT count(*) FROM tokens WHERE username = ?", (username,)
            ).fetchone()
        return int(row[0])

    # -- browser sessions (server-side) ------------------------------------------------------
    def create_session(self, username: str, now: float | None = None) -> str:
        """A new session id for ``username``, returned once (only its hash is stored)."""
        session = secrets.token_urlsafe(32)
        at = time.time() if now is None else now
        with self._db() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)", (_token_hash(session), username, at, at)
            )
        return session

    def session(self, session: str) -> tuple[User, float, float] | None:
        """The user of a session id, with its start and last-seen times (epoch seconds)."""
        with self._db() as db:
            row = db.execute(
                "SELECT username, created_at, last_seen FROM sessions WHERE session_hash = ?",
                (_token_hash(session),),
            ).fetchone()
        user = None if row is None else self.get(row[0])
        return None if user is None else (user, float(row[1]), float(row[2]))

    def touch_session(self, session: str, now: float) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE session_hash = ?",
                (now, _token_hash(session)),
            )

    def end_session(self, session: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE session_hash = ?", (_token_hash(session),))

    def end_sessions(self, username: str) -> int:
        """End every session of ``username``; the number ended."""
        with self._db() as db:
            return db.execute("DELETE FROM sessions WHERE username = ?", (username,)).rowcount

    def prune_sessions(self, idle_seconds: float, max_seconds: float, now: float) -> int:
        """Delete sessions past either timeout; the number deleted."""
        with self._db() as db:
            return db.execute(
                "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
                (now - idle_seconds, now - max_seconds),
            ).rowcount

    # -- the session-signing key -------------------------------------------------------------
    def secret_key(self) -> str:
        """The key that signs session cookies: created once, then read back."""
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('secret_key', ?)", (secrets.token_urlsafe(48),)
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()
        return str(row[0])

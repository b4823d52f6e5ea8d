"""The sign-in check without a SQLite read per request: users and tokens cached in memory.

Every request names its user (a session cookie) or carries an API token; looking either up in
the user file costs a SQLite connection and two queries (about half a millisecond, and a
blocking file read on the event loop). :class:`CachedUsers` keeps the answers in memory and
drops them all whenever the user file changes, so a removed user (``revline users remove``,
another process) is still signed out on their very next request.

How a change is seen: per lookup, one ``stat`` of the file and a read of its first 100 bytes.
SQLite (in its default rollback-journal mode, which :class:`~revline.web.users.UserStore`
uses) increments the *file change counter* in that header on every committed write, so the
header changes even when two writes fall in the same clock tick and leave size and mtime
equal. As a further guard, answers are re-read after ``max_age`` seconds whatever the file
says. Unknown tokens are not cached (nobody can fill the memory with guesses).

Sessions are server-side (:meth:`UserStore.create_session`): a session past its idle or
absolute timeout is ended on its next use; a live one has its last-seen time written at most
once per :data:`TOUCH_SECONDS` (a write per request would serialise readers on the file).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time

from revline.web.users import User, UserStore

#: SQLite's header: bytes 24-27 are the file change counter (https://sqlite.org/fileformat.html).
_HEADER_BYTES = 100
#: At most this many cached answers; beyond it the cache starts again (bounded memory).
MAX_ENTRIES = 10_000
#: A session's last-seen time is written at most this often (so idle time is exact to it).
TOUCH_SECONDS = 60.0


class CachedUsers:
    """Cached ``get(username)`` and ``user_for_token(token)`` over a :class:`UserStore`."""

    def __init__(self, store: UserStore, max_age: float = 5.0) -> None:
        self.store = store
        self.max_age = max_age
        self._users: dict[str, User | None] = {}
        self._tokens: dict[str, tuple[User, str, float | None, float | None]] = {}
        self._sessions: dict[str, tuple[User, float, float]] = {}
        self._signature: tuple[int, ...] | bytes | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.reads = 0  # lookups that went to the file (tests and the benchmark read it)

    def _file_signature(self) -> tuple[int, ...] | bytes | None:
        try:
            with open(self.store.path, "rb") as handle:
                info = os.fstat(handle.fileno())
                header = handle.read(_HEADER_BYTES)
        except OSError:
            return None  # the file is gone: nothing may stay cached
        return (info.st_ino, info.st_size, info.st_mtime_ns, *header)

    def _fresh(self) -> None:
        """Drop every cached answer if the user file changed or they are too old."""
        signature = self._file_signature()
        now = time.monotonic()
        with self._lock:
            if (
                signature is None
                or signature != self._signature
                or now - self._checked > self.max_age
                or len(self._users) + len(self._tokens) + len(self._sessions) > MAX_ENTRIES
            ):
                self._users = {}
                self._tokens = {}
                self._sessions = {}
                self._signature = signature
                self._checked = now

    def get(self, username: str) -> User | None:
        """The user named ``username`` (``None`` if there is none), as the file says now."""
        self._fresh()
        users = self._users
        if username in users:
            return users[username]
        self.reads += 1
        found = self.store.get(username)
        users[username] = found
        return found

    def user_for_token(self, token: str, now: float | None = None) -> User | None:
        """The user a live API token belongs to, or ``None`` (unknown, revoked or expired;
        an unknown token is not cached: a guess costs a read). Its last use is written at
        most once per :data:`TOUCH_SECONDS`."""
        self._fresh()
        key = hashlib.sha256(token.encode()).hexdigest()
        found = self._tokens.get(key)
        if found is None:
            self.reads += 1
            entry = self.store.token_entry(token)
            if entry is None:
                return None
            found = self._tokens[key] = entry
        user, token_id, expires_at, last_used = found
        at = time.time() if now is None else now
        if expires_at is not None and at >= expires_at:
            return None
        if last_used is None or at - last_used > TOUCH_SECONDS:
            self.store.touch_token(token_id, at)
            self._tokens[key] = (user, token_id, expires_at, at)
        return user

    def user_for_session(
        self, session: str, idle_seconds: float, max_seconds: float, now: float | None = None
    ) -> User | None:
        """The user of a live session, or ``None`` when it is unknown, ended or timed out (a
        timed-out session is deleted)."""
        self._fresh()
        key = hashlib.sha256(session.encode()).hexdigest()
        found = self._sessions.get(key)
        if found is None:
            self.reads += 1
            found = self.store.session(session)
            if found is None:
                return None
            self._sessions[key] = found
        user, created, last_seen = found
        at = time.time() if now is None else now
        if at - last_seen > idle_seconds or at - created > max_seconds:
            self._sessions.pop(key, None)
            self.store.end_session(session)
            return None
        if at - last_seen > TOUCH_SECONDS:
            self.store.touch_session(session, at)
            self._sessions[key] = (user, created, at)
        return user

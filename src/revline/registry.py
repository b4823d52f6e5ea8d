"""One registry helper for every extension point (../shared/STYLE.md point 5).

Dashboard pages, report sections, diagnose detectors, forecasters, open-deal models and ingest
formats are each a :class:`Registry`: entries are registered by name (a call or a decorator),
a duplicate name is refused, :meth:`Registry.get` answers an unknown name with the closest match
and the valid names, and iterating gives the entries in registration order. The built-ins
register through the same call an extension uses, and the tests parametrise over the registry,
so a new entry is picked up without editing a second list.

>>> shapes = Registry[int]("shape")
>>> shapes.register("square", 4)
4
>>> @shapes.register("triangle")
... def three() -> int:
...     return 3
>>> shapes.names()
('square', 'triangle')
>>> shapes.get("squar")
Traceback (most recent call last):
...
revline.errors.ConfigError: Unknown shape 'squar'. Did you mean 'square'? Valid: square, triangle.
  Fix: Use one of: square, triangle.

This module sits at the lowest layer (next to :mod:`revline.errors`), so every layer can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar, overload

from revline.errors import ConfigError, RevlineError, unknown

T = TypeVar("T")

_MISSING = object()


class Registry(Generic[T]):
    """Named entries of one kind, in registration order.

    ``kind`` names the entries in messages ("Unknown detector 'x'"); ``hint`` is the fix an
    unknown name suggests (default: the valid names); ``error`` is the class an unknown name
    raises (default :class:`ConfigError`); ``load``, when given, is called once before the first
    lookup (it imports the modules whose import registers the built-ins).
    """

    def __init__(
        self,
        kind: str,
        *,
        hint: str | None = None,
        error: type[RevlineError] = ConfigError,
        load: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.hint = hint
        self.error = error
        self._entries: dict[str, T] = {}
        self._load = load
        self._loading = False
        self._loaded = load is None

    # -- registering ------------------------------------------------------------------------

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...

    @overload
    def register(self, name: str, entry: T) -> T: ...

    def register(self, name: str, entry: object = _MISSING) -> object:
        """Add ``entry`` under ``name`` and return it; without ``entry``, a decorator.

        A name registered twice is refused (:class:`ConfigError`) unless the entry is equal to
        the one registered (a module imported again registers an equal entry again).
        """
        if entry is _MISSING:

            def decorate(item: T) -> T:
                self._add(name, item)
                return item

            return decorate
        self._add(name, entry)  # type: ignore[arg-type]
        return entry

    def _add(self, name: str, entry: T) -> None:
        self.ensure_loaded()  # the built-ins first, so they keep their places
        if not name:
            raise ConfigError(f"A {self.kind} needs a name.", hint="Register it with a name.")
        if name in self._entries and self._entries[name] != entry:
            raise ConfigError(
                f"{self.kind.capitalize()} {name!r} is already registered "
                f"(by {self._entries[name]!r}).",
                hint=f"Give the new {self.kind} another name.",
            )
        self._entries[name] = entry

    def unregister(self, name: str) -> T:
        """Remove and return ``name`` (for tests that register a temporary entry)."""
        self.ensure_loaded()
        if name not in self._entries:
            self.get(name)  # raises with the did-you-mean message
        return self._entries.pop(name)

    @contextmanager
    def temporary(self, name: str, entry: T) -> Iterator[T]:
        """Register ``entry`` for the duration of a ``with`` block (tests, experiments)."""
        self.ensure_loaded()
        self._add(name, entry)
        try:
            yield entry
        finally:
            self._entries.pop(name, None)

    # -- reading ----------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Run the ``load`` function once (it registers the built-in entries)."""
        if self._loaded or self._loading or self._load is None:
            return
        self._loading = True
        try:
            self._load()
            self._loaded = True
        finally:
            self._loading = False

    def get(self, name: str) -> T:
        """The entry called ``name``; an unknown name raises with the closest match."""
        self.ensure_loaded()
        if name not in self._entries:
            names = ", ".join(self._entries)
            raise self.error(
                unknown(self.kind, name, self._entries),
                hint=self.hint or f"Use one of: {names}.",
            )
        return self._entries[name]

    def check(self, names: Iterable[str] | None) -> None:
        """Raise on the first unknown name in ``names``."""
        for name in names or ():
            self.get(name)

    def names(self) -> tuple[str, ...]:
        """Every registered name, in registration order."""
        self.ensure_loaded()
        return tuple(self._entries)

    def items(self) -> list[tuple[str, T]]:
        """``(name, entry)`` pairs, in registration order."""
        self.ensure_loaded()
        return list(self._entries.items())

    def values(self) -> list[T]:
        """Every entry, in registration order."""
        self.ensure_loaded()
        return list(self._entries.values())

    def __iter__(self) -> Iterator[T]:
        return iter(self.values())

    def __contains__(self, name: object) -> bool:
        self.ensure_loaded()
        return name in self._entries

    def __len__(self) -> int:
        self.ensure_loaded()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {list(self._entries)})"

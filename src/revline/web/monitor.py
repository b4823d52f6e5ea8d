"""What stalls the server: garbage-collection pauses and event-loop lag, reported by
``/api/status`` (the load benchmark reads them), and the collector kept off the cached data.

Cached answers are served on the event loop, so anything that holds it (a collection of the
oldest generation, a thread holding the GIL, a starved CPU) delays every request at once.
:class:`Monitor` measures both while the app is served:

- **GC pauses**: a ``gc.callbacks`` hook times each collection per generation;
- **loop lag**: a task asks to wake every ``tick`` seconds and records how late it woke.

:func:`settle` is the remedy for the collector: after the server has computed something that
it will keep (the precomputed pages, a cache miss), it collects once and then *freezes* every
surviving object (``gc.freeze``), so later full collections no longer walk the warehouse
connection, the metric layer's objects and the cache (about 250 ms per full collection at
1M accounts, measured). Only a served app does this (its lifespan): it owns the process.
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Monitor:
    """GC pauses and event-loop lag since the app started serving."""

    tick: float = 0.05
    gc_count: list[int] = field(default_factory=lambda: [0, 0, 0])
    gc_max_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    gc_total_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    gc_over_100ms: list[int] = field(default_factory=lambda: [0, 0, 0])
    lag_max_ms: float = 0.0
    lag_over_100ms: int = 0
    lag_over_1s: int = 0
    settles: int = 0
    samples: int = 0
    frozen: int = 0
    _started: float = 0.0
    _settling: bool = False
    _task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if self._settling:  # settle's own collection is deliberate, counted apart
            return
        if phase == "start":
            self._started = time.perf_counter()
            return
        gen = int(info.get("generation", 2))
        ms = (time.perf_counter() - self._started) * 1000
        self.gc_count[gen] += 1
        self.gc_total_ms[gen] += ms
        self.gc_max_ms[gen] = max(self.gc_max_ms[gen], ms)
        self.gc_over_100ms[gen] += ms > 100

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            lag = max(0.0, loop.time() - due) * 1000
            self.samples += 1
            self.lag_max_ms = max(self.lag_max_ms, lag)
            self.lag_over_100ms += lag > 100
            self.lag_over_1s += lag > 1000

    def start(self) -> None:
        """Hook the collector and start the lag watch (inside the running event loop)."""
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def stop(self) -> None:
        """Unhook, and hand frozen objects back to the collector (the app stops serving)."""
        gc.unfreeze()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def settle(self) -> None:
        """Collect once, then freeze the survivors out of every later collection."""
        self._settling = True
        try:
            gc.collect()
        finally:
            self._settling = False
        gc.freeze()
        self.frozen = gc.get_freeze_count()
        self.settles += 1

    def report(self) -> dict[str, Any]:
        """The figures ``/api/status`` shows: counters since the app started serving (a
        benchmark takes the difference over its run), milliseconds, per generation 0, 1, 2;
        collections made by :meth:`settle` are counted apart (``settles``)."""
        return {
            "gc_collections": list(self.gc_count),
            "gc_max_ms": [round(v, 1) for v in self.gc_max_ms],
            "gc_total_ms": [round(v, 1) for v in self.gc_total_ms],
            "gc_over_100ms": list(self.gc_over_100ms),
            "gc_frozen_objects": self.frozen,
            "settles": self.settles,
            "loop_lag_max_ms": round(self.lag_max_ms, 1),
            "loop_lag_over_100ms": self.lag_over_100ms,
            "loop_lag_over_1s": self.lag_over_1s,
            "loop_samples": self.samples,
        }

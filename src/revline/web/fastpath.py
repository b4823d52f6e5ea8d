"""Cached answers served as prebuilt bytes, with an ETag (a repeat visit gets ``304``).

A precomputed page costs per request only what cannot be shared: the sign-in check (from
memory, :mod:`revline.web.usercache`) and, for HTML, the frame around the cached content
(navigation, user, CSRF token). The frame is rendered once per (page, filters, user, session
token) and kept in a small LRU of :class:`Prebuilt` answers, so a repeated request is a
dictionary look-up and a write of bytes, on the event loop, without a thread hop.

ETags are the SHA-256 of the bytes (strong validators). Responses carry ``Cache-Control:
private, no-cache``: a browser keeps the page but asks again each time (it holds figures only
this user may see), and the server answers ``304 Not Modified`` without a body when nothing
changed. Bodies over 1 KiB are also compressed once, when built, and sent gzipped to clients
that accept it (pages of 20-150 KB shrink about tenfold: less to write, read and parse per
request). The stylesheet is read once and served from memory the same way.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import Response

K = TypeVar("K")
V = TypeVar("V")

#: Authenticated answers: the browser may keep them but must revalidate (ETag) each time.
PRIVATE = "private, no-cache"
#: Bodies above this many bytes are also kept gzipped (compressed once, when built).
GZIP_MIN = 1024


@dataclass(frozen=True)
class Prebuilt:
    """A response body built once: its bytes (and gzip bytes), media type and ETags."""

    body: bytes
    media_type: str
    etag: str
    cache_control: str = PRIVATE
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, media_type: str, cache_control: str = PRIVATE) -> Prebuilt:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) > GZIP_MIN else None
        if packed is not None and len(packed) >= len(body):
            packed = None
        return cls(body, media_type, etag, cache_control, packed)

    def response(self, request: Request) -> Response:
        """The bytes (gzipped once, if the client takes gzip), or ``304`` if the client
        already holds them (``If-None-Match``). Each encoding has its own ETag."""
        packed = self.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
        etag = self.etag[:-1] + '-gz"' if packed else self.etag
        headers = {"ETag": etag, "Cache-Control": self.cache_control, "Vary": "Accept-Encoding"}
        sent = request.headers.get("if-none-match")
        if sent is not None and etag in (tag.strip() for tag in sent.split(",")):
            return Response(status_code=304, headers=headers)
        if packed:
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def serve_static(app: FastAPI, path: str, file: Path, media_type: str) -> None:
    """Serve ``file`` at ``path`` from memory (read once; an ETag, kept an hour by browsers).

    Register it before the static mount: routes match in order."""
    built = Prebuilt.of(file.read_bytes(), media_type, "public, max-age=3600")

    async def static_file(request: Request) -> Response:
        return built.response(request)

    app.add_api_route(path, static_file, methods=["GET", "HEAD"], include_in_schema=False)

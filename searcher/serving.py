"""Running ``vnsearch serve``: worker processes over one index, and an HTTP server hardened
against slow and idle clients.

    run("index", host="127.0.0.1", port=8000, workers=2, cache_mb=512)

Searching is Python, and one process runs Python on one core at a time: the server is
:func:`default_workers` processes (one per core) that share the listening socket (uvicorn's
supervisor starts them, and restarts one that dies). Each worker opens the index read-only
in an engine of its own, which follows the commits other processes make (see
:meth:`SearchEngine.follow`), with a cache of ``cache_mb`` divided among the workers.

uvicorn's own app factory is :func:`app`, configured through the environment
(:data:`CONFIG_VARIABLE`, set by :func:`run`; else ``VNSEARCH_INDEX``), so another process
manager can run it too: ``VNSEARCH_INDEX=index uvicorn --factory searcher.serving:app``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import h11
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from .engine import SearchEngine
from .server import create_app

__all__ = ["CACHE_MB", "HEADER_SECONDS", "Protocol", "app", "default_workers", "is_loopback", "run"]

CACHE_MB = 512  # what all the workers' caches may hold together, by default
CONFIG_VARIABLE = "VNSEARCH_SERVE"  # run() -> app(): {"index": ..., "workers": ..., "cache_mb": ...}
HEADER_SECONDS = 10  # a request's head must have arrived within this long after the connection opened or the last answer
KEEP_ALIVE_SECONDS = 5  # an idle connection is closed after this long
MAX_HEAD_BYTES = 16 * 1024  # a request head still incomplete after this many bytes is refused (400)


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # (not Linux)
        return max(1, os.cpu_count() or 1)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine: ``127.0.0.1``, ``::1``, ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(
    index: str, host: str = "127.0.0.1", port: int = 8000, *, workers: int | None = None, cache_mb: int = CACHE_MB,
    synonyms: Sequence[str] = (), cluster: bool = False,
) -> None:
    """Serve ``index`` until interrupted; ``synonyms`` are files of synonyms (see :class:`SearchEngine`)."""
    import uvicorn

    workers = workers or default_workers()
    config = {"index": str(index), "workers": workers, "cache_mb": cache_mb, "synonyms": [str(Path(f).resolve()) for f in synonyms],
              **({"cluster": True} if cluster else {})}
    os.environ[CONFIG_VARIABLE] = json.dumps(config)
    uvicorn.run(
        "searcher.serving:app", factory=True, host=host, port=port, workers=workers, http=Protocol,
        timeout_keep_alive=KEEP_ALIVE_SECONDS, h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        log_level="warning", server_header=False,
    )


def app() -> FastAPI:
    """The application of one worker process, as :func:`run` configured it."""
    config: dict[str, Any] = json.loads(os.environ.get(CONFIG_VARIABLE) or "{}")
    index = config.get("index") or os.environ.get("VNSEARCH_INDEX") or "index"
    workers = int(config.get("workers") or 1)
    cache_mb = int(config.get("cache_mb") or CACHE_MB)
    engine: Any
    if config.get("cluster"):  # ``index`` is the cluster's configuration
        from .cluster import ClusterEngine

        engine = ClusterEngine(index, synonyms=config.get("synonyms") or ())
    else:
        engine = SearchEngine(index, cache_bytes=cache_mb * 2**20 // workers, synonyms=config.get("synonyms") or ())
    return create_app(engine, follow=True, workers=workers)


class Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol (h11), with a deadline for each request's head.

    uvicorn closes a connection that stays idle after an answer, but not one that sends
    nothing after it opens, nor one that sends its headers a byte at a time: such a client
    is cut off :data:`HEADER_SECONDS` after the connection opened (or after the last
    answer on it) if its request's head has not arrived by then.
    """

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # asyncio turns Nagle's algorithm off only on sockets it made; with workers the
        # listening socket is uvicorn's, and an answer's head and body, written apart, would
        # wait 40 ms for the client's delayed ACK on a kept-alive connection.
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._start_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head has arrived
            self._stop_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _start_deadline(self) -> None:
        self._stop_deadline()
        self._deadline = self.loop.call_later(HEADER_SECONDS, self._too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

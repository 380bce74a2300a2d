"""``vnsearch serve`` as a process: the workers' cache budget, the timeouts for slow and idle
clients, the settings handed to uvicorn, the warning when binding beyond loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conftest import CORPUS
from searcher import SearchEngine, serving
from searcher.cli import main


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A server on serving.Protocol with a head deadline of 0.5 s and uvicorn's limits as run() sets them."""
    monkeypatch.setattr(serving, "HEADER_SECONDS", 0.5)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = int(probe.getsockname()[1])
    config = uvicorn.Config(hello, host="127.0.0.1", port=free, http=serving.Protocol, log_level="warning", lifespan="off",
                            timeout_keep_alive=serving.KEEP_ALIVE_SECONDS, h11_max_incomplete_event_size=serving.MAX_HEAD_BYTES)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield free
    server.should_exit = True
    thread.join(10)


def closed_after(connection: socket.socket, limit: float = 5) -> float:
    """Seconds until the server closes ``connection`` (what it answered before is read and dropped)."""
    started = time.monotonic()
    connection.settimeout(limit)
    while connection.recv(65536):
        pass
    return time.monotonic() - started


def test_a_client_that_sends_nothing_is_cut_off_after_the_head_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as connection:
        assert 0.4 <= closed_after(connection) < 2


def test_a_client_that_sends_its_head_slowly_is_cut_off(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as connection:
        started = time.monotonic()
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\n":
            connection.sendall(bytes([byte]))
            time.sleep(0.01)
        # (the slow bytes took about 0.25 s of the 0.5 s)
        assert time.monotonic() - started + closed_after(connection) < 2


def test_an_answered_connection_left_idle_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.settimeout(5)
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
        assert closed_after(connection) < 2  # the head deadline again, before keep-alive's 5 s


def test_a_head_still_incomplete_past_the_limit_is_refused(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET /?q=" + b"a" * (serving.MAX_HEAD_BYTES + 1))
        time.sleep(0.1)
        connection.sendall(b" HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.settimeout(5)
        assert connection.recv(65536).startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_run_hands_uvicorn_the_workers_and_the_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    monkeypatch.delenv(serving.CONFIG_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    serving.run("some/index", "127.0.0.1", 8123, workers=3, cache_mb=300, synonyms=["mine.txt"])
    assert calls == [{
        "app": "searcher.serving:app", "factory": True, "host": "127.0.0.1", "port": 8123, "workers": 3,
        "http": serving.Protocol, "timeout_keep_alive": 5, "h11_max_incomplete_event_size": 16 * 1024,
        "log_level": "warning", "server_header": False,
    }]
    assert json.loads(serving.os.environ[serving.CONFIG_VARIABLE]) == {
        "index": "some/index", "workers": 3, "cache_mb": 300, "synonyms": [str(tmp_path / "mine.txt")],  # workers may start elsewhere
    }


def test_each_worker_gets_its_share_of_the_cache_budget(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(serving.CONFIG_VARIABLE, json.dumps({"index": corpus_engine.path, "workers": 2, "cache_mb": 100}))
    health = TestClient(serving.app()).get("/healthz").json()
    assert (health["documents"], health["workers"]) == (len(CORPUS), 2)
    assert health["cache"]["budget_mb"] == 50 and health["cache"]["server_budget_mb"] == 100


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("::1", False), ("localhost", False),
                                              ("0.0.0.0", True), ("192.168.1.5", True), ("::", True)])
def test_serve_warns_in_one_line_when_it_listens_beyond_loopback(
    corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, host: str, warned: bool
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serving, "run", lambda *args, **options: calls.append((*args, options)))
    result = CliRunner().invoke(main, ["serve", "--index", corpus_engine.path, "--host", host, "--workers", "2",
                                       "--cache-mb", "256"], catch_exceptions=False)
    assert result.exit_code == 0
    warning = (f"Warning: --host {host} lets any machine that can reach this one search the index, without a password or "
               "encryption: use 127.0.0.1 behind a reverse proxy (see the README) unless that is what you want.\n")
    assert result.stderr.startswith(warning) == warned
    assert result.stderr.endswith("with 2 workers and 256 MB of cache (Ctrl+C to stop)\n")
    assert calls == [(corpus_engine.path, host, 8000, {"workers": 2, "cache_mb": 256, "synonyms": ()})]

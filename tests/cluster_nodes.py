"""Real ``searchd`` nodes for the cluster tests: written by ``vnsearch cluster config`` into a
temporary folder, on free loopback ports, started here and stopped at the end.

Without Sphinx (``apt-get install sphinxsearch``) the cluster tests are skipped, unless
VNSEARCH_CLUSTER=required (as CI sets it), where that is an error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from searcher.cluster.config import ClusterConfig, Node, write_cluster

SEARCHD = shutil.which("searchd") or "/usr/bin/searchd"


def need_searchd() -> None:
    if not os.path.exists(SEARCHD):
        message = "needs Sphinx's searchd (apt-get install sphinxsearch)"
        if os.environ.get("VNSEARCH_CLUSTER") == "required":
            pytest.fail(message + ": VNSEARCH_CLUSTER=required")
        pytest.skip(message)


def free_ports(count: int) -> list[int]:
    """Ports free on loopback now (held open together, so they differ)."""
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start(config: ClusterConfig, node: Node) -> None:
    """Start ``node``'s searchd and wait until its SphinxQL port answers."""
    conf = config.folder / node.folder / "searchd.conf"
    done = subprocess.run([SEARCHD, "--config", str(conf)], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"searchd for {node.name} did not start: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((node.host, node.port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"searchd for {node.name} did not listen on {node.address}")


def pid(config: ClusterConfig, node: Node) -> int | None:
    path = config.folder / node.folder / "data" / "searchd.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def stop(config: ClusterConfig, node: Node, sig: int = signal.SIGTERM) -> None:
    """Stop ``node``'s searchd (``SIGKILL``: as a crash) and wait until it is gone."""
    number = pid(config, node)
    if number is None:
        return
    try:
        os.kill(number, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(number, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(number, signal.SIGKILL)


@contextmanager
def running_cluster(folder: Path, nodes: int) -> Iterator[ClusterConfig]:
    need_searchd()
    ports = free_ports(2 * nodes)
    config = write_cluster(folder, nodes, ports=[(ports[2 * i], ports[2 * i + 1]) for i in range(nodes)])
    try:
        for node in config.nodes:
            start(config, node)
        yield config
    finally:
        for node in config.nodes:
            stop(config, node)

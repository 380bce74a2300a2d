"""Two versions of ``searcher`` side by side, for the comparing benchmarks
(``bench/compare_indexing.py``, ``bench/compare_latency.py``, ``bench/compare_merging.py``):
a git ref exported, the working tree copied, and child processes that import the version they
are given, whatever folder they run from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def short_commit(ref: str) -> str:
    """``ref``'s abbreviated commit in this repository."""
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True, check=True).stdout.strip()


def export(ref: str, into: Path) -> Path:
    """The ``searcher`` package of ``ref`` written into ``into`` (created); returns ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "searcher"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def snapshot(into: Path) -> Path:
    """This working tree's ``searcher`` copied into ``into``: what a run measures stays the same
    if the tree changes while it runs."""
    shutil.copytree(ROOT / "searcher", into / "searcher", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def child_env(code: Path, cwd: Path) -> dict[str, str]:
    """The environment of a child process that imports the ``searcher`` in ``code``, checked from
    ``cwd`` (run children outside any checkout: one started in a checkout imports that one)."""
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    check = subprocess.run([sys.executable, "-c", "import searcher; print(searcher.__file__)"],
                           env=env, capture_output=True, text=True, check=True, cwd=cwd)
    assert check.stdout.strip().startswith(str(code)), check.stdout
    return env

"""The words of a cluster and their counts, kept beside its configuration (``vocabulary.sqlite``).

Query understanding (readings of unaccented words, typos, keystrokes, abbreviations) needs
every spelling the index has of a folded word and how many articles use it
(:class:`searcher.vocabulary.Vocabulary`). Sphinx can count a given keyword (``CALL
KEYWORDS``) but cannot list the spellings that fold to one, so ingest keeps each field's
terms with their document counts here, with the counts BM25 needs (documents, total
lengths) and the near-duplicate signatures, in one SQLite transaction per batch written.
Searches load it into memory, and again when another process has written to it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .. import schema as s
from ..analysis import fold_term
from ..duplicates import Grouping
from ..reader import Cache

__all__ = ["Store", "Vocabulary"]

T = TypeVar("T")
CHECK_SECONDS = 0.5  # how often a searching process looks for a newer vocabulary
FIELDS = (s.TITLE, s.BODY)

SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (field TEXT NOT NULL, term TEXT NOT NULL, docs INTEGER NOT NULL, PRIMARY KEY (field, term)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats (name TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signatures (id TEXT PRIMARY KEY, signature BLOB NOT NULL, grp INTEGER NOT NULL) WITHOUT ROWID;
"""


class Store:
    """The vocabulary file: read and changed by ingest, read by searches."""

    def __init__(self, path: Path):
        self.path = path

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        return connection

    def grouping(self) -> Grouping:
        """The near-duplicate groups of the articles in the cluster."""
        grouping = Grouping()
        with self.connect() as connection:
            for _, sig, group in connection.execute("SELECT id, signature, grp FROM signatures"):
                grouping.add("", np.frombuffer(sig, dtype=np.uint32), int(group))
        return grouping

    def change(self, added: Iterable[tuple[str, dict[str, Iterable[str]], dict[str, float], bytes, int]],
               removed: Iterable[tuple[str, dict[str, Iterable[str]], dict[str, float]]]) -> None:
        """One batch written to the cluster: articles ``added`` (id, each field's terms, each
        field's length, signature, group) and the earlier versions ``removed`` (id, terms, lengths)."""
        deltas: Counter[tuple[str, str]] = Counter()
        stats: Counter[str] = Counter()
        signatures = []
        gone = []
        for doc_id, terms, lengths in removed:
            for field, found in terms.items():
                deltas.update({(field, t): -1 for t in found})
            stats.update({f"length:{f}": -v for f, v in lengths.items()})
            stats["documents"] -= 1
            gone.append((doc_id,))
        for doc_id, terms, lengths, sig, group in added:
            for field, found in terms.items():
                deltas.update({(field, t): 1 for t in found})
            stats.update({f"length:{f}": v for f, v in lengths.items()})
            stats["documents"] += 1
            signatures.append((doc_id, sig, group))
        stats["generation"] = 1
        connection = self.connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO terms VALUES (?, ?, ?) ON CONFLICT(field, term) DO UPDATE SET docs = docs + excluded.docs",
                [(f, t, d) for (f, t), d in deltas.items() if d],
            )
            connection.execute("DELETE FROM terms WHERE docs <= 0")
            connection.executemany(
                "INSERT INTO stats VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value", list(stats.items())
            )
            connection.executemany("DELETE FROM signatures WHERE id = ?", gone)
            connection.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", signatures)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    def generation(self) -> int:
        if not self.path.exists():
            return 0
        with self.connect() as connection:
            row = connection.execute("SELECT value FROM stats WHERE name = 'generation'").fetchone()
        return int(row[0]) if row else 0


class Vocabulary:
    """The cluster's words in memory: :class:`searcher.vocabulary.Vocabulary` for query
    understanding; ``documents_with`` asks the cluster itself (``count_all``)."""

    def __init__(self, store: Store, count_all: Callable[[Sequence[Sequence[str]]], int], cache_bytes: int = 256 * 2**20):
        self.store = store
        self._count_all = count_all
        self._cache = Cache(cache_bytes)
        self._lock = threading.Lock()
        self._checked = 0.0
        self.generation = -1
        self.count = 0
        self.lengths: dict[str, float] = {}
        self._frequencies: dict[str, dict[str, int]] = {}
        self._folded: dict[str, dict[str, tuple[str, ...]]] = {}

    def refresh(self, force: bool = False) -> None:
        """Load the vocabulary again if another process changed it (looked at every half second)."""
        now = time.monotonic()
        if not force and now - self._checked < CHECK_SECONDS:
            return
        with self._lock:
            self._checked = now
            generation = self.store.generation()
            if generation == self.generation and not force:
                return
            frequencies: dict[str, dict[str, int]] = {f: {} for f in FIELDS}
            stats: dict[str, float] = {}
            if self.store.path.exists():
                with self.store.connect() as connection:
                    for field, term, docs in connection.execute("SELECT field, term, docs FROM terms"):
                        frequencies.setdefault(field, {})[term] = int(docs)
                    stats = dict(connection.execute("SELECT name, value FROM stats").fetchall())
            folded: dict[str, dict[str, tuple[str, ...]]] = {}
            for field, terms in frequencies.items():
                spellings: dict[str, list[str]] = {}
                for term in sorted(terms):
                    spellings.setdefault(fold_term(term), []).append(term)
                folded[field] = {word: tuple(found) for word, found in spellings.items()}
            self._frequencies, self._folded = frequencies, folded
            self.count = int(stats.get("documents", 0))
            self.lengths = {f: stats.get(f"length:{f}", 0.0) for f in FIELDS}
            self._cache = Cache(self._cache.budget)
            self.generation = generation

    def average_length(self, field: str) -> float:
        return self.lengths.get(field, 0.0) / self.count if self.count else 1.0

    # -- searcher.vocabulary.Vocabulary -------------------------------------------------------

    def doc_frequency(self, field: str, term: str) -> int:
        return self._frequencies.get(field, {}).get(term, 0)

    def spellings(self, field: str, folded: str) -> tuple[str, ...]:
        return self._folded.get(field, {}).get(folded, ())

    def best_counts(self, fields: tuple[str, ...]) -> dict[str, int]:
        def make() -> dict[str, int]:
            counts: dict[str, int] = {}
            for field in fields:
                for term, frequency in self._frequencies.get(field, {}).items():
                    if frequency > counts.get(term, 0):
                        counts[term] = frequency
            return counts

        return self.cached(("best-counts", fields), make)

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        return self._cache.get(key, compute)

    def documents_with(self, words: Sequence[Sequence[str]]) -> int:
        if not words or any(not spellings for spellings in words):
            return 0
        key = ("with", tuple(tuple(w) for w in words))
        return self.cached(key, lambda: self._count_all(words))

    def terms(self) -> dict[str, Any]:
        """Each field's terms and counts (for tests and ``info``)."""
        return {f: dict(t) for f, t in self._frequencies.items()}

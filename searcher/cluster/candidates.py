"""The best candidates of a query, fetched from the cluster, as the arrays vnsearch ranks.

The shards find and pre-rank the matches; the best few hundred come back with the
positions of the query's words (every spelling of each) in their title and body (JSON attributes written at
ingest, so Sphinx sends only the terms asked for). :class:`Candidates` presents them with
the interface :func:`searcher.matching.rank` reads an index through (postings, positions,
lengths) and the cluster's vocabulary for everything global (document frequencies,
spellings, document count, average lengths), so the candidates are ranked by vnsearch's
own scoring: BM25 with the readings' weights, coverage, proximity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import numpy as np

from .. import schema as s
from ..analysis import fold_term
from ..reader import EMPTY, Postings
from .ingest import position_key
from .vocabulary import Vocabulary

__all__ = ["Candidates"]

T = TypeVar("T")
POSITIONS = {s.TITLE: "title_positions", s.BODY: "body_positions"}
LOCAL = {"word"}  # matching's cache keys that depend on the candidates (the rest is the vocabulary's)

Fetch = Callable[[Sequence[int], Sequence[tuple[str, str]]], dict[tuple[str, str], list[Any]]]


class Candidates:
    """A query's candidates, numbered 0 … size-1 in the order the cluster ranked them."""

    def __init__(self, vocabulary: Vocabulary, rows: Sequence[dict[Any, Any]], columns: Sequence[tuple[str, str]], fetch: Fetch):
        """``rows``: the candidates' attributes, with the positions of ``columns`` ((field,
        folded word) pairs: each a JSON object of the word's spellings) in their keys; ``fetch``
        brings those of other folded words when asked."""
        self.vocabulary = vocabulary
        self.rows = rows
        self.size = len(rows)
        self.count = vocabulary.count
        self.keys = [int(r["id"]) for r in rows]
        self.live = np.ones(self.size, dtype=bool)
        self._fetch = fetch
        self._raw: dict[tuple[str, str], list[Any]] = {c: [r.get(c) for r in rows] for c in columns}
        self._spellings: dict[tuple[str, str], list[tuple[int, dict[str, list[int]]]]] = {}
        self._found: dict[tuple[str, str], tuple[Postings, np.ndarray]] = {}
        self._local: dict[Hashable, Any] = {}
        self._lengths = {f: np.array([r[f + "_length"] for r in rows], dtype=np.float32) for f in POSITIONS}

    # -- what matching reads ---------------------------------------------------------------

    def _read(self, field: str, term: str) -> tuple[Postings, np.ndarray]:
        """``term``'s postings in ``field`` and its sorted ``doc << 32 | position`` keys (the
        candidates are read in order, each one's positions in order)."""
        if (field, term) not in self._found:
            folded = fold_term(term)
            if (field, folded) not in self._spellings:
                if (field, folded) not in self._raw:
                    self._raw.update(self._fetch(self.keys, [(field, folded)]))
                self._spellings[field, folded] = [(doc, json.loads(raw)) for doc, raw in enumerate(self._raw.pop((field, folded))) if raw]
            key = position_key(term)
            docs: list[int] = []
            frequencies: list[int] = []
            keys: list[int] = []
            for doc, spellings in self._spellings[field, folded]:
                found = spellings.get(key)
                if found:
                    docs.append(doc)
                    frequencies.append(len(found))
                    base = doc << 32
                    keys += [base + position for position in found]
            postings = Postings(np.array(docs, dtype=np.int32), np.array(frequencies, dtype=np.float32))
            self._found[field, term] = (postings, np.array(keys, dtype=np.int64) if keys else EMPTY)
        return self._found[field, term]

    def postings(self, field: str, term: str) -> Postings:
        return self._read(field, term)[0]

    def positions(self, field: str, term: str, among: np.ndarray | None = None) -> np.ndarray:
        return self._read(field, term)[1] if among is None else self.positions_of(field, [term], among)[0]

    def positions_of(self, field: str, terms: Sequence[str], among: np.ndarray) -> list[np.ndarray]:
        inside = np.zeros(self.size, dtype=bool)
        inside[among] = True
        return [keys[inside[keys >> 32]] for keys in (self._read(field, term)[1] for term in terms)]

    def lengths(self, field: str) -> np.ndarray:
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        return self.vocabulary.average_length(field)

    def doc_frequency(self, field: str, term: str) -> int:
        return self.vocabulary.doc_frequency(field, term)

    def spellings(self, field: str, folded: str) -> tuple[str, ...]:
        return self.vocabulary.spellings(field, folded)

    def best_counts(self, fields: tuple[str, ...]) -> dict[str, int]:
        return self.vocabulary.best_counts(fields)

    def documents_with(self, words: Sequence[Sequence[str]]) -> int:
        return self.vocabulary.documents_with(words)

    def having_any(self, spellings: Sequence[str], found: np.ndarray) -> int:
        """``found`` holds only the candidates: the cluster counts the documents with one of ``spellings``."""
        return self.vocabulary.documents_with([tuple(spellings)])

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        if key and key[0] in LOCAL:
            if key not in self._local:
                self._local[key] = compute()
            return self._local[key]
        return self.vocabulary.cached(key, compute)

    def peek(self, key: tuple[Hashable, ...]) -> Any:
        return self._local.get(key) if key and key[0] in LOCAL else None

    def dates(self) -> np.ndarray:
        return np.array([r["published"] for r in self.rows], dtype=np.int64)

    def ids(self, docs: np.ndarray) -> list[str]:
        return [self.rows[int(d)]["doc_id"] for d in docs]

    def groups(self) -> np.ndarray:
        return np.array([r["grp"] for r in self.rows], dtype=np.uint64)

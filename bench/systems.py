"""The systems the relevance benchmark compares, behind one small interface.

Each system prepares itself over a set of documents (``prepare``: index them, or load what
it cached) and answers a query with the ids of its top hits (``search``):

* ``vnsearch``: the project's public API, ``SearchEngine.add_documents`` and ``search``;
* ``bm25-syllables-folded``: BM25 over syllables lower-cased and stripped of diacritics, the
  usual "ASCII folding" setup (Tantivy's simple tokenizer + lowercase + ascii_fold);
* ``bm25-syllables-accented``: the same, keeping the diacritics: a query typed without them
  finds only words written without them;
* ``bm25-words-accented``, ``bm25-words-folded``: BM25 over pyvi's words (``công_đoàn``),
  lower-cased, without and with folding; documents and queries segmented the same way.

BM25 is bm25s with Lucene's idf (as Lucene and Tantivy score), k1 and b per set. Each field
is scored on its own and the scores are summed with the field's weight (title 2, body 1), as
Tantivy scores a query over two fields with a boost on one; ties go to the document read
first. Syllables are runs of letters and digits, as Tantivy's simple tokenizer finds them.

What is slow to make is cached outside the repository (``cache_dir``), named after the
documents' :meth:`Documents.cache_key` (their source file's size and time): vnsearch's index,
keyed also by its schema and analyzer versions, and the documents segmented by pyvi. Ranking
changes need no rebuild; indexing changes that keep the versions do (delete the entries, as
``relevance.py --rebuild`` does).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engines import Record  # noqa: E402
from engines import Vnsearch as VnsearchEngine  # noqa: E402

_SYLLABLE = re.compile(r"[^\W_]+")


@dataclass(frozen=True, eq=False)  # hashed by identity, for the cache of terms
class Documents:
    """What the systems index: one set's records, read from ``source``."""

    name: str
    records: Sequence[Record]
    source: Path
    fields: Mapping[str, float]  # record key -> weight in the baselines' score
    k1: float
    b: float

    def cache_key(self) -> str:
        stat = self.source.stat()
        return f"{self.name}-{stat.st_size}-{stat.st_mtime_ns}"


class System(Protocol):
    name: str

    def prepare(self, documents: Documents, cache_dir: Path) -> str:
        """Index ``documents``, or load what ``cache_dir`` has; says which it did."""
        ...

    def search(self, query: str, k: int = 10) -> list[str]: ...


class Vnsearch:
    name = "vnsearch"

    def prepare(self, documents: Documents, cache_dir: Path) -> str:
        from searcher.schema import ANALYZER_VERSION, SCHEMA_VERSION

        path = cache_dir / f"vnsearch-schema{SCHEMA_VERSION}-analyzer{ANALYZER_VERSION}-{documents.cache_key()}"
        built = not path.exists()
        if built:
            partial = path.with_name(path.name + ".partial")  # never mistaken for a whole index
            shutil.rmtree(partial, ignore_errors=True)
            VnsearchEngine().build(documents.records, partial)
            partial.rename(path)
        self.engine = VnsearchEngine()
        self.engine.open(path)  # lazily: the first queries read the postings
        return "index built" if built else "index from the cache"

    def search(self, query: str, k: int = 10) -> list[str]:
        return self.engine.search(query, k)

    def forget_results(self) -> int:
        """Drop the answers the engine keeps per request (whatever the ranking parameters),
        keeping what it read from the index; says how many it dropped. Nothing public does it, so
        this reaches into the engine's cache: bench/tune.py checks what it chose on a new engine."""
        cache = self.engine.engine._cache
        with cache._lock:
            kept = [key for key in cache._entries if isinstance(key, tuple) and key[1:2] == ("results",)]
            for key in kept:
                cache.used -= cache._entries.pop(key)[1]
        return len(kept)


# -- BM25 baselines --------------------------------------------------------------------------


def syllables(text: str) -> list[str]:
    """``Giá xăng RON95 tăng`` -> ``giá xăng ron95 tăng``."""
    from searcher.normalize import nfc

    return [sys.intern(token) for token in _SYLLABLE.findall(nfc(text).lower())]


def words(text: str) -> list[str]:
    """pyvi's words, lower-cased: ``Công đoàn viên chức tỉnh`` -> ``công_đoàn_viên_chức tỉnh``."""
    from searcher.analysis import words as segmented

    return [sys.intern("_".join(s for s, _, _ in word).lower()) for word in segmented(text)]


@cache
def fold_term(term: str) -> str:
    """``công_đoàn`` -> ``cong_doan`` (unidecode, as :func:`searcher.normalize.fold`)."""
    from searcher.normalize import fold

    return "".join(fold(term).split()).lower()


def _words_path(documents: Documents, cache_dir: Path) -> Path:
    from searcher.schema import ANALYZER_VERSION

    return cache_dir / f"words-analyzer{ANALYZER_VERSION}-{documents.cache_key()}.jsonl.gz"


@cache
def terms(documents: Documents, unit: str, cache_dir: Path) -> dict[str, list[list[str]]]:
    """Each field's terms, per document (made once for all the systems that use them; words
    are read from the cache when they are there). ``terms.cache_clear()`` frees them."""
    if unit == "syllables":
        return {field: [syllables(r[field]) for r in documents.records] for field in documents.fields}
    path = _words_path(documents, cache_dir)
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            for record in documents.records:
                out.write(json.dumps({f: " ".join(words(record[f])) for f in documents.fields}, ensure_ascii=False) + "\n")
        partial.rename(path)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return {f: [[sys.intern(w) for w in row[f].split()] for row in rows] for f in documents.fields}


class BM25:
    def __init__(self, unit: str, folded: bool):
        self.unit, self.folded = unit, folded
        self.name = f"bm25-{unit}-{'folded' if folded else 'accented'}"

    def analyze(self, text: str) -> list[str]:
        found = syllables(text) if self.unit == "syllables" else words(text)
        return [fold_term(t) for t in found] if self.folded else found

    def prepare(self, documents: Documents, cache_dir: Path) -> str:
        import bm25s

        segmented = self.unit == "words" and not _words_path(documents, cache_dir).exists()
        made = terms(documents, self.unit, cache_dir)
        self.ids = [r["id"] for r in documents.records]
        self.fields = []
        for field, weight in documents.fields.items():
            corpus = [[fold_term(t) for t in doc] for doc in made[field]] if self.folded else made[field]
            model = bm25s.BM25(k1=documents.k1, b=documents.b, method="lucene", dtype="float64")
            model.index(corpus, show_progress=False)
            self.fields.append((weight, model))
        if self.unit == "syllables":
            return "indexed in memory"
        return f"indexed in memory, {'documents segmented now' if segmented else 'segmented documents from the cache'}"

    def search(self, query: str, k: int = 10) -> list[str]:
        asked = self.analyze(query)
        scores = np.zeros(len(self.ids))
        for weight, model in self.fields:
            ids = model.get_tokens_ids(asked)
            if ids:
                scores += weight * model.get_scores(ids)
        best = np.argsort(-scores, kind="stable")[:k]  # stable: ties in the documents' order
        return [self.ids[i] for i in best if scores[i] > 0]


def systems() -> dict[str, System]:
    found: list[System] = [Vnsearch()] + [BM25(unit, folded) for unit in ("syllables", "words") for folded in (True, False)]
    return {s.name: s for s in found}

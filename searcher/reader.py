"""The open index as arrays: postings (frequencies), positions, per-document columns.

A :class:`Reader` is one committed state of the index. Each segment is read from its search
store (:mod:`searcher.store`: memory-mapped arrays, a term's postings two slices), and what is
decoded from a store (a segment's vocabulary) is kept in a :class:`Cache` that outlives the
reader: entries are keyed by segment, and segments never change once written (a commit adds
segments, merges some away, or marks documents deleted), so after a commit a new reader
decodes only the new segments. What combines every segment (a term's postings, the merged
vocabulary) is kept per reader; a reader opened after another (``previous``) merges the
previous vocabulary with the new segments' only, as Lucene's per-segment readers do.

A reader may be used by several threads at once: the stores are read without a lock; Whoosh's
own files (stored articles, deletions) are read by seeking then reading, so those reads take
the reader's lock.

Document numbers are the reader's: a segment's documents start at its ``offset``. Deleted
documents are still in postings; :attr:`Reader.live` tells them apart.

    >>> Cache(budget=1000).budget
    1000
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from . import codec, store
from . import schema as s
from .analysis import fold_term
from .normalize import accented_forms

__all__ = ["CACHE_BYTES", "Cache", "Postings", "Reader"]

CACHE_BYTES = 512 * 2**20  # default budget of a cache
LOG = logging.getLogger("vnsearch")
WHERE_TERMS = 200_000  # terms whose place in each segment a reader remembers
EMPTY = np.zeros(0, dtype=np.int64)

T = TypeVar("T")


@dataclass(frozen=True)
class Postings:
    """One term's documents in one field (ascending, deleted ones included) and its frequency in each."""

    docs: np.ndarray  # int32
    frequencies: np.ndarray  # float32

    @property
    def size(self) -> int:
        return int(self.docs.size)


class Cache:
    """Values read from the index, least recently used out first, within ``budget`` bytes.

    Thread-safe; shared by the readers of successive commits of one index.
    """

    def __init__(self, budget: int = CACHE_BYTES):
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any:
        """The value kept under ``key``, or None (not loaded, not counted as a use)."""
        with self._lock:
            entry = self._entries.get(key)
        return entry[0] if entry is not None else None

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``load()``, kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
        value = load()
        size = _nbytes(value)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self.used += size
            while self.used > self.budget and len(self._entries) > 1:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.used -= evicted
        return value

    def retain(self, segments: set[str]) -> None:
        """Forget what was read from segments other than ``segments`` (merged away), and what
        readers other than those named there computed (see :attr:`Reader.scopes`)."""
        with self._lock:
            for key in [k for k in self._entries if isinstance(k, tuple) and k[0] not in segments]:
                self.used -= self._entries.pop(key)[1]

    def __len__(self) -> int:
        return len(self._entries)


def _sampled(count: int, items: Iterable[Any], per_item: int = 1, sample: int = 128) -> int:
    """The size of ``count`` items (``per_item`` values each), from the first few: a large
    container (a vocabulary) is not walked whole each time it is cached."""
    first = list(itertools.islice(items, sample * per_item))
    if not first:
        return 0
    return int(sum(_nbytes(v) for v in first) * count * per_item / len(first))


def _nbytes(value: Any) -> int:
    """About how much memory ``value`` holds."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 100
    if dataclasses.is_dataclass(value):
        return 100 + sum(_nbytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return 64 + _sampled(len(value), value)
    if isinstance(value, dict):
        return 64 + _sampled(len(value), itertools.chain.from_iterable(value.items()), 2)
    if isinstance(value, str):
        return sys.getsizeof(value)
    return 100


class Reader:
    """One committed state of the index, read through ``cache``; what combines every segment
    is derived from ``previous`` (the reader of an earlier commit, same cache) where it can be.

    Each segment is read from its store (:mod:`searcher.store`); a segment whose store is
    missing, outdated or damaged has it built when the reader opens, with one warning
    (``progress`` is called with the documents done and to do)."""

    def __init__(self, whoosh_reader: Any, cache: Cache | None = None, previous: Reader | None = None,
                 progress: store.Progress | None = None):
        self.whoosh = whoosh_reader
        self.cache = cache if cache is not None else Cache()
        self._io = threading.RLock()  # Whoosh reads its files by seek-then-read: one thread at a time
        with self._io:
            self.segments = codec.segments(whoosh_reader)
            self.count = int(whoosh_reader.doc_count())  # live documents
            self.generation = int(whoosh_reader.generation() or 0)  # the commit's number
        self.size = sum(segment.size for segment in self.segments)  # document numbers in use
        self._offsets = np.array([seg.offset for seg in self.segments], dtype=np.int64)
        self._memo: dict[Hashable, Any] = {}  # per-document arrays of this reader
        self._where: dict[tuple[str, str], tuple[list[tuple[int, int]], np.ndarray]] = {}  # where each term looked up is (see _place)
        self._local = threading.local()  # each thread's last mask of documents (see _inside)
        # What combines every segment is cached under this reader's token: a new reader drops it.
        self.token = "reader:" + ",".join(f"{seg.id}-{seg.deletions}" for seg in self.segments)
        self.previous = previous if previous is not None and previous.cache is self.cache else None
        self._before: dict[str, int] = {}  # where the previous reader's segments started
        if self.previous is not None:
            self._before = {seg.id: seg.offset for seg in self.previous.segments}
        else:
            self.cache.retain(self.scopes)
        self.stores = self._open_stores(progress)

    def _open_stores(self, progress: store.Progress | None) -> list[store.SegmentStore]:
        opened: dict[str, store.SegmentStore] = {}
        missing: list[tuple[codec.Segment, str]] = []
        for seg in self.segments:
            found = self.cache.peek((seg.id, "store"))
            if found is None and seg.folder is not None:
                try:
                    found = store.open_store(seg.folder, seg.id, seg.size)
                except store.StoreError as why:
                    missing.append((seg, str(why)))
            elif found is None:
                missing.append((seg, "not written (an index in memory)"))
            if found is not None:
                opened[seg.id] = found
        if missing:
            total = sum(seg.size for seg, _ in missing)
            LOG.warning("vnsearch: preparing %d segment(s) of the index for search (%s articles; %s), once",
                        len(missing), f"{total:,}", missing[0][1])
            done = 0
            for seg, _ in missing:
                with self._io:
                    opened[seg.id] = store.load(seg.folder, seg.leaf, seg.id, seg.size) if seg.folder else (
                        store.SegmentStore(seg.id, seg.size, store.build(seg.leaf)))
                done += seg.size
                if progress is not None:
                    progress(done, total)
        return [self.cache.get((seg.id, "store"), lambda seg=seg: opened[seg.id]) for seg in self.segments]  # type: ignore[misc]

    @property
    def scopes(self) -> set[str]:
        """What this reader's cache entries are keyed by: its segments and its token."""
        return {segment.id for segment in self.segments} | {self.token}

    def forget_previous(self) -> None:
        """Stop deriving from the previous reader (it is no longer served)."""
        self.previous = None

    def prepare(self) -> None:
        """Read what any search may need (the vocabularies, the per-document arrays) before one waits for it."""
        for field in (s.TITLE, s.BODY):
            self.vocabulary(field)
            self.average_length(field)
        self.years()
        self.groups()
        self.sources()
        self.ids(np.zeros(min(self.size, 1), dtype=np.int64))

    def _per_segment(self, kind: str, key: Hashable, read: Callable[[codec.Segment], T]) -> list[T]:
        def load(seg: codec.Segment) -> T:
            with self._io:
                return read(seg)

        return [self.cache.get((seg.id, kind, key), lambda seg=seg: load(seg)) for seg in self.segments]  # type: ignore[misc]

    def _once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A per-document array (a fixed few per reader)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """A value computed from the whole of this reader (per term, per query), in the cache."""
        return self.cache.get((self.token, *key), compute)

    def peek(self, key: tuple[Hashable, ...]) -> Any:
        """The value :meth:`cached` keeps under ``key``, if it is in the cache (else None)."""
        return self.cache.peek((self.token, *key))

    # -- per term -------------------------------------------------------------------------------

    def _segment_terms(self, field: str) -> list[tuple[list[str], np.ndarray]]:
        """Each segment's terms of ``field`` (sorted) and their document frequencies, kept per
        segment (and by this reader: every search needs them)."""
        def read(i: int) -> tuple[list[str], np.ndarray]:
            field_store = self.stores[i].fields.get(field)
            if field_store is None:
                return [], EMPTY
            return field_store.terms(), field_store.df.astype(np.int64)

        return self._once(("terms", field), lambda: [
            self.cache.get((seg.id, "t", field), lambda i=i: read(i)) for i, seg in enumerate(self.segments)  # type: ignore[misc]
        ])

    def _found(self, field: str, term: str) -> list[tuple[int, int]]:
        """Each segment (its number) that has ``term`` in ``field``, and the term's number there."""
        return self._place(field, term)[0]

    def _place(self, field: str, term: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """:meth:`_found`, and where each of those segments' postings start in the term's
        postings over all segments (:meth:`postings`), then their end."""
        key = (field, term)
        place = self._where.get(key)
        if place is None:
            found = []
            for i, (terms, _) in enumerate(self._segment_terms(field)):
                at = bisect.bisect_left(terms, term)
                if at < len(terms) and terms[at] == term:
                    found.append((i, at))
            counts = [self.stores[i].fields[field].count(t) for i, t in found]
            place = found, np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
            if len(self._where) > WHERE_TERMS:
                self._where.clear()
            self._where[key] = place
        return place

    def postings(self, field: str, term: str) -> Postings:
        """``term`` (spelled as indexed: ``đoàn``) in ``field``."""
        return self.cached(("p", field, term), lambda: self._read_postings(field, term))

    def _read_postings(self, field: str, term: str) -> Postings:
        docs, frequencies = [], []
        for i, t in self._found(field, term):
            d, f = self.stores[i].fields[field].postings(t)
            docs.append(d + np.int32(self.segments[i].offset))
            frequencies.append(f)
        if not docs:
            return Postings(EMPTY.astype(np.int32), np.zeros(0, dtype=np.float32))
        return Postings(np.concatenate(docs).astype(np.int32, copy=False), np.concatenate(frequencies).astype(np.float32))

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents with ``term`` in ``field`` (deleted ones included, as BM25 statistics go)."""
        parts = self._segment_terms(field)
        return sum(int(parts[i][1][t]) for i, t in self._found(field, term))

    def positions(self, field: str, term: str, among: np.ndarray | None = None) -> np.ndarray:
        """Sorted keys ``doc << 32 | position`` of ``term`` in ``field``; only in ``among``
        (sorted docnums) when given."""
        if among is not None:
            return self.positions_of(field, [term], among)[0]
        parts = [self.stores[i].fields[field].keys(t) + (self.segments[i].offset << 32) for i, t in self._found(field, term)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else EMPTY

    def positions_of(self, field: str, terms: Sequence[str], among: np.ndarray) -> list[np.ndarray]:
        """:meth:`positions` of each of ``terms`` in the sorted docnums ``among``, the
        positions of each segment gathered at once (a pasted question's words have hundreds
        of spellings, each in several segments)."""
        inside = self._inside(among)
        blocks: dict[int, list[tuple[int, int, np.ndarray]]] = {}  # segment -> (which term, its number there, its postings chosen)
        for k, term in enumerate(terms):
            found, starts = self._place(field, term)
            if not found:
                continue
            chosen = np.flatnonzero(inside[self.postings(field, term).docs])
            cuts = np.searchsorted(chosen, starts).tolist()
            for j, (i, t) in enumerate(found):
                if cuts[j] < cuts[j + 1]:
                    blocks.setdefault(i, []).append((k, t, chosen[cuts[j] : cuts[j + 1]] - starts[j]))
        parts: list[list[np.ndarray]] = [[] for _ in terms]
        for i in sorted(blocks):
            keys, counts = self.stores[i].fields[field].chosen_keys([t for _, t, _ in blocks[i]], [c for _, _, c in blocks[i]])
            keys += self.segments[i].offset << 32
            for (k, _, _), found_keys in zip(blocks[i], np.split(keys, np.cumsum(counts)[:-1])):
                parts[k].append(found_keys)
        return [p[0] if len(p) == 1 else np.concatenate(p) if p else EMPTY for p in parts]

    def _inside(self, docs: np.ndarray) -> np.ndarray:
        """True for ``docs`` (kept for the last ``docs`` each thread asked about)."""
        last = getattr(self._local, "inside", None)
        if last is None or last[0] is not docs:
            inside = np.zeros(self.size, dtype=bool)
            inside[docs] = True
            last = self._local.inside = (docs, inside)
        return last[1]

    def vocabulary(self, field: str) -> list[str]:
        """Every term of ``field``, sorted."""
        return self.term_counts(field)[0]

    def term_counts(self, field: str) -> tuple[list[str], np.ndarray]:
        """Every term of ``field``, sorted, and how many documents have it (deleted ones included)."""
        def merged() -> tuple[list[str], np.ndarray]:
            parts = self._segment_terms(field)
            previous = self.previous
            prior = previous.cache.peek((previous.token, "t", field)) if previous is not None else None
            if prior is not None and set(self._before) <= self.scopes:
                # Only segments added: the previous vocabulary and the new segments' terms.
                parts = [prior, *(part for seg, part in zip(self.segments, parts) if seg.id not in self._before)]
            if len(parts) == 1:
                return parts[0]
            words = sorted(set().union(*(terms for terms, _ in parts)))
            where = {word: i for i, word in enumerate(words)}
            counts = np.zeros(len(words), dtype=np.int64)
            for terms, frequencies in parts:
                counts[np.fromiter((where[t] for t in terms), dtype=np.int64, count=len(terms))] += frequencies
            return words, counts

        return self.cached(("t", field), merged)

    def best_counts(self, fields: tuple[str, ...]) -> dict[str, int]:
        """Every term of ``fields``, with how many documents have it in the field that has it most."""
        def make() -> dict[str, int]:
            counts: dict[str, int] = {}
            for field in fields:
                terms, frequencies = self.term_counts(field)
                for term, frequency in zip(terms, frequencies.tolist()):
                    if frequency > counts.get(term, 0):
                        counts[term] = frequency
            return counts

        return self.cached(("best-counts", fields), make)

    def spellings(self, field: str, folded: str) -> tuple[str, ...]:
        """The terms of ``field`` that fold to ``folded`` (sorted): ``cong`` -> công, cống, cộng …
        Looked up in the merged vocabulary (:meth:`term_counts`) when this reader has made it
        (a server warming a commit, a search that looked for typos), else in each segment's:
        the same terms either way, and a search that needs no more is not made to merge them."""
        def find() -> tuple[str, ...]:
            merged = self.cache.peek((self.token, "t", field))
            vocabularies = [merged[0]] if merged is not None else [terms for terms, _ in self._segment_terms(field)]
            return tuple(sorted({t for terms in vocabularies for t in _folding_to(terms, folded)}))

        return self.cached(("s", field, folded), find)

    # -- per document ---------------------------------------------------------------------------

    @property
    def live(self) -> np.ndarray:
        """True for the documents not deleted."""
        def read() -> np.ndarray:
            live = np.ones(self.size, dtype=bool)
            with self._io:
                for seg in self.segments:
                    live[codec.deleted(seg.leaf) + seg.offset] = False
            return live

        return self._once("live", read)

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length in ``field``, in terms."""
        return self._once(("len", field), lambda: self._column(lambda st: st.lengths(field), np.float32))

    def average_length(self, field: str) -> float:
        return self._once(("avg", field), lambda: float(self.lengths(field)[self.live].mean()) if self.count else 1.0)

    def dates(self) -> np.ndarray:
        """Publication day of each document (``date.toordinal()``); 0 when unknown."""
        return self._once("dates", lambda: self._column(store.SegmentStore.dates, np.int64))

    def years(self) -> np.ndarray:
        """Year of publication of each document; 0 when unknown."""
        def compute() -> np.ndarray:
            days, where = np.unique(self.dates(), return_inverse=True)
            years = np.array([dt.date.fromordinal(int(d)).year if d else 0 for d in days], dtype=np.int64)
            return years[where.reshape(-1)]

        return self._once("years", compute)

    def groups(self) -> np.ndarray:
        """Each document's group of near-duplicates (see :mod:`searcher.duplicates`): a number
        shared by the group, or one of its own when it has none."""
        def compute() -> np.ndarray:
            keys = self._column(store.SegmentStore.groups, np.uint64)
            alone = np.arange(self.size, dtype=np.uint64) | np.uint64(1 << 63)
            return np.where(keys > 0, keys, alone)

        return self._once("groups", compute)

    def shared(self) -> np.ndarray:
        """True for the documents whose group of near-duplicates has others (see :meth:`groups`)."""
        def compute() -> np.ndarray:
            keys = self._column(store.SegmentStore.groups, np.uint64)
            _, where, counts = np.unique(keys, return_inverse=True, return_counts=True)
            return (keys > 0) & (counts[where.reshape(-1)] > 1)

        return self._once("shared", compute)

    def sources(self) -> tuple[np.ndarray, list[str]]:
        """Each document's source as a number (-1 when unknown), and the names of the numbers."""
        def compute() -> tuple[np.ndarray, list[str]]:
            names = self.vocabulary(s.SOURCE)
            codes = np.full(self.size, -1, dtype=np.int64)
            for code, name in enumerate(names):
                codes[self.postings(s.SOURCE, name).docs] = code
            return codes, names

        return self._once("sources", compute)

    def _column(self, read: Callable[[store.SegmentStore], np.ndarray], dtype: Any) -> np.ndarray:
        parts = [read(st).astype(dtype) for st in self.stores]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    def per_segment(self, kind: str, read: Callable[[list[Any]], T], field: str) -> list[T]:
        """``read`` of each segment's stored values of ``field`` (one per document), kept
        per segment: after a commit only new segments are read."""
        return self._per_segment(kind, field, lambda seg: read(codec.stored_values(seg.leaf, field)))

    def stored(self, doc: int) -> dict[str, Any]:
        """The stored fields of one document."""
        with self._io, codec.reading():
            return dict(self.whoosh.stored_fields(int(doc)))

    def ids(self, docs: np.ndarray) -> list[str]:
        """The ``id`` of each document."""
        if docs.size == 0:
            return []
        per_segment = [self.cache.get((seg.id, "ids"), st.ids) for seg, st in zip(self.segments, self.stores)]
        where = np.searchsorted(self._offsets, docs, side="right") - 1
        return [per_segment[i][d - self.segments[i].offset] for i, d in zip(where.tolist(), docs.tolist())]

    def having_any(self, spellings: Sequence[str], found: np.ndarray) -> int:
        """How many documents of the index have one of ``spellings``, given ``found``, the
        documents with one of them that matching gathered from this reader's postings: all of them."""
        return int(found.size)

    def documents_with(self, words: Sequence[Sequence[str]]) -> int:
        """Live documents having, for every word, one of its spellings (title or body).
        Flags over the index a word (not a sort of its postings: common words' postings
        grow with the archive, and each word costs one pass over them)."""
        if not words:
            return 0
        together = self.live.copy()
        for spellings in words:
            having = np.zeros(self.size, dtype=bool)
            for t in spellings:
                for f in (s.BODY, s.TITLE):
                    having[self.postings(f, t).docs] = True
            together &= having
        return int(together.sum())

    def docnum(self, doc_id: str) -> int | None:
        """The live document with this ``id``, if any."""
        found = self.postings(s.ID_FIELD, doc_id).docs
        found = found[self.live[found]]
        return int(found[0]) if found.size else None


def _folding_to(terms: list[str], folded: str) -> tuple[str, ...]:
    """The terms of a sorted list that fold to ``folded``."""
    found = (term for prefix in _prefixes(folded) for term in _starting_with(terms, prefix))
    return tuple(term for term in found if fold_term(term) == folded)


def _prefixes(folded: str, most: int = 64) -> list[str]:
    """The accented forms the first letters of ``folded`` can take (while there are few)."""
    prefixes = [""]
    for letter in folded:
        forms = accented_forms(letter)
        if len(prefixes) * len(forms) > most:
            break
        prefixes = [prefix + form for prefix in prefixes for form in forms]
    return prefixes


def _starting_with(terms: list[str], prefix: str) -> Iterator[str]:
    """The terms of a sorted list that start with ``prefix``."""
    at = bisect.bisect_left(terms, prefix)
    while at < len(terms) and terms[at].startswith(prefix):
        yield terms[at]
        at += 1

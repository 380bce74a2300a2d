"""Matching and ranking over the index's postings, vectorized with numpy.

Whoosh's own matchers walk postings one document at a time in Python; a two-word query over
35,000 articles took about 55 ms that way. Here each posting list a query touches is read
from Whoosh once, kept as numpy arrays for as long as the index does not change, and a query
becomes set operations and arithmetic over those arrays.

Scoring is BM25 in title and in body, the title's counting double. On top of it:

* an accented word spelled as typed (``bàn``, not ``bán``) adds a bonus, and the number of
  such words is the first sort key, so exact spellings rank first;
* among the best-scored articles, query words that are one word in the article (``công
  đoàn`` in ``công_đoàn``, not in ``thành_công đoàn_kết``) and query words that appear
  together in order (a phrase) get that field's score for those words again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader

from . import schema as s
from .analysis import WORD_GAP, fold_term
from . import duplicates
from .normalize import accented_forms
from .models import Facet, Facets, Hit, SearchResults
from .query import Clause, ParsedQuery, Word, parse, snippet

__all__ = ["IndexView", "Ranking", "SORTS", "rank", "search"]

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {s.TITLE: 2.0, s.BODY: 1.0}
EXACT_WEIGHT = 0.5  # an accented word spelled as typed
COMPOUND_WEIGHT = 1.0  # adjacent query words that are one word in the article
PHRASE_WEIGHT = 1.0  # query words together, in order
RESCORE_WINDOW = 100  # best-scored articles checked for compounds and phrases
FULL_POSITIONS = 2000  # a word in fewer documents has all its positions read even at first
CACHE_ENTRIES = 40_000_000  # postings and positions kept in memory, about 8 bytes each
EMPTY = np.zeros(0, dtype=np.int64)
SORTS = ("relevance", "date")
FACET_SOURCES = 20  # the sources with most matches (every year is counted)


def _size(postings: Postings) -> int:
    return postings.size


@dataclass(frozen=True)
class Postings:
    """One term's documents in one field, and its BM25 in each (times the field's weight)."""

    docs: np.ndarray  # int64 docnums, ascending
    scores: np.ndarray  # float64

    @property
    def size(self) -> int:
        return int(self.docs.size)


class IndexView:
    """The open index as arrays: postings, positions, field lengths, dates, live documents.

    One view belongs to one reader (one committed state of the index); arrays are read
    lazily and kept, least recently used first out, within ``CACHE_ENTRIES``.
    """

    def __init__(self, reader: IndexReader):
        self.reader = reader
        self.leaves = list(reader.leaf_readers())
        self.size = reader.doc_count_all()
        self._cache: OrderedDict[tuple[str, str, str], tuple[object, int]] = OrderedDict()
        self._cached = 0
        self._live: np.ndarray | None = None
        self._lengths: dict[str, np.ndarray] = {}
        self._dates: np.ndarray | None = None
        self._years: np.ndarray | None = None
        self._sources: tuple[np.ndarray, list[str]] | None = None
        self._ids: Any = None
        self.queries = 0  # answered so far

    # -- cache ------------------------------------------------------------------------------

    def cached(self, key: tuple[str, str, str], load, entries) -> object:  # type: ignore[no-untyped-def]
        """``load()``, kept under ``key`` for as long as this view (``entries``: its size)."""
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key][0]
        value = load()
        size = entries(value)  # kept with the value: what is evicted later may be of another kind
        self._cache[key] = (value, size)
        self._cached += size
        while self._cached > CACHE_ENTRIES and len(self._cache) > 1:
            _, (_, evicted) = self._cache.popitem(last=False)
            self._cached -= evicted
        return value

    # -- per term -----------------------------------------------------------------------------

    def spellings(self, field: str, folded: str) -> tuple[str, ...]:
        """The terms of ``field`` that fold to ``folded``: ``cong`` -> công, cống, cộng …"""
        return self.cached(("s", field, folded), lambda: self._read_spellings(field, folded), len)  # type: ignore[return-value]

    def _read_spellings(self, field: str, folded: str) -> tuple[str, ...]:
        # Look only where a spelling can be: under the prefixes its first letters can take.
        prefixes = [""]
        for letter in folded:
            forms = accented_forms(letter)
            if len(prefixes) * len(forms) > 64:
                break
            prefixes = [prefix + form for prefix in prefixes for form in forms]
        if self.queries:  # a view that answers many queries: a list in memory is faster to search
            terms = self.terms(field)
            found = (term for prefix in prefixes for term in _starting_with(terms, prefix))
        else:  # one query, as a ``vnsearch search`` process asks: look up the prefixes on disk
            found = (term.decode("utf-8") for prefix in prefixes for term in self.reader.expand_prefix(field, prefix))
        return tuple(term for term in found if fold_term(term) == folded)

    def terms(self, field: str) -> list[str]:
        """Every term of ``field``, sorted."""
        def read() -> list[str]:
            found: set[bytes] = set()
            for leaf, _ in self.leaves:
                found.update(leaf.lexicon(field))
            return sorted(term.decode("utf-8") for term in found)

        return self.cached(("t", field, ""), read, len)  # type: ignore[return-value]

    def exact(self, field: str, term: str) -> Postings:
        """One term, spelled as in the index: a normalized syllable such as ``đoàn``."""
        return self.cached(("e", field, term), lambda: self._scored(field, *self._read(field, term)), _size)  # type: ignore[return-value]

    def folded(self, field: str, word: str) -> Postings:
        """Every spelling of a folded word, as if they were one term."""
        return self.cached(("f", field, word), lambda: self._scored(field, *self._merged(field, word)), _size)  # type: ignore[return-value]

    def anywhere(self, fields: Sequence[str], word: str) -> np.ndarray:
        """Documents with any spelling of ``word`` in any of ``fields``."""
        if len(fields) == 1:
            return self.folded(fields[0], word).docs
        return self.cached(
            ("u", ",".join(fields), word),
            lambda: np.unique(np.concatenate([self.folded(f, word).docs for f in fields])),
            len,
        )  # type: ignore[return-value]

    def positions(self, field: str, word: str, docs: np.ndarray | None = None) -> np.ndarray:
        """Sorted keys ``doc << 32 | (position + 64)``, one per occurrence of any spelling of
        ``word`` (only in ``docs``, sorted, when given).

        A common word's positions are many: for the first query a view answers (all that a
        ``vnsearch search`` process asks), only those in ``docs`` are read; after that, all of
        them, to be kept for the queries to come.
        """
        key = ("k", field, word)
        if key in self._cache or docs is None or self.queries or self.folded(field, word).size < FULL_POSITIONS:
            keys = self.cached(key, lambda: self._read_positions(field, self.spellings(field, word)), len)
            return keys if docs is None else _restrict(keys, docs)  # type: ignore[arg-type]
        return self._read_positions(field, self.spellings(field, word), docs)

    def term_positions(self, field: str, term: str, docs: np.ndarray) -> np.ndarray:
        """Sorted keys, as :meth:`positions` gives, of one spelling in the given sorted ``docs``."""
        return self._read_positions(field, [term], docs)

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents with ``term`` spelled just so (deleted ones included)."""
        return int(self.reader.doc_frequency(field, term))

    def _read(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        docs: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        raw = term.encode("utf-8")
        for leaf, offset in self.leaves:
            if (field, raw) in leaf:
                for ids, weights, _ in _blocks(leaf, field, raw):
                    docs.append(ids + offset)
                    frequencies.append(weights)
        if not docs:
            return EMPTY, np.zeros(0)
        return np.concatenate(docs), np.concatenate(frequencies)

    def _merged(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        parts = [self._read(field, term) for term in self.spellings(field, word)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return EMPTY, np.zeros(0)
        docs, where = np.unique(np.concatenate([d for d, _ in parts]), return_inverse=True)
        return docs, np.bincount(where, weights=np.concatenate([f for _, f in parts]), minlength=docs.size)

    def _scored(self, field: str, docs: np.ndarray, frequency: np.ndarray) -> Postings:
        """BM25 in ``field`` (times the field's weight) of each posting."""
        norm = (1 - B) + B * self.lengths(field)[docs] / max(self.average_length(field), 1e-9)
        idf = math.log(1 + (self.reader.doc_count() - docs.size + 0.5) / (docs.size + 0.5))
        return Postings(docs, FIELD_WEIGHTS[field] * idf * frequency * (K1 + 1) / (frequency + K1 * norm))

    def _read_positions(self, field: str, terms: Sequence[str], docs: np.ndarray | None = None) -> np.ndarray:
        keys: list[int] = []
        for term in terms:
            raw = term.encode("utf-8")
            for leaf, offset in self.leaves:
                if (field, raw) not in leaf:
                    continue
                if docs is None:
                    for ids, _, values in _blocks(leaf, field, raw, positions=True):
                        for doc, positions in zip((ids + offset).tolist(), values):
                            base = doc << 32
                            keys.extend(base | (p + 64) for p in positions)
                    continue
                matcher = leaf.postings(field, raw)
                local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
                for doc in local.tolist():
                    if not matcher.is_active():
                        break
                    matcher.skip_to(doc)
                    if matcher.is_active() and matcher.id() == doc:
                        base = (doc + offset) << 32
                        keys.extend(base | (p + 64) for p in matcher.value_as("positions"))
        return np.sort(np.array(keys, dtype=np.int64))

    # -- per document ---------------------------------------------------------------------

    def ids(self, docs: np.ndarray) -> list[str]:
        """The ``id`` of each document."""
        if docs.size == 0:
            return []  # (an index with no documents yet has no id column to read)
        if self._ids is None:
            self._ids = self.reader.column_reader(s.ID_FIELD)
        return [self._ids[int(d)] for d in docs]

    @property
    def live(self) -> np.ndarray:
        """True for documents not deleted."""
        if self._live is None:
            live = np.zeros(self.size, dtype=bool)
            live[np.fromiter(self.reader.all_doc_ids(), dtype=np.int64)] = True
            self._live = live
        return self._live

    def lengths(self, field: str) -> np.ndarray:
        if field not in self._lengths:
            values = np.zeros(self.size, dtype=np.float64)
            for leaf, offset in self.leaves:
                count = leaf.doc_count_all()
                values[offset : offset + count] = [leaf.doc_field_length(d, field) for d in range(count)]
            self._lengths[field] = values
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        count = self.reader.doc_count()
        return (self.reader.field_length(field) / count) if count else 1.0

    def dates(self) -> np.ndarray:
        """Publication day of each document as a proleptic ordinal; 0 when unknown."""
        if self._dates is None:
            dates = np.zeros(self.size, dtype=np.int64)
            for leaf, offset in self.leaves:
                if leaf.has_column(s.DATE):
                    # Whoosh keeps microseconds since datetime.min; a missing date is the type's maximum.
                    raw = np.fromiter(leaf.column_reader(s.DATE, translate=False), dtype=np.uint64)
                    days = raw // 86_400_000_000 + 1
                    dates[offset : offset + raw.size] = np.where(days <= dt.date.max.toordinal(), days, 0)
            self._dates = dates
        return self._dates

    def years(self) -> np.ndarray:
        """Year of publication of each document; 0 when unknown."""
        if self._years is None:
            days, where = np.unique(self.dates(), return_inverse=True)
            years = np.array([dt.date.fromordinal(int(d)).year if d else 0 for d in days], dtype=np.int64)
            self._years = years[where]
        return self._years

    def sources(self) -> tuple[np.ndarray, list[str]]:
        """Each document's source as a number (-1 when unknown), and the names of the numbers."""
        if self._sources is None:
            codes = np.full(self.size, -1, dtype=np.int64)
            names = [term.decode("utf-8") for term in self.reader.lexicon(s.SOURCE)]
            for code, name in enumerate(names):
                codes[self._read(s.SOURCE, name)[0]] = code
            self._sources = codes, names
        return self._sources

    def allowed(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        year: int | None = None,
        source: str | None = None,
    ) -> np.ndarray:
        """True for the live documents that pass the filters."""
        allowed = self.live
        if since or until:
            days = self.dates()
            low = since.toordinal() if since else 1
            high = until.toordinal() if until else dt.date.max.toordinal()
            allowed = allowed & (days >= low) & (days <= high)
        if year is not None:
            allowed = allowed & (self.years() == year)
        if source is not None:
            codes, names = self.sources()
            allowed = allowed & (codes == names.index(source)) if source in names else np.zeros(self.size, dtype=bool)
        return allowed

    def facets(self, docs: np.ndarray) -> Facets:
        """``docs`` counted by year and by source."""
        # Counting, not sorting: a common word matches most of the index.
        per_year = np.bincount(self.years()[docs])
        by_year = [Facet(str(year), int(per_year[year])) for year in np.flatnonzero(per_year)[::-1] if year]
        codes, names = self.sources()
        per_source = np.bincount(codes[docs] + 1, minlength=len(names) + 1)[1:]  # (code -1: unknown)
        by_source = sorted(
            (Facet(names[code], int(per_source[code])) for code in np.flatnonzero(per_source)),
            key=lambda facet: (-facet.count, facet.value),
        )
        return Facets(years=tuple(by_year), sources=tuple(by_source[:FACET_SOURCES]))


def search(
    view: IndexView,
    text: str,
    *,
    limit: int = 10,
    offset: int = 0,
    since: dt.date | None = None,
    until: dt.date | None = None,
    year: int | None = None,
    source: str | None = None,
    sort: str = "relevance",
    collapse: bool = True,
) -> SearchResults:
    """One page of ranked hits for whatever the user typed, with the matches' facets;
    near-duplicates ``collapse``d into the best-ranked of each group."""
    started = time.perf_counter()
    parsed = parse(text)
    if not parsed.groups and not parsed.excluded:
        return SearchResults(query=text, total=0, took_ms=_ms(started), offset=offset, limit=limit)
    allowed = view.allowed(since=since, until=until, year=year, source=source)
    window = max(offset + limit, RESCORE_WINDOW)
    while True:
        ranking = rank(view, parsed, window=window, allowed=allowed, by_date=sort == "date")
        groups = _groups(view) if collapse else np.arange(view.size, dtype=np.uint64)
        kept = duplicates.collapse(ranking.docs.tolist(), groups[ranking.docs].tolist())  # near-duplicates: one hit each
        if len(kept) >= offset + limit or ranking.docs.size >= ranking.matches.size:
            break
        window *= 4
    view.queries += 1
    scores = dict(zip(ranking.docs.tolist(), ranking.scores.tolist()))
    hits = tuple(
        replace(_hit(view.reader.stored_fields(doc), scores[doc], parsed.words), similar=tuple(view.ids(np.array(others))))
        for doc, others in kept[offset : offset + limit]
    )
    return SearchResults(
        query=text, total=_count_groups(view, ranking.matches) if collapse else ranking.matches.size,
        took_ms=_ms(started), hits=hits, offset=offset,
        limit=limit, partial=ranking.partial, facets=view.facets(ranking.matches),
    )


def _count_groups(view: IndexView, docs: np.ndarray) -> int:
    """How many near-duplicate groups ``docs`` belong to; most articles are alone in theirs."""
    def shared() -> np.ndarray:
        _, where, counts = np.unique(_groups(view), return_inverse=True, return_counts=True)
        return counts[where] > 1

    in_shared = docs[view.cached(("g", "shared", ""), shared, len)[docs]]  # type: ignore[index]
    return int(docs.size - in_shared.size + np.unique(_groups(view)[in_shared]).size)


def _groups(view: IndexView) -> np.ndarray:
    """Each document's near-duplicate group key (see :mod:`.duplicates`)."""
    def read() -> np.ndarray:
        keys = np.arange(view.size, dtype=np.uint64) | np.uint64(1 << 63)  # none: a group of its own
        for leaf, offset in view.leaves:
            if leaf.has_column(s.GROUP):
                raw = np.fromiter(leaf.column_reader(s.GROUP, translate=False), dtype=np.uint64)
                keys[offset : offset + raw.size] = np.where(raw > 0, raw, keys[offset : offset + raw.size])
        return keys

    return view.cached(("g", s.GROUP, ""), read, len)  # type: ignore[return-value]


def _hit(stored: dict, score: float, words: Sequence[Word]) -> Hit:  # type: ignore[type-arg]
    date = stored.get(s.DATE)
    return Hit(
        id=stored[s.ID_FIELD],
        title=stored.get(s.TITLE, ""),
        date=date.date() if date else None,
        score=round(score, 4),
        snippet=snippet(stored.get(s.BODY, ""), words),
        url=stored.get(s.URL),
        file=stored.get(s.FILE),
        source=stored.get(s.SOURCE),
        metadata=tuple(map(tuple, stored.get(s.METADATA, ()))),
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@dataclass(frozen=True)
class Ranking:
    docs: np.ndarray  # docnums, best first (all matches within the first ``window``)
    scores: np.ndarray
    exact: np.ndarray  # accented query words each spells as typed
    matches: np.ndarray  # every matching docnum, in no particular order
    partial: bool


def rank(
    view: IndexView,
    parsed: ParsedQuery,
    *,
    window: int,
    allowed: np.ndarray | None = None,
    by_date: bool = False,
) -> Ranking:
    """The matching documents of ``parsed`` among the ``allowed`` ones (default: all live
    ones), the first ``window`` of them in rank order, or newest first ``by_date``."""
    if allowed is None:
        allowed = view.live
    groups = [_group_docs(view, group) for group in parsed.groups]
    excluded = [_excluded_docs(view, clause) for clause in parsed.excluded]

    if groups:
        candidates = groups[0]
        for docs in sorted(groups[1:], key=len):
            candidates = candidates[_member(candidates, docs)]
    else:
        candidates = np.flatnonzero(allowed)
    candidates = _keep(candidates, allowed, excluded)
    partial = False
    if candidates.size == 0 and len(groups) > 1:
        candidates = _keep(np.unique(np.concatenate(groups)), allowed, excluded)
        partial = candidates.size > 0

    bm25 = _Scores(view, candidates)
    scores = np.zeros(candidates.size)
    matched = np.zeros(candidates.size)
    for group in parsed.groups:
        group_scores = np.zeros(candidates.size)
        for clause in group:
            group_scores = np.maximum(group_scores, _clause_score(view, bm25, clause))
        scores += group_scores
        matched += group_scores > 0
    exact = np.zeros(candidates.size)
    for word, fields in _accented(parsed):
        bonus = sum(bm25.exact(word.exact, f) for f in fields)
        scores += EXACT_WEIGHT * bonus
        exact += bonus > 0

    if by_date:  # newest first; the undated last; then as by relevance
        days = view.dates()[candidates]
        order = _best(days.astype(np.float64), matched * 1e3 + exact, scores, window)
    else:
        order = _best(matched, exact, scores, window)
    docs, matched, exact, scores = candidates[order], matched[order], exact[order], scores[order]

    nearby = min(RESCORE_WINDOW, docs.size)
    if nearby and parsed.runs:
        scores = scores.copy()
        for field in (s.TITLE, s.BODY):
            for run in parsed.runs:
                words = [w.folded for w in run]
                word_scores = [bm25.folded(w, field)[order[:nearby]] for w in words]
                scores[:nearby] += _together(view, field, words, docs[:nearby], word_scores)
    # Equal scores are ordered by id, so the order never depends on how the index was written.
    ids = view.ids(docs)
    first = view.dates()[docs] if by_date else matched
    final = sorted(range(docs.size), key=lambda i: (-first[i], -matched[i], -exact[i], -scores[i], ids[i]))
    return Ranking(docs=docs[final], scores=scores[final], exact=exact[final], matches=candidates, partial=partial)


def _best(matched: np.ndarray, exact: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """Indexes of the ``count`` best (most words matched, then spelled as typed, then
    highest score), best first, with any that tie with the last one."""
    if matched.size > 4 * count:  # narrow down first: sorting thousands of candidates is slow
        key = matched * 1e12 + exact * 1e9 + np.minimum(scores, 1e8)
        kth = np.partition(key, key.size - count)[key.size - count]
        chosen = np.flatnonzero(key >= kth)
    else:
        chosen = np.arange(matched.size)
    order = chosen[np.lexsort((-scores[chosen], -exact[chosen], -matched[chosen]))]
    ranked = np.stack([matched, exact, scores])[:, order]
    cut = min(count, order.size)
    if 0 < cut < order.size:  # keep whatever ties with the last one kept
        tied = (ranked[:, cut:] == ranked[:, cut - 1 : cut]).all(axis=0)
        cut += int(tied.size if tied.all() else np.argmin(tied))
    return order[:cut]


def phrase_docs(view: IndexView, field: str, words: Sequence[str], among: np.ndarray | None = None) -> np.ndarray:
    """Documents where ``words`` (folded) occur one after the other in ``field``, within a
    word or across words. ``among`` limits the documents looked at."""
    steps = (1, WORD_GAP)
    keys = [view.positions(field, w) for w in words]
    if not keys or any(k.size == 0 for k in keys):
        return EMPTY
    pivot = min(range(len(keys)), key=lambda i: keys[i].size)  # start from the rarest word
    at = keys[pivot]
    if among is not None:
        at = at[np.isin(at >> 32, among)]
    for i in range(pivot - 1, -1, -1):  # the possible starts, walking left ...
        at = _following(at, keys[i], [-step for step in steps])
    for i in range(1, len(keys)):  # ... then the whole phrase from those starts
        at = _following(at, keys[i], steps)
    return np.unique(at >> 32)


def _following(at: np.ndarray, keys: np.ndarray, steps: Sequence[int]) -> np.ndarray:
    """The keys in ``keys`` that are one of ``steps`` positions after a key in ``at``."""
    found = [k[_member(k, keys)] for k in (at + step for step in steps)]
    return np.unique(np.concatenate(found)) if found else EMPTY


# -- pieces ----------------------------------------------------------------------------------


def _fields(clause: Clause) -> list[str]:
    return [s.TITLE] if clause.field == "title" else [s.TITLE, s.BODY]


def _member(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    """Which ``values`` are in ``sorted_array``."""
    if sorted_array.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_array, values), sorted_array.size - 1)
    return sorted_array[at] == values


def _keep(candidates: np.ndarray, allowed: np.ndarray, excluded: list[np.ndarray]) -> np.ndarray:
    candidates = candidates[allowed[candidates]]
    for docs in excluded:
        candidates = candidates[~_member(candidates, docs)]
    return candidates


def _clause_docs(view: IndexView, clause: Clause) -> np.ndarray:
    fields = _fields(clause)
    if len(clause.words) == 1:
        return view.anywhere(fields, clause.words[0].folded)
    folded = [w.folded for w in clause.words]
    return np.unique(np.concatenate([phrase_docs(view, f, folded) for f in fields]))


def _group_docs(view: IndexView, group: Sequence[Clause]) -> np.ndarray:
    if len(group) == 1:
        return _clause_docs(view, group[0])
    return np.unique(np.concatenate([_clause_docs(view, c) for c in group]))


def _excluded_docs(view: IndexView, clause: Clause) -> np.ndarray:
    """``-bóng`` excludes that spelling only; ``-bong`` and ``-"phrase"`` every spelling."""
    if len(clause.words) == 1 and clause.words[0].accented:
        exact = clause.words[0].exact
        return np.unique(np.concatenate([view.exact(f, exact).docs for f in _fields(clause)]))
    return _clause_docs(view, clause)


def _clause_score(view: IndexView, bm25: _Scores, clause: Clause) -> np.ndarray:
    score = sum(bm25.folded(w.folded, f) for w in clause.words for f in _fields(clause))
    if len(clause.words) > 1:  # a phrase counts only where it is one
        score = score * np.isin(bm25.candidates, _clause_docs(view, clause))
    return score  # type: ignore[return-value]


class _Scores:
    """BM25 of terms over the candidate documents of one query, each computed once."""

    def __init__(self, view: IndexView, candidates: np.ndarray):
        self.view = view
        self.candidates = candidates
        self._found: dict[tuple[str, str, str], np.ndarray] = {}

    def folded(self, word: str, field: str) -> np.ndarray:
        """Of any spelling of ``word``."""
        return self._get("f", word, field, self.view.folded)

    def exact(self, term: str, field: str) -> np.ndarray:
        """Of ``term`` spelled just so."""
        return self._get("e", term, field, self.view.exact)

    def _get(self, kind: str, text: str, field: str, postings) -> np.ndarray:  # type: ignore[no-untyped-def]
        key = (kind, text, field)
        if key not in self._found:
            self._found[key] = _gather(postings(field, text), self.candidates, self.view.size)
        return self._found[key]


def _gather(postings: Postings, candidates: np.ndarray, size: int) -> np.ndarray:
    """Each candidate's score in ``postings``, 0 where absent (``size``: documents in all)."""
    if postings.size == 0:
        return np.zeros(candidates.size)
    if candidates.size > 1000:  # scattering into a dense array beats searching
        dense = np.zeros(size)
        dense[postings.docs] = postings.scores
        return dense[candidates]
    at = np.minimum(np.searchsorted(postings.docs, candidates), postings.size - 1)
    return np.where(postings.docs[at] == candidates, postings.scores[at], 0.0)


def _accented(parsed: ParsedQuery) -> list[tuple[Word, list[str]]]:
    found: dict[Word, list[str]] = {}
    for group in parsed.groups:
        for clause in group:
            for word in clause.words:
                if word.accented:
                    found.setdefault(word, _fields(clause))
    return list(found.items())


def _together(view: IndexView, field: str, words: Sequence[str], docs: np.ndarray, scores: Sequence[np.ndarray]) -> np.ndarray:
    """Bonus for each of ``docs`` for the run of ``words`` (each with its ``scores`` in
    ``field``) being together there: the words' scores again for the whole run as a phrase,
    and for each pair or triple of them that is one word (``công đoàn`` in ``công_đoàn``)."""
    among = np.sort(docs)
    keys = [view.positions(field, w, among) for w in words]
    # same[i]: keys of words[i] with words[i+1] right after, in the same word;
    # near[i]: with words[i+1] starting the next word.
    same = [k[_member(k + 1, after)] for k, after in zip(keys, keys[1:])]
    near = [k[_member(k + WORD_GAP, after)] for k, after in zip(keys, keys[1:])]
    found: list[tuple[np.ndarray, float, int, int]] = []  # keys, weight, first and last word
    for i, pairs in enumerate(same):
        found.append((pairs, COMPOUND_WEIGHT, i, i + 1))
        if i + 1 < len(same):
            found.append((pairs[_member(pairs + 1, same[i + 1])], COMPOUND_WEIGHT, i, i + 2))
    reached = keys[0]  # the run as a phrase: keys of words[i] reached from some start
    for i in range(len(same)):
        reached = np.union1d(same[i][_member(same[i], reached)] + 1, near[i][_member(near[i], reached)] + WORD_GAP)
    found.append((reached, PHRASE_WEIGHT, 0, len(words) - 1))
    bonus = np.zeros(docs.size)
    for keys_found, weight, first, last in found:
        if keys_found.size:
            bonus += weight * np.isin(docs, keys_found >> 32) * sum(scores[first : last + 1])
    return bonus


def _restrict(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The keys (``doc << 32 | position``) of the given sorted documents."""
    low = np.searchsorted(keys, docs << 32)
    counts = np.searchsorted(keys, (docs + 1) << 32) - low
    if not counts.any():
        return EMPTY
    shift = np.repeat(low - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return keys[shift + np.arange(counts.sum())]


def _starting_with(terms: list[str], prefix: str) -> Iterator[str]:
    """The terms of a sorted list that start with ``prefix``."""
    at = bisect.bisect_left(terms, prefix)
    while at < len(terms) and terms[at].startswith(prefix):
        yield terms[at]
        at += 1


def _blocks(leaf: Any, field: str, raw: bytes, positions: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray, list[list[int]]]]:
    """One term's postings in one segment, a block (up to 128) at a time: docnums (local to
    the segment), frequencies and, when asked, positions; deleted documents left out.

    Whoosh's matchers step through postings one at a time in Python, which made reading
    postings most of the cost of a new query; its W3 codec stores them in blocks, read here
    whole. Any other kind of matcher is walked one posting at a time.
    """
    matcher = leaf.postings(field, raw)
    deleted = None
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        matcher, deleted = matcher.child, np.fromiter(matcher._ids, dtype=np.int64)
    fmt = leaf.schema[field].format
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            values = [matcher.value_as("positions")] if positions else []
            yield np.array([matcher.id()]), np.array([matcher.weight()]), values
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids = np.asarray(matcher._ids, dtype=np.int64)
        weights = np.asarray(matcher._weights, dtype=np.float64)
        values = []
        if positions:
            matcher._read_values()
            values = [fmt.decode_positions(v) for v in matcher._values]
        if deleted is not None and deleted.size:
            keep = ~np.isin(ids, deleted)
            ids, weights = ids[keep], weights[keep]
            values = [v for v, k in zip(values, keep) if k] if positions else values
        yield ids, weights, values
        matcher._next_block()

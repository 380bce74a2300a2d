"""``SearchEngine``: the small facade that apps embed.

    >>> engine = SearchEngine("index")                # opens, or creates on first write
    >>> engine.add_paths(["seeds/"])                  # doctest: +SKIP
    >>> engine.search("cong doan").hits[0].title      # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from whoosh.searching import Searcher

from . import duplicates, matching
from . import schema as s
from .analysis import fold_term
from .codec import ReadError
from .completion import MOST, complete
from .errors import IndexDamagedError, RequestError
from .highlight import snippet
from .indexer import Index, Progress, article_from_stored
from .matching import allowed, order, rank
from .models import Article, Completions, Facet, Facets, Hit, IndexInfo, IndexReport, SearchRequest, SearchResults, Skipped, Term
from .query import Word, parse
from .reader import CACHE_BYTES, Cache, Reader
from .readings import suggestion
from .rewriting import Rewritten, rewrite
from .schema import ANALYZED, build_schema
from .segment import Segmenter
from .sources import article_from_record
from .synonyms import INDEX_FILE, Synonyms, load

__all__ = ["SearchEngine"]

T = TypeVar("T")
FACET_SOURCES = 20  # the sources with most matches (every year is counted)
SIMILAR_WINDOW = 100  # a hit's near-duplicates are looked for among at least this many best matches
MAX_TYPED = 1000  # longer texts (pasted, not typed) are not completed


class SearchEngine:
    """Search over one index directory; every method is safe to call on a fresh directory."""

    def __init__(
        self, path: str | os.PathLike[str] = "index", *, segmenter: Segmenter | None = None, cache_bytes: int = CACHE_BYTES,
        synonyms: Sequence[str | os.PathLike[str]] = (),
    ):
        """``segmenter`` is used when this creates the index (default: pyvi); ``cache_bytes``
        bounds what is kept in memory from the index's files; ``synonyms`` are files of
        synonyms to use beside the built-in abbreviations and the index's own
        ``synonyms.txt`` (see :mod:`searcher.synonyms`)."""
        self._index = Index(path, segmenter)
        self._searcher: Searcher | None = None
        self._reader: Reader | None = None
        self._cache = Cache(cache_bytes)
        self._synonym_files = list(synonyms)
        self._synonyms: Synonyms | None = None

    @property
    def path(self) -> str:
        return str(self._index.path)

    def exists(self) -> bool:
        """Whether an index has been created at :attr:`path`."""
        return self._index.exists()

    # -- writing ----------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str | os.PathLike[str]], *, progress: Progress | None = None) -> IndexReport:
        """Index files and directories (.txt, .jsonl, .jsonl.gz, .json, .html, .warc …); unchanged articles are skipped."""
        self._close_searcher()
        return self._index.add_paths(paths, progress)

    def add_documents(self, records: Iterable[Mapping[str, Any] | Article]) -> IndexReport:
        """Index records such as ``{"id": "a1", "title": "...", "text": "..."}``; the same id replaces."""

        def articles() -> Iterable[Article | Skipped]:
            for number, record in enumerate(records, 1):
                if isinstance(record, Article):
                    yield record
                    continue
                try:
                    yield article_from_record(record)
                except ValueError as error:
                    yield Skipped(str(record.get("id") or f"record {number}"), str(error))

        self._close_searcher()
        return self._index.add_articles(articles())

    def delete(self, doc_id: str) -> bool:
        """Remove one article; ``False`` if there was none with that id."""
        self._close_searcher()
        return self._index.delete(doc_id)

    def rebuild(self, *, progress: Progress | None = None) -> IndexReport:
        """Re-index everything from the recorded sources with this version's analyzer."""
        self._close_searcher()
        return self._index.rebuild(progress)

    # -- reading ----------------------------------------------------------------------------

    def search(self, query: str | SearchRequest, **options: Any) -> SearchResults:
        """Ranked results for any text a user types; see :mod:`searcher.query` for the syntax.

        ``options`` are those of :class:`SearchRequest` (``limit``, ``offset``, ``since``,
        ``until``, ``year``, ``source``, ``sort``, ``suggest``), or pass a request. ``year``
        and ``source`` keep only matches with that value (see ``results.facets``);
        ``sort="date"`` puts the newest first. With ``suggest``, ``results.suggestion`` is the
        query with diacritics when it was typed without (see :meth:`suggest`). With
        ``collapse`` (the default) near-duplicates (the same story from several sites) are
        one hit, the others in its ``similar``, and ``total`` counts such groups.

        Never fails because of what was typed; :class:`RequestError` for an out-of-range
        option; :class:`IndexDamagedError` if the index's files cannot be read.
        """
        request = query if isinstance(query, SearchRequest) else SearchRequest(query, **options)
        table = self.synonyms()
        return self._reading(lambda reader: _search(reader, request, table))

    def suggest(self, text: str) -> str | None:
        """The query as it was most likely meant, with diacritics: ``"cong doan"`` ->
        ``"công đoàn"``, learned from the index's own articles; None when it was typed with
        them, or nothing better is known."""
        table = self.synonyms()

        def suggest(reader: Reader) -> str | None:
            rewritten = rewrite(reader, text, table)
            if not (rewritten.parsed.groups or rewritten.parsed.excluded):
                return None
            return _suggestion(reader, text, rewritten, rank(reader, rewritten.parsed).readings)

        return self._reading(suggest)

    def synonyms(self) -> Synonyms:
        """The synonyms searches use: the built-in abbreviations, the index's
        ``synonyms.txt`` and the files given; :class:`SearcherError` for a file that cannot be read."""
        if self._synonyms is None:
            own = self._index.path / INDEX_FILE
            self._synonyms = load(([own] if own.is_file() else []) + self._synonym_files)
        return self._synonyms

    def complete(self, text: str, limit: int = MOST) -> Completions:
        """What ``text``, being typed, may become: its last word completed from the index's
        words and titles, without diacritics as typed (``"cong do"`` -> ``"công đoàn"`` …);
        at most ``limit`` (1 to 20). The first call reads the index's titles (seconds on a
        large index); later ones take well under a millisecond."""
        if not 1 <= limit <= 20:
            raise RequestError(f"limit must be from 1 to 20 (got {limit})")
        started = time.perf_counter()
        found = self._reading(lambda reader: complete(reader, text, limit)) if text.strip() and len(text) <= MAX_TYPED else []
        return Completions(query=text, completions=tuple(found), took_ms=_ms(started))

    def document(self, doc_id: str) -> Article | None:
        """The stored article with this id, or None."""
        def find(reader: Reader) -> Article | None:
            doc = reader.docnum(doc_id)
            return None if doc is None else article_from_stored(reader.stored(doc))

        return self._reading(find)

    def info(self) -> IndexInfo:
        return self._index.info()

    def analyze(self, text: str) -> dict[str, list[Term]]:
        """The terms each field's analyzer makes of ``text``, like Elasticsearch's ``_analyze``."""
        schema = self._index.whoosh.schema if self.exists() else build_schema(self._index.segmenter)
        return {
            name: [
                Term(t.text, fold_term(t.text), t.pos, t.startchar, t.endchar)
                for t in schema[name].analyzer(text, positions=True, chars=True)
            ]
            for name in ANALYZED
        }

    def close(self) -> None:
        self._close_searcher()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------

    def _reading(self, read: Callable[[Reader], T]) -> T:
        try:
            return read(self._current_reader())
        except ReadError as error:
            raise IndexDamagedError(f"the index at {self.path} could not be read ({error}): run `vnsearch rebuild`") from None

    def _current_reader(self) -> Reader:
        """The index as of its last commit (by this process or another)."""
        if self._searcher is None:
            self._searcher = self._index.whoosh.searcher()
        elif not self._searcher.up_to_date():
            # A new searcher, not refresh(): refreshing one opened on an empty index fails in Whoosh.
            self._close_searcher()
            self._searcher = self._index.whoosh.searcher()
        if self._reader is None:
            self._reader = Reader(self._searcher.reader(), self._cache)
        return self._reader

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._reader = None


def _search(reader: Reader, request: SearchRequest, synonyms: Synonyms) -> SearchResults:
    started = time.perf_counter()
    rewritten = rewrite(reader, request.query, synonyms, as_typed=request.as_typed)
    parsed = rewritten.parsed
    if not (parsed.groups or parsed.excluded):
        return SearchResults(query=request.query, total=0, took_ms=_ms(started), offset=request.offset, limit=request.limit)
    filters = (request.since, request.until, request.year, request.source)
    # The same query again (the next page, a reload) is not ranked again.
    params = matching.PARAMS
    ranking = reader.cached(("rank", parsed, *filters, params), lambda: rank(reader, parsed, keep=allowed(reader, *filters), params=params))
    suggested = _suggestion(reader, request.query, rewritten, ranking.readings) if request.suggest else None
    wanted = request.offset + request.limit
    groups = reader.groups() if request.collapse else None
    window = max(wanted, SIMILAR_WINDOW)
    while True:  # near-duplicates collapse into the first of their group: rank until a page is full
        ranked = order(reader, ranking, window, by_date=request.sort == "date")
        docs = ranking.matches[ranked].tolist()
        kept = duplicates.collapse(docs, groups[ranking.matches[ranked]].tolist()) if groups is not None else [(d, []) for d in docs]
        if len(kept) >= wanted or ranked.size >= ranking.matches.size:
            break
        window *= 4
    scores = dict(zip(docs, ranking.scores[ranked].tolist()))
    # The words to mark: those searched, and the spellings typos were read as (wanacry: WannaCry).
    words = parsed.words + [Word(t, fold_term(t)) for w, t in ranking.readings.items() if fold_term(t) != w]
    hits = tuple(
        _hit(reader.stored(doc), scores[doc], words, tuple(reader.ids(np.array(others, dtype=np.int64))))
        for doc, others in kept[request.offset : wanted]
    )
    total = _count_groups(groups, ranking.matches) if groups is not None else int(ranking.matches.size)
    return SearchResults(
        query=request.query, total=total, took_ms=_ms(started), hits=hits, offset=request.offset,
        limit=request.limit, partial=ranking.partial, suggestion=suggested, facets=_facets(reader, ranking.matches),
        showing=rewritten.showing,
    )


def _suggestion(reader: Reader, typed: str, rewritten: Rewritten, likeliest: Mapping[str, str]) -> str | None:
    """The query searched, with each word typed without diacritics as it was likely meant;
    in a query typed with diacritics, a word typed without them that the index has as typed
    (``minh`` in ``phạm minh chính``) was meant so, and is kept (unless it was a typo)."""
    keep: set[str] = set()
    if parse(typed).accented:
        keep = {w.folded for w in rewritten.parsed.words if not w.accented and reader.doc_frequency(s.BODY, w.folded)}
    return suggestion(rewritten.showing or typed, {w: t for w, t in likeliest.items() if w not in keep or fold_term(t) != w})


def _count_groups(groups: np.ndarray, docs: np.ndarray) -> int:
    """How many groups of near-duplicates ``docs`` make."""
    return int(np.unique(groups[docs]).size)


def _hit(stored: dict[str, Any], score: float, words: Sequence[Word], similar: tuple[str, ...]) -> Hit:
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
        similar=similar,
    )


def _facets(reader: Reader, docs: np.ndarray) -> Facets:
    """``docs`` counted by year and by source."""
    # Counting, not sorting: a common word matches most of the index.
    per_year = np.bincount(reader.years()[docs])
    by_year = [Facet(str(year), int(per_year[year])) for year in np.flatnonzero(per_year)[::-1] if year]
    codes, names = reader.sources()
    per_source = np.bincount(codes[docs] + 1, minlength=len(names) + 1)[1:]  # (code -1: unknown)
    by_source = sorted(
        (Facet(names[code], int(per_source[code])) for code in np.flatnonzero(per_source)),
        key=lambda facet: (-facet.count, facet.value),
    )
    return Facets(years=tuple(by_year), sources=tuple(by_source[:FACET_SOURCES]))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)

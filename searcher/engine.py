"""``SearchEngine``: the small facade that apps embed.

    >>> engine = SearchEngine("index")                # opens, or creates on first write
    >>> engine.add_paths(["seeds/"])                  # doctest: +SKIP
    >>> engine.search("cong doan").hits[0].title      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from whoosh.searching import Searcher

from . import duplicates, matching
from . import schema as s
from .analysis import fold_term
from .codec import ReadError
from .codec import reading as codec_reading
from .completion import MOST, complete
from .errors import IndexDamagedError, RequestError, SearcherError
from .highlight import snippet
from .indexer import Index, Progress, article_from_stored
from .matching import allowed, order, rank
from .models import Article, Completions, Facet, Facets, Health, Hit, IndexInfo, IndexReport, SearchRequest, SearchResults, Skipped, Term
from .query import Word, parse
from .reader import CACHE_BYTES, Cache, Reader
from .readings import suggestion
from .rewriting import Rewritten, rewrite
from .schema import ANALYZED, build_schema
from .segment import Segmenter
from .sources import article_from_record
from .synonyms import INDEX_FILE, Synonyms, load
from .vocabulary import Vocabulary

__all__ = ["SearchEngine"]

T = TypeVar("T")
LOG = logging.getLogger("vnsearch")
FACET_SOURCES = 20  # the sources with most matches (every year is counted)
SIMILAR_WINDOW = 100  # a hit's near-duplicates are looked for among at least this many best matches
MAX_TYPED = 1000  # longer texts (pasted, not typed) are not completed
RECENT = 1000  # searches remembered to warm a new commit with
WARM = 100  # the most asked of them are run on a new commit before it is served
FOLLOW_SECONDS = 0.5  # how often a following engine looks for a new commit
STAMP_SETTLED_NS = 2_000_000_000  # a folder changed this recently is looked into (coarse file system clocks)


class SearchEngine:
    """Search over one index directory; every method is safe to call on a fresh directory."""

    def __init__(
        self, path: str | os.PathLike[str] = "index", *, segmenter: Segmenter | None = None, cache_bytes: int = CACHE_BYTES,
        synonyms: Sequence[str | os.PathLike[str]] = (), progress: Progress | None = None,
    ):
        """``segmenter`` is used when this creates the index (default: pyvi); ``cache_bytes``
        bounds what is kept in memory from the index's files; ``synonyms`` are files of
        synonyms to use beside the built-in abbreviations and the index's own
        ``synonyms.txt`` (see :mod:`searcher.synonyms`); ``progress`` is called with
        (documents done, documents to do) while an index written before the search store
        existed, or whose store was lost, is prepared for search (once, see :mod:`searcher.store`)."""
        self._index = Index(path, segmenter)
        self._progress = progress
        self._searcher: Searcher | None = None
        self._reader: Reader | None = None
        self._stale = False  # this process wrote: the next search opens the new commit
        self._cache = Cache(cache_bytes)
        self._synonym_files = list(synonyms)
        self._synonyms: Synonyms | None = None
        self._opening = threading.Lock()  # one new commit opened at a time; searches never wait on it
        self._recent: deque[SearchRequest] = deque(maxlen=RECENT)  # (appends are atomic)
        self._refreshed: float | None = None
        self._stamp: tuple[int, int] | None = None  # the index folder's, when the commit served was opened
        self._follower: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def path(self) -> str:
        return str(self._index.path)

    def exists(self) -> bool:
        """Whether an index has been created at :attr:`path`."""
        return self._index.exists()

    # -- writing ----------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str | os.PathLike[str]], *, progress: Progress | None = None) -> IndexReport:
        """Index files and directories (.txt, .jsonl, .jsonl.gz, .json, .html, .warc …); unchanged articles are skipped."""
        self._stale = True
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

        self._stale = True
        return self._index.add_articles(articles())

    def delete(self, doc_id: str) -> bool:
        """Remove one article; ``False`` if there was none with that id."""
        self._stale = True
        return self._index.delete(doc_id)

    def rebuild(self, *, progress: Progress | None = None) -> IndexReport:
        """Re-index everything from the recorded sources with this version's analyzer."""
        self._stale = True
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
        self._recent.append(request)
        return self._reading(lambda reader: _answer(reader, request, table))

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
        """What the index holds (reads its directory; see :meth:`health` for a cheap look)."""
        return self._index.info()

    def health(self) -> Health:
        """The commit this engine serves and its cache, without reading the index (it is
        opened only if no search has opened it yet)."""
        reader = self._reader or self._reading(lambda reader: reader)
        refreshed = self._refreshed or time.time()
        return Health(
            documents=reader.count, generation=reader.generation,
            serving_since=dt.datetime.fromtimestamp(refreshed, dt.timezone.utc).isoformat(timespec="seconds"),
            cache_bytes=self._cache.used, cache_budget=self._cache.budget,
        )

    def refresh(self) -> bool:
        """Open the index's last commit if it is not the one served, warm it by running the
        searches asked most of late, then serve it; False when there was nothing new.

        Searches go on meanwhile on the commit served before: what a new commit needs to read
        is its new segments (see :mod:`searcher.reader`), and warming reads it before any search
        waits for it."""
        return self._open(warm=True)

    def follow(self, interval: float = FOLLOW_SECONDS) -> None:
        """Keep up with commits by other processes: every ``interval`` seconds a background
        thread calls :meth:`refresh`, so searches never check for, nor wait for, a new commit."""
        if self._follower is not None:
            return
        self._stop.clear()
        self._follower = threading.Thread(target=self._follow, args=(interval,), name="vnsearch-follow", daemon=True)
        self._follower.start()

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
        self._stop.set()
        if self._follower is not None:
            self._follower.join()
            self._follower = None
        with self._opening:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._reader = None

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
        """The index as of its last commit (by this process or another); a following engine
        serves the commit its thread last opened."""
        reader = self._reader
        if reader is not None and not self._stale and (self._follower is not None or self._up_to_date()):
            return reader
        self._open(warm=False)
        assert self._reader is not None
        return self._reader

    def _up_to_date(self) -> bool:
        if self._searcher is None:
            return False
        # A commit writes into the index's folder: while the folder is as it was (and not just
        # changed, in case the file system's clock is coarse), nothing was committed since.
        stamp = self._index.stamp()
        if stamp is not None and stamp == self._stamp and time.time_ns() - stamp[0] > STAMP_SETTLED_NS:
            return True
        with codec_reading():
            current = bool(self._searcher.up_to_date())
        if current:
            self._stamp = stamp
        return current

    def _open(self, warm: bool) -> bool:
        """Open the last commit if it is not the one served (warmed first if ``warm``)."""
        with self._opening:
            current = self._reader
            if self._index.rebuilt():
                current = None  # another generation: nothing to derive from
            elif current is not None and not self._stale and self._up_to_date():
                return False
            self._stale = False
            # A new searcher, not refresh(): refreshing one opened on an empty index fails in Whoosh.
            stamp = self._index.stamp() if self._index.exists() else None  # (before: a commit after it is seen next time)
            searcher = self._index.whoosh.searcher()
            try:
                reader = Reader(searcher.reader(), self._cache, previous=current, progress=self._progress)
                if warm:
                    self._warm(reader)
            except BaseException:
                searcher.close()
                raise
            # Not closed: searches may still be running on the commit served until now; its
            # files are closed when the last of them lets go of it.
            self._searcher, self._reader = searcher, reader
            self._stamp = stamp
            reader.forget_previous()
            self._cache.retain(reader.scopes)
            self._refreshed = time.time()
            return True

    def _warm(self, reader: Reader) -> None:
        """Run the searches asked most of late on ``reader``: it reads its new segments and
        computes its per-document arrays and their rankings before it serves."""
        reader.prepare()
        for request, _ in Counter(self._recent).most_common(WARM):
            if self._stop.is_set():
                return
            _answer(reader, request, self.synonyms())

    def _follow(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self._open(warm=True)
            except (SearcherError, ReadError):
                continue  # no index yet, or one being rebuilt: look again later
            except Exception:  # a bug: said, and the commit served so far goes on being served
                LOG.exception("vnsearch: opening the index's last commit failed")


def _answer(reader: Reader, request: SearchRequest, synonyms: Synonyms) -> SearchResults:
    """The results of ``request``, kept per reader: the same page asked again is not computed again."""
    started = time.perf_counter()
    results = reader.cached(("results", request), lambda: _search(reader, request, synonyms))
    return dataclasses.replace(results, took_ms=_ms(started))


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
    total = _count_groups(reader, ranking.matches) if groups is not None else int(ranking.matches.size)
    return SearchResults(
        query=request.query, total=total, took_ms=_ms(started), hits=hits, offset=request.offset,
        limit=request.limit, partial=ranking.partial, suggestion=suggested, facets=_facets(reader, ranking.matches),
        showing=rewritten.showing, relaxed=ranking.relaxed,
    )


def _suggestion(reader: Vocabulary, typed: str, rewritten: Rewritten, likeliest: Mapping[str, str]) -> str | None:
    """The query searched, with each word typed without diacritics as it was likely meant;
    in a query typed with diacritics, a run of words typed without them that the index has
    as typed (``minh`` in ``phạm minh chính``) was meant so, and is kept (unless one was a
    typo); a run with one word the index lacks as typed is read whole (``hội nghị tong ket``
    -> ``hội nghị tổng kết``, though the index has ``tong``)."""
    kept: set[str] = set()
    if parse(typed).accented:
        kept = {w.folded for w in rewritten.parsed.words if not w.accented and reader.doc_frequency(s.BODY, w.folded)
                and fold_term(likeliest.get(w.folded, w.folded)) == w.folded}
    return suggestion(rewritten.showing or typed, likeliest, kept)


def _count_groups(reader: Reader, docs: np.ndarray) -> int:
    """How many groups of near-duplicates ``docs`` make (most articles are alone in theirs)."""
    shared = reader.shared()[docs]
    return int(docs.size - shared.sum()) + int(np.unique(reader.groups()[docs[shared]]).size)


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

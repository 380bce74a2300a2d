"""The values that flow through vnsearch: articles in, hits and reports out."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .errors import RequestError

__all__ = [
    "Article", "Completions", "Facet", "Facets", "Health", "Hit", "IndexInfo", "IndexReport", "NodeInfo", "Repaired", "SearchRequest",
    "SearchResults",
    "Skipped", "Snippet", "Term",
]


@dataclass(frozen=True)
class Article:
    """One news article, as read from a file or given to :meth:`SearchEngine.add_documents`."""

    id: str
    title: str
    text: str
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None  # site or folder, e.g. "baohanam.com.vn" or "seeds"
    file: str | None = None  # the file it was read from, when it was
    # What else the source said, as (key, value) pairs: ("author", "Hải Yến"), ("category", …) …
    metadata: tuple[tuple[str, str], ...] = ()
    headline: bool = True  # False when the source had no title and ``title`` is the lead's first sentence

    def as_json(self) -> dict[str, Any]:
        """What ``GET /api/docs/{id}`` returns."""
        return {
            "id": self.id, "title": self.title, "date": self.date.isoformat() if self.date else None,
            "source": self.source, "url": self.url, "file": self.file, "metadata": dict(self.metadata),
            "text": self.text,
        }


@dataclass(frozen=True)
class Skipped:
    """An input that was not indexed, and why: ``Skipped("data.jsonl:12", "not valid JSON")``."""

    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


@dataclass(frozen=True)
class Repaired:
    """An input that was indexed after a repair, and which:
    ``Repaired("old.txt", "not valid UTF-8 in 1 place: read as UTF-8, with \ufffd for the bad bytes")``."""

    item: str
    repair: str

    def __str__(self) -> str:
        return f"{self.item}: {self.repair}"


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: tuple[Skipped, ...] = ()
    repaired: tuple[Repaired, ...] = ()

    @property
    def indexed(self) -> int:
        """Documents written by this run (added or updated)."""
        return self.added + self.updated


@dataclass(frozen=True)
class Snippet:
    """A passage of an article with the words that matched the query.

    ``str(snippet)`` marks them with ``<b>…</b>``; :meth:`mark` chooses other marks.
    """

    text: str
    matches: tuple[tuple[int, int], ...] = ()  # (start, end) character spans in ``text``

    def mark(self, before: str = "<b>", after: str = "</b>", escape: Callable[[str], str] = str) -> str:
        """The text with each match wrapped; ``escape`` is applied to every piece of text."""
        pieces, done = [], 0
        for start, end in self.matches:
            pieces += [escape(self.text[done:start]), before, escape(self.text[start:end]), after]
            done = end
        pieces.append(escape(self.text[done:]))
        return "".join(pieces)

    def html(self) -> str:
        """The passage as HTML: its text escaped, the matches in ``<b>…</b>``."""
        return self.mark(escape=html.escape)

    def __str__(self) -> str:
        return self.mark()


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str
    date: dt.date | None
    score: float
    snippet: Snippet
    url: str | None = None
    file: str | None = None
    source: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    similar: tuple[str, ...] = ()  # ids of near-duplicates that also match, collapsed into this hit

    @property
    def path(self) -> str | None:
        """Where the article can be read: its URL when known, else the file it came from."""
        return self.url or self.file

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "score": self.score,
            "snippet": self.snippet.html(),
            "path": self.path,
            "url": self.url,
            "source": self.source,
            "metadata": dict(self.metadata),
            "similar": list(self.similar),
        }


@dataclass(frozen=True)
class SearchRequest:
    """One search: what was typed, which page, which filters, in what order.

    The CLI, the HTTP API and :meth:`SearchEngine.search` all build one, so the limits are
    the same everywhere; out-of-range values raise :class:`RequestError`:

        >>> SearchRequest("cong doan", limit=500)
        Traceback (most recent call last):
        ...
        searcher.errors.RequestError: limit must be from 1 to 100 (got 500)
    """

    query: str
    limit: int = 10
    offset: int = 0
    since: dt.date | None = None
    until: dt.date | None = None
    year: int | None = None
    source: str | None = None
    sort: str = "relevance"
    suggest: bool = False
    collapse: bool = True  # near-duplicates as one hit (see Hit.similar)
    as_typed: bool = False  # keystrokes (Telex, VNI, VIQR) searched as typed, not converted

    MAX_LIMIT: ClassVar[int] = 100  # results in one page
    MAX_OFFSET: ClassVar[int] = 10_000  # deeper pages would rank every match
    MAX_QUERY_CHARS: ClassVar[int] = 1_000  # a longer query is cut to its first words (see :meth:`shorten`)
    SORTS: ClassVar[tuple[str, ...]] = ("relevance", "date")

    def __post_init__(self) -> None:
        object.__setattr__(self, "query", self.shorten(self.query))
        if not 1 <= self.limit <= self.MAX_LIMIT:
            raise RequestError(f"limit must be from 1 to {self.MAX_LIMIT} (got {self.limit})", "limit")
        if not 0 <= self.offset <= self.MAX_OFFSET:
            raise RequestError(f"offset must be from 0 to {self.MAX_OFFSET} (got {self.offset}): ask for an earlier page", "offset")
        if self.sort not in self.SORTS:
            raise RequestError(f"unknown sort {self.sort!r}: use one of {', '.join(self.SORTS)}", "sort")
        if self.year is not None and not 1 <= self.year <= 9999:
            raise RequestError(f"year must be from 1 to 9999 (got {self.year})", "year")

    @classmethod
    def shorten(cls, query: str) -> str:
        """``query`` cut to its first words within :attr:`MAX_QUERY_CHARS` characters (a pasted
        page is searched by its beginning, as a query of many words is by its first 64):

            >>> short = SearchRequest.shorten("giá vàng " * 200)
            >>> len(short), short[-8:]
            (998, 'giá vàng')
        """
        if len(query) <= cls.MAX_QUERY_CHARS:
            return query
        cut = query[: cls.MAX_QUERY_CHARS + 1]
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        return (cut[:space] if space > 0 else cut[: cls.MAX_QUERY_CHARS]).rstrip()

    @classmethod
    def for_page(cls, query: str, page: int = 1, limit: int = 10, **options: Any) -> SearchRequest:
        """The request for page ``page`` (from 1) of ``limit`` results."""
        if page < 1 or (page - 1) * limit > cls.MAX_OFFSET:
            last = cls.MAX_OFFSET // max(limit, 1) + 1
            raise RequestError(f"page must be from 1 to {last} with {limit} results a page (got {page})", "page")
        return cls(query, limit=limit, offset=(page - 1) * limit, **options)


@dataclass(frozen=True)
class Facet:
    """How many of a query's matches share one value: ``Facet("2021", 12)``."""

    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """A query's matches counted by year of publication and by source, most first."""

    years: tuple[Facet, ...] = ()
    sources: tuple[Facet, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    """One page of results for a query."""

    query: str
    total: int  # documents matching, over all pages; with near-duplicates collapsed, one per group
    took_ms: float
    hits: tuple[Hit, ...] = ()
    offset: int = 0
    limit: int = 10
    partial: bool = False  # no document had every word: these match some of them
    suggestion: str | None = None  # the query with diacritics, when typed without: "công đoàn"
    facets: Facets = field(default_factory=Facets)
    showing: str | None = None  # what was searched instead of ``query``: its keystrokes converted ("coong ddoanf" -> "công đoàn")
    # Over a cluster: the nodes that did not answer ("node2 (127.0.0.1:9308)"), whose shards' articles
    # are missing from these results (``partial`` is then true).
    unavailable: tuple[str, ...] = ()
    relaxed: tuple[str, ...] = ()  # quoted phrases no article has, searched as their words instead (see :attr:`relaxed_notices`)

    @property
    def page(self) -> int:
        return self.offset // max(self.limit, 1) + 1

    @property
    def pages(self) -> int:
        return -(-self.total // max(self.limit, 1))

    @property
    def relaxed_notices(self) -> tuple[str, ...]:
        """What the user is told of a phrase searched as its words, one line each:

            >>> SearchResults("x", 1, 0.0, relaxed=("giấy phép báo",)).relaxed_notices
            ('No article has the exact phrase “giấy phép báo”; showing articles with its words.',)
        """
        return tuple(f"No article has the exact phrase “{phrase}”; showing articles with its words." for phrase in self.relaxed)

    def as_json(self) -> dict[str, Any]:
        """What ``vnsearch search --json`` prints and ``GET /api/search`` returns."""
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": self.took_ms,
            "page": self.page,
            "limit": self.limit,
            "partial": self.partial,
            "suggestion": self.suggestion,
            "showing": self.showing,
            "relaxed": [{"phrase": phrase, "notice": notice} for phrase, notice in zip(self.relaxed, self.relaxed_notices)],
            "unavailable": list(self.unavailable),
            "facets": {
                "year": [{"value": f.value, "count": f.count} for f in self.facets.years],
                "source": [{"value": f.value, "count": f.count} for f in self.facets.sources],
            },
            "hits": [hit.as_json() for hit in self.hits],
        }


@dataclass(frozen=True)
class Completions:
    """What a query being typed may become: its last word completed (``GET /api/complete``)."""

    query: str
    completions: tuple[str, ...] = ()  # whole queries: "cong do" -> "công đoàn", "cộng đồng" …
    took_ms: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "completions": list(self.completions), "took_ms": self.took_ms}


@dataclass(frozen=True)
class NodeInfo:
    """One node of a cluster, as ``vnsearch info --cluster`` shows it."""

    name: str
    address: str
    state: str  # "up", or why it is not: "down: connection refused"
    documents: int | None = None  # in its shard
    version: str | None = None  # the searchd's


@dataclass(frozen=True)
class IndexInfo:
    """What ``vnsearch info`` shows."""

    path: str
    documents: int
    size_bytes: int
    sources: tuple[str, ...]
    schema_version: int
    analyzer_version: int
    updated: str | None = None  # ISO time of the last change
    nodes: tuple[NodeInfo, ...] = ()  # over a cluster: each node and its shard


@dataclass(frozen=True)
class Health:
    """What a serving engine holds (``GET /healthz``): known without reading the index."""

    documents: int  # live documents in the commit served
    generation: int  # that commit's number (it grows with each commit)
    serving_since: str  # ISO time this commit started being served
    cache_bytes: int  # what the cache holds (estimated)
    cache_budget: int  # what it may hold


@dataclass(frozen=True)
class Term:
    """One term an analyzer makes of a text (what ``vnsearch analyze`` shows)."""

    text: str  # as indexed: "hòa"
    folded: str  # what a query typed without diacritics finds it by: "hoa"
    position: int  # the syllables of one word are consecutive; words are further apart
    start: int  # its characters in the text
    end: int

"""``SearchEngine``: the small facade that apps embed.

    >>> engine = SearchEngine("index")                # opens, or creates on first write
    >>> engine.add_paths(["seeds/"])                  # doctest: +SKIP
    >>> engine.search("cong doan").hits[0].title      # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from .sources import article_from_record
from .indexer import Index, Progress, article_from_stored
from .analysis import fold_term
from .errors import IndexDamagedError
from .models import Article, IndexInfo, IndexReport, SearchResults, Skipped, Term
from .ranking import SORTS, IndexView, search
from .schema import ANALYZED, ID_FIELD, build_schema
from .segment import Segmenter
from .suggest import suggestion

__all__ = ["SearchEngine"]

T = TypeVar("T")


class SearchEngine:
    """Search over one index directory; every method is safe to call on a fresh directory."""

    def __init__(self, path: str | os.PathLike[str] = "index", *, segmenter: Segmenter | None = None):
        """``segmenter`` is used when this creates the index (default: pyvi)."""
        self._index = Index(path, segmenter)
        self._searcher: Searcher | None = None
        self._view: IndexView | None = None

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

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        since: dt.date | None = None,
        until: dt.date | None = None,
        year: int | None = None,
        source: str | None = None,
        sort: str = "relevance",
        suggest: bool = False,
        collapse: bool = True,
    ) -> SearchResults:
        """Ranked results for any text a user types; see :mod:`searcher.query` for the syntax.

        ``year`` and ``source`` keep only matches with that value (see ``results.facets``);
        ``sort="date"`` puts the newest first. With ``suggest``, ``results.suggestion`` is the
        query with diacritics when it was typed without (see :meth:`suggest`; it costs a few
        more milliseconds). With ``collapse`` (the default) near-duplicates (the same story
        from several sites) are one hit, the others in its ``similar``, and ``total`` counts
        such groups.

        Never fails because of what was typed; :class:`ValueError` for an unknown ``sort``;
        :class:`IndexDamagedError` if the index's files cannot be read.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        results = self._reading(
            lambda view: search(
                view, text, limit=max(limit, 0), offset=max(offset, 0), since=since, until=until,
                year=year, source=source, sort=sort, collapse=collapse,
            )
        )
        return replace(results, suggestion=self.suggest(text)) if suggest else results

    def suggest(self, text: str) -> str | None:
        """The query as it was most likely meant, with diacritics: ``"cong doan"`` ->
        ``"công đoàn"``, learned from the index's own articles; None when it was typed with
        them, or nothing better is known."""
        return self._reading(lambda view: suggestion(view, text))

    def document(self, doc_id: str) -> Article | None:
        """The stored article with this id, or None."""
        return self._reading(lambda view: _stored(view, doc_id))

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

    def _reading(self, read: Callable[[IndexView], T]) -> T:
        view = self._current_view()
        try:
            return read(view)
        except Exception as error:  # reading a damaged segment fails in many ways inside Whoosh
            raise IndexDamagedError(
                f"the index at {self.path} could not be read ({type(error).__name__}: {error}): run `vnsearch rebuild`"
            ) from error

    def _current_view(self) -> IndexView:
        """The index as of its last commit (by this process or another)."""
        if self._searcher is None:
            self._searcher = self._index.whoosh.searcher()
        elif not self._searcher.up_to_date():
            # A new searcher, not refresh(): refreshing one opened on an empty index fails in Whoosh.
            self._close_searcher()
            self._searcher = self._index.whoosh.searcher()
        if self._view is None:
            self._view = IndexView(self._searcher.reader())
        return self._view

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._view = None


def _stored(view: IndexView, doc_id: str) -> Article | None:
    try:
        docnum = view.reader.first_id(ID_FIELD, doc_id)
    except TermNotFound:
        return None
    if docnum is None or not view.live[docnum]:
        return None
    return article_from_stored(view.reader.stored_fields(docnum))

"""``ClusterEngine``: :class:`searcher.SearchEngine`'s interface over a Sphinx or Manticore cluster.

    >>> engine = ClusterEngine("cluster/")            # doctest: +SKIP
    >>> engine.add_paths(["seeds/"])                  # doctest: +SKIP
    >>> engine.search("cong doan").hits[0].title      # doctest: +SKIP

Ingest analyzes each article with vnsearch's analyzer (in worker processes) and writes it to
the shard its id hashes to; the vocabulary beside the configuration is updated in the same
batch. A search is understood as in the embedded engine (keystrokes, abbreviations, typos,
readings: over the vocabulary), translated to SphinxQL (:mod:`.translate`) and sent to the
first node that answers, whose distributed index asks every shard. The best
:data:`CANDIDATES` come back and are ranked by vnsearch's own scoring (:mod:`.candidates`);
totals and facets are counted by the shards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import numpy as np

from .. import duplicates, matching
from .. import schema as s
from ..analysis import fold_term
from ..engine import FACET_SOURCES, SIMILAR_WINDOW, _hit, _suggestion
from ..errors import RequestError, SearcherError
from ..indexer import article_from_stored, fingerprint
from ..matching import order, rank
from ..models import (
    Article,
    Completions,
    Facet,
    Facets,
    Health,
    IndexInfo,
    IndexReport,
    NodeInfo,
    Repaired,
    SearchRequest,
    SearchResults,
    Skipped,
)
from ..query import ParsedQuery, Word
from ..reader import Reader
from ..rewriting import rewrite
from ..schema import ANALYZER_VERSION, SCHEMA_VERSION
from ..segment import Segmenter
from ..sources import article_from_record, read_paths
from ..synonyms import INDEX_FILE, Synonyms, load
from .candidates import POSITIONS, Candidates
from .config import INDEX, SHARD_COLUMNS, STORE, STORE_COLUMNS, ClusterConfig, Node, document_key, shard_of
from .ingest import WORKERS, Analyzed, analyzed, position_key, row_values
from .sphinxql import Connection, NodeDown, literal, missing_agents
from .translate import Plan, count_expression, filters, group_expression, plan
from .vocabulary import Store, Vocabulary

__all__ = ["CANDIDATES", "ClusterEngine"]

CANDIDATES = 300  # best matches the shards send back, ranked again by vnsearch's scoring
BATCH = 256  # articles written to the shards (and the vocabulary) at a time
MAX_MATCHES = 20_000  # what Sphinx keeps per query: deeper pages than this are not served
RANKER = "expr('sum((4*lcs + sum_idf)*user_weight)*100 + bm25')"
OPTIONS = (f"ranker={RANKER}, field_weights=(title_folded=4, body_folded=1, title=4, body=1), "
           "idf='plain,tfidf_unnormalized'")
COUNTING = "ranker=none"  # totals and facets: which articles match, not how well
CANDIDATE_COLUMNS = ("doc_id", "published", "grp", "title_length", "body_length", "source")
PAGE_COLUMNS = "doc_id, title_text, body_text, url, file, source, metadata, published, headline"


class ClusterEngine:
    """Search over a cluster described by ``config`` (its file, or the folder holding it)."""

    def __init__(self, config: str | os.PathLike[str], *, segmenter: Segmenter | None = None,
                 synonyms: Sequence[str | os.PathLike[str]] = (), candidates: int = CANDIDATES, workers: int | None = None):
        self.config = ClusterConfig.load(config)
        self.segmenter = segmenter
        self.candidates = candidates
        self.workers = workers
        self._connections = {node.name: Connection(node) for node in self.config.nodes}
        self._store = Store(self.config.vocabulary)
        self.vocabulary = Vocabulary(self._store, self._count_all)
        self._synonym_files = list(synonyms)
        self._synonyms: Synonyms | None = None
        self._writing = threading.Lock()
        self._started = time.time()

    @property
    def path(self) -> str:
        return str(self.config.path)

    def exists(self) -> bool:
        return True

    # -- writing ------------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str | os.PathLike[str]], *, progress: Any = None) -> IndexReport:
        """Index files and folders (as :meth:`SearchEngine.add_paths`); unchanged articles are skipped."""
        reading = read_paths(paths)

        def items() -> Iterator[Article | Skipped | Repaired]:
            for item in reading:
                yield item
                if progress:
                    progress(reading.done_bytes, reading.total_bytes)

        return self._ingest(items())

    def add_documents(self, records: Iterable[Mapping[str, Any] | Article]) -> IndexReport:
        """Index articles given as records (``id``, ``title``, ``text`` …) or :class:`Article` values."""
        def articles() -> Iterator[Article | Skipped]:
            for number, record in enumerate(records, 1):
                if isinstance(record, Article):
                    yield record
                    continue
                try:
                    yield article_from_record(record)
                except ValueError as error:
                    yield Skipped(str(record.get("id") or f"record {number}"), str(error))

        return self._ingest(articles())

    def delete(self, doc_id: str) -> bool:
        """Remove one article; ``False`` if there was none with that id."""
        key = document_key(doc_id)
        node = self._shard_node(doc_id)
        with self._writing:
            old = self._existing(node, [key], full=True)
            if key not in old:
                return False
            for index in (node.shard, node.store):
                self._connection(node).one(f"DELETE FROM {index} WHERE id = {key}")
                self._connection(node).one(f"FLUSH RTINDEX {index}")
            self._store.change([], [_removed(old[key])])
        self.vocabulary.refresh(force=True)
        return True

    def _ingest(self, items: Iterable[Article | Skipped | Repaired]) -> IndexReport:
        """Articles read, checked against their shards (unchanged ones skipped), analyzed by
        worker processes started once for the whole ingest (reading and checking run in a
        thread meanwhile), then written :data:`BATCH` at a time: each shard's rows in one
        statement and the vocabulary in one transaction. The shards' RAM chunks are flushed to
        disk once at the end, before the report (the binlog keeps the writes meanwhile)."""
        skipped: list[Skipped] = []
        repaired: list[Repaired] = []
        unchanged = [0]
        old: dict[int, dict[str, Any]] = {}  # the earlier rows of the articles being replaced, by key

        def changed() -> Iterator[Article]:
            seen: set[str] = set()
            batch: list[Article] = []
            for item in itertools.chain(items, [None]):
                if isinstance(item, Skipped):
                    skipped.append(item)
                elif isinstance(item, Repaired):
                    repaired.append(item)
                elif item is not None and item.id in seen:
                    skipped.append(Skipped(item.id, "duplicate id: an article with this id was already read in this run"))
                elif item is not None:
                    seen.add(item.id)
                    batch.append(item)
                if batch and (len(batch) >= BATCH or item is None):
                    fresh = self._changed(batch, old)
                    unchanged[0] += len(batch) - len(fresh)
                    yield from fresh
                    batch = []

        added = updated = 0
        with self._writing:
            grouping = self._store.grouping()
            pending: list[Analyzed] = []
            for item in analyzed(changed(), self.segmenter, self.workers or WORKERS):
                pending.append(item)
                if len(pending) >= BATCH:
                    done = self._write(pending, grouping, old)
                    added, updated, pending = added + done[0], updated + done[1], []
            if pending:
                done = self._write(pending, grouping, old)
                added, updated = added + done[0], updated + done[1]
            if added or updated:
                # Acknowledged only once on disk: Sphinx 2.2's binlog alone did not bring a shard back after kill -9 here.
                for node in self.config.nodes:
                    for index in (node.shard, node.store):
                        self._connection(node).one(f"FLUSH RTINDEX {index}")
        self.vocabulary.refresh(force=True)
        return IndexReport(added=added, updated=updated, unchanged=unchanged[0], skipped=tuple(skipped), repaired=tuple(repaired))

    def _changed(self, batch: list[Article], old: dict[int, dict[str, Any]]) -> list[Article]:
        """The articles of ``batch`` whose shard has no row with their fingerprint; the rows
        they replace are kept in ``old``."""
        by_node: dict[str, list[int]] = {}
        for article in batch:
            by_node.setdefault(self._shard_node(article.id).name, []).append(document_key(article.id))
        known: dict[int, dict[str, Any]] = {}
        for name, keys in by_node.items():
            known.update(self._existing(self._node(name), keys, full=False))
        changed = [a for a in batch if known.get(document_key(a.id), {}).get("fingerprint") != fingerprint(a)]
        replaced: dict[str, list[int]] = {}
        for article in changed:
            if document_key(article.id) in known:
                replaced.setdefault(self._shard_node(article.id).name, []).append(document_key(article.id))
        for name, keys in replaced.items():
            old.update(self._existing(self._node(name), keys, full=True))
        return changed

    def _write(self, batch: list[Analyzed], grouping: duplicates.Grouping, old: dict[int, dict[str, Any]]) -> tuple[int, int]:
        """One batch of analyzed articles replaced on their shards, then counted in the
        vocabulary (the rows they replace uncounted). Returns (added, updated)."""
        rows: dict[str, list[dict[str, Any]]] = {}
        added: list[tuple[str, dict[str, Iterable[str]], dict[str, float], bytes, int]] = []
        for item in batch:
            sig = item.signature
            group = grouping.add(item.article.id, _signature(sig))
            rows.setdefault(self._shard_node(item.article.id).name, []).append(row_values(item, group))
            added.append((item.article.id, {f: item.terms[f] for f in POSITIONS}, item.lengths, sig, group))
        for name, values in rows.items():
            node = self._node(name)
            self._connection(node).one(_replace(node.shard, [{c: row[c] for c in SHARD_COLUMNS} for row in values]))
            self._connection(node).one(_replace(node.store, [{c: row[c] for c in STORE_COLUMNS} for row in values]))
        removed = [old.pop(item.key) for item in batch if item.key in old]
        self._store.change(added, [_removed(row) for row in removed])
        return len(batch) - len(removed), len(removed)

    def _existing(self, node: Node, keys: Sequence[int], full: bool) -> dict[int, dict[str, Any]]:
        """The rows of ``keys`` on ``node``'s shard: fingerprints, or (``full``, from its store) what the vocabulary counted."""
        if not keys:
            return {}
        columns = "id, doc_id, " + ("title_positions, body_positions, title_length, body_length" if full else "fingerprint")
        index = node.store if full else node.shard
        names = [c.strip() for c in columns.split(",")]
        found = {}
        for start in range(0, len(keys), 1000):
            chunk = ", ".join(str(k) for k in keys[start : start + 1000])
            rows = self._connection(node).one(f"SELECT {columns} FROM {index} WHERE id IN ({chunk}) LIMIT 1000 OPTION max_matches=1000")
            found.update({int(row[0]): dict(zip(names, row)) for row in rows})
        return found

    # -- reading ------------------------------------------------------------------------------

    def search(self, query: str | SearchRequest, **options: Any) -> SearchResults:
        """Ranked results, as :meth:`SearchEngine.search`; ``unavailable`` names the nodes
        that did not answer (their shards' articles are missing, and ``partial`` is true)."""
        request = query if isinstance(query, SearchRequest) else SearchRequest(query, **options)
        started = time.perf_counter()
        self.vocabulary.refresh()
        vocabulary = self.vocabulary
        rewritten = rewrite(vocabulary, request.query, self.synonyms(), as_typed=request.as_typed)
        parsed = rewritten.parsed
        empty = SearchResults(query=request.query, total=0, took_ms=_ms(started), offset=request.offset, limit=request.limit)
        if not (parsed.groups or parsed.excluded):
            return empty
        where = filters(request.since, request.until, request.year, request.source)
        wanted = request.offset + request.limit
        size = min(max(self.candidates, wanted + SIMILAR_WINDOW), MAX_MATCHES)
        by_date = request.sort == "date"
        query_plan = plan(parsed, vocabulary, matching.PARAMS)
        fetched = self._candidates(query_plan, where, size, by_date)
        unmatched = frozenset(self._unmatched_phrases(parsed, where)) if fetched.total == 0 else frozenset()
        if unmatched:  # quoted phrases no article has (pasted text often has quotes): searched as their words
            query_plan = plan(parsed, vocabulary, matching.PARAMS, unmatched=unmatched)
            fetched = self._candidates(query_plan, where, size, by_date)
        unavailable = tuple(f"{n.name} ({n.address})" for n in fetched.missing)
        candidates = Candidates(vocabulary, fetched.rows, fetched.columns, self._positions)
        reader = cast(Reader, candidates)  # what matching reads of an index, over the candidates (see candidates.py)
        ranking = rank(reader, parsed)
        suggested = _suggestion(vocabulary, request.query, rewritten, ranking.readings) if request.suggest else None
        groups = candidates.groups() if request.collapse else None
        ranked = order(reader, ranking, ranking.matches.size, by_date=by_date)
        docs = ranking.matches[ranked].tolist()
        kept = duplicates.collapse(docs, groups[ranking.matches[ranked]].tolist()) if groups is not None else [(d, []) for d in docs]
        scores = dict(zip(docs, ranking.scores[ranked].tolist()))
        words = parsed.words + [Word(t, fold_term(t)) for w, t in ranking.readings.items() if fold_term(t) != w]
        page = kept[request.offset : wanted]
        stored = self._stored([candidates.keys[d] for d, _ in page])
        hits = tuple(
            _hit(stored[candidates.keys[doc]], scores[doc], words, tuple(candidates.ids(_array(others))))
            for doc, others in page if candidates.keys[doc] in stored
        )
        if fetched.exact and not (query_plan.long or ranking.partial):
            total = fetched.groups if request.collapse else fetched.matched
            facets = fetched.facets
        else:  # the shards matched more loosely than vnsearch keeps: counted over the candidates kept
            total = len(kept) if request.collapse else int(ranking.matches.size)
            facets = _facets_of([candidates.rows[d] for d in ranking.matches.tolist()])
        return SearchResults(
            query=request.query, total=total, took_ms=_ms(started), hits=hits, offset=request.offset, limit=request.limit,
            partial=ranking.partial or bool(unavailable), suggestion=suggested, facets=facets, showing=rewritten.showing,
            unavailable=unavailable, relaxed=ranking.relaxed,
        )

    def suggest(self, text: str) -> str | None:
        return self.search(SearchRequest(text, suggest=True)).suggestion

    def synonyms(self) -> Synonyms:
        if self._synonyms is None:
            own = self.config.folder / INDEX_FILE
            self._synonyms = load(([own] if own.is_file() else []) + self._synonym_files)
        return self._synonyms

    def complete(self, text: str, limit: int = 8) -> Completions:
        """Not offered over a cluster yet: no completions (the page works without them)."""
        if not 1 <= limit <= 20:
            raise RequestError(f"limit must be from 1 to 20 (got {limit})")
        return Completions(query=text)

    def document(self, doc_id: str) -> Article | None:
        """The stored article with this id (read from its shard), or None."""
        key = document_key(doc_id)
        node = self._shard_node(doc_id)
        rows = self._connection(node).one(f"SELECT {PAGE_COLUMNS} FROM {node.store} WHERE id = {key}")
        if not rows or rows[0][0] != doc_id:
            return None
        return article_from_stored(_stored_fields(dict(zip(_names(PAGE_COLUMNS), rows[0]))))

    def info(self) -> IndexInfo:
        """Each node's state and documents; the cluster's documents (of the nodes that answered)."""
        nodes = []
        for node in self.config.nodes:
            try:
                connection = self._connection(node)
                version = connection.version
                status = dict(connection.one(f"SHOW INDEX {node.shard} STATUS"))
                nodes.append(NodeInfo(node.name, node.address, "up", int(status.get("indexed_documents", 0)), version))
            except SearcherError as error:
                nodes.append(NodeInfo(node.name, node.address, f"down: {str(error).split(': ', 1)[-1]}"))
        sources: list[str] = []
        try:
            rows = self._front_query([f"SELECT source, COUNT(*) FROM {INDEX} GROUP BY source ORDER BY source ASC LIMIT 1000"])[0][0]
            sources = [str(r[0]) for r in rows if r[0]]
        except SearcherError:
            pass
        size = sum(f.stat().st_size for n in self.config.nodes for f in (self.config.folder / n.folder / "data").glob("*") if f.is_file())
        return IndexInfo(
            path=self.path, documents=sum(n.documents or 0 for n in nodes), size_bytes=size, sources=tuple(sources),
            schema_version=SCHEMA_VERSION, analyzer_version=ANALYZER_VERSION, updated=None, nodes=tuple(nodes),
        )

    def health(self) -> Health:
        self.vocabulary.refresh()
        return Health(documents=self.vocabulary.count, generation=max(self.vocabulary.generation, 0),
                      serving_since=dt.datetime.fromtimestamp(self._started, dt.timezone.utc).isoformat(timespec="seconds"),
                      cache_bytes=0, cache_budget=0)

    def refresh(self) -> bool:
        self.vocabulary.refresh(force=True)
        return True

    def follow(self, interval: float = 0.5) -> None:
        """Searches look for a newer vocabulary themselves (every half second): nothing to start."""

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close_quietly()

    def __enter__(self) -> ClusterEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------------

    def _node(self, name: str) -> Node:
        return self._connections[name].node

    def _shard_node(self, doc_id: str) -> Node:
        return self.config.nodes[shard_of(doc_id, len(self.config.nodes))]

    def _connection(self, node: Node) -> Connection:
        return self._connections[node.name]

    def _front_query(self, statements: list[str]) -> tuple[list[list[tuple[Any, ...]]], list[Node]]:
        """``statements`` run on the first node that answers (its distributed index covers
        every shard), and the nodes that did not answer."""
        down: list[Node] = []
        for node in self.config.nodes:
            try:
                return self._connection(node).run(statements), down
            except NodeDown:
                down.append(node)
        raise SearcherError("no node of the cluster answered: " + "; ".join(
            f"{n.name} ({n.address})" for n in down) + f" (see `vnsearch info --cluster {self.config.folder}`)")

    def _candidates(self, query_plan: Plan, where: list[str], size: int, by_date: bool) -> _Fetched:
        """The best ``size`` candidates: any article with one of the query's groups (vnsearch's
        coverage then keeps those it would keep: the statistics of proximity need the articles
        having some of the words, not only those having all); the totals and facets of what
        the embedded engine matches (for a short query, every group).

        The shards rank every match and send back the best ``size`` with their small
        attributes; the positions of the query's words in those come in a second query, from
        the stores, by id (Sphinx computes the select list of every match it keeps: the JSON
        look-ups for all the matches cost more than the search). Totals and facets are counted
        without ranking (:data:`COUNTING`)."""
        columns = [(f, t) for t in dict.fromkeys(map(fold_term, query_plan.terms)) for f in POSITIONS][:600]
        loose = " AND ".join([f"MATCH({literal(query_plan.loose)})", *where])
        condition = " AND ".join([f"MATCH({literal(query_plan.loose if query_plan.long else query_plan.strict)})", *where])
        sort = "published DESC, WEIGHT() DESC" if by_date else "WEIGHT() DESC, id ASC"
        statements = [
            f"SELECT id, {', '.join(CANDIDATE_COLUMNS)} FROM {INDEX} WHERE {loose} ORDER BY {sort} LIMIT {size} OPTION {OPTIONS}, max_matches={size}",
            "SHOW META",
            f"SELECT id FROM {INDEX} WHERE {condition} LIMIT 1 OPTION {COUNTING}, max_matches=1",
            "SHOW META",
            f"SELECT year, COUNT(*) FROM {INDEX} WHERE {condition} GROUP BY year ORDER BY year DESC LIMIT 10000 OPTION {COUNTING}",
            f"SELECT source, COUNT(*) AS n FROM {INDEX} WHERE {condition} GROUP BY source ORDER BY n DESC LIMIT 10000 OPTION {COUNTING}",
            f"SELECT grp FROM {INDEX} WHERE {condition} GROUP BY grp LIMIT 1 OPTION {COUNTING}, max_matches=1",
            "SHOW META",
        ]
        results, down = self._front_query(statements)
        rows = [dict(zip(("id", *CANDIDATE_COLUMNS), values)) for values in results[0]]
        keys = [int(row["id"]) for row in rows]
        found = self._rows(keys, columns)
        for key, row in zip(keys, rows):
            row.update(found.get(key, {}))
        meta = _meta(results[1])
        missing = list(down) + [n for n in missing_agents(meta.get("warning", []), self.config.nodes) if n not in down]
        years = tuple(Facet(str(y), int(n)) for y, n in results[4] if int(y))
        sources = tuple(sorted((Facet(str(v), int(n)) for v, n in results[5] if v), key=lambda f: (-f.count, f.value))[:FACET_SOURCES])
        total = int(_meta(results[3]).get("total_found", ["0"])[0])
        return _Fetched(rows=rows, columns=columns, total=int(meta.get("total_found", ["0"])[0]),
                        groups=int(_meta(results[7]).get("total_found", ["0"])[0]), facets=Facets(years, sources), missing=missing,
                        exact=total > 0, matched=total)

    def _rows(self, keys: Sequence[int], columns: Sequence[tuple[str, str]]) -> dict[int, dict[Any, Any]]:
        """The positions of ``columns`` ((field, folded word) pairs) in the articles ``keys``,
        by key, from the stores (a full scan of each, filtered by id: the JSON look-ups are
        made for those articles only)."""
        found: dict[int, dict[Any, Any]] = {}
        if not columns:
            return found
        selected = ", ".join(["id", *(f"{POSITIONS[f]}[{literal(position_key(t))}] AS p{i}" for i, (f, t) in enumerate(columns))])
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            rows = self._front_query([f"SELECT {selected} FROM {STORE} WHERE id IN ({', '.join(map(str, chunk))}) "
                                      f"LIMIT {len(chunk)} OPTION max_matches={max(len(chunk), 20)}"])[0][0]
            found.update({int(values[0]): dict(zip(columns, values[1:])) for values in rows})
        return found

    def _positions(self, keys: Sequence[int], columns: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[Any]]:
        """Positions of more folded words in the candidates ``keys`` (in that order)."""
        found = self._rows(keys, columns)
        return {column: [found[k][column] if k in found else None for k in keys] for column in columns}

    def _stored(self, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored fields of the hits shown."""
        if not keys:
            return {}
        rows = self._front_query([f"SELECT id, {PAGE_COLUMNS} FROM {STORE} WHERE id IN ({', '.join(map(str, keys))}) "
                                  f"LIMIT {len(keys)} OPTION max_matches={max(len(keys), 20)}"])[0][0]
        names = ["id", *_names(PAGE_COLUMNS)]
        return {int(row[0]): _stored_fields(dict(zip(names, row))) for row in rows}

    def _unmatched_phrases(self, parsed: ParsedQuery, where: list[str]) -> list[int]:
        """The groups with a typed phrase that no article (among those the filters allow) has."""
        numbers = [i for i, g in enumerate(parsed.groups) if any(c.phrase and not c.expanded for c in g)]
        if not numbers:
            return []
        statements = []
        for number in numbers:
            condition = " AND ".join([f"MATCH({literal(group_expression(parsed.groups[number], self.vocabulary))})", *where])
            statements += [f"SELECT id FROM {INDEX} WHERE {condition} LIMIT 1 OPTION max_matches=1", "SHOW META"]
        results, _ = self._front_query(statements)
        return [n for i, n in enumerate(numbers) if int(_meta(results[2 * i + 1]).get("total_found", ["0"])[0]) == 0]

    def _count_all(self, words: Sequence[Sequence[str]]) -> int:
        """Documents with every word in one of its spellings (the keystroke repair's evidence)."""
        results, _ = self._front_query([
            f"SELECT id FROM {INDEX} WHERE MATCH({literal(count_expression(words))}) LIMIT 1 OPTION max_matches=1", "SHOW META",
        ])
        return int(_meta(results[1]).get("total_found", ["0"])[0])


@dataclasses.dataclass
class _Fetched:
    rows: list[dict[Any, Any]]
    columns: list[tuple[str, str]]
    total: int  # documents the shards matched
    groups: int  # ... as groups of near-duplicates
    facets: Facets
    missing: list[Node]
    exact: bool  # the shards counted what vnsearch keeps
    matched: int  # documents with every group


def _meta(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in rows:
        found.setdefault(str(name), []).append(str(value))
    return found


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",")]


def _stored_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A shard's row as the stored fields the embedded engine renders hits from."""
    day = int(row.get("published") or 0)
    fields = {
        s.ID_FIELD: row["doc_id"], s.TITLE: row["title_text"], s.BODY: row["body_text"],
        s.DATE: dt.datetime.fromordinal(day) if day else None, s.URL: row["url"] or None, s.FILE: row["file"] or None,
        s.SOURCE: row["source"] or None, s.METADATA: [tuple(pair) for pair in json.loads(row["metadata"])] if row["metadata"] else (),
        s.HEADLINE: bool(row.get("headline", 1)),
    }
    return fields


def _facets_of(rows: Sequence[dict[str, Any]]) -> Facets:
    years: dict[int, int] = {}
    for row in rows:
        year = dt.date.fromordinal(row["published"]).year if row["published"] else 0
        if year:
            years[year] = years.get(year, 0) + 1
    sources: dict[str, int] = {}
    for row in rows:
        if row["source"]:
            sources[row["source"]] = sources.get(row["source"], 0) + 1
    return Facets(years=tuple(Facet(str(y), n) for y, n in sorted(years.items(), reverse=True)),
                  sources=tuple(sorted((Facet(v, n) for v, n in sources.items()), key=lambda f: (-f.count, f.value))[:FACET_SOURCES]))


def _replace(shard: str, rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    values = ",\n".join("(" + ", ".join(_value(row[c]) for c in columns) + ")" for row in rows)
    return f"REPLACE INTO {shard} ({', '.join(columns)}) VALUES {values}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return literal(value)
    return str(int(value))


def _removed(row: dict[str, Any]) -> tuple[str, dict[str, Iterable[str]], dict[str, float]]:
    """What the vocabulary counted for a row that is replaced or deleted."""
    terms: dict[str, Iterable[str]] = {
        f: [key[1:] for spellings in json.loads(row[POSITIONS[f]] or "{}").values() for key in spellings] for f in POSITIONS
    }
    return row["doc_id"], terms, {f: float(row[f + "_length"]) for f in POSITIONS}


def _signature(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype=np.uint32)


def _array(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)

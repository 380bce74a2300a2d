"""Articles as a shard stores them: analyzed by vnsearch, in worker processes.

An article is cleaned, segmented and normalized exactly as for the embedded index
(:func:`searcher.analysis.words`, :func:`normalize_term`), then sent pre-analyzed:

* full-text fields Sphinx indexes word by word: ``title`` and ``body`` (the normalized
  syllables: ``công đoàn viên chức``), ``title_folded`` and ``body_folded`` (without
  diacritics: ``cong doan vien chuc``) and ``words`` (pyvi's words, folded: ``cong_doan_vien_chuc``);
* ``title_positions`` and ``body_positions``: each term with its positions (grouped by their
  folded form), as the embedded analyzer places them (a word's syllables consecutive, words :data:`WORD_GAP` apart), from
  which vnsearch's own ranking is computed for the best candidates (:mod:`.candidates`);
* attributes: the id, the stored title and text (for snippets and ``document(id)``), url, file,
  source, metadata, the day and year of publication, lengths, and the near-duplicate group.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np

from ..analysis import WORD_GAP, fold_term, normalize_term, words
from ..codec import stored_length
from ..duplicates import signature
from ..indexer import fingerprint
from ..models import Article
from ..normalize import clean
from ..segment import Segmenter
from .config import document_key
from .sphinxql import match_term
from .translate import EVERY

__all__ = ["Analyzed", "analyze", "analyzed"]

WORKERS = min(os.cpu_count() or 1, 4)
CHUNK = 8  # articles handed to a worker at a time


@dataclass(frozen=True)
class Analyzed:
    """One article ready for its shard: the row's values, and what the vocabulary counts."""

    article: Article
    key: int  # the cluster's document number
    row: dict[str, Any]  # the shard's columns but the near-duplicate group (see row_values)
    terms: dict[str, tuple[str, ...]]  # per field ("title", "body"): its distinct terms
    lengths: dict[str, float]  # per field, as Whoosh keeps them
    signature: bytes  # MinHash (near-duplicates)
    characters: int  # of text analyzed


def analyze(article: Article, segmenter: Segmenter | None = None) -> Analyzed:
    """``article`` analyzed as the embedded index analyzes it (in a worker process: what is
    sent back is the row's text, which pickles cheaply)."""
    texts = {"title": clean(article.title) if article.headline else "", "body": clean(article.text)}
    fields: dict[str, str] = {}
    positions: dict[str, str] = {}
    terms: dict[str, tuple[str, ...]] = {}
    lengths: dict[str, float] = {}
    joined: list[str] = []
    for name, text in texts.items():
        found = [[normalize_term(syllable) for syllable, _, _ in word] for word in words(text, segmenter)] if text else []
        where: dict[str, list[int]] = {}
        pos, count = -WORD_GAP, 0
        for word in found:
            pos += WORD_GAP - 1
            for term in word:
                pos += 1
                count += 1
                where.setdefault(term, []).append(pos)
        syllables = [term for word in found for term in word]
        fields[name] = " ".join(match_term(t) for t in syllables)
        fields[name + "_folded"] = " ".join(match_term(fold_term(t)) for t in syllables)
        joined += ["_".join(match_term(fold_term(t)) for t in word) for word in found]
        positions[name] = _positions(where)
        terms[name] = tuple(where)
        lengths[name] = stored_length(count)
    fields["words"] = " ".join([EVERY, *joined])
    key = document_key(article.id)
    row = {
        "id": key,
        **fields,
        "doc_id": article.id,
        "title_text": texts["title"] if article.headline else clean(article.title),
        "body_text": texts["body"],
        "url": article.url or "",
        "file": article.file or "",
        "source": article.source or "",
        "metadata": json.dumps([list(pair) for pair in article.metadata], ensure_ascii=False) if article.metadata else "",
        "fingerprint": fingerprint(article),
        "title_positions": positions["title"],
        "body_positions": positions["body"],
        "published": article.date.toordinal() if article.date else 0,
        "year": article.date.year if article.date else 0,
        "headline": int(article.headline),
        "title_length": int(lengths["title"]),
        "body_length": int(lengths["body"]),
    }
    return Analyzed(article=article, key=key, row=row, terms=terms, lengths=lengths, signature=signature(texts["body"]).tobytes(),
                    characters=len(texts["title"]) + len(texts["body"]))


def _analyze_one(item: tuple[Article, Segmenter | None]) -> Analyzed:
    return analyze(*item)


def analyzed(articles: Iterable[Article], segmenter: Segmenter | None = None, workers: int = WORKERS,
             ahead: int = 64 * CHUNK) -> Iterator[Analyzed]:
    """``articles`` analyzed, in order, by ``workers`` processes (one per core) started once
    for the whole stream; in this process for one worker or a few articles. ``articles`` is
    read in a thread of this process, at most ``ahead`` articles before what was yielded; an
    error it raises is raised here."""
    stream = iter(articles)
    first = list(itertools.islice(stream, 2 * CHUNK))
    if workers <= 1 or len(first) < 2 * CHUNK:
        yield from (analyze(a, segmenter) for a in itertools.chain(first, stream))
        return
    room = threading.BoundedSemaphore(ahead)
    failed: list[BaseException] = []
    stop = threading.Event()

    def tasks() -> Iterator[tuple[Article, Segmenter | None]]:
        try:
            for article in itertools.chain(first, stream):
                while not room.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                yield article, segmenter
        except Exception as error:  # raised in the consumer, after what was read before it
            failed.append(error)

    with get_context("fork").Pool(workers) as pool:
        try:
            for item in pool.imap(_analyze_one, tasks(), chunksize=CHUNK):
                room.release()
                yield item
        finally:
            stop.set()
    if failed:
        raise failed[0]


def position_key(term: str) -> str:
    """A term's key in the positions attributes (a bare number would be read as an array index)."""
    return "t" + term


def _positions(where: dict[str, list[int]]) -> str:
    """``{"tcong": {"tcông": [0, 7], "tcong": [31]}, …}``: each spelling's positions under its
    folded form, so that one look-up brings every spelling of a word (:mod:`.candidates`)."""
    nested: dict[str, dict[str, list[int]]] = {}
    for term, positions in where.items():
        nested.setdefault(position_key(fold_term(term)), {})[position_key(term)] = positions
    return json.dumps(nested, ensure_ascii=False, separators=(",", ":"))


def row_values(item: Analyzed, group: int) -> dict[str, Any]:
    """The column values of ``item``'s row (see config.FIELDS and the attributes), in the
    near-duplicate group ``group``."""
    return {**item.row, "grp": int(np.uint64(group) & np.uint64((1 << 63) - 1))}

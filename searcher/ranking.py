"""Scoring as small pure functions over arrays: BM25, coverage, proximity.

Nothing here reads the index; :mod:`searcher.matching` gathers the arrays and calls these.
A matching document's score for a query is

    sum over words of idf * bm25  +  a whole title  +  sum over neighbouring words of proximity

* **BM25** in title and in body, the title's weighted more, summed (as Lucene scores a
  query over several fields); a word typed without diacritics counts each spelling's
  frequency at the weight of how likely it was meant (see :mod:`searcher.matching`). A
  document missing a rare word lacks that word's large score; missing a common word
  (``là``, ``gì``) costs little.
* **coverage**, the share of the query's information (its words' idf) a document has,
  decides which documents match (:attr:`Params.short_query`, :attr:`Params.long_coverage`);
  multiplying the score by it as well ranked worse on the judged sets.
* **a whole title**: an article whose title has every word of the query (two or more, in a
  spelling meant) adds :attr:`Params.whole_title` times the query's idf: three words of a
  remembered title, typed in any order, find that article before others that have two of
  them side by side (chosen by cross-validation on news-dev, own-questions and known-keywords).
* **proximity**: two query words typed side by side that stand side by side in the document
  (``bóng đá``), more when they are one word to pyvi (``bóng_đá``) than two neighbouring words.

    >>> round(idf(10, 1000), 3)  # a word in 10 of 1,000 documents
    4.557
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Params", "adjacent", "bm25", "coverage", "fields_bm25", "idf", "proximity"]


@dataclass(frozen=True)
class Params:
    """The ranking's tunable constants (tuned on the judged sets, see bench/RELEVANCE.md)."""

    k1: float = 1.2
    title_weight: float = 4.0  # a title's BM25 counts this many times a body's
    title_b: float = 0.5  # length normalization in the title ...
    whole_title: float = 6.0  # a title with every word of the query (two or more) adds this times the query's idf
    body_b: float = 0.75  # ... and in the body
    short_query: int = 3  # queries of up to this many words match only documents with all of them ...
    long_coverage: float = 0.2  # ... longer ones also those with this share of the best one's information
    other_spelling: float = 0.05  # a word typed with diacritics: weight of its other spellings
    unlikely_reading: float = 0.1  # typed without: least weight of a spelling, relative to the likeliest
    typo: float = 0.5  # a word the index barely knows: weight of a close spelling, for each edit (searcher.typos)
    expansion_weight: float = 0.5  # an abbreviation's other forms (searcher.synonyms), relative to the form typed
    same_word: float = 1.0  # proximity: neighbouring query words inside one pyvi word
    next_word: float = 0.5  # ... in two neighbouring words
    proximity_weight: float = 0.7  # proximity's share of the score, relative to one word's idf
    proximity_k1: float = 1.0


def idf(doc_frequency: float, documents: int) -> float:
    """BM25's inverse document frequency (always positive)."""
    return math.log(1 + (documents - doc_frequency + 0.5) / (doc_frequency + 0.5))


def bm25(frequency: np.ndarray, length: np.ndarray, average: float, b: float, k1: float) -> np.ndarray:
    """BM25's saturated term frequency in one field (multiply by the idf for the score).

        >>> bm25(np.array([1.0, 3.0]), np.array([10.0, 10.0]), 10.0, 0.75, 1.2).round(3).tolist()
        [1.0, 1.571]
    """
    norm = (1 - b) + b * length / max(average, 1e-9)
    return frequency * (k1 + 1) / (frequency + k1 * norm)


def fields_bm25(
    frequencies: Sequence[np.ndarray],
    lengths: Sequence[np.ndarray],
    averages: Sequence[float],
    weights: Sequence[float],
    bs: Sequence[float],
    k1: float,
) -> np.ndarray:
    """Each field's :func:`bm25`, weighted and summed, as Lucene and Tantivy score a query
    over several fields (BM25F, which adds the fields before saturating, ranked the judged
    articles as well but brought up many unjudged ones: see bench/RELEVANCE.md)."""
    total = np.zeros(np.shape(frequencies[0]))
    for tf, length, average, weight, b in zip(frequencies, lengths, averages, weights, bs):
        total = total + weight * bm25(tf, length, average, b, k1)
    return total


def coverage(having: Sequence[np.ndarray], idfs: np.ndarray, count: int) -> np.ndarray:
    """Share of the query's idf that each of ``count`` documents has: ``having[g]`` holds
    the documents (numbers below ``count``) that have group ``g`` of the query, whose idf is ``idfs[g]``.

        >>> coverage([np.array([0, 1]), np.array([1])], np.array([3.0, 1.0]), 2).tolist()
        [0.75, 1.0]
    """
    total = float(idfs.sum())
    if total <= 0:
        return np.ones(count)
    covered = np.zeros(count)
    for where, information in zip(having, idfs):
        covered[where] += information
    return covered / total


def adjacent(first: np.ndarray, second: np.ndarray, step: int) -> np.ndarray:
    """The keys (``doc << 32 | position``, both sorted) of ``first`` that have a key of
    ``second`` exactly ``step`` positions after them.

        >>> adjacent(np.array([5, 9, 20]), np.array([6, 21, 30]), 1).tolist()
        [5, 20]
    """
    if first.size == 0 or second.size == 0:
        return first[:0]
    wanted = first + step
    at = np.minimum(np.searchsorted(second, wanted), second.size - 1)
    return first[second[at] == wanted]


def proximity(same_word: np.ndarray, next_word: np.ndarray, params: Params) -> np.ndarray:
    """Saturated proximity of a pair of query words, from how often each document has them
    in one word and in neighbouring words.

        >>> proximity(np.array([0.0, 1.0]), np.array([0.0, 0.0]), Params(same_word=1, proximity_k1=1)).tolist()
        [0.0, 1.0]
    """
    together = params.same_word * same_word + params.next_word * next_word
    return together * (params.proximity_k1 + 1) / (together + params.proximity_k1)

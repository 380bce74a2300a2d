"""What a query typed without diacritics most likely meant, learned from the index itself.

    bong da   ->  bóng đá 0.97, bóng đã 0.01 …   (the articles say "bóng đá")

Each word typed without diacritics may be any spelling the index has for it (``cong``: công,
cộng, cống …). A spelling's own weight is how many articles use it; two words typed next to
each other also count how often each pair of spellings stands side by side in a sample of
the articles that have both, twice when inside one pyvi word, so the compounds the news
writes win (``co so`` -> ``cơ sở``, where ``cơ`` and ``sở`` alone might lose to ``có`` and
``số``). Words typed with diacritics are taken as typed and inform their neighbours
(``cong đoàn`` -> ``công đoàn``).

Over a run of typed words this is a chain, solved exactly by the forward-backward algorithm:
:func:`likely_spellings` gives each word's spellings with their probability (ranking weighs
a document's spellings by them), :func:`suggestion` the most likely one written back into
the query ("Did you mean").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import schema as s
from .analysis import WORD_GAP, fold_term, normalize_term, tokens
from .normalize import nfc
from .query import Word
from .reader import Reader

__all__ = ["likely_spellings", "suggestion"]

FIELD = s.BODY  # the most text to learn from
SPELLINGS = 10  # most used spellings of a word that are weighed
SAMPLE = 240  # articles having both words of a pair, whose positions are read to count it ...
CHUNKS = 6  # ... in this many runs of consecutive articles (fewer blocks of postings to read)
MAX_WORDS = 12  # longer unaccented runs (pasted text) get no suggestion
UNIGRAM_WEIGHT = 0.1  # a spelling's own frequency (log) weighs this much against a pair's


def likely_spellings(reader: Reader, run: Sequence[Word]) -> list[dict[str, float]]:
    """For each word of ``run`` (words typed side by side), its likely spellings in the
    index with their probability. A word typed with diacritics is itself, with probability 1;
    one the index does not know has none."""
    key = ("readings", tuple(w.exact if w.accented else w.folded for w in run))
    return reader.cached(key, lambda: _posteriors(reader, run))


def _posteriors(reader: Reader, run: Sequence[Word]) -> list[dict[str, float]]:
    options = [_options(reader, word) for word in run]
    result: list[dict[str, float]] = [{} for _ in run]
    i = 0
    while i < len(run):  # chains of words the index knows, split where one is unknown
        if not options[i]:
            i += 1
            continue
        end = i
        while end < len(run) and options[end]:
            end += 1
        for k, probabilities in enumerate(_forward_backward(reader, options[i:end], list(run[i:end]))):
            result[i + k] = dict(zip(options[i + k], probabilities.tolist()))
        i = end
    return result


def _options(reader: Reader, word: Word) -> list[str]:
    if word.accented:
        return [word.exact] if reader.doc_frequency(FIELD, word.exact) or reader.doc_frequency(s.TITLE, word.exact) else []
    found = sorted(reader.spellings(FIELD, word.folded), key=lambda t: (-reader.doc_frequency(FIELD, t), t))
    return found[:SPELLINGS]


def _forward_backward(reader: Reader, options: list[list[str]], words: list[Word]) -> list[np.ndarray]:
    unigram = [UNIGRAM_WEIGHT * np.log1p([reader.doc_frequency(FIELD, o) for o in opts]) for opts in options]
    pair = [
        np.log1p(_pair_counts(reader, words[i - 1].folded, options[i - 1], words[i].folded, options[i]))
        for i in range(1, len(options))
    ]
    forward = [unigram[0]]
    for i in range(1, len(options)):
        forward.append(unigram[i] + _logsumexp(forward[-1][:, None] + pair[i - 1], axis=0))
    backward = [np.zeros(len(options[-1]))]
    for i in range(len(options) - 2, -1, -1):
        backward.insert(0, _logsumexp(pair[i] + (unigram[i + 1] + backward[0])[None, :], axis=1))
    posteriors = []
    for f, b in zip(forward, backward):
        joint = f + b
        weights = np.exp(joint - joint.max())
        posteriors.append(weights / weights.sum())
    return posteriors


def _logsumexp(values: np.ndarray, axis: int) -> np.ndarray:
    top = values.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(values - top).sum(axis=axis, keepdims=True))).squeeze(axis)


def _pair_counts(reader: Reader, first: str, firsts: list[str], second: str, seconds: list[str]) -> np.ndarray:
    """How often each spelling of ``first`` is followed by each of ``second``, in a sample of
    the articles that have both words; a pair inside one word (a compound) counts twice."""
    if len(firsts) == 1 and len(seconds) == 1:
        return np.zeros((1, 1))  # nothing to choose
    return reader.cached(("pairs", first, second), lambda: _count_pairs(reader, firsts, seconds))


def _count_pairs(reader: Reader, firsts: list[str], seconds: list[str]) -> np.ndarray:
    counts = np.zeros((len(firsts), len(seconds)))
    docs_first = np.unique(np.concatenate([reader.postings(FIELD, t).docs for t in firsts]))
    docs_second = np.unique(np.concatenate([reader.postings(FIELD, t).docs for t in seconds]))
    both = np.intersect1d(docs_first, docs_second, assume_unique=True)
    both = _sample(both[reader.live[both]])
    if both.size == 0:
        return counts
    after = [reader.sample_positions(FIELD, t, both) for t in seconds]
    for a, term in enumerate(firsts):
        keys = reader.sample_positions(FIELD, term, both)
        for b, follows in enumerate(after):
            counts[a, b] = 2 * np.isin(keys + 1, follows).sum() + np.isin(keys + WORD_GAP, follows).sum()
    return counts


def _sample(docs: np.ndarray) -> np.ndarray:
    """At most :data:`SAMPLE` of the sorted ``docs``, in :data:`CHUNKS` runs spread over them."""
    if docs.size <= SAMPLE:
        return docs
    size = SAMPLE // CHUNKS
    starts = np.linspace(0, docs.size - size, CHUNKS).astype(np.int64)
    return docs[np.unique((starts[:, None] + np.arange(size)[None, :]).ravel())]


# -- the suggestion --------------------------------------------------------------------------


def suggestion(reader: Reader, text: str) -> str | None:
    """``text`` with diacritics on its unaccented words, or None when that changes nothing."""
    text = nfc(text)
    runs = _runs(text)
    if sum(1 for run in runs for word, _, _ in run if not word.accented) > MAX_WORDS:
        return None
    pieces, done = [], 0
    for run in runs:
        likely = likely_spellings(reader, [word for word, _, _ in run])
        for (word, start, end), spellings in zip(run, likely):
            if word.accented or not spellings:
                continue
            best = max(spellings, key=lambda spelling: (spellings[spelling], spelling))
            pieces += [text[done:start], _cased(text[start:end], best)]
            done = end
    suggested = "".join(pieces) + text[done:]
    return suggested if suggested != text else None


def _runs(text: str) -> list[list[tuple[Word, int, int]]]:
    """The words of ``text`` as (word, start, end), in runs separated by spaces only; the
    query syntax (``OR``, ``title:``), numbers and punctuation are not words here."""
    runs: list[list[tuple[Word, int, int]]] = [[]]
    previous = 0
    for token, start, end in tokens(text):
        exact = normalize_term(token)  # (normalized: ky -> ki, as indexed)
        word = token.isalpha() and token != "OR" and text[end : end + 1] != ":"
        if not word or (runs[-1] and not text[previous:start].isspace()):
            runs.append([])
        if word:
            runs[-1].append((Word(exact, fold_term(exact)), start, end))
        previous = end
    return [run for run in runs if run]


def _cased(typed: str, spelling: str) -> str:
    """``spelling`` written in the case the user typed: Ha -> Hà, HN -> HN."""
    if typed.isupper() and len(typed) > 1:
        return spelling.upper()
    if typed[:1].isupper():
        return spelling[:1].upper() + spelling[1:]
    return spelling

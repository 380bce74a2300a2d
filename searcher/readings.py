"""What a query typed without diacritics most likely meant: the readings of its words.

    bong da   ->  bóng đá 0.97, bóng đã 0.01 …   (the articles say "bóng đá")

Each word typed without diacritics may be any spelling the index has for it (``cong``: công,
cộng, cống …). A spelling's own weight is how many articles use it; two words typed next to
each other also count how often each pair of spellings stands side by side in the articles
that match the query best, twice when inside one pyvi word, so the compounds the news writes
win (``co so`` -> ``cơ sở``, where ``cơ`` and ``sở`` alone might lose to ``có`` and
``số``). Words typed with diacritics are taken as typed and inform their neighbours
(``cong đoàn`` -> ``công đoàn``).

Over a run of typed words this is a chain, solved exactly by the forward-backward algorithm
(:func:`posteriors`): each word's spellings get a probability. Ranking weighs a document's
spellings by them (:mod:`searcher.matching`); :func:`suggestion` writes the likeliest back
into the query ("Did you mean").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from . import schema as s
from .analysis import WORD_GAP, fold_term, is_word, normalize_term, tokens
from .normalize import nfc
from .query import Word
from .vocabulary import Vocabulary

__all__ = ["options", "pair_counts", "posteriors", "suggestion", "unigram"]

MAX_WORDS = 12  # longer unaccented runs (pasted text) get no suggestion
UNIGRAM_WEIGHT = 0.1  # a spelling's own frequency (log) weighs this much against a pair's
RARE = 0.005  # a spelling in fewer articles than this share of the most used one's is not weighed


def options(reader: Vocabulary, word: Word, most: int | None = None) -> list[str]:
    """The spellings ``word`` may be in the index, most used first: itself when typed with
    diacritics (if the index has it), else every spelling that folds to it; with ``most``,
    only that many, and none used by fewer than :data:`RARE` of the first's articles."""
    if word.accented:
        return [word.exact] if reader.doc_frequency(s.BODY, word.exact) or reader.doc_frequency(s.TITLE, word.exact) else []

    def find() -> list[str]:
        found = set(reader.spellings(s.BODY, word.folded)) | set(reader.spellings(s.TITLE, word.folded))
        return sorted(found, key=lambda t: (-reader.doc_frequency(s.BODY, t), t))

    found = reader.cached(("options", word.folded), find)
    if most is None or not found:
        return found
    floor = RARE * reader.doc_frequency(s.BODY, found[0])
    return [t for t in found[:most] if reader.doc_frequency(s.BODY, t) >= floor] or found[:1]


def unigram(reader: Vocabulary, spellings: Sequence[str]) -> np.ndarray:
    """Each spelling's own log-weight: how many articles use it."""
    return UNIGRAM_WEIGHT * np.log1p([reader.doc_frequency(s.BODY, t) for t in spellings])


def pair_counts(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> np.ndarray:
    """How often each spelling of one word is followed by each spelling of the next, from
    their positions in one field (sorted keys ``doc << 32 | position``, one array per
    spelling): twice inside one pyvi word, once across two.

        >>> pair_counts([np.array([1, 10])], [np.array([2]), np.array([13])]).tolist()
        [[2.0, 1.0]]
    """
    counts = np.zeros((len(first), len(second)))
    keys, spelling = _tagged(first)
    following, following_spelling = _tagged(second)
    if keys.size == 0 or following.size == 0:
        return counts
    order = np.argsort(following, kind="stable")
    following, following_spelling = following[order], following_spelling[order]
    for step, weight in ((1, 2.0), (WORD_GAP, 1.0)):
        wanted = keys + step
        at = np.minimum(np.searchsorted(following, wanted), following.size - 1)
        hit = following[at] == wanted
        np.add.at(counts, (spelling[hit], following_spelling[at[hit]]), weight)
    return counts


def _tagged(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The arrays as one, with the index of the array each value came from."""
    if not arrays:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sizes = [a.size for a in arrays]
    return np.concatenate(arrays), np.repeat(np.arange(len(arrays)), sizes)


def posteriors(unigrams: Sequence[np.ndarray], pairs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each word's spellings' probabilities in a chain: ``unigrams[i]`` are the log-weights
    of word i's spellings, ``pairs[i]`` the counts of word i's spellings followed by word
    i+1's (each pair weighs ``log(1 + count)``).

        >>> [p.round(2).tolist() for p in posteriors([np.zeros(2), np.zeros(2)], [np.array([[0, 20], [0, 0]])])]
        [[0.92, 0.08], [0.08, 0.92]]
    """
    logs = [np.log1p(p) for p in pairs]
    forward = [unigrams[0]]
    for i in range(1, len(unigrams)):
        forward.append(unigrams[i] + _logsumexp(forward[-1][:, None] + logs[i - 1], axis=0))
    backward = [np.zeros(len(unigrams[-1]))]
    for i in range(len(unigrams) - 2, -1, -1):
        backward.insert(0, _logsumexp(logs[i] + (unigrams[i + 1] + backward[0])[None, :], axis=1))
    result = []
    for f, b in zip(forward, backward):
        joint = f + b
        weights = np.exp(joint - joint.max())
        result.append(weights / weights.sum())
    return result


def _logsumexp(values: np.ndarray, axis: int) -> np.ndarray:
    top = values.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(values - top).sum(axis=axis, keepdims=True))).squeeze(axis)


# -- the suggestion --------------------------------------------------------------------------


def suggestion(text: str, likeliest: Mapping[str, str], kept: Collection[str] = ()) -> str | None:
    """``text`` with each word typed without diacritics written as its likeliest spelling
    (``likeliest``: folded word -> spelling), or None when that changes nothing.

        >>> suggestion('Cong doan -ban "hoi nghi"', {"cong": "công", "doan": "đoàn", "hoi": "hội", "nghi": "nghị"})
        'Công đoàn -ban "hội nghị"'

    A run of such words (between words typed with diacritics) is written whole or not at
    all: it is left as typed when every word of it is ``kept`` (meant as typed, as ``minh``
    in ``phạm minh chính``), never in part:

        >>> spelled = {"tong": "tổng", "ket": "kết", "minh": "mình"}
        >>> suggestion("hội nghị tong ket", spelled, kept={"tong"}), suggestion("phạm minh chính", spelled, kept={"minh"})
        ('hội nghị tổng kết', None)
    """
    text = nfc(text)
    runs: list[list[tuple[str, int, int]]] = [[]]
    for token, start, end in tokens(text):
        if _plain_word(text, token, end):
            runs[-1].append((token, start, end))
        elif is_word(token):  # (punctuation and quotes do not part a run)
            runs.append([])
    if sum(map(len, runs)) > MAX_WORDS:
        return None
    pieces, done = [], 0
    for run in runs:
        folded = [fold_term(normalize_term(token)) for token, _, _ in run]
        if all(word in kept for word in folded):
            continue
        for (token, start, end), word in zip(run, folded):
            spelling = likeliest.get(word)
            if spelling:
                pieces += [text[done:start], _cased(token, spelling)]
                done = end
    suggested = "".join(pieces) + text[done:]
    return suggested if suggested != text else None


def _plain_word(text: str, token: str, end: int) -> bool:
    """A word typed without diacritics, not the query syntax (``OR``, ``title:``) nor a number."""
    return token.isalpha() and token != "OR" and text[end : end + 1] != ":" and normalize_term(token) == fold_term(normalize_term(token))


def _cased(typed: str, spelling: str) -> str:
    """``spelling`` written in the case the user typed: Ha -> Hà, HN -> HN."""
    if typed.isupper() and len(typed) > 1:
        return spelling.upper()
    if typed[:1].isupper():
        return spelling[:1].upper() + spelling[1:]
    return spelling

"""Search as you type: the last word of a query completed from the index's words and titles.

    cong do   ->  công đoàn, công đồng, công đoạn …    (titles say "công đoàn" most)
    gia v     ->  giá vàng, giá vé …

The last word is completed without diacritics (``do`` finds ``đoàn``; ``đo`` only ``đ``
words), and with the word before it by how often the two stand side by side in titles;
alone, by how many articles use each completion. The titles' word pairs are read once per
segment of the index (its stored titles) and the words from its terms table, so a
keystroke costs a few binary searches.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import schema as s
from .analysis import fold_term, index_form, is_word, normalize_term, parts, tokens, word_pieces
from .reader import Reader

__all__ = ["MOST", "complete"]

MOST = 8  # completions given
KNOWN = 2  # a completion is a word of at least this many articles

Pairs = Counter[tuple[str, str]]


@dataclass(frozen=True, eq=False)
class _Words:
    """Every spelling of the index, ordered by its folded form, with how many articles use it."""

    folded: list[str]
    spellings: list[str]
    counts: np.ndarray


@dataclass(frozen=True, eq=False)
class _Following:
    """The word pairs of titles as arrays: ``terms`` (sorted by their folded form, which
    ``folded`` holds), and for each pair its first and second term and count, sorted by the
    folded first, then the folded second (term numbers sort as their folded forms do)."""

    terms: list[str]
    folded: list[str]
    first_folded: np.ndarray  # int32: the number of the first term that folds as the pair's first
    second_folded: np.ndarray  # ... as its second
    first: np.ndarray  # int32 term numbers
    second: np.ndarray
    count: np.ndarray

    def rows(self, before: str, low: str = "", high: str = "\U0010ffff") -> range:
        """The pairs whose first word folds as ``before`` and second folds from ``low`` (included) to ``high``."""
        def number(word: str) -> int:
            return bisect.bisect_left(self.folded, word)

        start, end = number(before), number(before + "\x00")
        a, b = int(np.searchsorted(self.first_folded, start)), int(np.searchsorted(self.first_folded, end))
        second = self.second_folded[a:b]
        return range(a + int(np.searchsorted(second, number(low))), a + int(np.searchsorted(second, number(high))))


def complete(reader: Reader, text: str, most: int = MOST) -> list[str]:
    """Up to ``most`` completions of ``text``'s last word, each the whole query. Words typed
    without diacritics before it are written as titles spell them next to the completion
    (``thu tuong pham m`` -> ``thủ tướng phạm minh``). Nothing for a text that ends with a
    space (the last word is complete)."""
    found = word_pieces(text)
    if not found or not text[-1:].isalnum():
        return []
    prefix = normalize_term(index_form(found[-1][0]))
    folded = fold_term(prefix)

    def fits(spelling: str) -> bool:
        return prefix == folded or spelling.startswith(prefix)

    lasts: dict[str, None] = {}
    if len(found) > 1:
        before = normalize_term(index_form(found[-2][0]))
        lasts.update((second, None) for second in _after(reader, before, folded, fits, most))
    lasts.update((spelling, None) for spelling in _starting(reader, folded, fits, most))
    following = _following(reader)
    results: dict[str, None] = {}
    for last in lasts:
        spelled = _spelled_back(following, [t for t, _, _ in found[:-1]], last)
        pieces, done = [], 0
        for (token, start, end), spelling in zip(found, [*spelled, last]):
            pieces += [text[done:start], _cased(token, spelling)]
            done = end
        completion = "".join(pieces)
        if completion != text:
            results.setdefault(completion, None)
        if len(results) >= most:
            break
    return list(results)


def _spelled_back(following: _Following, typed: Sequence[str], last: str) -> list[str]:
    """The words ``typed`` before ``last``, those without diacritics spelled as titles most
    often spell them before the next (from the end back); as typed when titles never do."""
    spelled: list[str] = []
    after = last
    for token in reversed(typed):
        word = normalize_term(index_form(token))
        if word == fold_term(word):
            rows = following.rows(word, fold_term(after), fold_term(after) + "\x00")
            best, most = word, 0
            for row in rows:
                if following.terms[following.second[row]] == after and following.count[row] > most:
                    best, most = following.terms[following.first[row]], int(following.count[row])
            word = best
        spelled.insert(0, word)
        after = word
    return spelled


def _after(reader: Reader, before: str, folded: str, fits: Any, most: int) -> list[str]:
    """The words that follow ``before`` in titles (any spelling of it, when typed without
    diacritics) and start with ``folded``, most frequent first."""
    following = _following(reader)
    chosen = []
    for row in following.rows(fold_term(before), folded, folded + "\U0010ffff"):
        first, second = following.terms[following.first[row]], following.terms[following.second[row]]
        if fits(second) and (before == fold_term(before) or first == before):
            chosen.append((-int(following.count[row]), first, second))
    chosen.sort()
    return list(dict.fromkeys(second for _, _, second in chosen))[:most]


def _starting(reader: Reader, folded: str, fits: Any, most: int) -> list[str]:
    """The most used spellings whose folded form starts with ``folded``."""
    words = _words(reader)
    low = bisect.bisect_left(words.folded, folded)
    high = bisect.bisect_left(words.folded, folded + "\U0010ffff", low)
    if high <= low:
        return []
    counts = words.counts[low:high]
    order = np.argsort(-counts, kind="stable")
    result = []
    for i in order.tolist():
        spelling = words.spellings[low + i]
        if fits(spelling):
            result.append(spelling)
            if len(result) >= most:
                break
    return result


def _cased(typed: str, spelling: str) -> str:
    """``spelling`` in the case of ``typed``: Cong -> Công, UBND -> UBND."""
    if typed.isupper() and len(typed) > 1:
        return typed if fold_term(typed.lower()) == fold_term(spelling) else spelling.upper()
    return spelling[:1].upper() + spelling[1:] if typed[:1].isupper() else spelling


# -- per reader ------------------------------------------------------------------------------


def _words(reader: Reader) -> _Words:
    def make() -> _Words:
        counts = {t: n for t, n in reader.best_counts((s.BODY, s.TITLE)).items() if n >= KNOWN}
        ordered = sorted(counts, key=lambda t: (fold_term(t), t))
        return _Words([fold_term(t) for t in ordered], ordered, np.array([counts[t] for t in ordered], dtype=np.int64))

    return reader.cached(("completion-words",), make)


def _following(reader: Reader) -> _Following:
    def make() -> _Following:
        total: Pairs = Counter()
        for pairs in reader.per_segment("title-pairs", title_pairs, s.TITLE):
            total.update(pairs)
        terms = sorted({t for pair in total for t in pair}, key=lambda t: (fold_term(t), t))
        number = {t: i for i, t in enumerate(terms)}
        folded = [fold_term(t) for t in terms]
        # Terms that fold alike get the number of the first of them, so pairs sort by folded forms.
        first_of: dict[str, int] = {}
        for i, f in enumerate(folded):
            first_of.setdefault(f, i)
        rows = np.array([(first_of[folded[number[a]]], first_of[folded[number[b]]], number[a], number[b], n)
                         for (a, b), n in total.items()], dtype=np.int64).reshape(-1, 5)
        rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
        return _Following(terms, folded, *(rows[:, i].astype(np.int32) for i in range(5)))

    return reader.cached(("title-pairs",), make)


def title_pairs(titles: Sequence[str | None]) -> Pairs:
    """How often each pair of words stands side by side in ``titles`` (not across punctuation).

        >>> sorted(title_pairs(["Công đoàn cơ sở", "Công đoàn: tổng kết"]).items())
        [(('công', 'đoàn'), 2), (('cơ', 'sở'), 1), (('tổng', 'kết'), 1), (('đoàn', 'cơ'), 1)]
    """
    pairs: Pairs = Counter()
    for title in titles:
        previous = None
        for token, _, _ in tokens(title or ""):
            if not is_word(token):
                previous = None
                continue
            for piece, _, _ in parts(token):
                term = normalize_term(index_form(piece))
                if previous is not None:
                    pairs[previous, term] += 1
                previous = term
    return pairs


"""Typos: the close spellings, in the index's own words, of a word it does not know.

As Meilisearch and Typesense do, adapted to syllables: a word of at least
:data:`MIN_LETTERS` letters that no article (or almost none) uses also matches the words
one edit away (an insertion, a deletion, a substitution, or two neighbours swapped), or two
edits for words of :data:`TWO_TYPOS` letters or more; :mod:`searcher.matching` weighs them
below the word as typed. Words are compared without diacritics, as they are typed.

    >>> index = Deletions.of(["wannacry", "khung", "khong", "hau"])
    >>> index.close("wanacry"), index.close("khugn"), index.close("hauj")
    ([('wannacry', 1)], [('khung', 1)], [('hau', 1)])

Lookups use a deletion index (SymSpell): every word with up to one letter deleted (two for
long words), hashed, in one sorted array; two words are within ``d`` edits only if some
deletion of one equals some deletion of the other, so a lookup is a few binary searches,
whatever the size of the vocabulary. It is made once per reader and kept in its cache.

Also here: words run together or split apart (:func:`split`, :func:`joined`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .lexicon import lexicon
from .normalize import is_syllable
from .vocabulary import Vocabulary

__all__ = ["MIN_LETTERS", "TWO_TYPOS", "Deletions", "close", "deletions", "distance", "joined", "split"]

MIN_LETTERS = 3  # shorter words have too many neighbours to guess from
TWO_TYPOS = 8  # words this long are allowed two edits
LONGEST = 16  # longer words are not corrected (nor looked for)
BARELY = 5  # a word used by at most this many articles ...
RATIO = 10  # ... is a typo when a close spelling is used this many times as often
MOST = 8  # close spellings kept, the most used first
KNOWN = 2  # a close spelling is a word of at least this many articles

_MULTIPLIERS = np.random.default_rng(20261201).integers(1, 2**63, size=LONGEST + 1, dtype=np.uint64) | np.uint64(1)


@dataclass(frozen=True, eq=False)
class Deletions:
    """Words and their deletions, hashed: ``hashes`` sorted, ``ids`` the word each came
    from, ``levels`` how many letters were deleted."""

    words: list[str]
    hashes: np.ndarray
    ids: np.ndarray
    levels: np.ndarray

    @classmethod
    def of(cls, words: Sequence[str]) -> Deletions:
        codes, lengths = _codes(words)
        hashes, ids, levels = [_hash(codes)], [np.arange(len(words))], [np.zeros(len(words), dtype=np.int8)]
        for level in (1, 2):
            chosen = np.flatnonzero(lengths >= (MIN_LETTERS if level == 1 else TWO_TYPOS - 2))
            sub, sub_lengths = codes[chosen], lengths[chosen]
            for dropped in itertools.combinations(range(LONGEST), level):
                rows = np.flatnonzero(sub_lengths > dropped[-1])
                if rows.size == 0:
                    continue
                kept = [c for c in range(LONGEST) if c not in dropped]
                deleted = np.zeros_like(sub[rows])
                deleted[:, : len(kept)] = sub[rows][:, kept]
                hashes.append(_hash(deleted))
                ids.append(chosen[rows])
                levels.append(np.full(rows.size, level, dtype=np.int8))
        all_hashes = np.concatenate(hashes)
        order = np.argsort(all_hashes, kind="stable")
        return cls(list(words), all_hashes[order], np.concatenate(ids)[order].astype(np.int32), np.concatenate(levels)[order])

    def close(self, word: str, most: int | None = None) -> list[tuple[str, int]]:
        """The words within :func:`allowed` edits of ``word`` (not itself), with their distance."""
        limit = allowed(word)
        if limit == 0:
            return []
        found: dict[int, int] = {}
        for variants in deletions(word, limit):
            codes, _ = _codes(sorted(variants))
            wanted = _hash(codes)
            low = np.searchsorted(self.hashes, wanted, side="left")
            high = np.searchsorted(self.hashes, wanted, side="right")
            for a, b in zip(low.tolist(), high.tolist()):
                for i in range(a, b):
                    if self.levels[i] <= limit:
                        candidate = int(self.ids[i])
                        if candidate not in found:
                            found[candidate] = distance(word, self.words[candidate], limit)
        close = sorted((self.words[i], d) for i, d in found.items() if 0 < d <= limit)
        return close[:most] if most else close


def allowed(word: str) -> int:
    """Edits allowed in a word: none below :data:`MIN_LETTERS` letters, two from :data:`TWO_TYPOS`."""
    if not MIN_LETTERS <= len(word) <= LONGEST or not word.isalpha():
        return 0
    return 2 if len(word) >= TWO_TYPOS else 1


def deletions(word: str, most: int) -> list[set[str]]:
    """``word`` with 0, 1 … ``most`` letters deleted: ``[{'ab'}, {'a', 'b'}]``."""
    levels = [{word}]
    for _ in range(most):
        levels.append({w[:i] + w[i + 1 :] for w in levels[-1] for i in range(len(w))} - set().union(*levels))
    return levels


def distance(a: str, b: str, limit: int) -> int:
    """Edits from ``a`` to ``b`` (optimal string alignment: a swap of neighbours is one), or
    ``limit + 1`` when more than ``limit``.

        >>> distance("khugn", "khung", 2), distance("doan", "doanh", 2), distance("abc", "xyz", 1)
        (1, 1, 2)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)


def _codes(words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Words as rows of character codes (zeros after the end), and their lengths."""
    words = list(words)
    codes = np.zeros((len(words), LONGEST), dtype=np.uint64)
    lengths = np.zeros(len(words), dtype=np.int64)
    for row, word in enumerate(words):
        word = word[:LONGEST]
        codes[row, : len(word)] = [ord(c) for c in word]
        lengths[row] = len(word)
    return codes, lengths


def _hash(codes: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row (wrapping arithmetic: collisions are checked by :func:`distance`)."""
    with np.errstate(over="ignore"):
        return (codes * _MULTIPLIERS[: codes.shape[1]]).sum(axis=1, dtype=np.uint64) + _MULTIPLIERS[-1] * (codes > 0).sum(axis=1, dtype=np.uint64)


# -- per reader ------------------------------------------------------------------------------


def deletion_index(reader: Vocabulary) -> Deletions:
    """The deletion index of the words that :data:`KNOWN` articles or more use."""
    def make() -> Deletions:
        lex = lexicon(reader)
        known = np.flatnonzero(lex.counts >= KNOWN)
        return Deletions.of([lex.words[i] for i in known if lex.words[i].isalpha() and MIN_LETTERS - 1 <= len(lex.words[i]) <= LONGEST])

    return reader.cached(("deletions",), make)


def close(reader: Vocabulary, folded: str) -> list[tuple[str, int]]:
    """The close spellings (folded, with their distance) that ``folded`` was likely a typo
    of: none when the index knows the word well, else those used :data:`RATIO` times as
    often, the most used first (at most :data:`MOST`)."""
    def find() -> list[tuple[str, int]]:
        if not allowed(folded):
            return []
        lex = lexicon(reader)
        count = lex.count(folded)
        if count > BARELY:
            return []
        found = [(word, d, lex.count(word)) for word, d in deletion_index(reader).close(folded)]
        found = [(word, d, n) for word, d, n in found if n >= max(KNOWN, RATIO * count)]
        found.sort(key=lambda item: (item[1], -item[2], item[0]))
        return [(word, d) for word, d, _ in found[:MOST]]

    return reader.cached(("typos", folded), find)


def split(count: Callable[[str], int], folded: str, *, model: bool = False) -> tuple[str, str] | None:
    """Two words run together (``congdoan`` -> ``cong``, ``doan``), when the index knows
    both far better than the whole (``count``: articles with a folded word): the split
    whose rarer half is the most used. A single letter that is no syllable is a half only
    with ``model``, for a word typed before a number (``galaxys8`` -> ``galaxy s`` 8).

        >>> from searcher.lexicon import Lexicon
        >>> split(Lexicon.of({"công": 50, "đoàn": 20, "cống": 5}).count, "congdoan")
        ('cong', 'doan')
        >>> counts = Lexicon.of({"galaxy": 20, "s": 30}).count
        >>> split(counts, "galaxys"), split(counts, "galaxys", model=True)
        (None, ('galaxy', 's'))
    """
    if len(folded) < 4 or not folded.isalpha() or is_syllable(folded):
        return None
    whole = count(folded)
    best, best_count = None, whole
    for at in range(1, len(folded)):
        first, second = folded[:at], folded[at:]
        if len(first) == 1 and not is_syllable(first) or len(second) == 1 and not (model or is_syllable(second)):
            continue
        rarer = min(count(first), count(second))
        if rarer > max(best_count, RATIO * whole):
            best, best_count = (first, second), rarer
    return best


def joined(count: Callable[[str], int], first: str, second: str) -> str | None:
    """One word split in two (``t hi`` -> ``thi``), when one half is no syllable or unknown
    and the index knows the whole (``count``: articles with a folded word).

        >>> from searcher.lexicon import Lexicon
        >>> joined(Lexicon.of({"thi": 50, "t": 10, "hi": 3}).count, "t", "hi")
        'thi'
    """
    whole = first + second
    if whole.isdigit():
        return None
    odd = not (first.isalpha() and is_syllable(first) and count(first)) or not (
        second.isalpha() and is_syllable(second) and count(second)
    )
    return whole if odd and count(whole) >= KNOWN else None

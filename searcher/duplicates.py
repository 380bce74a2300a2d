"""Near-duplicate articles: the same story republished by several sites.

Each article's text gets a MinHash signature at index time: 64 minimums over its word
5-shingles, each under its own hash function, so that the share of equal minimums between two
articles estimates the share of shingles they have in common (their Jaccard similarity).
Articles sharing at least :data:`THRESHOLD` of their shingles are one group; the group is
found through locality-sensitive hashing (16 bands of 4 minimums: two articles are compared
only when a band is equal) and stored with each article as a number, its ``group key``.

At search time :func:`collapse` keeps the best-ranked article of each group and lists the
others as its ``similar`` ones.

    >>> text = ("Bão số 3 đổ bộ vào Quảng Ninh, gió giật mạnh, nhiều cây đổ, người dân được sơ tán khỏi vùng "
    ...         "ven biển. Chính quyền các địa phương đã cấm tàu thuyền ra khơi và chuẩn bị lực lượng cứu hộ.")
    >>> grouping = Grouping()
    >>> grouping.add("a", signature(text)) == grouping.add("b", signature(text + " Theo VnExpress."))
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

__all__ = ["PERMUTATIONS", "THRESHOLD", "Grouping", "collapse", "group_key", "signature", "similarity"]

PERMUTATIONS = 64
BANDS = 16  # of PERMUTATIONS // BANDS minimums each
SHINGLE = 5  # words
THRESHOLD = 0.6  # estimated share of shingles in common
MIN_WORDS = 30  # shorter texts are never grouped: a few words in common say nothing
_rng = np.random.default_rng(20261201)  # fixed: signatures are stored in the index
_A = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
EMPTY = np.zeros(PERMUTATIONS, dtype=np.uint32)


def signature(text: str) -> np.ndarray:
    """The MinHash of ``text``'s word 5-shingles (lower-cased), as 64 ``uint32``; all zeros
    for a text under :data:`MIN_WORDS` words."""
    words = _word_hashes(text.lower().encode("utf-8"))
    if words.size < MIN_WORDS:
        return EMPTY
    # A shingle's hash from its words' hashes: a polynomial, for all shingles at once.
    count = words.size - SHINGLE + 1
    shingles = words[:count].copy()
    for k in range(1, SHINGLE):
        shingles = shingles * np.uint64(1_000_003) + words[k : k + count]
    # Multiply-shift hashing, one (a, b) per function: the top 32 bits of a * x + b mod 2^64.
    mixed = (_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype(np.uint32)


# Bytes of words: ASCII letters and digits, and every byte of a multi-byte UTF-8 character.
_IN_WORD = np.zeros(256, dtype=bool)
_IN_WORD[[*range(48, 58), *range(65, 91), *range(97, 123), *range(128, 256)]] = True
_BYTE_HASH = _rng.integers(0, 2**63, (64, 256), dtype=np.uint64)  # by position in the word and value


def _word_hashes(data: bytes) -> np.ndarray:
    """A hash of each word of UTF-8 ``data``, in order, without a loop in Python: each byte
    hashed by its value and its position in its word, the hashes of a word's bytes summed."""
    raw = np.frombuffer(data, dtype=np.uint8)
    inside = _IN_WORD[raw]
    if not inside.any():
        return np.zeros(0, dtype=np.uint64)
    where = np.flatnonzero(inside)
    starts = np.flatnonzero(np.diff(where, prepend=-2) != 1)  # first byte of each word, in ``where``
    first = np.repeat(where[starts], np.diff(np.append(starts, where.size)))
    position = np.minimum(where - first, 63)
    return np.add.reduceat(_BYTE_HASH[position, raw[where]], starts)


def similarity(one: np.ndarray, other: np.ndarray) -> float:
    """The estimated share of shingles two signatures' texts have in common."""
    if not one.any() or not other.any():
        return 0.0
    return float(np.count_nonzero(one == other)) / PERMUTATIONS


def group_key(doc_id: str) -> int:
    """The key of a group first found with the article ``doc_id``: 63 bits of its hash."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


class Grouping:
    """The groups of the articles seen so far; :meth:`add` one more and get its group key."""

    def __init__(self) -> None:
        self._bands: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]
        self._signatures: list[np.ndarray] = []
        self._groups: list[int] = []

    def add(self, doc_id: str, sig: np.ndarray, group: int | None = None) -> int:
        """Record an article; its group is ``group`` when given (as stored in the index), else
        the group of the most similar article seen over :data:`THRESHOLD`, else a new one."""
        if group is None:
            group = self.find(sig)
            if group is None:
                group = group_key(doc_id)
        if sig.any():
            at = len(self._signatures)
            self._signatures.append(sig)
            self._groups.append(group)
            for band, key in zip(self._bands, _band_keys(sig), strict=True):
                band.setdefault(key, []).append(at)
        return group

    def find(self, sig: np.ndarray) -> int | None:
        """The group of the most similar article seen, if any is over :data:`THRESHOLD`."""
        if not sig.any():
            return None
        candidates = {at for band, key in zip(self._bands, _band_keys(sig), strict=True) for at in band.get(key, ())}
        best, best_group = THRESHOLD, None
        for at in sorted(candidates):
            score = similarity(sig, self._signatures[at])
            if score >= best:
                best, best_group = score, self._groups[at]
        return best_group


def _band_keys(sig: np.ndarray) -> list[bytes]:
    return [bytes([band]) + rows.tobytes() for band, rows in enumerate(sig.reshape(BANDS, -1))]


def collapse(docs: Sequence[int], groups: Sequence[int]) -> list[tuple[int, list[int]]]:
    """Ranked documents with their group keys -> the first of each group, in rank order,
    with the others of its group.

    >>> collapse([7, 3, 9, 4], [1, 2, 1, 5])
    [(7, [9]), (3, []), (4, [])]
    """
    kept: dict[int, tuple[int, list[int]]] = {}
    for doc, group in zip(docs, groups, strict=True):
        if group in kept:
            kept[group][1].append(doc)
        else:
            kept[group] = (doc, [])
    return list(kept.values())

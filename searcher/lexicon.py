"""The index's words without diacritics, as a user types them: each with how many articles
use it (in any spelling) and where it sorts, for typos (:mod:`searcher.typos`) and
completion (:mod:`searcher.completion`).

    >>> lex = Lexicon.of({"công": 5, "cộng": 3, "đoàn": 4})
    >>> lex.count("cong"), lex.count("doan"), lex.count("xyz")
    (8, 4, 0)
    >>> [lex.words[i] for i in lex.starting_with("co")]
    ['cong']

Made once per reader of the index and kept in its cache (:func:`lexicon`).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import schema as s
from .analysis import fold_term
from .vocabulary import Vocabulary

__all__ = ["Lexicon", "lexicon"]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Folded words, sorted, and the articles that use each (a sum over its spellings: an
    upper bound when two spellings share an article)."""

    words: list[str]
    counts: np.ndarray  # int64, one per word

    @classmethod
    def of(cls, spellings: Mapping[str, int]) -> Lexicon:
        """From each spelling's count of articles."""
        totals: dict[str, int] = {}
        for spelling, count in spellings.items():
            folded = fold_term(spelling)
            totals[folded] = totals.get(folded, 0) + int(count)
        words = sorted(totals)
        return cls(words, np.array([totals[w] for w in words], dtype=np.int64))

    def count(self, folded: str) -> int:
        """Articles with the word in any spelling (0 when the index lacks it)."""
        at = bisect.bisect_left(self.words, folded)
        return int(self.counts[at]) if at < len(self.words) and self.words[at] == folded else 0

    def starting_with(self, prefix: str) -> range:
        """The positions of the words that start with ``prefix``."""
        low = bisect.bisect_left(self.words, prefix)
        return range(low, bisect.bisect_left(self.words, prefix + "\U0010ffff", low))


def lexicon(reader: Vocabulary) -> Lexicon:
    """The folded words of titles and bodies, each counted in the field that has it most."""
    return reader.cached(("lexicon",), lambda: Lexicon.of(reader.best_counts((s.BODY, s.TITLE))))

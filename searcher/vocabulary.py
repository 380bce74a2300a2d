"""What query understanding needs of an index: its words and their counts.

Keystroke repair, readings, typos, abbreviations and suggestions (:mod:`searcher.rewriting`,
:mod:`searcher.readings`, :mod:`searcher.typos`, :mod:`searcher.lexicon`) read the index only
through this small interface, which the local index (:class:`searcher.reader.Reader`) and a
cluster (:class:`searcher.cluster.vocabulary.Vocabulary`) both answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Protocol, TypeVar

__all__ = ["Vocabulary"]

T = TypeVar("T")


class Vocabulary(Protocol):
    """An index's words, their counts, and a cache for what is derived from them."""

    @property
    def count(self) -> int:
        """Live documents."""

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents with ``term`` (as indexed: ``đoàn``) in ``field``."""

    def spellings(self, field: str, folded: str) -> tuple[str, ...]:
        """The terms of ``field`` that fold to ``folded``: ``cong`` -> công, cống, cộng …"""

    def best_counts(self, fields: tuple[str, ...]) -> dict[str, int]:
        """Every term of ``fields``, with its documents in the field that has it most."""

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """A value derived from this state of the index (per word, per query), kept."""

    def documents_with(self, words: Sequence[Sequence[str]]) -> int:
        """Live documents having, for every word, one of its spellings (title or body)."""

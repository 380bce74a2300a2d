"""The Whoosh analyzer for Vietnamese text.

Title and body are indexed as their syllables, normalized but with their diacritics, at
positions that also record the words pyvi finds: the syllables of one word are consecutive,
and each new word starts ``WORD_GAP`` positions after the last one::

    Công đoàn viên chức tỉnh Hoà Bình  ->  công/0 đoàn/1 viên/2 chức/3 tỉnh/6 hòa/9 bình/10
    (pyvi: Công_đoàn_viên_chức tỉnh Hoà_Bình)

So one posting list per syllable serves everything :mod:`searcher.ranking` needs:

* a query word typed without diacritics matches every spelling that folds to it
  (``cong`` -> ``công``, ``cống``, ``cộng`` …), one typed with them can prefer its own;
* a phrase is syllables 1 or ``WORD_GAP`` apart, so ``đoàn cơ`` matches in ``công đoàn cơ sở``;
* syllables 1 apart are in the same word, so ``công đoàn`` the word outranks ``thành công
  đoàn kết`` (``thành_công đoàn_kết``) and scattered ``công`` … ``đoàn``.

Letters and digits typed together are split, as Lucene's WordDelimiter filter does, into
pieces at consecutive positions (:func:`parts`): ``Windows10`` -> ``windows/0 10/1``, so
``windows 10`` finds it as a phrase and ``windows10`` finds ``Windows 10``.

The tokenizer and filter live at module level because Whoosh pickles them into the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token

from .normalize import clean, fold, normalize
from .segment import Segmenter, pyvi_segment

__all__ = [
    "WORD_GAP", "NormalizeFilter", "VietnameseTokenizer", "analyzer", "fold_term", "normalize_term", "parts", "term_positions",
    "tokens", "word_pieces",
]

WORD_GAP = 3  # positions between the last syllable of a word and the first of the next

# pyvi's syllabification (ViTokenizer.sylabelize), so its CRF sees the tokens it was trained
# on, except that "_" is punctuation (pyvi writes words as syllables joined by "_").
_TOKEN = re.compile(
    r"[A-ZĐ]+\.|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\."  # abbreviations
    r"|==>|->|\.\.\.|>>"
    r"|\w+://\S+"  # web addresses
    r"|[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+"  # e-mail addresses
    r"|\d+(?:[.,]\d+)+"  # 23.155, 1,6
    r"|[^\w\s]|_"
    r"|[^\W_]+"
)


def tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every token of ``text`` (syllables, numbers, punctuation) with its character span."""
    return tuple((m.group(), m.start(), m.end()) for m in _TOKEN.finditer(nfc_for_offsets(text)))


def nfc_for_offsets(text: str) -> str:
    """Text is stored cleaned (:func:`searcher.normalize.clean`: NFC, look-alike and invisible
    characters repaired), so offsets computed on cleaned text point into what is stored."""
    return clean(text)


def is_word(token: str) -> bool:
    """Whether a token is indexed: punctuation is not. (Every other kind of token the
    pattern finds starts or ends with a letter or digit.)"""
    return token[0].isalnum() or token[-1].isalnum()


# A letter run and a digit run; a capital after a lower-case letter, right before digits,
# is a run of its own: the model letter of GalaxyS8, SonyA7.
_PART = re.compile(r"\d+|[^\W\d_]+?(?=(?<=[^\W\d_])(?<=[^\W\d_A-ZĐ])[A-ZĐ]\d)|[^\W\d_]+")


def parts(token: str) -> tuple[tuple[str, int, int], ...]:
    """The pieces a token is indexed as, with their offsets in it: letters and digits typed
    together are split (Lucene's WordDelimiter filter), every other token is one piece.

        >>> [p for p, _, _ in parts("windows10")], [p for p, _, _ in parts("GalaxyS8")]
        (['windows', '10'], ['Galaxy', 'S', '8'])
        >>> [p for p, _, _ in parts("U23")], [p for p, _, _ in parts("TP.")], [p for p, _, _ in parts("1,6")]
        (['U', '23'], ['TP.'], ['1,6'])

    The joined form is not indexed beside them: queries are split the same way, so it would
    only count the same piece twice.
    """
    if token.isalpha() or token.isdigit() or not token.isalnum():
        return ((token, 0, len(token)),)
    return tuple((m.group(), m.start(), m.end()) for m in _PART.finditer(token))


def word_pieces(text: str) -> list[tuple[str, int, int]]:
    """The pieces of ``text``'s words (punctuation left out) with their spans in it:
    ``Covid19, U23`` -> ``Covid`` ``19`` ``U`` ``23``."""
    return [(piece, start + a, start + b) for token, start, _ in tokens(text) if is_word(token) for piece, a, b in parts(token)]


def index_form(token: str) -> str:
    """The indexed text of a token: ``TP.`` -> ``TP``."""
    return token[:-1] if token.endswith(".") and token[0].isalpha() else token


@lru_cache(maxsize=1 << 17)
def normalize_term(text: str) -> str:
    """:func:`searcher.normalize.normalize`, cached: ``Hoà`` -> ``hòa``."""
    return normalize(text)


@lru_cache(maxsize=1 << 17)
def fold_term(text: str) -> str:
    """A normalized term without diacritics: ``hòa`` -> ``hoa``, ``đoàn`` -> ``doan``."""
    return "".join(fold(text).split()).lower()


def words(text: str, segmenter: Segmenter | None = None) -> list[list[tuple[str, int, int]]]:
    """The words of ``text``, each a list of its syllables (as indexed) with their spans."""
    found = tokens(text)
    segment = segmenter or pyvi_segment
    result, start = [], 0
    for length in segment([t for t, _, _ in found]):
        word = []
        for t, s, e in found[start : start + length]:
            if t.isalpha():  # (most tokens: a syllable is its own piece, as indexed)
                word.append((t, s, e))
            else:
                word += [(piece, s + a, s + b) for piece, a, b in _indexed(t)]
        if word:
            result.append(word)
        start += length
    return result


def _indexed(token: str) -> list[tuple[str, int, int]]:
    """The pieces of a token as indexed, with their offsets in it (none for punctuation)."""
    return [(index_form(piece), a, b) for piece, a, b in parts(token)] if is_word(token) else []


def term_positions(text: str, segmenter: Segmenter | None = None) -> dict[str, list[int]]:
    """Each term of ``text`` and its positions: what :func:`analyzer` makes of it, grouped
    as an index stores it, without a token object a syllable (the indexing path: the words
    of :func:`words`, without their offsets).

        >>> term_positions("Hoà Bình, hoà bình", lambda tokens: [2, 1, 2])
        {'hòa': [0, 4], 'bình': [1, 5]}
    """
    found = _TOKEN.findall(nfc_for_offsets(text))
    terms: dict[str, list[int]] = {}
    pos = -WORD_GAP
    start = 0
    for length in (segmenter or pyvi_segment)(found):
        first = True  # (the gap between words comes before a word's first indexed piece)
        for token in found[start : start + length]:
            pieces = (token,) if token.isalpha() else [piece for piece, _, _ in _indexed(token)]
            for piece in pieces:
                if first:
                    pos += WORD_GAP - 1
                    first = False
                pos += 1
                term = normalize_term(piece)
                places = terms.get(term)
                if places is None:
                    terms[term] = [pos]
                else:
                    places.append(pos)
        start += length
    return terms


class VietnameseTokenizer(Tokenizer):
    """Syllables with character offsets, at positions that keep pyvi's words together (see
    the module's docs). ``segmenter`` groups tokens into words; ``None`` means pyvi."""

    def __init__(self, segmenter: Segmenter | None = None):
        self.segmenter = segmenter

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VietnameseTokenizer) and self.segmenter == other.segmenter

    def __repr__(self) -> str:
        return f"VietnameseTokenizer({self.segmenter!r})"

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        found = words(value, self.segmenter) if tokenize else [[(value, 0, len(value))]]
        pos = start_pos - WORD_GAP
        for word in found:
            pos += WORD_GAP - 1
            for text, start, end in word:
                pos += 1
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token


class NormalizeFilter(Filter):
    """Canonical tone placement and i/y spelling, case folded: ``Hoà`` -> ``hòa``."""

    def __call__(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            token.text = normalize_term(token.text)
            yield token


def analyzer(segmenter: Segmenter | None = None) -> Any:
    """Normalized syllables at word-aware positions: ``Hoà Bình`` -> ``hòa/0 bình/1``."""
    return VietnameseTokenizer(segmenter) | NormalizeFilter()

"""Whoosh analyzers for Vietnamese text.

Each text field is indexed twice (see :mod:`searcher.schema`):

* **syllables**, with positions, normalized but with their diacritics: ``Hoà Bình`` ->
  ``hòa`` ``bình``. A query typed without diacritics matches every spelling that folds to
  it (:mod:`searcher.ranking` looks them up), one typed with them can prefer its own;
  positions give phrases at syllable level (``đoàn cơ`` inside ``công đoàn cơ sở``).
* **compounds**, frequencies only: the words of several syllables the segmenter finds,
  folded: ``Công đoàn viên chức`` -> ``cong_doan_vien_chuc`` (and the pairs inside it). They
  let ranking prefer the word ``công đoàn`` over ``thành công đoàn kết``.

    >>> [t.text for t in syllable_analyzer()("Hoà Bình")]
    ['hòa', 'bình']

Tokenizers and filters live at module level because Whoosh pickles them into the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token

from .normalize import fold, normalize
from .segment import Segmenter, pyvi_segment

__all__ = [
    "CompoundTokenizer",
    "FoldFilter",
    "NormalizeFilter",
    "SyllableTokenizer",
    "compound_analyzer",
    "syllable_analyzer",
    "tokens",
]

# pyvi's syllabification (ViTokenizer.sylabelize), so its CRF sees the tokens it was trained on;
# "_" is punctuation here because "_" joins the syllables of a compound term.
_TOKEN = re.compile(
    r"[A-ZĐ]+\.|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\."  # abbreviations
    r"|==>|->|\.\.\.|>>"
    r"|\w+://\S+"  # web addresses
    r"|[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+"  # e-mail addresses
    r"|\d+(?:[.,]\d+)+"  # 23.155, 1,6
    r"|[^\w\s]|_"
    r"|[^\W_]+"
)
COMPOUND_JOINER = "_"


@lru_cache(maxsize=4)  # each text is analyzed into two fields, one after the other
def tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every token of ``text`` (syllables, numbers, punctuation) with its character span."""
    return tuple((m.group(), m.start(), m.end()) for m in _TOKEN.finditer(nfc_for_offsets(text)))


def nfc_for_offsets(text: str) -> str:
    """Text is stored in NFC, so offsets computed on NFC text point into what is stored."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def is_word(token: str) -> bool:
    """Whether a token is indexed: punctuation is not. (Every other kind of token the
    pattern finds starts or ends with a letter or digit.)"""
    return token[0].isalnum() or token[-1].isalnum()


def index_form(token: str) -> str:
    """The indexed text of a token: ``TP.`` -> ``TP``."""
    return token[:-1] if token.endswith(".") and token[0].isalpha() else token


@lru_cache(maxsize=1 << 17)
def normalize_term(text: str) -> str:
    return normalize(text)


@lru_cache(maxsize=1 << 17)
def fold_term(text: str) -> str:
    return "".join(fold(text).split()).lower()


class _Tokenizer(Tokenizer):
    """Shared plumbing: Whoosh's calling convention and its single reused Token."""

    def __call__(  # type: ignore[override]
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
        spans = self.spans(value) if tokenize else [(value, 0, len(value))]
        for pos, (text, start, end) in enumerate(spans):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        raise NotImplementedError


class SyllableTokenizer(_Tokenizer):
    """Syllables and numbers, in order, with character offsets; punctuation is dropped."""

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        return [(index_form(t), start, end) for t, start, end in tokens(text) if is_word(t)]


class CompoundTokenizer(_Tokenizer):
    """The words of several syllables a segmenter finds, and the pairs inside the longer
    ones: ``Công đoàn viên chức`` -> ``Công_đoàn_viên_chức Công_đoàn đoàn_viên viên_chức``.

    ``segmenter`` groups tokens into words; ``None`` means pyvi (loaded on first use).
    """

    def __init__(self, segmenter: Segmenter | None = None):
        self.segmenter = segmenter

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundTokenizer) and self.segmenter == other.segmenter

    def __repr__(self) -> str:
        return f"CompoundTokenizer({self.segmenter!r})"

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        found = tokens(text)
        segment = self.segmenter or pyvi_segment
        result = []
        start = 0
        for length in segment([t for t, _, _ in found]):
            if length > 1:
                word = [t for t in found[start : start + length] if is_word(t[0])]
                parts = [word] + ([word[i : i + 2] for i in range(len(word) - 1)] if len(word) > 2 else [])
                result.extend(
                    (COMPOUND_JOINER.join(index_form(t) for t, _, _ in part), part[0][1], part[-1][2])
                    for part in parts
                    if len(part) > 1
                )
            start += length
        return result


class NormalizeFilter(Filter):
    """Canonical tone placement and i/y spelling, case folded: ``Hoà`` -> ``hòa``."""

    def __call__(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            token.text = normalize_term(token.text)
            yield token


class FoldFilter(Filter):
    """Diacritics folded: ``công`` -> ``cong``, ``đoàn`` -> ``doan``."""

    def __call__(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            token.text = fold_term(token.text)
            yield token


def syllable_analyzer() -> Any:
    """Normalized syllables with positions: ``Hoà Bình`` -> ``hòa bình``."""
    return SyllableTokenizer() | NormalizeFilter()


def compound_analyzer(segmenter: Segmenter | None = None) -> Any:
    """Compounds, folded: ``Công đoàn tỉnh Hoà Bình`` -> ``cong_doan hoa_binh``."""
    return CompoundTokenizer(segmenter) | NormalizeFilter() | FoldFilter()

"""Word segmentation: grouping syllables into words (``công đoàn`` -> ``công_đoàn``).

A segmenter takes the tokens of a text (syllables and punctuation, as the tokenizer in
:mod:`searcher.analysis` finds them) and returns how many tokens each word spans:

    >>> segment = DictionarySegmenter(["công đoàn", "hội nghị"])
    >>> segment(["Hội", "nghị", "công", "đoàn", "tỉnh"])
    [2, 2, 1]

:func:`pyvi_segment` is the default. It runs pyvi's CRF model and features, but this is the
only module that touches pyvi, and it loads the model itself with python-crfsuite instead of
importing pyvi: pyvi's own import pulls in scikit-learn (about a second), and its per-call
wrapper adds overhead we do not need.
"""

from __future__ import annotations

import importlib.util
import pickle
import string
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .normalize import canonical

__all__ = ["DictionarySegmenter", "Segmenter", "pyvi_segment"]

Segmenter = Callable[[Sequence[str]], list[int]]
"""Tokens of one text -> the number of tokens in each word, in order (summing to len(tokens))."""


def pyvi_segment(tokens: Sequence[str]) -> list[int]:
    """Segment with pyvi's CRF model; same words as ``pyvi.ViTokenizer.tokenize``."""
    if not tokens:
        return []
    model = _pyvi_model()
    labels = model.tagger.tag(model.features(tokens))
    lengths: list[int] = []
    for i, label in enumerate(labels):
        if i and label == "I_W" and _joinable(tokens[i - 1], tokens[i]):
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


class DictionarySegmenter:
    """Greedy longest match against a list of compound words; deterministic and fast.

    Useful for tests and as a reference; :func:`pyvi_segment` is better on real text.
    """

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(canonical(w).casefold() for w in words)
        self.longest = max((w.count(" ") + 1 for w in self.words), default=1)

    def __call__(self, tokens: Sequence[str]) -> list[int]:
        lowered = [canonical(t).casefold() for t in tokens]
        lengths: list[int] = []
        i = 0
        while i < len(tokens):
            size = next(
                (
                    n
                    for n in range(min(self.longest, len(tokens) - i), 1, -1)
                    if " ".join(lowered[i : i + n]) in self.words
                    and all(_joinable(a, b) for a, b in zip(tokens[i : i + n], tokens[i + 1 : i + n]))
                ),
                1,
            )
            lengths.append(size)
            i += size
        return lengths

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DictionarySegmenter) and self.words == other.words

    def __repr__(self) -> str:
        return f"DictionarySegmenter({len(self.words)} words)"


def _joinable(previous: str, token: str) -> bool:
    """pyvi's rules for what may never be one word: punctuation, numbers, ``tỉnh Lào``."""
    return (
        previous[0].isalpha()
        and token[0].isalpha()
        and previous not in string.punctuation
        and not (token[0].istitle() and not previous[0].istitle())
    )


class _PyviModel:
    """pyvi's CRF tagger and its bigram/trigram dictionary, with pyvi's feature function."""

    def __init__(self, package: Path):
        import pycrfsuite  # pyvi's own dependency; imported here so tests can run without it

        # The tagger reads the model from this buffer for as long as it lives: keep it.
        self.model = _crf_model_bytes(package / "models" / "pyvi3.pkl")
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(self.model)
        self.bigrams: set[str] = set()
        self.trigrams: set[str] = set()
        for entry in (package / "models" / "words.txt").read_text(encoding="utf-8").split("\n"):
            grams = {1: self.bigrams, 2: self.trigrams}.get(entry.count(" "))
            if grams is not None:
                # The dictionary writes "hoà"; news writes "hòa". Accept both spellings.
                grams.update({entry, canonical(entry)})

    def features(self, tokens: Sequence[str]) -> list[list[str]]:
        """pyvi's ``ViTokenizer.word2features`` for every token, as CRFsuite attribute names.

        pyvi passes dicts in which most boolean features are False. An attribute whose value
        is 0 adds nothing to a CRF's scores, so only the true ones are listed: the labels are
        the same and the tagger does half the work. A token's own attributes, and those it
        gives its neighbours, are made once per distinct token (:func:`_attributes`); a CRF
        item is a set, so their order does not matter.
        """
        n = len(tokens)
        attributes = [_attributes(t) for t in tokens]  # (own, as the previous token's, as the next token's, lower, spelled)
        lower = [a[3] for a in attributes]
        spelled = [a[4] for a in attributes]
        bigrams, trigrams = self.bigrams, self.trigrams
        # bigram[i]: tokens i-1..i are a dictionary word; trigram[i]: tokens i-2..i are.
        # (spelled[i] is lower[i] unless canonical spelling changed it.)
        bigram = [False] * n
        trigram = [False] * n
        for i in range(1, n):
            pair = f"{lower[i - 1]} {lower[i]}"
            bigram[i] = pair in bigrams or (
                (spelled[i] is not lower[i] or spelled[i - 1] is not lower[i - 1])
                and f"{spelled[i - 1]} {spelled[i]}" in bigrams
            )
            if i > 1:
                trigram[i] = f"{lower[i - 2]} {pair}" in trigrams or (
                    (spelled[i] is not lower[i] or spelled[i - 1] is not lower[i - 1] or spelled[i - 2] is not lower[i - 2])
                    and f"{spelled[i - 2]} {spelled[i - 1]} {spelled[i]}" in trigrams
                )
        result = []
        for i in range(n):
            f = list(attributes[i][0])
            if i:
                f += attributes[i - 1][1]
                if bigram[i]:
                    f.append("-1:word.bi_gram()")
                if trigram[i]:
                    f.append("-2:word.tri_gram()")
            if i < n - 1:
                f += attributes[i + 1][2]
                if bigram[i + 1]:
                    f.append("+1:word.bi_gram()")
                if i < n - 2 and trigram[i + 2]:
                    f.append("+2:word.tri_gram()")
            result.append(f)
        return result


@lru_cache(maxsize=1 << 16)
def _attributes(token: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str]:
    """A token's own CRF attributes, those it gives the token after it and the token before
    it, its lower case and its canonical spelling (the very object when that is the same)."""
    lower = token.lower()
    title, upper = token.istitle(), token.isupper()
    own = ["bias", "word.lower():" + lower]
    if upper:
        own.append("word.isupper()")
    if title:
        own.append("word.istitle()")
    if token.isdigit():
        own.append("word.isdigit()")
    before = ["-1:word.lower():" + lower] + ["-1:word.istitle()"] * title + ["-1:word.isupper()"] * upper
    after = ["+1:word.lower():" + lower] + ["+1:word.istitle()"] * title + ["+1:word.isupper()"] * upper
    return tuple(own), tuple(before), tuple(after), lower, _spelling(lower)


@lru_cache(maxsize=1 << 16)
def _spelling(token: str) -> str:
    """``canonical(token)``, the very same object when that changes nothing."""
    spelled = canonical(token)
    return token if spelled == token else spelled


@lru_cache(maxsize=1)
def _pyvi_model() -> _PyviModel:
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pyvi is not installed: pip install pyvi")
    return _PyviModel(Path(next(iter(spec.submodule_search_locations))))


def _crf_model_bytes(path: Path) -> bytes:
    """The CRFsuite model inside pyvi's pickled ``sklearn_crfsuite.CRF``, read without sklearn."""

    class Placeholder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def __setstate__(self, state: Any) -> None:
            self.state = state

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) == ("_codecs", "encode"):
                import _codecs

                return _codecs.encode
            return Placeholder  # every other class is only carried, never run

    with path.open("rb") as file:
        crf = Unpickler(file).load()
    return crf.state["modelfile"].state["__FILE_RESOURCE_DATA__"]

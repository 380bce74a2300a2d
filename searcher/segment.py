"""Word segmentation: grouping syllables into words (``công đoàn`` -> ``công_đoàn``).

A segmenter takes the tokens of a text (syllables and punctuation, as the tokenizer in
:mod:`searcher.analysis` finds them) and returns how many tokens each word spans:

    >>> segment = DictionarySegmenter(["công đoàn", "hội nghị"])
    >>> segment(["Hội", "nghị", "công", "đoàn", "tỉnh"])
    [2, 2, 1]

:func:`pyvi_segment` is the default. It runs pyvi's CRF model and features, but this is the
only module that touches pyvi, and it reads and decodes the model itself instead of importing
pyvi: pyvi's own import pulls in scikit-learn (about a second), and its per-call wrapper and
CRFsuite's tagger add overhead we do not need (see :class:`_PyviModel`).
"""

from __future__ import annotations

import importlib.util
import pickle
import string
import struct
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .normalize import canonical

__all__ = ["DictionarySegmenter", "Segmenter", "pyvi_segment"]

Segmenter = Callable[[Sequence[str]], list[int]]
"""Tokens of one text -> the number of tokens in each word, in order (summing to len(tokens))."""


def pyvi_segment(tokens: Sequence[str]) -> list[int]:
    """Segment with pyvi's CRF model; same words as ``pyvi.ViTokenizer.tokenize``."""
    if not tokens:
        return []
    lengths: list[int] = []
    for i, inside in enumerate(_pyvi_model().inside(tokens)):
        if i and inside and _joinable(tokens[i - 1], tokens[i]):
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
    """pyvi's CRF model, decoded here: its weights read from the CRFsuite file inside pyvi's
    pickle, its features (pyvi's ``ViTokenizer.word2features``) scored without naming them.

    A CRF's score for a label at a token is the sum of the weights of the token's attributes
    for that label; the best labels are found by Viterbi over those sums and the label
    transitions. CRFsuite's tagger does the same in C, but each call first turns every
    attribute name into a Python string and back into an id, which took longer than the
    decoding. Here a distinct token's own attributes are summed once, and those it gives its
    neighbours are kept as weights. The sums are added in the order the tagger adds them and
    equal scores resolved as it resolves them, so the labels are the tagger's to the bit
    (a test compares them).
    """

    def __init__(self, package: Path):
        self.weights, transitions = _crf_weights(_crf_model_bytes(package / "models" / "pyvi3.pkl"))
        (begin_begin, begin_inside), (inside_begin, inside_inside) = transitions
        self.transitions = (begin_begin, begin_inside, inside_begin, inside_inside)
        names = ("-1:word.bi_gram()", "-2:word.tri_gram()", "+1:word.bi_gram()", "+2:word.tri_gram()")
        self.grams = tuple(self.weights.get(name, (0.0, 0.0)) for name in names)  # the dictionary's attributes
        self.token = lru_cache(maxsize=1 << 16)(self._token)
        self.bigrams: set[str] = set()
        self.trigrams: set[str] = set()
        for entry in (package / "models" / "words.txt").read_text(encoding="utf-8").split("\n"):
            grams = {1: self.bigrams, 2: self.trigrams}.get(entry.count(" "))
            if grams is not None:
                # The dictionary writes "hoà"; news writes "hòa". Accept both spellings.
                grams.update({entry, canonical(entry)})

    def inside(self, tokens: Sequence[str]) -> list[bool]:
        """Whether each token continues the word before it (pyvi's label ``I_W``; else ``B_W``)."""
        n = len(tokens)
        found = [self.token(t) for t in tokens]
        lower = [t.lower for t in found]
        spelled = [t.spelled for t in found]
        bigrams, trigrams = self.bigrams, self.trigrams
        # bigram[i]: tokens i-1..i are a dictionary word; trigram[i]: tokens i-2..i are.
        # (spelled[i] is lower[i] unless canonical spelling changed it.)
        bigram = [False] * n
        trigram = [False] * (n + 1)  # (trigram[n] for the next-to-last token: none)
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
        # Viterbi over the two labels (CRFsuite's crf1dc_viterbi: of equal scores the first
        # label wins). begin/inside: the best score of the tokens so far ending in that label.
        begin_begin, begin_inside, inside_begin, inside_inside = self.transitions
        bigram_before, trigram_before, bigram_after, trigram_after = self.grams
        came: list[tuple[bool, bool]] = []  # for each token after the first: which label each of its labels follows
        begin = inside = 0.0
        last = n - 1
        for i, (own, _, _, _, _) in enumerate(found):
            # The token's score for each label, its attributes in the order pyvi lists them.
            score_begin, score_inside = own
            if i:
                for weight_begin, weight_inside in found[i - 1][1]:  # (its before_next)
                    score_begin += weight_begin
                    score_inside += weight_inside
                if bigram[i]:
                    score_begin += bigram_before[0]
                    score_inside += bigram_before[1]
                if trigram[i]:
                    score_begin += trigram_before[0]
                    score_inside += trigram_before[1]
            if i < last:
                for weight_begin, weight_inside in found[i + 1][2]:  # (its after_previous)
                    score_begin += weight_begin
                    score_inside += weight_inside
                if bigram[i + 1]:
                    score_begin += bigram_after[0]
                    score_inside += bigram_after[1]
                if trigram[i + 2]:
                    score_begin += trigram_after[0]
                    score_inside += trigram_after[1]
            if not i:
                begin, inside = score_begin, score_inside
                continue
            from_begin, from_inside = begin + begin_begin, inside + inside_begin
            begin_follows_inside = from_begin < from_inside
            best_begin = from_inside if begin_follows_inside else from_begin
            from_begin, from_inside = begin + begin_inside, inside + inside_inside
            inside_follows_inside = from_begin < from_inside
            best_inside = from_inside if inside_follows_inside else from_begin
            came.append((begin_follows_inside, inside_follows_inside))
            begin, inside = best_begin + score_begin, best_inside + score_inside
        label = begin < inside
        labels = [label]
        for begin_follows_inside, inside_follows_inside in reversed(came):
            label = inside_follows_inside if label else begin_follows_inside
            labels.append(label)
        labels.reverse()
        return labels

    def _token(self, token: str) -> _Token:
        lower = token.lower()
        title, upper = token.istitle(), token.isupper()
        own = ["bias", "word.lower():" + lower] + ["word.isupper()"] * upper + ["word.istitle()"] * title
        own += ["word.isdigit()"] * token.isdigit()
        score_begin = score_inside = 0.0
        for weight_begin, weight_inside in self._weights(own):
            score_begin += weight_begin
            score_inside += weight_inside
        before_next = self._weights(["-1:word.lower():" + lower] + ["-1:word.istitle()"] * title + ["-1:word.isupper()"] * upper)
        after_previous = self._weights(["+1:word.lower():" + lower] + ["+1:word.istitle()"] * title + ["+1:word.isupper()"] * upper)
        return _Token((score_begin, score_inside), before_next, after_previous, lower, _spelling(lower))

    def _weights(self, attributes: list[str]) -> tuple[tuple[float, float], ...]:
        return tuple(self.weights[a] for a in attributes if a in self.weights)


class _Token(NamedTuple):
    """What the CRF needs of one distinct token: pyvi's features of it as weights (begin, inside)."""

    own: tuple[float, float]  # the sum of its own attributes' weights
    before_next: tuple[tuple[float, float], ...]  # the weights of the attributes it gives the token after it
    after_previous: tuple[tuple[float, float], ...]  # ... and the token before it
    lower: str
    spelled: str  # canonical(lower), the very object when that is the same


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


def _crf_weights(model: bytes) -> tuple[dict[str, tuple[float, float]], tuple[tuple[float, float], tuple[float, float]]]:
    """A CRFsuite model file's (first-order CRF, two labels) weights: each attribute's for
    the labels ``B_W`` and ``I_W``, and the transitions' (from ``B_W``, from ``I_W``), each a
    pair (to ``B_W``, to ``I_W``). The format is CRFsuite's ``crf1d_model.c``: a header of
    little-endian offsets, a chunk of features (type, source, target, weight) and the
    labels' and attributes' names in string databases (CQDB)."""
    magic, _, _, _, _, count, _, features, labels, attributes = struct.unpack_from("<4s9I", model)
    if magic != b"lCRF" or count != 2:
        raise ValueError("not a CRFsuite model of two labels")
    order = [("B_W", "I_W").index(name) for name in _cqdb_strings(model, labels)]  # label id -> our index
    names = _cqdb_strings(model, attributes)
    chunk, _, listed = struct.unpack_from("<4sII", model, features)
    if chunk != b"FEAT":
        raise ValueError("no feature chunk in the CRFsuite model")
    state: dict[str, list[float]] = {}
    transitions = [[0.0, 0.0], [0.0, 0.0]]
    for kind, source, target, weight in struct.iter_unpack("<IIId", model[features + 12 : features + 12 + 20 * listed]):
        if kind == 0:  # state: attribute -> label
            state.setdefault(names[source], [0.0, 0.0])[order[target]] = weight
        else:  # transition: label -> label
            transitions[order[source]][order[target]] = weight
    pairs = {name: (weights[0], weights[1]) for name, weights in state.items()}
    return pairs, ((transitions[0][0], transitions[0][1]), (transitions[1][0], transitions[1][1]))


def _cqdb_strings(model: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk at ``offset``, by id (from its backward array: each id's
    record is the id, the key's size with its trailing NUL, the key)."""
    chunk, _, _, _, count, backward = struct.unpack_from("<4s5I", model, offset)
    if chunk != b"CQDB":
        raise ValueError("no string database in the CRFsuite model")
    strings = [""] * count
    for record in struct.unpack_from(f"<{count}I", model, offset + backward):
        if record:
            ident, size = struct.unpack_from("<II", model, offset + record)
            strings[ident] = model[offset + record + 8 : offset + record + 7 + size].decode("utf-8")
    return strings

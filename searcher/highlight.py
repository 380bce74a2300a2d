"""Snippets: the passage of an article that shows the words a query matched, marked.

    >>> str(snippet("Giá vàng hôm nay tăng.", [Word("vàng", "vang")]))
    'Giá <b>vàng</b> hôm nay tăng.'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from .analysis import normalize_term
from .models import Snippet
from .normalize import nfc, skeleton
from .query import Word

__all__ = ["SNIPPET_CHARS", "snippet"]

SNIPPET_CHARS = 240


def snippet(text: str, words: Sequence[Word], size: int = SNIPPET_CHARS) -> Snippet:
    """The passage of ``text`` that shows most of ``words``, those words marked.

    A word typed without diacritics marks every spelling (``cong doan`` marks ``Công đoàn``);
    one typed with them marks its own spelling where the text has it.
    """
    text = nfc(text)
    index = {_skeleton(w.folded): i for i, w in reversed(list(enumerate(words)))}
    found = [(index[word], normalize_term(text[start:end]), start, end) for word, start, end in _find(skeleton(text), index)]
    spelled = {exact for _, exact, _, _ in found}
    exactly = {i for i, w in enumerate(words) if w.accented and w.exact in spelled}
    matches = [(i, start, end) for i, exact, start, end in found if i not in exactly or exact == words[i].exact]

    begin = _passage_start(text, matches[_best_passage(matches, size)][1]) if matches else 0
    end = min(len(text), begin + size)
    if end < len(text):
        end = max(text.rfind(" ", begin, end), begin + size // 2)
    spans = _merge([(a - begin, b - begin) for _, a, b in matches if a >= begin and b <= end], text[begin:end])
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    passage = prefix + text[begin:end].replace("\n", " ") + suffix
    return Snippet(passage, tuple((a + len(prefix), b + len(prefix)) for a, b in spans))


@lru_cache(maxsize=4096)
def _skeleton(word: str) -> str:
    return skeleton(word)


def _find(text: str, words: Iterable[str]) -> list[tuple[str, int, int]]:
    """Where each of ``words`` stands in ``text`` as a whole word, in order of position."""
    found = []
    for word in words:
        start = text.find(word)
        while word and start >= 0:
            end = start + len(word)
            if _edge(text, start - 1, start) and _edge(text, end, end - 1):
                found.append((word, start, end))
            start = text.find(word, start + 1)
    return sorted(found, key=lambda match: match[1])


def _edge(text: str, outside: int, inside: int) -> bool:
    """Whether a word ends between ``inside`` and ``outside``: the text ends there, or is not
    a letter or digit there, or turns from letters to digits (``Windows10``, as indexed)."""
    if not 0 <= outside < len(text) or not text[outside].isalnum():
        return True
    return text[outside].isdigit() != text[inside].isdigit()


def _best_passage(matches: list[tuple[int, int, int]], size: int) -> int:
    """Index of the match that starts the best passage: the most distinct words, then words
    in the order typed, then the earliest."""
    reach = size * 3 // 4
    counts: dict[int, int] = {}
    in_order = 0  # adjacent matches (within the window) that follow the query's order
    best, best_quality, end = 0, (0, False), 0  # the window is matches[i:end]
    for i, (word, start, _) in enumerate(matches):
        while end < len(matches) and matches[end][1] < start + reach:
            counts[matches[end][0]] = counts.get(matches[end][0], 0) + 1
            if end > i and matches[end][0] == matches[end - 1][0] + 1:
                in_order += 1
            end += 1
        quality = (len(counts), in_order > 0)
        if quality > best_quality:
            best, best_quality = i, quality
        counts[word] -= 1
        if not counts[word]:
            del counts[word]
        if i + 1 < end and matches[i + 1][0] == word + 1:
            in_order -= 1
    return best


def _passage_start(text: str, at: int) -> int:
    """Where a passage showing the match at ``at`` starts: its sentence, or a few words before."""
    stop = text.rfind(". ", 0, at)
    sentence = max(stop + 2 if stop >= 0 else 0, text.rfind("\n", 0, at) + 1)
    if 0 <= at - sentence <= 80:
        return sentence
    if at <= 80:
        return 0
    space = text.rfind(" ", 0, at - 40)
    return space + 1 if space >= 0 else 0


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Adjacent matches separated by spaces become one: ``<b>công đoàn</b>``."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged

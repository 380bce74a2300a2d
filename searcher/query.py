"""What a user types, understood: the query syntax, and the snippets that show the matches.

Any text is a valid query. Syntax: ``"exact phrase"``, ``-word`` (or ``-"phrase"``) to
exclude, ``a OR b``, ``title:word``; everything else is searched as words, so a pasted
title such as ``U23 Việt Nam - U23 Malaysia: Thử nghiệm và khắc phục`` just works.

    >>> parse('"công đoàn" -covid').excluded[0].words[0].folded
    'covid'

Matching and ranking are in :mod:`searcher.ranking`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .analysis import fold_term, index_form, is_word, normalize_term, tokens
from .models import Snippet
from .normalize import nfc, skeleton

__all__ = ["Clause", "ParsedQuery", "Word", "parse", "snippet"]

SNIPPET_CHARS = 240
MAX_WORDS = 64  # a longer query (a pasted paragraph) is searched by its first 64 words


@dataclass(frozen=True)
class Word:
    exact: str  # normalized, diacritics kept: "công"
    folded: str  # "cong"

    @property
    def accented(self) -> bool:
        return self.exact != self.folded


@dataclass(frozen=True)
class Clause:
    """One thing the user asked for: a word, or a phrase, maybe only in the title, maybe excluded."""

    words: tuple[Word, ...]
    phrase: bool = False
    field: str | None = None  # "title", or None for title and body
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Required groups (each satisfied by any of its clauses: ``a OR b``) and exclusions."""

    groups: tuple[tuple[Clause, ...], ...]
    excluded: tuple[Clause, ...]
    runs: tuple[tuple[Word, ...], ...]  # words typed next to each other, for proximity bonuses

    @property
    def accented(self) -> bool:
        return any(w.accented for g in self.groups for c in g for w in c.words)

    @property
    def words(self) -> list[Word]:
        """Every positive word, once, in order."""
        found = dict.fromkeys(w for g in self.groups for c in g for w in c.words)
        return list(found)


_CHUNK = re.compile(
    r'(?P<neg>-(?=["\w]))?(?:(?P<field>title):(?=["\w]))?(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<text>[^\s"]+))'
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"'})


def words_of(text: str) -> tuple[Word, ...]:
    """The searchable words of a piece of text: ``Công-đoàn!`` -> công, đoàn."""
    result = []
    for token, _, _ in tokens(text):
        if is_word(token):
            exact = normalize_term(index_form(token))
            result.append(Word(exact, fold_term(exact)))
    return tuple(result)


def parse(text: str) -> ParsedQuery:
    """Read a query; never fails: whatever is not syntax is searched as words."""
    text = "".join(c if c.isprintable() else " " for c in nfc(text)).translate(_QUOTES)
    items: list[Clause | str] = []
    for match in _CHUNK.finditer(text):
        negated, field = bool(match["neg"]), match["field"]
        if match["text"] == "OR" and not (negated or field):
            items.append("OR")
            continue
        words = words_of(match["phrase"] if match["phrase"] is not None else match["text"])
        if not words:
            continue
        if match["phrase"] is not None or negated or field:
            items.append(Clause(words, phrase=len(words) > 1, field=field, negated=negated))
        else:
            items.extend(Clause((w,)) for w in words)

    items = _first_words(items, MAX_WORDS)
    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    runs: list[list[Word]] = [[]]
    joining = False
    for item in items:
        if item == "OR":
            joining = bool(groups)
            runs.append([])
            continue
        assert isinstance(item, Clause)
        if item.negated:
            excluded.append(item)
            runs.append([])
        elif joining:
            groups[-1].append(item)
            runs.append([])
        else:
            groups.append([item])
            if item.field or len(groups[-1]) > 1:
                runs.append([])
            else:
                runs[-1].extend(item.words)
        joining = False
    return ParsedQuery(
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        runs=tuple(tuple(r) for r in runs if len(r) > 1),
    )


def _first_words(items: list[Clause | str], limit: int) -> list[Clause | str]:
    kept: list[Clause | str] = []
    for item in items:
        if isinstance(item, Clause):
            if limit <= 0:
                break
            item = Clause(item.words[:limit], item.phrase and limit > 1, item.field, item.negated)
            limit -= len(item.words)
        kept.append(item)
    return kept


# -- snippets ---------------------------------------------------------------------------


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
            if not (start and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
                found.append((word, start, end))
            start = text.find(word, start + 1)
    return sorted(found, key=lambda match: match[1])


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

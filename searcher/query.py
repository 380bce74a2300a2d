"""What a user types, understood: the query syntax.

Any text is a valid query. Syntax: ``"exact phrase"``, ``-word`` (or ``-"phrase"``) to
exclude, ``a OR b``, ``title:word``; everything else is searched as words, so a pasted
title such as ``U23 Việt Nam - U23 Malaysia: Thử nghiệm và khắc phục`` just works.

    >>> parse('"công đoàn" -covid').excluded[0].words[0].folded
    'covid'

Matching is in :mod:`searcher.matching`, scoring in :mod:`searcher.ranking`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import fold_term, index_form, normalize_term, word_pieces
from .normalize import clean

__all__ = ["MAX_WORDS", "Clause", "ParsedQuery", "Word", "parse", "words_of"]

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
    # Added by rewriting (an abbreviation's long form, a word split in two), not typed: an
    # alternative of its group weighed as the typed form, never required.
    expanded: bool = False


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
    """The searchable words of a piece of text, split as the analyzer splits them:
    ``Công-đoàn!`` -> công, đoàn; ``windows10`` -> windows, 10."""
    result = []
    for piece, _, _ in word_pieces(text):
        exact = normalize_term(index_form(piece))
        result.append(Word(exact, fold_term(exact)))
    return tuple(result)


def parse(text: str) -> ParsedQuery:
    """Read a query; never fails: whatever is not syntax is searched as words."""
    text = "".join(c if c.isprintable() else " " for c in clean(text)).translate(_QUOTES)
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

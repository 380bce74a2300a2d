"""The query as it is searched: what was typed, repaired and widened before matching.

    text -> keystrokes converted, when the index prefers them (:mod:`searcher.keystrokes`)
         -> parsed (:mod:`searcher.query`)
         -> abbreviations and their long forms (:mod:`searcher.synonyms`)
         -> words run together or split apart (:mod:`searcher.typos`)
         -> :mod:`searcher.matching` (where a typo's close spellings are weighed)

Keystrokes are a rewrite of the whole text, shown to the user ("Showing results for công
đoàn; search instead for coong ddoanf"): the converted text is searched when the index has
far more articles with all of its words than with all of the words as typed (``xe bus``
stays, ``coong ddoanf`` becomes ``công đoàn``). The rest adds alternatives that rank as
the words typed (:attr:`searcher.query.Clause.expanded`), and is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import keystrokes, readings, typos
from . import schema as s
from .query import Clause, ParsedQuery, Word, parse
from .synonyms import Synonyms, expand
from .vocabulary import Vocabulary

__all__ = ["Rewritten", "repaired", "rewrite"]

LIKELIER = 3  # converted keystrokes are searched when this many times as many articles have all their words


@dataclass(frozen=True)
class Rewritten:
    parsed: ParsedQuery
    showing: str | None = None  # the text searched instead of what was typed (keystrokes converted)


def rewrite(reader: Vocabulary, text: str, synonyms: Synonyms, *, as_typed: bool = False) -> Rewritten:
    """``text`` as it is searched; ``as_typed`` keeps keystrokes as typed."""
    showing = None if as_typed else repaired(reader, text)
    parsed = expand(parse(showing or text), synonyms)
    return Rewritten(_run_together_or_apart(parsed, lambda folded: count(reader, folded)), showing)


def repaired(reader: Vocabulary, text: str) -> str | None:
    """``text`` with its Telex, VNI or VIQR keystrokes converted, when the index makes that
    the likelier reading; else None."""
    converted = keystrokes.convert(text)
    if converted is None:
        return None

    def decide() -> str | None:
        typed, meant = _evidence(reader, parse(text)), _evidence(reader, parse(converted))
        if meant[0] >= max(1, LIKELIER * typed[0]) or (meant[0] == typed[0] == 0 and meant[1] > typed[1]):
            return converted
        return None

    return reader.cached(("keystrokes", text), decide)


def _evidence(reader: Vocabulary, parsed: ParsedQuery) -> tuple[int, int]:
    """How many articles have every word of ``parsed``, and how many of its words the index has."""
    spellings = [readings.options(reader, word) for word in parsed.words]
    return reader.documents_with(spellings), sum(1 for found in spellings if found)


def count(reader: Vocabulary, folded: str) -> int:
    """About how many articles have ``folded`` in any spelling (the sum over spellings)."""
    def total() -> int:
        spellings = set(reader.spellings(s.BODY, folded)) | set(reader.spellings(s.TITLE, folded))
        return sum(max(reader.doc_frequency(s.BODY, t), reader.doc_frequency(s.TITLE, t)) for t in spellings)

    return reader.cached(("count", folded), total)


def _run_together_or_apart(parsed: ParsedQuery, count: Callable[[str], int]) -> ParsedQuery:
    """Two words typed side by side that are one word split (``t hi`` -> ``thi``) become one
    group: both, or the word; a word that is two run together (``congdoan``, or
    ``galaxys`` before ``8``) also finds them as a phrase."""
    adjacent = {(a, b) for run in parsed.runs for a, b in zip(run, run[1:])}
    groups, at = parsed.groups, 0
    result: list[tuple[Clause, ...]] = []
    while at < len(groups):
        word = _plain(groups[at])
        following = _plain(groups[at + 1]) if at + 1 < len(groups) else None
        if word and following and (word, following) in adjacent:
            whole = typos.joined(count, word.folded, following.folded)
            if whole:
                result.append((Clause((word, following)), Clause((Word(whole, whole),), expanded=True)))
                at += 2
                continue
        if word:
            model = following is not None and following.folded.isdigit() and (word, following) in adjacent
            parts = typos.split(count, word.folded, model=model)
            if parts:
                result.append((*groups[at], Clause(tuple(Word(p, p) for p in parts), phrase=True, expanded=True)))
                at += 1
                continue
        result.append(groups[at])
        at += 1
    if len(result) == len(groups) and all(a is b for a, b in zip(result, groups)):
        return parsed
    return ParsedQuery(groups=tuple(result), excluded=parsed.excluded, runs=parsed.runs)


def _plain(group: tuple[Clause, ...]) -> Word | None:
    """The word of a group that is one word typed alone, without diacritics or syntax."""
    if len(group) == 1 and len(group[0].words) == 1 and not (group[0].field or group[0].phrase or group[0].expanded):
        word = group[0].words[0]
        return None if word.accented else word
    return None

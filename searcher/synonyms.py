"""Abbreviations and other synonyms: forms of one thing that find each other.

The built-in list (``searcher/data/abbreviations.tsv``) has the abbreviations of Vietnamese
news with their long forms; an index can add its own (a ``synonyms.txt`` beside it) and so
can a search (``--synonyms FILE``), in the format of Elasticsearch's synonym files::

    # forms separated by commas (or tabs) find each other
    TP.HCM, TP Hồ Chí Minh, thành phố Hồ Chí Minh
    # "=>": what is typed on the left also finds the right, not the other way
    Bác Hồ => Hồ Chí Minh

A form is matched by its words without diacritics, typed side by side; an abbreviation
written with dots, spaces, ``&`` or ``-`` also as one word (``TP.HCM``: ``TP HCM``,
``TPHCM``). Applied to a parsed query, each form found gets the others as alternatives
(:attr:`Clause.expanded`): soft ones, never required, weighed as the form typed.

    >>> from searcher.query import parse
    >>> table = Synonyms.parse("TP.HCM, thành phố Hồ Chí Minh")
    >>> [" ".join(w.exact for w in c.words) for c in expand(parse("kẹt xe tphcm"), table).groups[-1]]
    ['tphcm', 'tp hcm', 'thành phố hồ chí minh']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import SearcherError
from .query import Clause, ParsedQuery, Word, words_of

__all__ = ["BUILT_IN", "Synonyms", "built_in", "expand", "load"]

BUILT_IN = Path(__file__).parent / "data" / "abbreviations.tsv"
INDEX_FILE = "synonyms.txt"  # an index's own list, in its folder
_RUN_TOGETHER = 5  # an abbreviation's words up to this long are also found as one word

Form = tuple[str, ...]  # folded words


@dataclass(frozen=True)
class Synonyms:
    """For each form (its folded words), the forms it also finds (as words to search)."""

    finds: dict[Form, tuple[tuple[Word, ...], ...]] = field(default_factory=dict)

    @property
    def longest(self) -> int:
        return max((len(form) for form in self.finds), default=0)

    @classmethod
    def parse(cls, text: str, where: str = "synonyms") -> Synonyms:
        """A list in Elasticsearch's format (commas or tabs; ``=>`` one way; ``#`` comments)."""
        finds: dict[Form, list[tuple[Word, ...]]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if not line:
                continue
            left, arrow, right = line.partition("=>")
            sources = _forms(left)
            targets = _forms(right) if arrow else sources
            if not sources or not targets:
                raise SearcherError(f"{where}, line {number}: no words on one side of {line!r}")
            for source in sources:
                found = finds.setdefault(_folded(source), [])
                found += [t for t in targets if _folded(t) != _folded(source) and t not in found]
        return cls({key: tuple(found) for key, found in finds.items() if found})

    def __add__(self, other: Synonyms) -> Synonyms:
        merged = dict(self.finds)
        for key, found in other.finds.items():
            merged[key] = merged.get(key, ()) + tuple(f for f in found if f not in merged.get(key, ()))
        return Synonyms(merged)


def _forms(side: str) -> list[tuple[Word, ...]]:
    """The forms on one side of a line, each as its words."""
    forms: list[tuple[Word, ...]] = []
    for text in side.replace("\t", ",").split(","):
        words = words_of(text)
        if words and words not in forms:
            forms.append(words)
        if 1 < len(words) and all(len(w.folded) <= _RUN_TOGETHER for w in words) and _is_abbreviation(text):
            together = words_of("".join(w.exact for w in words))
            if len(together) == 1 and together not in forms:
                forms.append(together)
    return forms


def _is_abbreviation(text: str) -> bool:
    """Written as one: ``TP.HCM``, ``GD&ĐT``, ``THPT QG`` (capitals), not ``Hà Nội``."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= len(letters) - 1


def _folded(words: Sequence[Word]) -> Form:
    return tuple(w.folded for w in words)


@cache
def built_in() -> Synonyms:
    """The built-in abbreviations of Vietnamese news."""
    return Synonyms.parse(BUILT_IN.read_text(encoding="utf-8"), str(BUILT_IN.name))


def load(paths: Iterable[str | os.PathLike[str]] = ()) -> Synonyms:
    """The built-in list and the files at ``paths`` (missing ones are an error)."""
    table = built_in()
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise SearcherError(f"cannot read synonyms from {path}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise SearcherError(f"cannot read synonyms from {path}: not UTF-8 text") from None
        table = table + Synonyms.parse(text, str(path))
    return table


def expand(parsed: ParsedQuery, table: Synonyms) -> ParsedQuery:
    """``parsed`` with the forms of ``table`` it has given their synonyms as alternatives.

    Words typed side by side that make a form of several words (``tp hcm``, ``ủy ban nhân
    dân``) become one group: those words, or any synonym.
    """
    if not table.finds:
        return parsed
    groups = list(parsed.groups)
    result: list[tuple[Clause, ...]] = []
    adjacent = _adjacent(parsed)
    at = 0
    while at < len(groups):
        group = groups[at]
        for size in range(min(table.longest, len(groups) - at), 1, -1):  # words typed side by side
            words = [_plain(g) for g in groups[at : at + size]]
            if all(words) and all((a, b) in adjacent for a, b in zip(words, words[1:])):
                found = table.finds.get(tuple(w.folded for w in words if w))
                if found:
                    typed = Clause(tuple(w for w in words if w))
                    result.append((typed, *_alternatives(found, None)))
                    at += size
                    break
        else:
            extra = [alt for clause in group for alt in _alternatives(table.finds.get(_folded(clause.words), ()), clause.field)]
            result.append(group + tuple(a for a in extra if a not in group))
            at += 1
    if len(result) == len(groups) and all(len(a) == len(b) for a, b in zip(result, groups)):
        return parsed
    return ParsedQuery(groups=tuple(result), excluded=parsed.excluded, runs=parsed.runs)


def _plain(group: tuple[Clause, ...]) -> Word | None:
    """The word of a group that is one word typed alone (no syntax)."""
    if len(group) == 1 and len(group[0].words) == 1 and not (group[0].field or group[0].phrase or group[0].expanded):
        return group[0].words[0]
    return None


def _adjacent(parsed: ParsedQuery) -> set[tuple[Word, Word]]:
    return {(a, b) for run in parsed.runs for a, b in zip(run, run[1:])}


def _alternatives(found: Iterable[tuple[Word, ...]], field_name: str | None) -> list[Clause]:
    return [Clause(words, phrase=len(words) > 1, field=field_name, expanded=True) for words in found]


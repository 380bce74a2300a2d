"""A parsed query as SphinxQL: the ``MATCH`` expression and the ``WHERE`` filters.

Built only from what :mod:`searcher.query` parsed (words, already analyzed), never from the
typed text: every term passes through :func:`match_term`, which leaves nothing but letters,
digits and ``_``, and filters' strings through :func:`literal`.

Words match in any spelling, through the folded fields, as in the embedded engine (which then
weighs the spellings: :mod:`searcher.matching` does the same on the candidates)::

    cong doan -"bao lu"   ->  (@(title_folded,body_folded) cong) (@(title_folded,body_folded) doan)
                              -(@(title_folded,body_folded) "bao lu")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .. import schema as s
from .. import typos
from ..query import Clause, ParsedQuery, Word
from ..ranking import Params
from ..vocabulary import Vocabulary
from .sphinxql import literal, match_term

__all__ = ["EVERY", "Plan", "filters", "plan"]

EVERY = "zzdoc"  # a term every document has (in ``words``): a query of exclusions only starts from it
BOTH = "@(title_folded,body_folded)"
TITLE = "@title_folded"
EXACT = "@(title,body)"


@dataclass(frozen=True)
class Plan:
    """What the shards are asked: ``strict`` matches what the embedded engine matches for a
    short query (every group); ``loose`` any group (a long query, or a short one that no
    article matches whole); ``terms`` are the spellings whose positions the candidates bring."""

    strict: str
    loose: str
    long: bool  # more groups than Params.short_query: the embedded engine keeps partial matches
    terms: tuple[str, ...]


def plan(parsed: ParsedQuery, vocabulary: Vocabulary, params: Params, *, unmatched: frozenset[int] = frozenset()) -> Plan:
    """``parsed`` as MATCH expressions; the groups numbered in ``unmatched`` hold a quoted
    phrase no article has, searched as its words (each a group of its own, as the embedded engine does)."""
    required, optional = [], []
    for number, group in enumerate(parsed.groups):
        typed = [c for c in group if not c.expanded]
        if number in unmatched:
            optional += [_clause(Clause((word,), field=c.field), vocabulary) for c in typed for word in c.words]
            continue
        expression = group_expression(group, vocabulary)
        if any(c.phrase or c.field for c in typed):
            required.append(expression)
        else:
            optional.append(expression)
    excluded = [f"-{_excluded(c)}" for c in parsed.excluded]
    long = len(required) + len(optional) > params.short_query
    strict = " ".join(required + optional + excluded)
    loose_any = ["(" + " | ".join(optional) + ")"] if len(optional) > 1 else optional
    loose = " ".join(required + loose_any + excluded)
    if not required and not optional:  # only exclusions: everything else
        strict = loose = " ".join([f"(@words {EVERY})", *excluded])
    return Plan(strict=strict, loose=loose, long=long, terms=_terms(parsed, vocabulary))


def group_expression(group: Sequence[Clause], vocabulary: Vocabulary) -> str:
    """Any of a group's clauses (``a OR b``, a word and its abbreviation …)."""
    clauses = [_clause(c, vocabulary) for c in group]
    return clauses[0] if len(clauses) == 1 else "(" + " | ".join(clauses) + ")"


def _alternatives(word: Word, vocabulary: Vocabulary) -> list[str]:
    """A word's folded forms to match: itself, and for a word typed without diacritics that the
    index barely knows, its close spellings (as :func:`searcher.matching._typed_weights` weighs them)."""
    found = [word.folded]
    if not word.accented and _barely_known(word, vocabulary):
        found += [close for close, _ in typos.close(vocabulary, word.folded)]
    return found


def _barely_known(word: Word, vocabulary: Vocabulary) -> bool:
    spellings = set(vocabulary.spellings(s.BODY, word.folded)) | set(vocabulary.spellings(s.TITLE, word.folded))
    return sum(vocabulary.doc_frequency(s.BODY, t) for t in spellings) <= typos.BARELY


def _clause(clause: Clause, vocabulary: Vocabulary) -> str:
    where = TITLE if clause.field == "title" else BOTH
    if clause.phrase:
        return f'({where} "' + " ".join(match_term(w.folded) for w in clause.words) + '")'
    parts = []
    for word in clause.words:
        forms = [match_term(f) for f in _alternatives(word, vocabulary)]
        parts.append(forms[0] if len(forms) == 1 else "(" + " | ".join(forms) + ")")
    return f"({where} " + " ".join(parts) + ")"


def _excluded(clause: Clause) -> str:
    """``-bóng`` excludes that spelling only; ``-bong`` and ``-"phrase"`` every spelling."""
    title_only = clause.field == "title"
    if len(clause.words) == 1 and clause.words[0].accented:
        return f"({'@title' if title_only else EXACT} {match_term(clause.words[0].exact)})"
    where = TITLE if title_only else BOTH
    words = " ".join(match_term(w.folded) for w in clause.words)
    return f'({where} "{words}")' if len(clause.words) > 1 else f"({where} {words})"


def _terms(parsed: ParsedQuery, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The spellings the ranking of the candidates will ask about (any others are fetched when asked)."""
    words = [w for g in parsed.groups for c in g for w in c.words] + [w for c in parsed.excluded for w in c.words]
    found: dict[str, None] = {}
    for word in dict.fromkeys(words):
        for folded in _alternatives(word, vocabulary):
            for field in (s.TITLE, s.BODY):
                found.update(dict.fromkeys(vocabulary.spellings(field, folded)))
    return tuple(found)


def filters(since: dt.date | None, until: dt.date | None, year: int | None, source: str | None) -> list[str]:
    """The request's filters as SphinxQL conditions."""
    found = []
    if since:
        found.append(f"published >= {since.toordinal()}")
    if until:
        found.append(f"published <= {until.toordinal()}")
    if year is not None:
        found.append(f"year = {int(year)}")
    if source is not None:
        found.append(f"source = {literal(source)}")
    return found


def count_expression(words: Sequence[Sequence[str]]) -> str:
    """MATCH for documents with, for each word, one of its spellings (exactly)."""
    return " ".join(f"({EXACT} (" + " | ".join(match_term(t) for t in spellings) + "))" for spellings in words)

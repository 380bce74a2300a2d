"""From what a user types to ranked hits with snippets.

Any text is a valid query. Syntax: ``"exact phrase"``, ``-word`` (or ``-"phrase"``) to
exclude, ``a OR b``, ``title:word``; everything else is searched as words, so a pasted
title such as ``U23 Việt Nam - U23 Malaysia: Thử nghiệm và khắc phục`` just works.

Ranking:

* every word must match, in the title or the body, with or without diacritics (when no
  article has them all, the articles with most of them are returned, ``partial=True``);
* BM25F over title (boosted) and body, on folded syllables;
* bonuses for an accented word spelled as typed, for the compounds the query's adjacent
  words form (``cong doan`` -> ``cong_doan``), and for the words appearing together in order;
* a query typed with diacritics ranks articles that spell more of its accented words as
  typed above the others: ``bàn`` finds ``bàn`` before ``bán``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh import query as q
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from . import schema as s
from .analysis import COMPOUND_JOINER, fold_term, index_form, is_word, normalize_term, tokens
from .models import Hit, SearchResults, Snippet
from .normalize import nfc

__all__ = ["ParsedQuery", "parse", "search"]

TITLE_BOOST = 2.0
EXACT_BOOST = 0.5
COMPOUND_BOOST = 1.0
PHRASE_BOOST = 1.0
RESCORE_WINDOW = 100  # hits re-ordered so exact-diacritic matches come first
SNIPPET_CHARS = 240
WEIGHTING = BM25F(B=0.75, K1=1.2)


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


# -- building the Whoosh query ----------------------------------------------------------


def _fields(clause: Clause) -> list[str]:
    return [s.TITLE] if clause.field == "title" else [s.TITLE, s.BODY]


def _boost(field: str) -> float:
    return TITLE_BOOST if field in (s.TITLE, s.TITLE_WORDS) else 1.0


def _folded(clause: Clause) -> q.Query:
    """Articles containing the clause, with or without diacritics."""
    folded = [w.folded for w in clause.words]
    if len(folded) == 1:
        return q.Or([q.Term(f, folded[0], boost=_boost(f)) for f in _fields(clause)])
    return q.Or([q.Phrase(f, folded, boost=_boost(f)) for f in _fields(clause)])


def _exact(text: str, fields: Sequence[str], boost: float) -> q.Query:
    return q.Or([q.Term(s.WORDS_OF[f], text, boost=boost * _boost(f)) for f in fields])


def _excluded(clause: Clause) -> q.Query:
    """``-bóng`` excludes ``bóng`` only; ``-bong`` excludes every spelling."""
    if len(clause.words) == 1 and clause.words[0].accented:
        return _exact(clause.words[0].exact, _fields(clause), 1.0)
    return _folded(clause)


def _bonuses(parsed: ParsedQuery) -> list[q.Query]:
    both = [s.TITLE, s.BODY]
    bonuses: list[q.Query] = []
    for group in parsed.groups:
        for clause in group:
            bonuses += [_exact(w.exact, _fields(clause), EXACT_BOOST) for w in clause.words if w.accented]
    for run in parsed.runs:
        for n in (2, 3):
            for i in range(len(run) - n + 1):
                compound = COMPOUND_JOINER.join(w.folded for w in run[i : i + n])
                bonuses.append(_exact(compound, both, COMPOUND_BOOST))
        folded = [w.folded for w in run]
        bonuses += [q.Phrase(f, folded, boost=PHRASE_BOOST * _boost(f)) for f in both]
    return bonuses


def build(parsed: ParsedQuery, *, require_all: bool = True) -> q.Query:
    """The Whoosh query; ``require_all=False`` matches articles with any of the words."""
    required = [q.Or([_folded(c) for c in g]) if len(g) > 1 else _folded(g[0]) for g in parsed.groups]
    if required:
        matching: q.Query = q.And(required) if require_all else q.Or(required)
    else:
        matching = q.Every()
    if parsed.excluded:
        # Not q.AndNot: Whoosh's AndNotMatcher misses an excluded first match (whoosh-reloaded 2.7.5).
        matching = q.And([matching, q.Not(q.Or([_excluded(c) for c in parsed.excluded]))])
    bonuses = _bonuses(parsed)
    return q.AndMaybe(matching, q.Or(bonuses)) if bonuses and required else matching


# -- searching --------------------------------------------------------------------------


def search(
    searcher: Searcher,
    text: str,
    *,
    limit: int = 10,
    offset: int = 0,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> SearchResults:
    """One page of ranked hits for ``text``."""
    started = time.perf_counter()
    parsed = parse(text)
    if not parsed.groups and not parsed.excluded:
        return SearchResults(query=text, total=0, took_ms=_ms(started), offset=offset)
    window = max(RESCORE_WINDOW, offset + limit)
    dates = _date_filter(since, until)
    results = searcher.search(build(parsed), limit=window, filter=dates, terms=parsed.accented)
    partial = False
    if results.is_empty() and len(parsed.groups) > 1:
        results = searcher.search(build(parsed, require_all=False), limit=window, filter=dates, terms=parsed.accented)
        partial = not results.is_empty()

    ranked = list(results)
    if parsed.accented:
        ranked.sort(key=lambda hit: (-_exact_matches(hit, parsed), -hit.score))
    hits = tuple(_hit(h, parsed.words) for h in ranked[offset : offset + limit])
    return SearchResults(query=text, total=len(results), took_ms=_ms(started), hits=hits, offset=offset, partial=partial)


def _exact_matches(hit: object, parsed: ParsedQuery) -> int:
    """How many of the query's accented words the article contains spelled as typed."""
    matched = {text for field, text in hit.matched_terms() if field in (s.TITLE_WORDS, s.BODY_WORDS)}  # type: ignore[attr-defined]
    return sum(w.accented and w.exact.encode("utf-8") in matched for w in parsed.words)


def _date_filter(since: dt.date | None, until: dt.date | None) -> q.Query | None:
    if since is None and until is None:
        return None
    start = dt.datetime.combine(since, dt.time.min) if since else None
    end = dt.datetime.combine(until, dt.time.max) if until else None
    return q.DateRange(s.DATE, start, end)


def _hit(hit: object, words: Sequence[Word]) -> Hit:
    stored = hit.fields()  # type: ignore[attr-defined]
    date = stored.get(s.DATE)
    return Hit(
        id=stored[s.ID_FIELD],
        title=stored.get(s.TITLE, ""),
        date=date.date() if date else None,
        score=round(float(hit.score), 4),  # type: ignore[attr-defined]
        snippet=snippet(stored.get(s.BODY, ""), words),
        url=stored.get(s.URL),
        file=stored.get(s.FILE),
        source=stored.get(s.SOURCE),
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


# -- snippets ---------------------------------------------------------------------------


def snippet(text: str, words: Sequence[Word], size: int = SNIPPET_CHARS) -> Snippet:
    """The passage of ``text`` that shows most of ``words``, those words marked.

    A word typed without diacritics marks every spelling (``cong doan`` marks ``Công đoàn``);
    one typed with them marks its exact spelling where the text has it.
    """
    text = nfc(text)
    found = [(normalize_term(index_form(t)), start, end) for t, start, end in tokens(text) if is_word(t)]
    present = {exact for exact, _, _ in found}
    wanted: dict[str, str] = {}  # term to look for -> the query word it stands for
    for word in words:
        if word.accented and word.exact in present:
            wanted[word.exact] = word.exact
        else:
            wanted[word.folded] = word.exact
    order = {w.exact: i for i, w in enumerate(words)}
    matches = []  # (query word index, start, end)
    for exact, start, end in found:
        key = exact if exact in wanted else fold_term(exact)
        if key in wanted:
            matches.append((order[wanted[key]], start, end))

    begin = _passage_start(text, matches[_best_passage(matches, size)][1]) if matches else 0
    end = min(len(text), begin + size)
    if end < len(text):
        end = max(text.rfind(" ", begin, end), begin + size // 2)
    spans = _merge([(a - begin, b - begin) for _, a, b in matches if a >= begin and b <= end], text[begin:end])
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    passage = prefix + text[begin:end].replace("\n", " ") + suffix
    return Snippet(passage, tuple((a + len(prefix), b + len(prefix)) for a, b in spans))


def _best_passage(matches: list[tuple[int, int, int]], size: int) -> int:
    """Index of the match that starts the best passage: the most distinct words, then words
    in the order typed, then the earliest."""

    def quality(i: int) -> tuple[int, bool, int]:
        inside = [m for m in matches[i:] if m[1] < matches[i][1] + size * 3 // 4]
        in_order = any(b[0] == a[0] + 1 for a, b in zip(inside, inside[1:]))
        return len({m[0] for m in inside}), in_order, -i

    return max(range(len(matches)), key=quality)


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

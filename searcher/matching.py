"""A parsed query matched against the index and ranked: the arrays :mod:`searcher.ranking` scores.

For each query word, every spelling the index has for it matches, weighed by how likely the
user meant it (:mod:`searcher.readings`): typed without diacritics, ``bong da`` weighs
``bóng đá`` far above ``bóng … đã``; typed with them, the spelling as typed weighs most.

What matches: a document with any query word is a candidate. Short queries keep the
candidates that have every word (or, when none has, those with the most of the query's
information); longer ones (a pasted title, a question) also keep those that have most of it
(:attr:`Params.long_coverage`). Quoted phrases and ``title:`` words are required (a phrase no
article has is searched as its words, and :attr:`Ranking.relaxed` says so); ``-word`` excludes.
The matches are ranked by score (:mod:`searcher.ranking`), proximity computed for the best
:data:`PROXIMITY_WINDOW` of them. What matches is decided from the documents each word is in;
the words' scores are then asked for the matches: a word weighed as typed is scored in all
its documents and kept for the next queries (a common word's is asked again and again); one
weighed by the query's readings, in many more documents than the matches, in those alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import readings, typos
from . import schema as s
from .analysis import WORD_GAP
from .query import Clause, ParsedQuery, Word
from .ranking import Params, adjacent, coverage, fields_bm25, idf, proximity
from .reader import EMPTY, Reader

__all__ = ["PARAMS", "Ranking", "allowed", "order", "phrase_docs", "rank"]

PARAMS = Params()
PROXIMITY_WINDOW = 1000  # best-scored matches whose words' positions are compared
READING_SPELLINGS = 8  # most used spellings of a word whose pairs with its neighbours' are counted
NEAR_SPELLING = 0.5  # spellings weighing at least this much count for proximity
DENSE = 16  # a word's postings over 1/16 of the index: its documents found by flags over the index, not by sorting
WHOLE = 4  # a word weighed by readings in over 4 times as many documents as the matches: only theirs scored
SPARSE = 128  # a spelling with 128 times more postings than the documents scored: those looked up, not its postings scanned


@dataclass(frozen=True)
class Ranking:
    """Every document matching a query, with its score (in no particular order)."""

    matches: np.ndarray
    scores: np.ndarray
    partial: bool  # no document has every word
    readings: Mapping[str, str] = dataclasses.field(default_factory=dict)  # each word typed without diacritics: its likeliest spelling
    relaxed: tuple[str, ...] = ()  # the typed phrases no allowed article has, searched as their words ("giấy phép hoạt động")


def allowed(
    reader: Reader,
    since: dt.date | None = None,
    until: dt.date | None = None,
    year: int | None = None,
    source: str | None = None,
) -> np.ndarray:
    """True for the live documents that pass the filters."""
    keep = reader.live
    if since or until:
        days = reader.dates()
        low = since.toordinal() if since else 1
        high = until.toordinal() if until else dt.date.max.toordinal()
        keep = keep & (days >= low) & (days <= high)
    if year is not None:
        keep = keep & (reader.years() == year)
    if source is not None:
        codes, names = reader.sources()
        keep = keep & (codes == names.index(source)) if source in names else np.zeros(reader.size, dtype=bool)
    return keep


# The scores of a clause or group in the sorted documents asked: documents (sorted: at least
# those asked that have it, maybe others) and their scores.
Scorer = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass
class _Match:
    """One clause or group: the documents with any of its words (sorted), which of them have
    all of it (``present``), its information (idf), and its scores, asked for once the
    query's matches are known. Only the documents with one of its words are held, never an
    array over the whole index."""

    docs: np.ndarray
    present: np.ndarray  # (bool, one a document in ``docs``)
    idf: float
    titled: np.ndarray  # the documents whose title has it (sorted)
    scores: Scorer

    @functools.cached_property
    def having(self) -> np.ndarray:
        """The documents that have all of it."""
        return self.docs if self.present.all() else self.docs[self.present]


def _aligned(matches: Sequence[_Match]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The documents of any of ``matches`` (sorted), and where each match's documents are among them."""
    docs = _union([m.docs for m in matches])
    return docs, [np.searchsorted(docs, m.docs) for m in matches]


def _union(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The sorted union of sorted arrays (merged as runs: a stable sort merges them)."""
    if len(parts) <= 1:
        return parts[0] if parts else EMPTY
    every = _merged(parts)
    return every[_firsts(every)] if every.size else every


def _merged(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Sorted arrays (of keys) as one sorted array: a stable sort merges them as runs, several
    times faster than sorting them anew."""
    return np.sort(np.concatenate(parts), kind="stable") if parts else EMPTY


def _meeting(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values the sorted ``first`` and ``second`` (of distinct values) share are
    in each: the shorter's values looked up in the longer.

        >>> [a.tolist() for a in _meeting(np.array([2, 5, 9]), np.array([1, 5, 7, 9, 12]))]
        [[1, 2], [1, 3]]
    """
    if first.size > second.size:
        found, inside = _meeting(second, first)
        return inside, found
    if not second.size:
        return EMPTY, EMPTY
    at = np.minimum(np.searchsorted(second, first), second.size - 1)
    hit = second[at] == first
    return np.flatnonzero(hit), at[hit]


def _in(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of the sorted ``values`` are in the sorted ``ordered`` (by :func:`_meeting`, neither sorted)."""
    inside = np.zeros(values.size, dtype=bool)
    inside[_meeting(values, ordered)[0]] = True
    return inside


def _common(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The sorted intersection of sorted arrays of distinct values (the shortest's looked up in the others)."""
    if not parts:
        return EMPTY
    shortest, *others = sorted(parts, key=len)
    for part in others:
        shortest = shortest[_meeting(shortest, part)[0]]
    return shortest


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each value of a sorted array first occurs."""
    new = np.empty(ordered.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return np.flatnonzero(new)


def _spread(values: np.ndarray, where: np.ndarray, size: int) -> np.ndarray:
    """``values`` at ``where`` in an array of ``size`` zeros."""
    out = np.zeros(size, dtype=values.dtype)
    out[where] = values
    return out




def rank(reader: Reader, parsed: ParsedQuery, *, keep: np.ndarray | None = None, params: Params | None = None) -> Ranking:
    """The documents matching ``parsed`` among those ``keep`` allows (default: the live
    ones), scored; ``params`` default to :data:`PARAMS`. :func:`order` sorts them.

    Words typed without diacritics first count every spelling alike; the best matches then
    tell which spellings of neighbouring words stand together (:mod:`searcher.readings`),
    and the words are weighed again by those readings before proximity is added.
    """
    keep = reader.live if keep is None else keep
    params = params or PARAMS
    context = _Context(reader, _typed_weights(reader, parsed, params), params)
    for clause in parsed.excluded:
        keep = keep & ~_excluded(context, clause)
    first = _score(context, parsed, keep)
    likeliest = _unigram_readings(context, parsed)
    priors = {w: dict(t) for w, t in context.weights.items() if any(v < 1.0 for v in t.values()) and not w.accented}
    if not first.matches.size:
        return Ranking(matches=first.matches, scores=first.scores, partial=first.partial, readings=likeliest, relaxed=first.relaxed)
    top = np.sort(first.matches[_top(first.scores, PROXIMITY_WINDOW)])
    runs = _runs(parsed)
    read = _read(context, runs, top)
    likeliest.update({w.folded: max(p, key=p.__getitem__) for w, p in read.items()})
    weighed = {word: _weighed(context.weights[word], probabilities, priors.get(word, {}), params) for word, probabilities in read.items()}
    if any(weights != context.weights[word] for word, weights in weighed.items()):
        context.weights.update(weighed)
        context.forget()
        context.read = True
        first = _score(context, parsed, keep)
    scores = first.scores.copy()
    if runs:
        at = np.searchsorted(first.matches, top)
        inside = (at < first.matches.size) & (first.matches[np.minimum(at, first.matches.size - 1)] == top)
        top, at = top[inside], at[inside]
        scores[at] += _proximity(context, runs, top, first.keep)
    return Ranking(
        matches=first.matches.astype(np.int32), scores=scores.astype(np.float32), partial=first.partial, readings=likeliest,
        relaxed=first.relaxed,
    )


def _weighed(spellings: dict[str, float], probabilities: dict[str, float], prior: dict[str, float], params: Params) -> dict[str, float]:
    """Each spelling's weight by its reading, relative to the likeliest (at least
    ``unlikely_reading``); a typo's close spellings keep their lower weight, whatever their reading."""
    best = max(probabilities.values())
    return {t: prior.get(t, 1.0) * max(probabilities.get(t, 0.0) / best, params.unlikely_reading) for t in spellings}


@dataclass
class _Scored:
    matches: np.ndarray  # sorted
    scores: np.ndarray
    partial: bool
    keep: np.ndarray  # the documents allowed, once what the syntax requires is applied
    relaxed: tuple[str, ...] = ()


def _score(context: _Context, parsed: ParsedQuery, keep: np.ndarray) -> _Scored:
    """The matches and their scores, before proximity."""
    params = context.params
    groups: list[_Match] = []
    relaxed: list[str] = []
    for clauses in parsed.groups:
        group = _group(context, clauses)
        typed = [c for c in clauses if not c.expanded]
        if any(c.phrase for c in typed) and not keep[group.having].any():
            # A phrase no article has (often pasted text in quotes): its words, as any others.
            groups += [_clause(context, Clause((word,), field=c.field)) for c in typed for word in c.words]
            relaxed += [" ".join(w.exact for w in c.words) for c in typed if c.phrase]
            continue
        if any(c.phrase or c.field for c in typed):  # what the syntax asks for is required
            keep = keep & _spread(np.ones(group.having.size, dtype=bool), group.having, keep.size)
        groups.append(group)
    if not groups:  # only exclusions: everything else, in index order
        matches = np.flatnonzero(keep)
        return _Scored(matches, np.zeros(matches.size), False, keep)
    # Counted over every document once, not per word (one pass of the index's size a query).
    covered = coverage([g.having for g in groups], np.array([g.idf for g in groups]), keep.size)
    candidates = np.flatnonzero((covered > 0) & keep)
    covered = covered[candidates]
    best = float(covered.max()) if candidates.size else 1.0
    # Short queries keep the articles with the most of their words; longer ones degrade.
    enough = best * (1.0 if len(groups) <= params.short_query else params.long_coverage)
    matches = candidates[covered >= enough - 1e-9]
    total = np.zeros(keep.size)
    for g in groups:
        docs, scores = g.scores(matches)
        total[docs] += scores
    total = total[matches]
    if params.whole_title and len(groups) > 1:  # every word in the title: the article sought by its title's words
        total[_in(matches, _common([g.titled for g in groups]))] += params.whole_title * sum(g.idf for g in groups)
    return _Scored(matches, total, len(groups) > 1 and best < 1 - 1e-9, keep, tuple(relaxed))


def _runs(parsed: ParsedQuery) -> list[tuple[Word, ...]]:
    """Words typed side by side: the runs of plain words, and quoted phrases."""
    return list(parsed.runs) + [c.words for g in parsed.groups for c in g if c.phrase]


def _read(context: _Context, runs: Sequence[Sequence[Word]], docs: np.ndarray) -> dict[Word, dict[str, float]]:
    """The readings of the words typed without diacritics in ``runs``, from how their
    spellings stand together in ``docs``."""
    chains: list[tuple[Sequence[Word], list[list[str]]]] = []  # runs of words the index knows (one it lacks breaks a run)
    for run in runs:
        if all(w.accented for w in run):
            continue
        spellings = [_options(context, w) for w in run]
        start = 0
        for end in range(len(run) + 1):
            if end == len(run) or not spellings[end]:
                if end > start:
                    chains.append((run[start:end], spellings[start:end]))
                start = end + 1
    # One spelling a word: each is read as it, with certainty. A lone word is read by its
    # spellings' own weights. The others' positions are read at once.
    paired = [spellings for _, spellings in chains if len(spellings) > 1 and any(len(each) > 1 for each in spellings)]
    for field in context.fields:
        context.keys(field, [t for spellings in paired for each in spellings for t in each], docs)
    found: dict[Word, dict[str, float]] = {}
    for words, spellings in chains:
        if all(len(each) == 1 for each in spellings):
            probabilities = [np.ones(1)] * len(words)
        else:
            pairs = [_pairs(context, a, b, docs) for a, b in zip(spellings, spellings[1:])]
            probabilities = readings.posteriors([readings.unigram(context.reader, each) for each in spellings], pairs)
        for word, each, p in zip(words, spellings, probabilities):
            if not word.accented and word not in found:
                found[word] = dict(zip(each, p.tolist()))
    return found


def _pairs(context: _Context, first: Sequence[str], second: Sequence[str], docs: np.ndarray) -> np.ndarray:
    """How often each spelling of ``first`` stands before each of ``second`` in ``docs``, by field weight."""
    counts = np.zeros((len(first), len(second)))
    for field, weight in context.fields.items():
        counts += weight * readings.pair_counts(context.keys(field, first, docs), context.keys(field, second, docs))
    return counts


def _options(context: _Context, word: Word) -> list[str]:
    """The spellings of ``word`` whose pairs with its neighbours' are counted: those of
    :func:`readings.options`, or for a typo the most used of its close spellings."""
    weights = context.weights.get(word, {})
    if all(w >= 1.0 for w in weights.values()) or word.accented:
        return readings.options(context.reader, word, READING_SPELLINGS)
    reader = context.reader
    return sorted(weights, key=lambda t: (-weights[t] * reader.doc_frequency(s.BODY, t), t))[:READING_SPELLINGS]


def _unigram_readings(context: _Context, parsed: ParsedQuery) -> dict[str, str]:
    """Each word typed without diacritics (excluded ones too) as its most used spelling (for
    a typo, its close spellings counted at their weight)."""
    reader = context.reader
    words = list(parsed.words) + [w for c in parsed.excluded for w in c.words]
    likeliest = {}
    for word in words:
        if word.accented:
            continue
        weights = context.weights.get(word)
        if weights and any(w < 1.0 for w in weights.values()):
            likeliest[word.folded] = max(sorted(weights), key=lambda t: weights[t] * reader.doc_frequency(s.BODY, t))
        elif found := readings.options(reader, word):
            likeliest[word.folded] = found[0]
    return likeliest


class _Context:
    """What the clauses of one query share: the reader, the spellings' weights, the statistics."""

    def __init__(self, reader: Reader, weights: dict[Word, dict[str, float]], params: Params):
        self.reader = reader
        self.weights = weights
        self.params = params
        self.documents = max(reader.count, 1)
        self.fields = {s.TITLE: params.title_weight, s.BODY: 1.0}
        self.bs = {s.TITLE: params.title_b, s.BODY: params.body_b}
        self.idfs: dict[Word, float] = {}  # each word's, once scored
        self.present: dict[Word, np.ndarray] = {}  # the documents having each word
        self._keys: dict[tuple[str, str], np.ndarray] = {}
        self.read = False  # whether words typed without diacritics are weighed by their readings
        self.found: dict[tuple[object, ...], tuple[np.ndarray, float, np.ndarray]] = {}  # each word's documents, by weights

    def keys(self, field: str, terms: Sequence[str], docs: np.ndarray) -> list[np.ndarray]:
        """The positions of each of ``terms`` in the sorted ``docs`` (always the same ones in
        a query); those not read yet are read together."""
        missing = [t for t in dict.fromkeys(terms) if (field, t) not in self._keys]
        if missing:
            self._keys.update(((field, t), keys) for t, keys in zip(missing, self.reader.positions_of(field, missing, docs)))
        return [self._keys[field, t] for t in terms]

    def forget(self) -> None:
        """Drop what was computed with the previous weights."""
        self.idfs.clear()
        self.present.clear()


def _fields(clause: Clause) -> tuple[str, ...]:
    return (s.TITLE,) if clause.field == "title" else (s.TITLE, s.BODY)


def _group(context: _Context, group: Sequence[Clause]) -> _Match:
    """Any of the group's clauses (``a OR b``): the best of their scores.

    When rewriting added clauses (an abbreviation's long form), the clauses are forms of one
    thing: the group's information is that of the articles with any form, and each form
    scores its share of its own information (its words' BM25, averaged by their idf), so
    ``TP.HCM`` and ``thành phố Hồ Chí Minh`` count the same.
    """
    matches = [_clause(context, clause) for clause in group]
    if len(matches) == 1:
        return matches[0]
    docs, where = _aligned(matches)
    present = np.zeros(docs.size, dtype=bool)
    for m, at in zip(matches, where):
        present[at[m.present]] = True
    if not any(c.expanded for c in group):
        information = max(m.idf for m in matches)
        scorers = [m.scores for m in matches]
    else:
        information = idf(min(float(present.sum()), context.documents), context.documents)
        weights = [context.params.expansion_weight if c.expanded else 1.0 for c in group]
        scorers = [functools.partial(_scaled, m.scores, w, information / m.idf) for w, m in zip(weights, matches) if m.idf > 0]
    # The best of its clauses' scores (never negative: a document a clause lacks scores 0 there).
    best = functools.partial(_combined, scorers, np.maximum)
    return _Match(docs, present, information, _union([m.titled for m in matches]), best)


def _scaled(scores: Scorer, weight: float, share: float, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    docs, values = scores(among)
    return docs, weight * values.astype(np.float64) * share


def _combined(scorers: Sequence[Scorer], combine: np.ufunc, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scorers' documents (their union) and their scores, combined (summed, or the best)."""
    scored = [scores(among) for scores in scorers]
    docs = _union([d for d, _ in scored])
    total = np.zeros(docs.size)
    for d, values in scored:
        at = np.searchsorted(docs, d)
        total[at] = combine(total[at], values)
    return docs, total


def _within(scores: Scorer, inside: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``scores`` of the documents ``inside`` (sorted) only."""
    docs, values = scores(among)
    at, _ = _meeting(docs, inside)
    return docs[at], values[at]


def _clause(context: _Context, clause: Clause) -> _Match:
    words = [_word(context, word, _fields(clause)) for word in clause.words]
    if len(words) == 1:
        match = words[0]
    else:
        docs, where = _aligned(words)
        count = np.zeros(docs.size, dtype=np.int64)
        for at in where:
            count[at] += 1
        match = _Match(docs, count == len(words), sum(w.idf for w in words), _common([w.titled for w in words]),
                       functools.partial(_combined, [w.scores for w in words], np.add))
    if clause.phrase:
        found = [phrase_docs(context.reader, field, [w.folded for w in clause.words], match.having) for field in _fields(clause)]
        inside = np.unique(np.concatenate(found)).astype(match.docs.dtype) if found else EMPTY
        match = _Match(inside, np.ones(inside.size, dtype=bool), match.idf, np.intersect1d(match.titled, inside, assume_unique=True),
                       functools.partial(_within, match.scores, inside))
    return match


def _word(context: _Context, word: Word, fields: Sequence[str]) -> _Match:
    """BM25 of one query word in ``fields``, its spellings' frequencies weighed."""
    weights = context.weights.get(word, {})
    key = ("word", tuple(fields), tuple(sorted(weights.items())), context.params)
    if key in context.found:
        docs, information, titled = context.found[key]
    elif context.read:  # (weighed by this query's readings: asked again only as the same query, whose ranking is kept)
        docs, information, titled = _word_found(context, weights, fields)
    else:
        docs, information, titled = context.reader.cached(key, lambda: _word_found(context, weights, fields))
    context.found[key] = docs, information, titled
    docs = docs.astype(np.int64)
    context.idfs.setdefault(word, information)
    context.present.setdefault(word, docs)
    return _Match(docs, np.ones(docs.size, dtype=bool), information, titled.astype(np.int64),
                  functools.partial(_word_scores, context, key, weights, fields, information))


def _word_found(context: _Context, weights: Mapping[str, float], fields: Sequence[str]) -> tuple[np.ndarray, float, np.ndarray]:
    """The documents with any of the weighed spellings, the idf, and the documents whose
    title has one of the spellings meant (not an accented word's other spellings)."""
    reader = context.reader
    spellings = tuple(weights)
    found, slots = _gathered(reader, spellings, fields)
    titled = np.zeros(found.size, dtype=bool)
    if s.TITLE in fields:
        for spelling, at in zip(spellings, slots[fields.index(s.TITLE)]):
            if weights[spelling] > context.params.other_spelling:  # (not an accented word's other spellings)
                titled[at] = True
    # The documents with the word: its spellings' counted at their weights, but never more than
    # have any of them (``thu`` as thủ, thứ, thu … in 40,000 of 35,000 articles would be worth nothing).
    frequency = sum(weight * max(reader.doc_frequency(f, t) for f in fields) for t, weight in weights.items())
    if len(weights) > 1:
        frequency = min(frequency, reader.having_any(spellings, found))
    return found, idf(min(frequency, context.documents), context.documents), found[titled]


def _word_scores(
    context: _Context, key: tuple[object, ...], weights: Mapping[str, float], fields: Sequence[str], information: float,
    among: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The word's BM25 in the sorted documents ``among`` that have it, or in all its documents.
    Weighed as typed, every one's is computed and kept for other queries (a common word's is
    asked again and again). Weighed by this query's readings (never asked again but as the
    same query, whose ranking is kept), a word in many more documents than those asked for
    is scored in those alone."""
    reader = context.reader
    found, slots = _gathered(reader, tuple(weights), fields)
    if not context.read:
        return found, reader.cached((*key, "scores"), lambda: _bm25(context, weights, fields, information, found, slots))
    kept = reader.peek((*key, "scores"))  # (a word whose reading left its weights as typed)
    if kept is not None:
        return found, kept
    if found.size <= WHOLE * among.size:
        return found, _bm25(context, weights, fields, information, found, slots)
    _, at = _meeting(among.astype(found.dtype), found)  # (one type: neither array converted)
    asked = np.zeros(found.size, dtype=bool)
    asked[at] = True
    return found[asked], _bm25(context, weights, fields, information, found, slots, asked)


def _bm25(
    context: _Context, weights: Mapping[str, float], fields: Sequence[str], information: float,
    found: np.ndarray, slots: list[list[np.ndarray]], asked: np.ndarray | None = None,
) -> np.ndarray:
    """The word's BM25 in its documents ``found`` (or those ``asked``): its frequency in
    each field, each spelling's counted at its weight (a spelling's postings scanned, or when
    many times more than the documents asked, those looked up in them)."""
    reader = context.reader
    inner = found if asked is None else found[asked]
    number = None  # each found document's place among those asked (-1: not asked), made when a spelling is common
    frequencies = []
    for field, slot in zip(fields, slots):
        counted = np.zeros(inner.size)
        for spelling, places in zip(weights, slot):
            postings = reader.postings(field, spelling)
            if asked is None:
                counted[places] += weights[spelling] * postings.frequencies
            elif inner.size * SPARSE < postings.docs.size:
                i = np.minimum(np.searchsorted(postings.docs, inner), postings.docs.size - 1)
                hit = postings.docs[i] == inner
                counted[hit] += weights[spelling] * postings.frequencies[i[hit]]
            else:
                if number is None:
                    number = np.where(asked, np.cumsum(asked) - 1, -1)
                target = number[places]
                hit = target >= 0
                counted[target[hit]] += weights[spelling] * postings.frequencies[hit]
        frequencies.append(counted)
    saturated = fields_bm25(
        frequencies, [reader.lengths(f)[inner] for f in fields], [reader.average_length(f) for f in fields],
        [context.fields[f] for f in fields], [context.bs[f] for f in fields], context.params.k1,
    )
    return (information * saturated).astype(np.float32)  # (kept in the cache: half the bytes)


def _gathered(reader: Reader, spellings: Sequence[str], fields: Sequence[str]) -> tuple[np.ndarray, list[list[np.ndarray]]]:
    return reader.cached(("word", "slots", tuple(fields), tuple(spellings)), lambda: _slots(reader, spellings, fields))


def _slots(reader: Reader, spellings: Sequence[str], fields: Sequence[str]) -> tuple[np.ndarray, list[list[np.ndarray]]]:
    """The documents with any of ``spellings`` in ``fields`` (sorted), and for each field and
    spelling where its postings' documents are among them: gathered once a word, whatever
    weights its spellings are then given (before and after its reading is known)."""
    postings = [[reader.postings(f, t).docs for t in spellings] for f in fields]
    every = [docs for row in postings for docs in row]
    if sum(docs.size for docs in every) * DENSE > reader.size:
        flags = np.zeros(reader.size, dtype=bool)
        for docs in every:
            flags[docs] = True
        found = np.flatnonzero(flags).astype(np.int32)
    else:
        found = _union(every).astype(np.int32)
    number = np.empty(reader.size, dtype=np.int32)  # (only the found documents' entries are written and read)
    number[found] = np.arange(found.size, dtype=np.int32)
    return found, [[number[docs] for docs in row] for row in postings]


def _excluded(context: _Context, clause: Clause) -> np.ndarray:
    """``-bóng`` excludes that spelling only; ``-bong`` and ``-"phrase"`` every spelling."""
    reader = context.reader
    where = np.zeros(reader.size, dtype=bool)
    if len(clause.words) == 1 and clause.words[0].accented:
        for field in _fields(clause):
            where[reader.postings(field, clause.words[0].exact).docs] = True
        return where
    words = [w.folded for w in clause.words]
    for field in _fields(clause):
        if len(words) == 1:
            for spelling in reader.spellings(field, words[0]):
                where[reader.postings(field, spelling).docs] = True
        else:
            where[phrase_docs(reader, field, words)] = True
    return where


def _typed_weights(reader: Reader, parsed: ParsedQuery, params: Params) -> dict[Word, dict[str, float]]:
    """Each positive query word's spellings in the index, weighed as typed: a word typed
    with diacritics weighs its own spelling 1 and the others :attr:`Params.other_spelling`;
    one typed without weighs every spelling 1 (until :func:`_read` knows better). A word
    typed without diacritics that the index barely knows also has the spellings of its close
    words (:mod:`searcher.typos`), at :attr:`Params.typo` for each edit (one typed with them
    was typed with care)."""
    weights: dict[Word, dict[str, float]] = {}
    for word in parsed.words:
        spellings = _spellings(reader, word.folded)
        if word.accented:
            weights[word] = {t: 1.0 if t == word.exact else params.other_spelling for t in spellings}
        else:
            weights[word] = dict.fromkeys(spellings, 1.0)
        if not word.accented and sum(reader.doc_frequency(s.BODY, t) for t in spellings) <= typos.BARELY:  # (no lexicon for known words)
            for close, edits in typos.close(reader, word.folded):
                for spelling in _spellings(reader, close):
                    weights[word].setdefault(spelling, params.typo**edits)
    return weights


def _spellings(reader: Reader, folded: str) -> set[str]:
    return set(reader.spellings(s.BODY, folded)) | set(reader.spellings(s.TITLE, folded))


def _proximity(context: _Context, runs: Sequence[Sequence[Word]], docs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Proximity of neighbouring query words in each of ``docs`` (sorted), scored as a term
    of its own: its frequency is how often the two stand together (weighed by field), its
    idf how rare that is, estimated from ``docs`` (the best matches among those ``keep``
    allows)."""
    params = context.params
    total = np.zeros(docs.size)
    keys: dict[tuple[Word, str], np.ndarray] = {}

    def likely(word: Word) -> list[str]:
        return [t for t, w in context.weights.get(word, {}).items() if w >= NEAR_SPELLING]

    def near(word: Word, field: str) -> np.ndarray:
        if (word, field) not in keys:
            found = context.keys(field, likely(word), docs)
            keys[word, field] = _merged(found)
        return keys[word, field]

    pairs = [(a, b) for run in runs for a, b in zip(run, run[1:]) if a in context.present and b in context.present]
    for field in context.fields:  # (every likely spelling's positions read at once)
        context.keys(field, [t for word in dict.fromkeys(w for pair in pairs for w in pair) for t in likely(word)], docs)
    for first, second in pairs:
        same, nearby = np.zeros(docs.size), np.zeros(docs.size)
        for field, weight in context.fields.items():
            a, b = near(first, field), near(second, field)
            same += weight * _per_doc(adjacent(a, b, 1), docs)
            nearby += weight * _per_doc(adjacent(a, b, WORD_GAP), docs)
        inside = np.zeros(keep.size, dtype=bool)
        inside[context.present[first]] = True
        both = context.present[second][inside[context.present[second]] & keep[context.present[second]]]
        together = int(((same + nearby) > 0).sum())
        # Of the documents with both words, the share with them together, as in ``docs``.
        frequency = together / max(int(_in(docs, both).sum()), 1) * int(both.size)
        information = idf(max(frequency, 1.0), context.documents)
        total += params.proximity_weight * information * proximity(same, nearby, params)
    return total


def _per_doc(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """How many of ``keys`` fall in each of ``docs`` (sorted); those of other documents
    (read for the readings, among matches the second scoring left out) count nowhere.

        >>> _per_doc(np.array([1 << 32 | 5, 2 << 32 | 1, 3 << 32, 3 << 32 | 4]), np.array([1, 3])).tolist()
        [1.0, 2.0]
    """
    if keys.size == 0 or docs.size == 0:
        return np.zeros(docs.size)
    owners = keys >> 32
    at = np.minimum(np.searchsorted(docs, owners), docs.size - 1)
    return np.bincount(at[docs[at] == owners], minlength=docs.size).astype(np.float64)


def phrase_docs(reader: Reader, field: str, words: Sequence[str], among: np.ndarray | None = None) -> np.ndarray:
    """Documents where ``words`` (folded, any spelling) occur one after the other in
    ``field``, within a word or across words; only among the sorted ``among`` when given."""
    spellings = [reader.spellings(field, word) for word in words]
    every = list(dict.fromkeys(t for each in spellings for t in each))
    found = dict(zip(every, reader.positions_of(field, every, among) if among is not None else [reader.positions(field, t) for t in every]))
    keys = [_merged([found[t] for t in each]) for each in spellings]
    if not keys or any(k.size == 0 for k in keys):
        return EMPTY
    at = keys[0]
    for following in keys[1:]:
        at = np.union1d(adjacent(at, following, 1) + 1, adjacent(at, following, WORD_GAP) + WORD_GAP)
    return np.unique(at >> 32)


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Indexes of the ``count`` highest scores (in no order)."""
    if scores.size <= count:
        return np.arange(scores.size)
    return np.argpartition(-scores, count - 1)[:count]


def order(reader: Reader, ranking: Ranking, window: int, by_date: bool = False) -> np.ndarray:
    """Indexes into ``ranking.matches`` of its first ``window`` by score (or by date, newest
    first, then score), with any that tie with the last one; ties are ordered by id, so the
    order never depends on how the index was written."""
    docs, scores = ranking.matches, ranking.scores
    key = scores if not by_date else reader.dates()[docs] * 1e6 + np.minimum(scores, 1e5)  # (scores are far below 1e5)
    if docs.size > window > 0:
        last = np.partition(key, key.size - window)[key.size - window]
        chosen = np.flatnonzero(key >= last)
    else:
        chosen = np.arange(docs.size) if window > 0 else np.zeros(0, dtype=np.int64)
    ids = reader.ids(docs[chosen])
    ordered = sorted(range(chosen.size), key=lambda i: (-key[chosen[i]], ids[i]))
    return chosen[np.array(ordered, dtype=np.int64)]

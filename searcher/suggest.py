"""Diacritic suggestions: what a query typed without accents most likely meant.

    cong doan  ->  công đoàn       (not cống đoán: the articles say "công đoàn")

Learned from the index itself. Each unaccented word may be any of the spellings the index
has for it (``cong``: công, cộng, cống …). A word's own weight is how many articles use a
spelling; two words typed next to each other also count how often each pair of spellings
stands side by side in the articles that have both, so compounds the corpus uses win
(``co so`` -> ``cơ sở``, where ``cơ`` and ``sở`` alone might each lose to ``có`` and ``số``).
The best sequence of spellings is found exactly, by Viterbi over the typed words.

The rest of the query (accented words, numbers, syntax) is kept as typed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import schema as s
from .analysis import WORD_GAP, fold_term, normalize_term, tokens
from .normalize import nfc
from .ranking import IndexView

__all__ = ["suggestion"]

FIELD = s.BODY  # the most text to learn from
SPELLINGS = 5  # most used spellings of a word that are tried
SAMPLE = 60  # articles having both words of a pair, whose positions are read to count it
MAX_WORDS = 12  # longer unaccented runs (pasted text) get no suggestion
UNIGRAM_WEIGHT = 0.1  # a spelling's own frequency only breaks ties between pairs


def suggestion(view: IndexView, text: str) -> str | None:
    """``text`` with diacritics on its unaccented words, or None when that changes nothing."""
    return view.cached(("suggest", "", text), lambda: _suggest(view, text), lambda _: 1)  # type: ignore[return-value]


def _suggest(view: IndexView, text: str) -> str | None:
    text = nfc(text)
    runs = _plain_runs(view, text)
    if sum(len(run) for run in runs) > MAX_WORDS:
        return None
    pieces, done = [], 0
    for run in runs:
        spelled = _best_spellings(view, [folded for folded, _, _ in run])
        for (_, start, end), spelling in zip(run, spelled):
            pieces += [text[done:start], _cased(text[start:end], spelling)]
            done = end
    suggestion = "".join(pieces) + text[done:]
    return suggestion if suggestion != text else None


def _plain_runs(view: IndexView, text: str) -> list[list[tuple[str, int, int]]]:
    """Words typed without diacritics that the index knows in some spelling, as (folded,
    start, end), grouped into runs of words separated by spaces only."""
    runs: list[list[tuple[str, int, int]]] = [[]]
    previous = 0
    for token, start, end in tokens(text):
        folded = fold_term(normalize_term(token))  # (normalized: ky -> ki, as indexed)
        plain = (
            token.isalpha() and normalize_term(token) == folded
            and token != "OR" and text[end : end + 1] != ":"  # query syntax
            and bool(view.spellings(FIELD, folded))
        )
        if not plain or (runs[-1] and not text[previous:start].isspace()):
            runs.append([])
        if plain:
            runs[-1].append((folded, start, end))
        previous = end
    return [run for run in runs if run]


def _best_spellings(view: IndexView, words: Sequence[str]) -> list[str]:
    """The likeliest spelling of each folded word of a run (Viterbi over spelling pairs)."""
    options = [_spellings(view, w) for w in words]
    unigram = [[UNIGRAM_WEIGHT * math.log1p(view.doc_frequency(FIELD, o)) for o in opts] for opts in options]
    score, back = list(unigram[0]), []
    for i in range(1, len(words)):
        pairs = _pair_counts(view, words[i - 1], options[i - 1], words[i], options[i])
        step_score, step_back = [], []
        for b in range(len(options[i])):
            best = max(range(len(options[i - 1])), key=lambda a: score[a] + math.log1p(pairs[a, b]))
            step_score.append(score[best] + math.log1p(pairs[best, b]) + unigram[i][b])
            step_back.append(best)
        score, back = step_score, back + [step_back]
    choice = max(range(len(score)), key=score.__getitem__)
    chosen = [choice]
    for step in reversed(back):
        chosen.append(step[chosen[-1]])
    return [opts[c] for opts, c in zip(options, reversed(chosen))]


def _spellings(view: IndexView, folded: str) -> list[str]:
    found = sorted(view.spellings(FIELD, folded), key=lambda t: (-view.doc_frequency(FIELD, t), t))
    return found[:SPELLINGS]


def _pair_counts(view: IndexView, first: str, firsts: list[str], second: str, seconds: list[str]) -> np.ndarray:
    """How often each spelling of ``first`` is followed by each of ``second``, in a sample of
    the articles that have both words; a pair inside one word (a compound) counts twice."""
    both = np.intersect1d(view.folded(FIELD, first).docs, view.folded(FIELD, second).docs)
    if both.size > SAMPLE:
        both = both[np.linspace(0, both.size - 1, SAMPLE).astype(np.int64)]
    counts = np.zeros((len(firsts), len(seconds)))
    if both.size == 0:
        return counts
    after = [view.term_positions(FIELD, t, both) for t in seconds]
    for a, term in enumerate(firsts):
        keys = view.term_positions(FIELD, term, both)
        for b, follows in enumerate(after):
            counts[a, b] = 2 * np.isin(keys + 1, follows).sum() + np.isin(keys + WORD_GAP, follows).sum()
    return counts


def _cased(typed: str, spelling: str) -> str:
    """``spelling`` written in the case the user typed: Ha -> Hà, HN -> HN."""
    if typed.isupper() and len(typed) > 1:
        return spelling.upper()
    if typed[:1].isupper():
        return spelling[:1].upper() + spelling[1:]
    return spelling

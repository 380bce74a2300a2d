"""Honest tuning: vnsearch's ranking constants chosen on one half of the judged queries, read on the other.

    pip install -e '.[bench]'
    python bench/tune.py --grid '{"proximity_weight": [0.35, 0.7, 1.0], "title_weight": [2, 4]}'
    python bench/tune.py --grid grid.json --tune-on news-dev,known-keywords,own-questions --report xquad-passages

The grid is JSON (text, or a file holding it): an object of lists (every combination of them)
or a list of objects (these parameter sets), each naming fields of
:class:`searcher.ranking.Params`; what a set does not name keeps its default, and the defaults
themselves (``{}``) are always tried first. Each parameter set is evaluated once on every query
as typed of the sets tuned on (``--tune-on``, default news-dev; each set's headline metric as
bench/relevance.py scores it: news-dev's nDCG@10, the own sets' MRR@10). Then, for each half
(bench/splits.py: every set has two fixed halves), the parameter set with the best mean on that
half is chosen (the mean of each tuned set's mean, so each set counts alike; the first in the
grid on a tie, so the defaults win ties) and its mean on the other half is the held-out figure.
Both ways round are printed, and the cross-validated figure: every query scored with the
parameters chosen on the half it is not in. ``--report`` adds other sets' headline figure (as
typed) for each parameter set, for reading only: nothing is chosen on them.

One process, one index (bench/relevance.py's systems and cache): ``matching.PARAMS`` is set
for each parameter set. An engine keeps its answers per request, whatever the parameters, so
between parameter sets the engine forgets them (keeping what it read from the index: a
parameter set costs about 2 s of CPU instead of 23 s on a new engine); after tuning, the chosen
sets and the last one are evaluated again on a new engine, and a difference stops the run (then
``--fresh`` opens a new engine for every parameter set).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splits import HALVES  # noqa: E402

Candidate = dict[str, Any]  # Params fields changed from their defaults
TUNABLE = ("news-dev", "own-questions", "known-keywords")  # the sets with fixed halves (over the news corpus)


def parameter_sets(grid: Any, known: Collection[str]) -> list[Candidate]:
    """The parameter sets of a grid, the defaults first; ValueError names what is wrong.

    >>> parameter_sets({"k1": [1.2, 1.5], "typo": [0.5]}, {"k1", "typo"})
    [{}, {'k1': 1.2, 'typo': 0.5}, {'k1': 1.5, 'typo': 0.5}]
    """
    sets: list[Candidate]
    if isinstance(grid, dict):
        if not all(isinstance(values, list) and values for values in grid.values()):
            raise ValueError("a grid object maps each parameter to a list of values to try")
        sets = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    elif isinstance(grid, list) and all(isinstance(s, dict) for s in grid):
        sets = [dict(s) for s in grid]
    else:
        raise ValueError("the grid is an object of lists or a list of objects")
    if unknown := sorted({name for s in sets for name in s} - set(known)):
        raise ValueError(f"unknown parameters: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    defaults: Candidate = {}
    return [defaults] + [s for s in sets if s]


@dataclass(frozen=True)
class Fold:
    tuned_on: str  # the half the parameters were chosen on ...
    held_out: str  # ... and the half they are read on
    chosen: int  # index of the chosen parameter set
    tuned: float  # its mean on ``tuned_on``
    held: float  # its mean on ``held_out``


def half_mean(scores: Mapping[Any, float], qids: Collection[Any]) -> float:
    """The mean over ``qids``; where they are ``(set, qid)`` pairs, the mean of each set's
    mean (each set counts alike, however many queries it has).

    >>> half_mean({("a", 1): 1.0, ("a", 2): 0.0, ("b", 1): 1.0}, [("a", 1), ("a", 2), ("b", 1)])
    0.75
    """
    by_set: dict[Any, list[float]] = {}
    for q in qids:
        if q in scores:
            by_set.setdefault(q[0] if isinstance(q, tuple) else None, []).append(scores[q])
    return sum(sum(v) / len(v) for v in by_set.values()) / len(by_set)


def cross_validate(scores: Sequence[Mapping[str, float]], halves: Mapping[str, Collection[str]]) -> list[Fold]:
    """``scores[i]`` is parameter set i's metric per topic; for each half, the set best on it
    (the first of equals) and its mean on the other half.

    >>> folds = cross_validate([{"a": 0.5, "b": 0.9}, {"a": 0.8, "b": 0.1}], {"A": {"a"}, "B": {"b"}})
    >>> [(f.tuned_on, f.chosen, f.held) for f in folds]
    [('A', 1, 0.1), ('B', 0, 0.5)]
    """
    folds = []
    for tuned_on, held_out in itertools.permutations(halves, 2):
        means = [half_mean(s, halves[tuned_on]) for s in scores]
        chosen = max(range(len(scores)), key=lambda i: (means[i], -i))
        folds.append(Fold(tuned_on, held_out, chosen, means[chosen], half_mean(scores[chosen], halves[held_out])))
    return folds


@dataclass(frozen=True)
class Tuning:
    candidates: list[Candidate]
    scores: list[dict[str, float]]  # per candidate: topic -> metric
    folds: list[Fold]
    halves: Mapping[str, Collection[str]]

    def cross_validated(self) -> float:
        """Every topic's metric with the parameters chosen on the other half, averaged (set by set)."""
        values = {q: self.scores[f.chosen][q] for f in self.folds for q in self.halves[f.held_out] if q in self.scores[f.chosen]}
        return half_mean(values, list(values))


def tune(candidates: list[Candidate], evaluate: Callable[[Candidate], Mapping[str, float]],
         halves: Mapping[str, Collection[str]]) -> Tuning:
    """Evaluate each candidate once over all topics, then choose on each half and read the other."""
    scores = [dict(evaluate(c)) for c in candidates]
    return Tuning(candidates, scores, cross_validate(scores, halves), halves)


# -- vnsearch on the judged sets -----------------------------------------------------------------


class VnsearchOnSets:
    """The headline metric per query (as typed) of each set tuned on (news-dev's nDCG@10, the
    own sets' MRR@10), keyed ``(set, qid)``, for a parameter set, on one engine over the cached
    index: between parameter sets it forgets the answers it keeps per request (10 times quicker
    than a new engine, which reads the index again), or with ``fresh`` opens a new engine. The
    headline figure of each ``report`` set goes in :attr:`reported`, by the set's number."""

    def __init__(self, cache_dir: Path, report: Sequence[str], fresh: bool = False, tune_on: Sequence[str] = ("news-dev",)):
        from relevance import LOADERS

        from searcher import matching
        from systems import Vnsearch

        self.defaults = matching.PARAMS
        self.tuned = {name: LOADERS[name]() for name in tune_on}
        self.news = self.tuned.get("news-dev") or LOADERS["news-dev"]()
        self.halves = {half: frozenset((name, q) for name, judged in self.tuned.items() for q in judged.halves[half]) for half in HALVES}
        self.reported: dict[int, dict[str, float]] = {}
        self.cache_dir, self.always_fresh = cache_dir, fresh
        self.system = Vnsearch()
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.system.prepare(self.news.documents, cache_dir)  # (the sets tuned on are over the news corpus)
        # A set reported is searched on its own documents' index (xquad's are Wikipedia's, not the news).
        self.others = {name: (LOADERS[name](), Vnsearch()) for name in report}
        for judged_set, system in self.others.values():
            system.prepare(judged_set.documents, cache_dir)

    def __call__(self, candidate: Candidate) -> dict[str, float]:
        from relevance import HEADLINE, mean

        started = time.perf_counter()
        scores = self.evaluate(candidate, fresh=self.always_fresh)
        figures = self.reported.setdefault(len(self.reported), {})
        for name, (judged_set, system) in self.others.items():
            figures[name] = mean(self.run(judged_set, system), HEADLINE[name])
            if not self.always_fresh:
                system.forget_results()
            else:
                system.prepare(judged_set.documents, self.cache_dir)
        if not self.always_fresh and not self.system.forget_results():
            raise SystemExit("bench/tune.py: the engine kept no answers where bench/systems.py looks for them "
                             "(its cache has changed): run with --fresh")
        print(f"{json.dumps(candidate)}: "
              + ", ".join(f"{n} {half_mean(scores, [k for k in scores if k[0] == n]):.3f}" for n in self.tuned)
              + "".join(f", {n} {v:.3f}" for n, v in figures.items()) + f" ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
        return scores

    def evaluate(self, candidate: Candidate, fresh: bool) -> dict[str, float]:
        from dataclasses import replace

        from relevance import HEADLINE

        from searcher import matching

        matching.PARAMS = replace(self.defaults, **candidate)
        if fresh:
            self.system.prepare(self.news.documents, self.cache_dir)  # a new engine: nothing kept from other parameters
        return {(name, qid): run[HEADLINE[name]] for name, judged in self.tuned.items() for qid, run in self.run(judged, self.system).items()}

    def run(self, judged_set: Any, system: Any) -> dict[str, dict]:
        from relevance import evaluate

        return evaluate(judged_set, system, forms=("typed",))["typed"]


def unconfirmed(tuning: Tuning, fresh: Callable[[Candidate], Mapping[str, float]]) -> list[int]:
    """The chosen parameter sets, and the last one tried, evaluated again from scratch: those
    whose figures differ (something kept from other parameters leaked into theirs). The first,
    evaluated on a new engine, is not checked."""
    checked = sorted(({f.chosen for f in tuning.folds} | {len(tuning.candidates) - 1}) - {0})
    return [i for i in checked if dict(fresh(tuning.candidates[i])) != tuning.scores[i]]


def report_text(tuning: Tuning, reported: Mapping[int, Mapping[str, float]], command: str) -> str:
    from relevance import HEADLINE, commit

    others = list(next(iter(reported.values()), {}))
    sets = list(dict.fromkeys(k[0] for k in tuning.scores[0]))
    objective = "the mean of " + ", ".join(f"{n}'s {HEADLINE[n]}" for n in sets) if len(sets) > 1 else f"{sets[0]}'s {HEADLINE[sets[0]]}"
    columns = [(n, h) for n in sets for h in ("all", *HALVES)]

    def cell(scores: Mapping[Any, float], name: str, half: str) -> str:
        keys = [k for k in (scores if half == "all" else tuning.halves[half]) if k[0] == name]
        return f"{half_mean(scores, keys):.3f}"

    lines = [
        f"# Tuning on the halves of {', '.join(sets)}", "",
        f"Command: `{command}`", "", f"Commit: {commit()}", "",
        f"Chosen by {objective}, as typed, on one half of the queries (bench/splits.py), read on the other; "
        "the first row is the defaults." + (" Other sets as typed, for reading only." if others else ""), "",
        "| # | parameters | " + " | ".join(f"{n} {h}" for n, h in columns) + "".join(f" | {n} {HEADLINE[n]}" for n in others) + " |",
        "|---:|---|" + "---:|" * (len(columns) + len(others)),
    ]
    for n, (candidate, scores) in enumerate(zip(tuning.candidates, tuning.scores)):
        cells = [cell(scores, name, half) for name, half in columns] + [f"{reported[n][o]:.3f}" for o in others]
        lines.append(f"| {n} | `{json.dumps(candidate) if candidate else 'defaults'}` | " + " | ".join(cells) + " |")
    lines += ["", "| tuned on | chosen | there | held out | held out | " + " | ".join(f"{n} held out" for n in sets) + " |",
              "|---|---|---:|---|---:|" + "---:|" * len(sets)]
    for f in tuning.folds:
        chosen = json.dumps(tuning.candidates[f.chosen]) if tuning.candidates[f.chosen] else "defaults"
        per_set = [cell(tuning.scores[f.chosen], name, f.held_out) for name in sets]
        lines.append(f"| {f.tuned_on} | #{f.chosen} `{chosen}` | {f.tuned:.3f} | {f.held_out} | **{f.held:.3f}** | " + " | ".join(per_set) + " |")
    lines += ["", f"Cross-validated ({objective}; each query with the parameters chosen on the other half): "
              f"**{tuning.cross_validated():.3f}**."]
    return "\n".join(lines) + "\n"


def main() -> None:
    from relevance import CACHE, SETS

    from searcher.ranking import Params

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grid", required=True, metavar="JSON", help="the parameter sets: JSON text, or a file holding it")
    parser.add_argument("--tune-on", default="news-dev",
                        help=f"comma-separated sets to choose on, each counting alike (of {', '.join(TUNABLE)}; default news-dev)")
    parser.add_argument("--report", default="", help=f"comma-separated sets to show beside (of {', '.join(SETS)})")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where bench/relevance.py keeps its indexes (default {CACHE})")
    parser.add_argument("--out", type=Path, help="write the report here (Markdown); default: print it")
    parser.add_argument("--fresh", action="store_true",
                        help="a new engine for every parameter set (10 times slower; needed only if the check after tuning fails)")
    args = parser.parse_args()
    try:
        text = args.grid if args.grid.lstrip().startswith(("{", "[")) else Path(args.grid).read_text(encoding="utf-8")
        candidates = parameter_sets(json.loads(text), {f.name for f in fields(Params)})
    except (ValueError, OSError) as error:  # (json's errors are ValueErrors)
        parser.error(f"--grid: {error}")
    tune_on = [s for s in args.tune_on.split(",") if s]
    if not tune_on or (unknown := [s for s in tune_on if s not in TUNABLE]):
        parser.error(f"--tune-on: choose among {', '.join(TUNABLE)}")
    report = [s for s in args.report.split(",") if s and s not in tune_on]
    if unknown := [s for s in report if s not in SETS]:
        parser.error(f"--report: unknown {', '.join(unknown)}")
    evaluator = VnsearchOnSets(args.cache, report, fresh=args.fresh, tune_on=tune_on)
    tuning = tune(candidates, evaluator, evaluator.halves)
    if not args.fresh and (differ := unconfirmed(tuning, lambda c: evaluator.evaluate(c, fresh=True))):
        raise SystemExit(f"bench/tune.py: parameter sets {differ} score otherwise on a new engine: the engine keeps "
                         "something computed with other parameters; run with --fresh")
    text = report_text(tuning, evaluator.reported, "python bench/tune.py " + " ".join(sys.argv[1:]))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()

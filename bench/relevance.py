"""Relevance of vnsearch beside BM25 baselines on the shared judged sets, in one run.

    pip install -e '.[bench]'
    python bench/relevance.py --out bench/RELEVANCE.md

The sets are read at run time from ``../shared/relevance/`` ($VNSEARCH_RELEVANCE), the
news corpus from ``../shared/corpus/baomoi-35k.jsonl.gz`` ($VNSEARCH_CORPUS):

* ``news-dev``: 85 news-search topics over the 35,440 articles, judged 0/1/2, scored over
  the 84 that have a relevant article. Each topic is searched as typed (the query of
  record), as intended (with the diacritics meant) and as intended without its diacritics.
  nDCG@10 (linear gains, ideal from all the topic's judgments), P@10 (grade >= 1), MRR@10 of
  the first grade-2 article, R@10 (of the grade >= 1 articles), judged@10; and nDCG@10 by
  kind of topic; and the same on each of the two fixed halves of the topics (bench/splits.py),
  which bench/tune.py tunes on and reports on in turn.
* ``own-questions``: 300 questions written by hand about 300 articles of the corpus drawn with
  a fixed seed, 10-25 words, half typed without diacritics (bench/data/README.md); the article
  is the answer. Asked as typed, and all with and all without diacritics. MRR@10, R@1, R@10.
* ``known-keywords``: 300 other articles, each sought by 3-4 words of its title without
  diacritics, in another order than the title's (bench/draw.py); also in the title's order.
  MRR@10, R@1, R@10.
* ``xquad-passages``, ``xquad-sentences``: 1,190 Wikipedia questions, each answered by one
  of 240 passages or one of 1,209 sentences; asked as typed and without diacritics.
  MRR@10, R@1, R@10, nDCG@10.

Unjudged documents count as not relevant. The systems (bench/systems.py) are vnsearch,
through its public API, and BM25 over syllables and over pyvi's words, with and without
diacritics, on the same documents. vnsearch's indexes and the pyvi-segmented documents are
cached in ~/.cache/vnsearch-bench (``--cache``); ``--rebuild`` makes them again (needed after
an indexing change that keeps the schema and analyzer versions). The report gives each set's
table, checks against the reference figures, and the goals, passed or not; ``--details``
writes every query's top 10 and scores, to compare rankings between runs; ``--params``
changes vnsearch's ranking constants (``searcher.ranking.Params``) for one run, to weigh
an ingredient (``--params '{"proximity_weight": 0}'``)::

    python bench/relevance.py --sets news-dev --systems vnsearch --details /tmp/after.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPUS, RELEVANCE, ROOT, machine  # noqa: E402

from metrics import Judgments, judged, ndcg, precision, recall, reciprocal_rank  # noqa: E402
from splits import HALVES, halves  # noqa: E402
from systems import Documents, System, systems, terms  # noqa: E402

CACHE = Path.home() / ".cache" / "vnsearch-bench"
DATA = Path(__file__).resolve().parent / "data"
SETS = ("news-dev", "own-questions", "known-keywords", "xquad-passages", "xquad-sentences")
CORPUS_SETS = ("news-dev", "own-questions", "known-keywords")  # over the shared news corpus
SET_NOTES = {
    "news-dev": "Where judged@10 is below 1, unjudged articles are in the top 10 and the other figures are lower bounds.",
    "own-questions": ("One answer article per question (no other article has its title or is a near-duplicate of it): "
                      "R@10 is success@10. `typed` is the set as written, half without diacritics; `intended` all with "
                      "them, `intended, folded` all without."),
    "known-keywords": ("One answer article per query (no other article has its title or is a near-duplicate of it): "
                       "R@10 is success@10. `typed` is the words in another order than the title's, `in title order` "
                       "the same words as they stand in the title."),
    "xquad-passages": "One relevant passage per question: R@10 is success@10.",
    "xquad-sentences": "One relevant sentence per question: R@10 is success@10.",
}
HEADLINE = {"news-dev": "nDCG@10", "own-questions": "MRR@10", "known-keywords": "MRR@10",
            "xquad-passages": "MRR@10", "xquad-sentences": "MRR@10"}  # the goals' metric
# Each set's forms with and without diacritics, compared in the goals.
FOLDING = {"news-dev": ("intended", "intended, folded"), "own-questions": ("intended", "intended, folded"),
           "xquad-passages": ("typed", "folded"), "xquad-sentences": ("typed", "folded")}
ORACLE = ("bm25-syllables-accented", "intended")  # knows the accents the user left out

Metric = Callable[[list[str], Judgments], float]
NEWS_METRICS: dict[str, Metric] = {
    "nDCG@10": ndcg,
    "P@10": precision,
    "MRR@10": reciprocal_rank,  # of the first grade-2 (relevant, not partly) article
    "R@10": recall,
    "judged@10": judged,
}
XQUAD_METRICS: dict[str, Metric] = {
    "MRR@10": partial(reciprocal_rank, min_grade=1),
    "R@1": partial(recall, k=1),
    "R@10": recall,
    "nDCG@10": ndcg,
}
ANSWER_METRICS: dict[str, Metric] = {  # one answer per query
    "MRR@10": partial(reciprocal_rank, min_grade=1),
    "R@1": partial(recall, k=1),
    "R@10": recall,
}
QUALITY = ("nDCG@10", "P@10", "MRR@10", "R@1", "R@10")  # judged@10 is coverage, not quality

# Figures measured elsewhere that this benchmark should reproduce: (set, system, query,
# metric, value, where it comes from).
REFERENCES = [
    ("xquad-passages", "bm25-syllables-accented", "typed", "MRR@10", 0.947, "shared README: rank-bm25 Okapi, k1 1.5 b 0.75"),
    ("xquad-sentences", "bm25-syllables-accented", "typed", "MRR@10", 0.816, "shared README: rank-bm25 Okapi, k1 0.9 b 0.4"),
    *[("news-dev", system, query, metric, value, source)
      for system, query, source, figures in [
          ("vnsearch", "typed", "baselines.txt: vnsearch at 4a7b899", (0.808, 0.761, 0.832)),
          ("vnsearch", "intended", "baselines.txt: vnsearch at 4a7b899", (0.824, 0.782, 0.817)),
          ("bm25-syllables-folded", "typed", "baselines.txt: Tantivy", (0.774, 0.732, 0.859)),
          ("bm25-syllables-accented", "intended", "baselines.txt: Tantivy", (0.834, 0.796, 0.852)),
          ("bm25-words-folded", "intended", "baselines.txt: Tantivy", (0.793, 0.739, 0.831)),
      ]
      for metric, value in zip(("nDCG@10", "P@10", "MRR@10"), figures)],
]


REFERENCE_NOTES = """\
Where they differ (checked when this benchmark was written): BM25 here is bm25s with Lucene's
idf and exact field lengths. baselines.txt's BM25 figures are Tantivy's, which keeps each
field's length in one byte, approximately: Tantivy set up the same way (simple tokenizer,
lowercase, ascii_fold, title boost 2) gives baselines.txt's figures exactly, including by
kind, and its tokens are these but for a few non-Vietnamese letters (`½`, Cyrillic `а`), so
the rounded lengths are the likely cause of the differences (0.002 at most). The xquad
references used rank-bm25's Okapi idf, ln((N - n + 0.5) / (n + 0.5)) floored at 0.25 × the
mean idf: with it, these documents, tokens and parameters give 0.947 and 0.816 exactly;
Lucene's idf gives 0.947 and 0.817."""


@dataclass(frozen=True)
class JudgedSet:
    documents: Documents
    queries: dict[str, dict[str, str]]  # query form ("typed", ...) -> qid -> text
    judgments: dict[str, dict[str, int]]  # qid -> document -> grade, for the queries scored
    metrics: dict[str, Metric]
    kinds: dict[str, str]  # qid -> kind of topic (news-dev), or of query
    halves: dict[str, frozenset[str]] = field(default_factory=dict)  # "A"/"B" -> qids (the sets tuned on)


def fold_query(text: str) -> str:
    """``điểm chuẩn Đại học`` -> ``diem chuan dai hoc``: typed without diacritics."""
    from searcher.normalize import fold

    return fold(text).lower()


def read_judgments(path: Path) -> dict[str, dict[str, int]]:
    judgments: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, doc, grade = line.split("\t")
        if grade.isdigit():  # skips xquad's header
            judgments.setdefault(qid, {})[doc] = int(grade)
    return judgments


def read_jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def read_corpus() -> list[dict[str, str]]:
    """The articles every system can index, in the file's order: those with text, and the
    first of an id that occurs twice (as vnsearch does)."""
    records: dict[str, dict[str, str]] = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            if r.get("text", "").strip() and r["id"] not in records:
                records[r["id"]] = {"id": r["id"], "title": r.get("title") or "", "text": r["text"]}
    return list(records.values())


@cache
def news_corpus() -> Documents:
    """The 35k articles, one value for all the sets over them: each system prepares once for
    them all. (Named after the first of those sets: the cached indexes are keyed by it.)"""
    return Documents("news-dev", read_corpus(), CORPUS, {"title": 2.0, "text": 1.0}, k1=1.2, b=0.75)


def load_news_dev() -> JudgedSet:
    topics = read_jsonl(RELEVANCE / "news-dev" / "topics.jsonl")
    judgments = read_judgments(RELEVANCE / "news-dev" / "qrels.tsv")
    scored = [t for t in topics if any(g > 0 for g in judgments.get(t["qid"], {}).values())]
    qids = {t["qid"] for t in scored}
    return JudgedSet(
        documents=news_corpus(),
        queries={
            "typed": {t["qid"]: t["typed"] for t in scored},
            "intended": {t["qid"]: t["intended"] for t in scored},
            "intended, folded": {t["qid"]: fold_query(t["intended"]) for t in scored},
        },
        judgments={t["qid"]: judgments[t["qid"]] for t in scored},
        metrics=NEWS_METRICS,
        kinds={t["qid"]: t["kind"] for t in scored},
        halves={half: members & qids for half, members in halves(topics).items()},  # split before leaving any out
    )


def load_own_questions() -> JudgedSet:
    questions = read_jsonl(DATA / "questions.jsonl")
    return JudgedSet(
        documents=news_corpus(),
        queries={
            "typed": {q["qid"]: q["question"] for q in questions},
            "intended": {q["qid"]: q["intended"] for q in questions},
            "intended, folded": {q["qid"]: fold_query(q["intended"]) for q in questions},
        },
        judgments={q["qid"]: {q["doc"]: 1} for q in questions},
        metrics=ANSWER_METRICS,
        kinds=(kinds := {q["qid"]: "typed with diacritics" if q["accented"] else "typed without" for q in questions}),
        halves=halves({"qid": qid, "kind": kind} for qid, kind in kinds.items()),
    )


def load_known_keywords() -> JudgedSet:
    queries = read_jsonl(DATA / "known-keywords.jsonl")
    return JudgedSet(
        documents=news_corpus(),
        queries={"typed": {q["qid"]: q["query"] for q in queries},
                 "in title order": {q["qid"]: q["in_title_order"] for q in queries}},
        judgments={q["qid"]: {q["doc"]: 1} for q in queries},
        metrics=ANSWER_METRICS,
        kinds=(kinds := {q["qid"]: f"{len(q['query'].split())} words" for q in queries}),
        halves=halves({"qid": qid, "kind": kind} for qid, kind in kinds.items()),
    )


def load_xquad(level: str, k1: float, b: float) -> JudgedSet:
    folder = RELEVANCE / "xquad-vi"
    records = [{"id": d["_id"], "title": d["title"], "text": d["text"]} for d in read_jsonl(folder / f"{level}.jsonl")]
    questions = {q["_id"]: q["text"] for q in read_jsonl(folder / "queries.jsonl")}
    return JudgedSet(
        documents=Documents(f"xquad-{level}", records, folder / f"{level}.jsonl", {"text": 1.0}, k1=k1, b=b),
        queries={"typed": questions, "folded": {qid: fold_query(q) for qid, q in questions.items()}},
        judgments=read_judgments(folder / f"qrels-{level}.tsv"),
        metrics=XQUAD_METRICS,
        kinds={},
    )


LOADERS: dict[str, Callable[[], JudgedSet]] = {
    "news-dev": load_news_dev,
    "own-questions": load_own_questions,
    "known-keywords": load_known_keywords,
    "xquad-passages": lambda: load_xquad("passages", k1=1.5, b=0.75),  # the shared README's BM25 parameters
    "xquad-sentences": lambda: load_xquad("sentences", k1=0.9, b=0.4),
}


# -- running ---------------------------------------------------------------------------------

# set -> system -> query form -> qid -> {"top": [ids], metric: value}
Results = dict[str, dict[str, dict[str, dict[str, dict]]]]


def evaluate(judged_set: JudgedSet, system: System, forms: Container[str] | None = None) -> dict[str, dict[str, dict]]:
    """Each query's top 10 and metrics, in each query form (or those of ``forms``)."""
    runs: dict[str, dict[str, dict]] = {}
    for form, queries in judged_set.queries.items():
        if forms is not None and form not in forms:
            continue
        runs[form] = {}
        for qid, judgments in judged_set.judgments.items():
            top = system.search(queries[qid], 10)
            runs[form][qid] = {"top": top} | {name: metric(top, judgments) for name, metric in judged_set.metrics.items()}
    return runs


def mean(runs: Mapping[str, dict], metric: str, qids: Container[str] | None = None) -> float:
    """The mean of a metric over the queries (or those of ``qids``)."""
    values = [run[metric] for qid, run in runs.items() if qids is None or qid in qids]
    return sum(values) / len(values)


@dataclass(frozen=True)
class Timing:
    set_name: str
    system: str
    preparing: float  # seconds indexing, or loading from the cache
    prepared: str  # which of the two
    querying: float
    queries: int


def run(set_names: list[str], system_names: list[str], cache_dir: Path,
        rebuild: bool) -> tuple[Results, dict[str, JudgedSet], list[Timing]]:
    available = systems()
    loaded = {set_name: LOADERS[set_name]() for set_name in set_names}
    results: Results = {set_name: {} for set_name in set_names}
    timings = []
    cache_dir.mkdir(parents=True, exist_ok=True)
    together: dict[int, list[str]] = {}  # the sets over the same documents: each system prepares once for them
    for set_name in set_names:
        together.setdefault(id(loaded[set_name].documents), []).append(set_name)
    for members in together.values():
        documents = loaded[members[0]].documents
        if rebuild:
            for entry in cache_dir.glob(f"*-{documents.cache_key()}*"):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        for name in system_names:
            print(f"[{', '.join(members)}] {name}: preparing…", file=sys.stderr, flush=True)
            started = time.perf_counter()
            prepared = available[name].prepare(documents, cache_dir)
            preparing = time.perf_counter() - started
            for n, set_name in enumerate(members):
                started = time.perf_counter()
                results[set_name][name] = evaluate(loaded[set_name], available[name])
                queries = sum(len(q) for q in results[set_name][name].values())
                timings.append(Timing(set_name, name, preparing if n == 0 else 0.0, prepared if n == 0 else f"as for {members[0]}",
                                      time.perf_counter() - started, queries))
                print(f"[{set_name}] {name}: " + ", ".join(
                    f"{form} {mean(runs, HEADLINE[set_name]):.3f}" for form, runs in results[set_name][name].items()),
                    file=sys.stderr, flush=True)
        terms.cache_clear()
    return results, loaded, timings


# -- report ----------------------------------------------------------------------------------


def is_oracle(system: str, form: str) -> bool:
    return (system, form) == ORACLE


def set_table(judged_set: JudgedSet, results: dict[str, dict[str, dict]]) -> str:
    names = list(judged_set.metrics)
    lines = ["| system | query | " + " | ".join(names) + " |", "|---|---|" + "---:|" * len(names)]
    for system, forms in results.items():
        for form, runs in forms.items():
            label = f"**{system}**" if system == "vnsearch" else system
            cells = [f"{mean(runs, m):.3f}" for m in names]
            if system == "vnsearch":
                cells = [f"**{c}**" for c in cells]
            lines.append(f"| {label} | {form}{' (oracle)' if is_oracle(system, form) else ''} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kind_table(judged_set: JudgedSet, results: dict[str, dict[str, dict]], metric: str) -> str:
    kinds = sorted(set(judged_set.kinds.values()))
    members = {k: {q for q, kind in judged_set.kinds.items() if kind == k} for k in kinds}
    lines = ["| system | query | " + " | ".join(f"{k} ({len(members[k])})" for k in kinds) + " |",
             "|---|---|" + "---:|" * len(kinds)]
    for system, forms in results.items():
        for form, runs in forms.items():
            label = f"**{system}**" if system == "vnsearch" else system
            lines.append(f"| {label} | {form} | " + " | ".join(f"{mean(runs, metric, members[k]):.3f}" for k in kinds) + " |")
    return "\n".join(lines)


def halves_table(judged_set: JudgedSet, results: dict[str, dict[str, dict]]) -> str:
    """Each metric on each half of the topics (see bench/splits.py), beside each other."""
    names = [m for m in judged_set.metrics if m in QUALITY]
    lines = ["| system | query | " + " | ".join(f"{m} {h}" for m in names for h in HALVES) + " |",
             "|---|---|" + "---:|" * (len(names) * len(HALVES))]
    for system, forms in results.items():
        for form, runs in forms.items():
            label = f"**{system}**" if system == "vnsearch" else system
            cells = [f"{mean(runs, m, judged_set.halves[h]):.3f}" for m in names for h in HALVES]
            if system == "vnsearch":
                cells = [f"**{c}**" for c in cells]
            lines.append(f"| {label} | {form} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def references(results: Results) -> str:
    lines = ["| set | system | query | metric | reference | measured | from |", "|---|---|---|---|---:|---:|---|"]
    for set_name, system, form, metric, value, source in REFERENCES:
        if system in results.get(set_name, {}):
            measured = mean(results[set_name][system][form], metric)
            lines.append(f"| {set_name} | {system} | {form} | {metric} | {value:.3f} | {measured:.3f} | {source} |")
    return "\n".join(lines)


def goals(results: Results, loaded: dict[str, JudgedSet]) -> str:
    """The goals of the ranking work, each passed or failed (or not measured in this run)."""
    rows: list[tuple[str, str, bool | None]] = []

    def vn(set_name: str, form: str, metric: str, qids: Container[str] | None = None) -> float | None:
        runs = results.get(set_name, {}).get("vnsearch", {}).get(form)
        return None if runs is None else mean(runs, metric, qids)

    def at_least(goal: str, value: float | None, target: float) -> None:
        rows.append((goal, "not measured" if value is None else f"{value:.3f}", None if value is None else value >= target))

    news = loaded.get("news-dev")
    for half in HALVES:
        at_least(f"news-dev, half {half} (held out when tuned on the other): nDCG@10 as typed >= 0.90",
                 vn("news-dev", "typed", "nDCG@10", news.halves[half]) if news else None, 0.90)
    questions = {q for q, kind in news.kinds.items() if kind == "question"} if news else set()
    at_least("news-dev: nDCG@10 of `question` topics, as typed, >= 0.80",
             vn("news-dev", "typed", "nDCG@10", questions) if questions else None, 0.80)
    at_least("xquad-sentences: MRR@10 as typed >= 0.85", vn("xquad-sentences", "typed", "MRR@10"), 0.85)
    at_least("xquad-passages: MRR@10 as typed >= 0.96", vn("xquad-passages", "typed", "MRR@10"), 0.96)
    own, words = results.get("own-questions", {}), ("bm25-words-folded", "bm25-words-accented")
    for form, said in (("typed", "as typed"), ("intended", "all with diacritics (`intended`)")):
        goal = f"own-questions: MRR@10 {said} >= BM25 over pyvi's words (the better, fed the same) + 0.05"
        ours = vn("own-questions", form, "MRR@10")
        if ours is None or not any(s in own for s in words):
            rows.append((goal, "not measured", None))
        else:
            best = max((s for s in words if s in own), key=lambda s: mean(own[s][form], "MRR@10"))
            theirs = mean(own[best][form], "MRR@10")
            rows.append((goal, f"{ours:.3f} vs {theirs:.3f} + 0.05 ({best})", ours >= theirs + 0.05))
    at_least("known-keywords: MRR@10 as typed (title words in another order) >= 0.95", vn("known-keywords", "typed", "MRR@10"), 0.95)
    for set_name in SETS:
        judged_set, systems_run = loaded.get(set_name), results.get(set_name, {})
        baselines = [s for s in systems_run if s != "vnsearch"]
        if judged_set is None or "vnsearch" not in systems_run or not baselines:
            rows.append((f"{set_name}: as typed, at least the best baseline (as typed) on every metric", "not measured", None))
        else:
            behind = []
            for metric in (m for m in judged_set.metrics if m in QUALITY):
                best = max(baselines, key=lambda s: mean(systems_run[s]["typed"], metric))
                ours, theirs = vn(set_name, "typed", metric), mean(systems_run[best]["typed"], metric)
                if ours is not None and ours < theirs:
                    behind.append(f"{metric} {ours:.3f} < {theirs:.3f} ({best})")
            some = "" if len(baselines) == len(systems()) - 1 else " (of the baselines run)"
            rows.append((f"{set_name}: as typed, at least the best baseline (as typed) on every metric",
                         ("; ".join(behind) or "ahead or level on all") + some, not behind))
        if set_name not in FOLDING:
            continue
        accented, folded = FOLDING[set_name]
        metric = HEADLINE[set_name]
        with_, without = (vn(set_name, accented, metric), vn(set_name, folded, metric)) if judged_set else (None, None)
        ratio = without / with_ if with_ and without is not None else None
        rows.append((f"{set_name}: {metric} without diacritics (`{folded}`) >= 0.98 × with them (`{accented}`)",
                     "not measured" if ratio is None else f"{without:.3f} / {with_:.3f} = {ratio:.3f}",
                     None if ratio is None else ratio >= 0.98))
    lines = ["| goal | vnsearch | met |", "|---|---|---|"]
    lines += [f"| {goal} | {value} | {'–' if met is None else 'yes' if met else '**no**'} |" for goal, value, met in rows]
    return "\n".join(lines)


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], check=False, capture_output=True, text=True).stdout.strip()

    return f"{git('describe', '--always', '--dirty')} ({git('rev-parse', 'HEAD')})"


def timing_table(timings: list[Timing]) -> str:
    lines = ["| set | system | preparing, s | prepared | querying, s | queries |", "|---|---|---:|---|---:|---:|"]
    lines += [f"| {t.set_name} | {t.system} | {t.preparing:.1f} | {t.prepared} | {t.querying:.1f} | {t.queries:,} |"
              for t in timings]
    return "\n".join(lines)


def report(results: Results, loaded: dict[str, JudgedSet], timings: list[Timing], command: str, started: float,
           partial_run: str | None) -> str:
    elapsed = time.time() - started
    parts = [
        "# Relevance results",
        f"Command: `{command}`\n\nCommit: {commit()}\n\nMachine: {machine()}",
        (f"Run: {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, {elapsed:.0f} s in all: "
         f"{sum(t.preparing for t in timings):.0f} s indexing (or loading from the cache), "
         f"{sum(t.querying for t in timings):.0f} s answering {sum(t.queries for t in timings):,} queries; "
         "see [Timing](#timing)."),
    ]
    if partial_run:
        parts.append(f"**Partial run** ({partial_run}): goals that need the rest are not measured.")
    parts.append(
        "Unjudged documents count as not relevant. vnsearch rows are in bold. Rows fed `intended` are given the "
        "accents the user meant; the goals compare the `typed` rows. BM25 over accented syllables fed `intended` is "
        "the oracle (what knowing the accents is worth to plain BM25): shown, never counted as a baseline."
    )
    for set_name, judged_set in loaded.items():
        docs = len(judged_set.documents.records)
        parts.append(f"## {set_name}\n\n{len(judged_set.judgments):,} queries over {docs:,} documents. "
                     + SET_NOTES[set_name] + "\n\n" + set_table(judged_set, results[set_name]))
        if judged_set.halves:
            sizes = " and ".join(f"{h} {len(judged_set.halves[h])}" for h in HALVES)
            parts.append(f"On each half of the topics ({sizes}; bench/splits.py): tuned on one half, read the other "
                         "(bench/tune.py).\n\n" + halves_table(judged_set, results[set_name]))
        if judged_set.kinds:
            metric = HEADLINE[set_name]
            parts.append(f"{metric} by kind of {'topic' if set_name == 'news-dev' else 'query'} (how many in brackets):\n\n"
                         + kind_table(judged_set, results[set_name], metric))
    parts.append("## Reference figures\n\nWhat this benchmark should reproduce, beside what it measured.\n\n"
                 + references(results) + "\n\n" + REFERENCE_NOTES)
    parts.append("## Goals\n\n" + goals(results, loaded))
    parts.append("## Timing\n\n" + timing_table(timings))
    return "\n\n".join(parts) + "\n"


def details(results: Results) -> dict:
    """Per query: the top 10 and its scores, to find what changed between two runs."""
    return {"commit": commit(), "results": results}


def main() -> None:
    all_systems = list(systems())
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {','.join(SETS)} (default: all)")
    parser.add_argument("--systems", default=",".join(all_systems),
                        help=f"comma-separated, of {','.join(all_systems)} (default: all)")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help=f"where indexes and segmented documents are kept (default {CACHE})")
    parser.add_argument("--rebuild", action="store_true", help="make the cached indexes and segmented documents again")
    parser.add_argument("--out", type=Path, help="write the results here (Markdown); default: print them")
    parser.add_argument("--details", type=Path, help="write each query's top 10 and scores here (JSON)")
    parser.add_argument("--params", type=json.loads, default={}, metavar="JSON",
                        help='vnsearch\'s ranking constants changed for this run, to weigh an ingredient: \'{"proximity_weight": 0}\'')
    args = parser.parse_args()
    if args.params:
        from dataclasses import replace

        from searcher import matching
        matching.PARAMS = replace(matching.PARAMS, **args.params)
    set_names, system_names = args.sets.split(","), args.systems.split(",")
    for given, known, option in ((set_names, SETS, "--sets"), (system_names, all_systems, "--systems")):
        if unknown := [n for n in given if n not in known]:
            parser.error(f"{option}: unknown {', '.join(unknown)} (known: {', '.join(known)})")
    if any(s in CORPUS_SETS for s in set_names) and not CORPUS.exists():
        raise SystemExit(f"corpus not found: {CORPUS} (set VNSEARCH_CORPUS)")
    if not RELEVANCE.exists():
        raise SystemExit(f"judged sets not found: {RELEVANCE} (set VNSEARCH_RELEVANCE)")
    set_names = [s for s in SETS if s in set_names]
    system_names = [s for s in all_systems if s in system_names]
    chosen_of = (("sets", set_names, SETS), ("systems", system_names, all_systems))
    partial_run = ", ".join(
        [f"{what} {', '.join(chosen)} only" for what, chosen, every in chosen_of if len(chosen) < len(every)]
        + ([f"vnsearch with {json.dumps(args.params)}"] if args.params else [])
    ) or None
    command = "python bench/relevance.py " + " ".join(sys.argv[1:])
    started = time.time()
    results, loaded, timings = run(set_names, system_names, args.cache, args.rebuild)
    text = report(results, loaded, timings, command.strip(), started, partial_run)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    if args.details:
        args.details.write_text(json.dumps(details(results), ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

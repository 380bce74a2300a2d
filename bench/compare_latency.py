"""First-time query latency of two checkouts of vnsearch side by side, on the same index.

    python bench/compare_latency.py --base main --rounds 2

``--base`` is a git ref of this repository (exported to a temporary folder); the other side is
this working tree (copied when the run starts). The index is the 35k news index
``bench/relevance.py`` caches (``--index`` names another); each side reads its own copy, so a side with another store version rebuilds
its store there and not in the cache. Each kind of query is asked by a fresh engine in a fresh
child process, after ``--warm`` other queries have warmed it, each query once (never seen by
that engine): news-dev topics as typed, whole titles without and with diacritics, 3-4 title
words in another order (known-keywords) and pasted questions (own-questions). Sides alternate,
each going first in every other round, so that whatever else runs on the machine (and the page
cache, when the index copies are large) weighs on both alike. Prints the
median over rounds of each kind's p50 and p95, in CPU milliseconds of the searching process
(the noise of a shared machine is mostly in wall time) and in wall milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unidecode import unidecode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkouts import ROOT, child_env, export, short_commit, snapshot
from run import CORPUS, RELEVANCE, load_subset, percentile

CACHE = Path.home() / ".cache" / "vnsearch-bench"
SEED = 20261207
DATA = ROOT / "bench" / "data"


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def plan(count: int, warm: int) -> dict[str, list[str]]:
    """The queries of each kind (``count`` at most) and the warm-up queries, drawn with a fixed seed."""
    rng = random.Random(SEED)
    titles = [r["title"] for r in load_subset(4 * count + warm) if len(r["title"].split()) >= 4]
    rng.shuffle(titles)
    kinds = {
        "news-dev topics as typed": [t["typed"] for t in _lines(RELEVANCE / "news-dev" / "topics.jsonl")],
        "titles without diacritics": [unidecode(t) for t in titles[:count]],
        "titles with diacritics": titles[count : 2 * count],
        "3-4 title words, shuffled": [k["query"] for k in _lines(DATA / "known-keywords.jsonl")],
        "pasted questions": [q["question"] for q in _lines(DATA / "questions.jsonl")],
    }
    kinds = {kind: rng.sample(queries, min(count, len(queries))) for kind, queries in kinds.items()}
    return {"warm": [unidecode(t) for t in titles[2 * count : 2 * count + warm]]} | kinds


def ask_child(index: str, plan_path: str) -> None:
    """Run in a child: one fresh engine per kind, warmed, then each query once; CPU and wall ms."""
    from searcher import SearchEngine

    queries = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    figures = {}
    for kind, asked in queries.items():
        if kind == "warm":
            continue
        engine = SearchEngine(index)
        for query in queries["warm"]:
            engine.search(query)
        cpu, wall = [], []
        for query in asked:
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.search(query)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        figures[kind] = {"cpu": cpu, "wall": wall}
        engine.close()
    print(json.dumps(figures))


def ask(code: Path, index: Path, plan_path: Path) -> dict[str, dict[str, list[float]]]:
    env = child_env(code, plan_path.parent)
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_ask", str(index), str(plan_path)],
                          env=env, capture_output=True, text=True, cwd=plan_path.parent)
    if done.returncode != 0:
        raise SystemExit(f"searching with {code} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cached_index() -> Path:
    found = sorted(p for p in CACHE.glob("vnsearch-schema*-news-dev-*") if not p.name.endswith(".partial"))
    if not found:
        raise SystemExit(f"no cached news index in {CACHE}: run bench/relevance.py --sets news-dev first, or give --index")
    return found[-1]


def main() -> None:
    if sys.argv[1:2] == ["_ask"]:
        ask_child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--index", type=Path, help="an index of the shared corpus (default: bench/relevance.py's cache)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--count", type=int, default=100, help="queries of each kind")
    parser.add_argument("--warm", type=int, default=40)
    args = parser.parse_args()
    index = args.index or cached_index()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = export(args.base, work / "base")
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan(args.count, args.warm), ensure_ascii=False), encoding="utf-8")
        tree = snapshot(work / "tree")
        sides = {f"{args.base} ({short_commit(args.base)})": base, f"this tree ({short_commit('HEAD')})": tree}
        copies = {}
        for number, name in enumerate(sides):
            copies[name] = work / f"index{number}"
            shutil.copytree(index, copies[name])
            ask(sides[name], copies[name], plan_path)  # a store of another version is rebuilt here, not timed
        rounds: dict[str, list[dict[str, dict[str, list[float]]]]] = {name: [] for name in sides}
        for round_ in range(1, args.rounds + 1):
            for name in list(sides) if round_ % 2 else list(reversed(sides)):  # (each side goes first in turn)
                rounds[name].append(ask(sides[name], copies[name], plan_path))
                print(f"round {round_}: {name} done", file=sys.stderr, flush=True)

    print(f"Index: {index.name} ({CORPUS.name}); {args.warm} warm-up queries, then each query once; "
          f"median over {args.rounds} rounds of each figure, in milliseconds.\n")
    kinds = list(next(iter(rounds.values()))[0])
    names = list(sides)
    print("| kind (queries) | " + " | ".join(f"{n} CPU p50 / p95 | {n} wall p50 / p95" for n in names) + " | CPU p50 ratio |")
    print("|---|" + "---:|" * (2 * len(names) + 1))
    for kind in kinds:
        cells, p50s = [], []
        for name in names:
            for clock in ("cpu", "wall"):
                p50 = statistics.median(percentile(r[kind][clock], 50) for r in rounds[name])
                p95 = statistics.median(percentile(r[kind][clock], 95) for r in rounds[name])
                cells.append(f"{p50:.1f} / {p95:.1f}")
                if clock == "cpu":
                    p50s.append(p50)
        count = len(rounds[names[0]][0][kind]["cpu"])
        print(f"| {kind} ({count}) | " + " | ".join(cells) + f" | {p50s[0] / p50s[1]:.2f}x |")


if __name__ == "__main__":
    main()

"""Indexing throughput of two checkouts of vnsearch side by side, on the same articles.

    python bench/compare_indexing.py --base main --size 5000 --rounds 3

``--base`` is a git ref of this repository (exported to a temporary folder); the other side is
this working tree (copied when the run starts); ``--stock`` adds stock Whoosh
(bench/engines.py), the yardstick of the indexing goal. Each round indexes the same subset
(``bench/run.py``'s fixed-seed sample) with each, in a fresh child process (``bench/run.py _index``), alternating so that whatever
else runs on the machine weighs on all alike. Prints the median characters per second of
each and their ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkouts import ROOT, child_env, export, short_commit, snapshot
from run import load_subset


def index_once(code: Path, subset: Path, out: Path, engine: str = "vnsearch") -> float:
    """Seconds one child process takes to index ``subset`` with ``engine`` (vnsearch: the ``searcher`` in ``code``)."""
    env = child_env(code, subset.parent)
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "_index", engine, str(subset), str(out)],
                            env=env, capture_output=True, text=True, check=True, cwd=subset.parent)
    return float(json.loads(result.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stock", action="store_true", help="also index with stock Whoosh each round")
    args = parser.parse_args()

    base_commit, head_commit = short_commit(args.base), short_commit("HEAD")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = export(args.base, work / "base")
        records = load_subset(args.size)
        characters = sum(len(r.get("title", "")) + len(r["text"]) for r in records)
        subset = work / "subset.jsonl"
        subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

        sides = {f"{args.base} ({base_commit})": (base, "vnsearch"), f"this tree ({head_commit})": (snapshot(work / "tree"), "vnsearch")}
        if args.stock:
            sides["stock Whoosh"] = (ROOT, "whoosh")
        seconds: dict[str, list[float]] = {name: [] for name in sides}
        for round_ in range(1, args.rounds + 1):
            for name, (code, engine) in sides.items():
                out = work / "index"
                shutil.rmtree(out, ignore_errors=True)
                seconds[name].append(index_once(code, subset, out, engine))
                print(f"round {round_}: {name}: {seconds[name][-1]:.1f} s, {characters / seconds[name][-1]:,.0f} characters/s",
                      flush=True)

    print(f"\n{len(records):,} articles, {characters:,} characters; median of {args.rounds} runs each:\n")
    print("| code | seconds | characters/s |")
    print("|---|---|---|")
    medians = {}
    for name, values in seconds.items():
        medians[name] = statistics.median(values)
        print(f"| {name} | {medians[name]:.1f} | {characters / medians[name]:,.0f} |")
    base_median, head_median = list(medians.values())[:2]
    print(f"\nthis tree / {args.base}: {base_median / head_median:.3f} (throughput ratio)")
    if args.stock:
        print(f"this tree / stock Whoosh: {medians['stock Whoosh'] / head_median:.3f}")


if __name__ == "__main__":
    main()

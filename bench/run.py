"""vnsearch side by side with stock Whoosh and Tantivy, in one run.

    pip install -e '.[bench]'
    python bench/run.py --sizes 5000 35440 --out bench/RESULTS.md

For each subset size (sampled from the shared corpus with a fixed seed) every engine indexes
the same articles in a child process (time, peak RSS of its process tree, size on disk), then
answers the same queries warm in this process (latency p50/p95) and the known-item queries
(each article's own title, with and without diacritics: MRR@10 and success@1). Last, the wall
time of a cold ``vnsearch search "cong doan"`` process on the seeds' index.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
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
from engines import ENGINES, Record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("VNSEARCH_CORPUS", ROOT.parent / "shared" / "corpus" / "baomoi-35k.jsonl.gz"))
RELEVANCE = Path(os.environ.get("VNSEARCH_RELEVANCE", ROOT.parent / "shared" / "relevance"))
SEED = 20261123


def load_subset(size: int) -> list[Record]:
    """``size`` articles sampled with a fixed seed, among those every engine can index: with
    text, and the first of any id that occurs twice."""
    records: dict[str, Record] = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("text", "").strip() and record["id"] not in records:
                records[record["id"]] = record
    usable = list(records.values())
    return random.Random(SEED).sample(usable, min(size, len(usable)))


# -- indexing, in a child process --------------------------------------------------------


def index_child(engine: str, subset: Path, out: Path) -> None:
    records = [json.loads(line) for line in subset.read_text(encoding="utf-8").splitlines()]
    started = time.perf_counter()
    ENGINES[engine]().build(records, out)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def tree_memory(pid: int) -> tuple[int, int]:
    """Memory of a process and all its descendants, in bytes: (RSS summed, PSS summed).

    Forked workers share the pages of their parent; RSS counts a shared page once in every
    process, PSS divides it among them, so the sum of PSS is the memory really in use.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(("Rss:", "Pss:")):
                        value = int(line.split()[1]) * 1024
                        if line.startswith("Rss:"):
                            rss += value
                        else:
                            pss += value
        except OSError:
            continue
    return rss, pss


def watch(child: subprocess.Popen) -> tuple[int, int]:  # type: ignore[type-arg]
    """Peak memory of ``child``'s process tree until it exits, in bytes: (RSS, PSS)."""
    peak_rss = peak_pss = 0
    while child.poll() is None:
        rss, pss = tree_memory(child.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)  # reading smaps costs CPU the engines are competing for
    return peak_rss, peak_pss


def measure_indexing(engine: str, subset: Path, out: Path) -> dict[str, float]:
    child = subprocess.Popen(
        [sys.executable, __file__, "_index", engine, str(subset), str(out)], stdout=subprocess.PIPE, text=True
    )
    peak_rss, peak_pss = watch(child)
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"{engine} indexing failed (exit {child.returncode})")
    seconds = json.loads(output.strip().splitlines()[-1])["seconds"]
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return {"seconds": seconds, "peak_rss": peak_rss, "peak_pss": peak_pss, "size": size}


# -- queries -------------------------------------------------------------------------------


def make_queries(records: list[Record], count: int) -> list[str]:
    """A mix users type: whole titles with and without diacritics, and 2-3 word phrases."""
    rng = random.Random(SEED + 1)
    queries = []
    for record in rng.sample(records, min(count, len(records))):
        title = record["title"]
        kind = len(queries) % 4
        if kind == 0:
            queries.append(title)
        elif kind == 1:
            queries.append(unidecode(title))
        else:
            words = title.split()
            start = rng.randrange(max(1, len(words) - 2))
            phrase = " ".join(words[start : start + rng.choice((2, 3))])
            queries.append(phrase if kind == 2 else unidecode(phrase))
    return queries


def pasted_questions(count: int) -> list[str]:
    """Whole questions of 15 to 25 words, as people paste them: the XQuAD-vi questions in
    ``../shared/relevance`` (about Wikipedia, not the news: what is timed is their length)."""
    path = RELEVANCE / "xquad-vi" / "queries.jsonl"
    if not path.exists():
        return []
    questions = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    long = [q for q in questions if 15 <= len(q.split()) <= 25]
    return random.Random(SEED + 3).sample(long, min(count, len(long)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_queries(engine: object, queries: list[str], questions: list[str]) -> dict[str, float]:
    """Latency with a warm engine: of queries it has answered before (the first half, asked
    twice), of queries it has not (the second half, asked once, after the first), and of
    pasted questions it has not seen either."""
    seen, new = queries[: len(queries) // 2], queries[len(queries) // 2 :]
    for query in seen:  # warm up
        engine.search(query)  # type: ignore[attr-defined]
    figures = {"p50_questions_ms": 0.0, "p95_questions_ms": 0.0}
    for label, asked in (("seen", seen), ("new", new), ("questions", questions)):
        if not asked:
            continue
        times = []
        for query in asked:
            started = time.perf_counter()
            engine.search(query)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - started) * 1000)
        figures |= {f"p50_{label}_ms": percentile(times, 50), f"p95_{label}_ms": percentile(times, 95)}
    return figures


def measure_relevance(engine: object, records: list[Record], count: int) -> dict[str, float]:
    """Known-item search: each article's title finds it (or an article with the same title)."""
    by_title: dict[str, set[str]] = {}
    for record in records:
        by_title.setdefault(record["title"], set()).add(record["id"])
    targets = random.Random(SEED + 2).sample(records, min(count, len(records)))
    result = {}
    for label, form in (("accented", lambda t: t), ("folded", unidecode)):
        ranks = []
        for record in targets:
            found = engine.search(form(record["title"]), 10)  # type: ignore[attr-defined]
            wanted = by_title[record["title"]]
            ranks.append(next((i + 1 for i, doc in enumerate(found) if doc in wanted), None))
        result[f"mrr_{label}"] = sum(1 / r for r in ranks if r) / len(ranks)
        result[f"s1_{label}"] = sum(r == 1 for r in ranks) / len(ranks)
    return result


def cold_search(runs: int) -> dict[str, float]:
    """Wall time of a whole ``vnsearch search "cong doan"`` process on the seeds' index."""
    script = Path(sys.executable).parent / "vnsearch"
    with tempfile.TemporaryDirectory() as tmp:
        index = str(Path(tmp) / "index")
        subprocess.run([str(script), "index", str(ROOT / "seeds"), "--index", index], check=True, capture_output=True)
        return {"cold_s": wall([str(script), "search", "cong doan", "--index", index], runs),
                "python_s": wall([sys.executable, "-c", "pass"], runs)}


def wall(command: list[str], runs: int) -> float:
    """Median wall time of ``runs`` whole processes running ``command``, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- report ----------------------------------------------------------------------------------


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB RAM, {platform.platform()}, Python {platform.python_version()}"


ROWS = [
    # (label, key, format, higher is better)
    ("indexing, documents/s", "docs_per_s", "{:,.0f}", True),
    ("indexing, characters/s", "chars_per_s", "{:,.0f}", True),
    ("index size on disk, MB", "size_mb", "{:,.1f}", False),
    ("peak memory while indexing (PSS), MB", "pss_mb", "{:,.0f}", False),
    ("peak RSS while indexing (summed over processes), MB", "rss_mb", "{:,.0f}", False),
    ("query latency p50, ms (queries asked before)", "p50_seen_ms", "{:.2f}", False),
    ("query latency p95, ms (queries asked before)", "p95_seen_ms", "{:.2f}", False),
    ("query latency p50, ms (new queries)", "p50_new_ms", "{:.2f}", False),
    ("query latency p95, ms (new queries)", "p95_new_ms", "{:.2f}", False),
    ("query latency p50, ms (pasted questions, 15-25 words, new)", "p50_questions_ms", "{:.2f}", False),
    ("query latency p95, ms (pasted questions, 15-25 words, new)", "p95_questions_ms", "{:.2f}", False),
    ("title queries, accented: MRR@10", "mrr_accented", "{:.3f}", True),
    ("title queries, accented: success@1", "s1_accented", "{:.3f}", True),
    ("title queries, no diacritics: MRR@10", "mrr_folded", "{:.3f}", True),
    ("title queries, no diacritics: success@1", "s1_folded", "{:.3f}", True),
]


def table(size: int, figures: dict[str, dict[str, float]], engines: list[str]) -> str:
    baselines = [e for e in engines if e != "vnsearch"]
    header = ["metric"] + engines + [f"vnsearch / {b}" for b in baselines if "vnsearch" in engines]
    lines = [f"### {size:,} articles", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, key, fmt, _ in ROWS:
        cells = [fmt.format(figures[e][key]) for e in engines]
        if "vnsearch" in engines:
            cells += [f"{figures['vnsearch'][key] / figures[b][key]:.2f}" if figures[b][key] else "–" for b in baselines]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(sizes: list[int], engines: list[str], query_count: int, known: int, cold_runs: int) -> str:
    sections = []
    for size in sizes:
        records = load_subset(size)
        chars = sum(len(r["title"]) + len(r["text"]) for r in records)
        queries = make_queries(records, 2 * query_count)
        figures: dict[str, dict[str, float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            subset = Path(tmp) / "subset.jsonl"
            subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            for name in engines:
                print(f"[{size}] {name}: indexing…", file=sys.stderr, flush=True)
                out = Path(tmp) / name
                built = measure_indexing(name, subset, out)
                engine = ENGINES[name]()
                engine.open(out)
                print(f"[{size}] {name}: querying…", file=sys.stderr, flush=True)
                figures[name] = {
                    "docs_per_s": len(records) / built["seconds"],
                    "chars_per_s": chars / built["seconds"],
                    "size_mb": built["size"] / 1e6,
                    "rss_mb": built["peak_rss"] / 2**20,
                    "pss_mb": built["peak_pss"] / 2**20,
                    **measure_queries(engine, queries, pasted_questions(query_count)),
                    **measure_relevance(engine, records, known),
                }
                print(f"[{size}] {name}: {figures[name]}", file=sys.stderr, flush=True)
                del engine
                shutil.rmtree(out, ignore_errors=True)
        sections.append(table(len(records), figures, engines)
                        + f"\n\n{chars:,} characters; {query_count} latency queries asked twice, "
                        f"{len(queries) - query_count} new ones; "
                        f"{min(known, len(records))} known-item titles.")
    if "vnsearch" in engines and cold_runs:
        cold = cold_search(cold_runs)
        sections.append(
            f"### Cold start\n\n`vnsearch search \"cong doan\"` on the seeds' index, whole process, median of {cold_runs}: "
            f"**{cold['cold_s']:.3f} s** wall (a bare `python -c pass` takes {cold['python_s']:.3f} s here)."
        )
    return "\n\n".join(sections)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_index":
        index_child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 35440])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--queries", type=int, default=300, help="latency queries asked twice (as many new ones are asked once)")
    parser.add_argument("--known", type=int, default=500, help="known-item title queries")
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--out", type=Path, help="write the results here (Markdown)")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found: {CORPUS} (set VNSEARCH_CORPUS)")
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    started = time.time()
    body = run(args.sizes, args.engines, args.queries, args.known, args.cold_runs)
    report = (
        f"# Benchmark results\n\nCommand: `{command}`\n\nMachine: {machine()}\n\n"
        f"Run: {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, {time.time() - started:.0f} s in all.\n\n{body}\n"
    )
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()

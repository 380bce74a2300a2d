"""Search-as-you-type latency at 35k articles: each news-dev topic typed one keystroke at a time.

    pip install -e '.[bench]'
    python bench/complete.py            # after bench/relevance.py has built its cached index

For every prefix of every topic's query (as typed), the time of ``SearchEngine.complete``
(what ``GET /api/complete`` runs) and of ``GET /api/complete`` itself through FastAPI's
test client; and, as the page does, the search of the first completion (or of the text,
after a space). p50/p95/max per keystroke; the first call, which reads the index's titles,
is reported apart. Goal: completion p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relevance import CACHE, RELEVANCE  # noqa: E402
from run import CORPUS  # noqa: E402

from systems import Documents  # noqa: E402

GOAL_MS = 30.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an index (default: relevance.py's cached news-dev index)")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from searcher import SearchEngine
    from searcher.schema import ANALYZER_VERSION, SCHEMA_VERSION
    from searcher.server import create_app

    path = args.index
    if path is None:
        key = Documents("news-dev", [], CORPUS, {}, 0, 0).cache_key()
        path = CACHE / f"vnsearch-schema{SCHEMA_VERSION}-analyzer{ANALYZER_VERSION}-{key}"
        if not path.exists():
            raise SystemExit(f"no index at {path}: run python bench/relevance.py --sets news-dev --systems vnsearch first")
    topics = [json.loads(line) for line in (RELEVANCE / "news-dev" / "topics.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [t["typed"] for t in topics]
    engine = SearchEngine(path)
    started = time.perf_counter()
    engine.complete("a")
    first = (time.perf_counter() - started) * 1000
    client = TestClient(create_app(engine))
    completing, api, searching = [], [], []
    for query in queries:
        for end in range(1, len(query) + 1):
            typed = query[:end]
            started = time.perf_counter()
            found = engine.complete(typed).completions
            completing.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get("/api/complete", params={"q": typed})
            api.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            engine.search(found[0] if found and not typed.endswith(" ") else typed)
            searching.append((time.perf_counter() - started) * 1000)
    print(f"{len(completing)} keystrokes ({len(queries)} queries typed one character at a time) on {engine.info().documents} articles")
    print(f"first completion (reads the titles): {first:.0f} ms")
    print("| per keystroke | p50, ms | p95, ms | max, ms |")
    print("|---|---:|---:|---:|")
    for name, values in (("SearchEngine.complete", completing), ("GET /api/complete", api),
                         ("search of the first completion", searching)):
        print(f"| {name} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} | {max(values):.1f} |")
    p95 = percentile(api, 0.95)
    print(f"goal: GET /api/complete p95 <= {GOAL_MS:.0f} ms: {'met' if p95 <= GOAL_MS else 'NOT met'} ({p95:.2f} ms)")


if __name__ == "__main__":
    main()

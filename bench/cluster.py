"""The cluster backend beside the embedded engine, in one run: relevance, latency, ingest.

    apt-get install sphinxsearch && pip install -e '.[test,bench]'
    nice -n 5 python bench/cluster.py --out bench/CLUSTER.md

Starts two-node Sphinx clusters on free loopback ports in a temporary folder (one for the
news corpus, one for the xquad-vi passages), ingests the judged sets' documents, and reports:

* relevance through the cluster beside the embedded engine (its cached index, as
  ``bench/relevance.py`` builds it): news-dev nDCG@10 as typed, xquad-vi passages MRR@10;
* first-time query latency as typed (each news-dev query once, on 2 shards): p50, p95, beside
  the embedded engine's on the same queries in the same run (its cached index, opened afresh);
* ingest characters/s beside the embedded indexer's, on the same first ``--ingest`` articles
  into empty indexes (the embedded one writing with its worker processes, the cluster
  analyzing with one process per core).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relevance import CACHE, LOADERS, evaluate, mean  # noqa: E402
from run import machine  # noqa: E402

from searcher import SearchEngine  # noqa: E402
from searcher.cluster import ClusterEngine, write_cluster  # noqa: E402
from searcher.cluster.config import ClusterConfig  # noqa: E402
from systems import Vnsearch  # noqa: E402


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start_cluster(folder: Path, nodes: int = 2) -> ClusterConfig:
    ports = free_ports(2 * nodes)
    config = write_cluster(folder, nodes, ports=[(ports[2 * i], ports[2 * i + 1]) for i in range(nodes)])
    for node in config.nodes:
        subprocess.run(["searchd", "--config", str(folder / node.folder / "searchd.conf")], check=True, capture_output=True)
        for _ in range(600):
            try:
                socket.create_connection((node.host, node.port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
    return config


def stop_cluster(config: ClusterConfig) -> None:
    for node in config.nodes:
        subprocess.run(["searchd", "--config", str(config.folder / node.folder / "searchd.conf"), "--stopwait"], capture_output=True)


class Cluster:
    """A system of bench/relevance.py over a cluster."""

    name = "vnsearch-cluster"

    def __init__(self, engine: ClusterEngine):
        self.engine = engine

    def prepare(self, documents: Any, cache_dir: Path) -> str:
        return "ingested before"

    def search(self, query: str, k: int = 10) -> list[str]:
        return [hit.id for hit in self.engine.search(query, limit=k).hits]


def first_time(engine: ClusterEngine | SearchEngine, queries: list[str]) -> list[float]:
    """Each query asked once (as typed, with a suggestion, as the web page asks): milliseconds, sorted."""
    timings = []
    for query in queries:
        t = time.perf_counter()
        engine.search(query, limit=10, suggest=True)
        timings.append((time.perf_counter() - t) * 1000)
    return sorted(timings)


def percentile(timings: list[float], q: float) -> float:
    return timings[int(q * (len(timings) - 1))]


def characters(records: Sequence[dict[str, str]]) -> int:
    return sum(len(r["title"]) + len(r["text"]) for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingest", type=int, default=5000, help="articles for the ingest comparison (default 5000)")
    parser.add_argument("--out", type=Path, help="write the report here (Markdown)")
    parser.add_argument("--no-news", action="store_true", help="skip the 35k news corpus (relevance and latency on xquad-vi only)")
    args = parser.parse_args()
    started = time.time()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [f"# The cluster backend beside the embedded engine\n\nCommand: `python bench/cluster.py {' '.join(sys.argv[1:])}` (at {commit})",
             f"Machine: {machine()}; Sphinx {subprocess.run(['searchd', '--help'], capture_output=True, text=True).stdout.split()[1]}; "
             "two nodes (searchd processes) on loopback, one shard each.\n"]
    loads = [("start", os.getloadavg()[0])]
    news, xquad = LOADERS["news-dev"](), LOADERS["xquad-passages"]()
    work = Path(tempfile.mkdtemp(prefix="vnsearch-cluster-bench-"))
    clusters = []
    try:
        # Ingest speed: the same first articles into an empty embedded index and an empty cluster.
        sample = news.documents.records[: args.ingest]
        chars = characters(sample)
        t = time.perf_counter()
        SearchEngine(work / "embedded-sample").add_documents(sample)
        embedded_ingest = time.perf_counter() - t
        loads.append(("after the embedded ingest", os.getloadavg()[0]))
        clusters.append(sample_cluster := start_cluster(work / "sample"))
        t = time.perf_counter()
        ClusterEngine(sample_cluster.path).add_documents(sample)
        cluster_ingest = time.perf_counter() - t
        loads.append(("after the cluster ingest", os.getloadavg()[0]))
        stop_cluster(sample_cluster)

        # The whole news corpus into a cluster (timed too), the xquad passages into another.
        news_engine = report = None
        news_ingest = 0.0
        if not args.no_news:
            clusters.append(news_cluster := start_cluster(work / "news"))
            t = time.perf_counter()
            news_engine = ClusterEngine(news_cluster.path)
            report = news_engine.add_documents(news.documents.records)
            news_ingest = time.perf_counter() - t
        clusters.append(xquad_cluster := start_cluster(work / "xquad"))
        xquad_engine = ClusterEngine(xquad_cluster.path)
        xquad_engine.add_documents(xquad.documents.records)

        # First-time latency as typed: each news-dev query once, before the relevance runs; then
        # the embedded engine's on the same queries (its cached index, opened afresh).
        loads.append(("latency", os.getloadavg()[0]))
        latency_engine, latency_set = (news_engine, news) if news_engine else (xquad_engine, xquad)
        latency_queries = list(latency_set.queries["typed"].values())[:300]
        timings = first_time(latency_engine, latency_queries)
        reference = Vnsearch()
        reference.prepare(latency_set.documents, CACHE)
        embedded_timings = first_time(reference.engine.engine, latency_queries)
        p95 = percentile(timings, 0.95)

        rows = []
        for name, judged, form, metric, engine in (("news-dev", news, "typed", "nDCG@10", news_engine),
                                                   ("news-dev", news, "intended", "nDCG@10", news_engine),
                                                   ("news-dev", news, "intended, folded", "nDCG@10", news_engine),
                                                   ("xquad-passages", xquad, "typed", "MRR@10", xquad_engine),
                                                   ("xquad-passages", xquad, "folded", "MRR@10", xquad_engine)):
            if engine is None:
                continue
            embedded = Vnsearch()
            embedded.prepare(judged.documents, CACHE)
            one_form = type(judged)(**{**judged.__dict__, "queries": {form: judged.queries[form]}})
            base = mean(evaluate(one_form, embedded)[form], metric)
            over = mean(evaluate(one_form, Cluster(engine))[form], metric)
            rows.append((name, form, metric, base, over))
    finally:
        for config in clusters:
            stop_cluster(config)
        shutil.rmtree(work, ignore_errors=True)

    loads.append(("end", os.getloadavg()[0]))
    ratio = embedded_ingest / cluster_ingest
    typed = {name: (base, over) for name, form, _, base, over in rows if form == "typed"}
    goals = ["## Goals (issue 17)\n", "| goal | figure | |", "| --- | --- | --- |"]
    for name, label in (("news-dev", "news-dev nDCG@10 as typed >= 0.95x embedded"),
                        ("xquad-passages", "xquad-vi passages MRR@10 >= 0.95x embedded")):
        if name in typed:
            base, over = typed[name]
            goals.append(f"| {label} | {over:.4f} / {base:.4f} = {over / base:.3f}x | {'met' if over >= 0.95 * base else 'not met'} |")
        else:
            goals.append(f"| {label} | not measured (--no-news) | - |")
    goals += [f"| first-time query p95 <= 50 ms as typed, 2 shards | {p95:.1f} ms ({len(timings)} queries; embedded engine "
              f"{percentile(embedded_timings, 0.95):.1f} ms in the same run) | {'met' if p95 <= 50 else 'not met'} |",
              f"| ingest characters/s >= 1.5x the embedded indexer's | {chars / cluster_ingest:,.0f} / {chars / embedded_ingest:,.0f} "
              f"= {ratio:.2f}x | {'met' if ratio >= 1.5 else 'not met'} |",
              "| 350k synthetic articles over 3 shards: as-typed p95 <= 2x the 35k figure | not run | - |", ""]
    lines += goals
    lines += ["## Relevance (same documents, same queries)\n", "| set | queries | metric | embedded | cluster | ratio | goal (>= 0.95) |",
              "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for name, form, metric, base, over in rows:
        ratio_ = over / base if base else 0.0
        goal = "met" if ratio_ >= 0.95 else "not met"
        lines.append(f"| {name} | {form} | {metric} | {base:.4f} | {over:.4f} | {ratio_:.3f} | {goal if form == 'typed' else '-'} |")
    corpus = "news-dev, 35k articles" if news_engine else "xquad-vi, 240 passages"
    lines += ["", f"## First-time queries as typed ({corpus}, 2 shards)\n",
              "Each query once, with a suggestion (as the web page asks), the cluster's engine after its ingest, then the embedded "
              "engine on its cached index, opened afresh.\n",
              "| engine | queries | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: | ---: |",
              *(f"| {label} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | {values[-1]:.1f} |"
                for label, values in (("cluster, 2 shards", timings), ("embedded", embedded_timings))), "",
              "## Ingest\n", "| what | articles | characters | seconds | characters/s |", "| --- | ---: | ---: | ---: | ---: |",
              f"| embedded indexer, empty index | {len(sample):,} | {chars:,} | {embedded_ingest:.1f} | {chars / embedded_ingest:,.0f} |",
              f"| cluster ingest, empty 2-node cluster | {len(sample):,} | {chars:,} | {cluster_ingest:.1f} | {chars / cluster_ingest:,.0f} |",
              *([f"| cluster ingest, the whole news corpus | {report.added:,} | {characters(news.documents.records):,} | {news_ingest:.1f} | "
                 f"{characters(news.documents.records) / news_ingest:,.0f} |"] if report else []), "",
              f"Ingest ratio cluster/embedded: {ratio:.2f}x.", "",
              "Load average (1 minute, 2 cores shared with other work): " + ", ".join(f"{when} {value:.1f}" for when, value in loads) + ".", "",
              f"Run took {(time.time() - started) / 60:.1f} minutes."]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""The cluster backend beside the embedded engine, in one run: relevance, latency, ingest.

    apt-get install sphinxsearch && pip install -e '.[test,bench]'
    nice -n 10 python bench/cluster.py --out bench/CLUSTER.md

Starts two-node Sphinx clusters on free loopback ports in a temporary folder (one for the
news corpus, one for the xquad-vi passages), ingests the judged sets' documents, and reports:

* relevance through the cluster beside the embedded engine (its cached index, as
  ``bench/relevance.py`` builds it): news-dev nDCG@10 as typed, xquad-vi passages MRR@10;
* first-time query latency as typed (each news-dev query once, on 2 shards): p50, p95;
* ingest characters/s beside the embedded indexer's, on the same first ``--ingest`` articles
  into empty indexes (the embedded one writing with its worker processes, the cluster
  analyzing with one process per core).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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

    def search(self, query: str, k: int = 10) -> list[str]:
        return [hit.id for hit in self.engine.search(query, limit=k).hits]


def characters(records: list[dict[str, str]]) -> int:
    return sum(len(r["title"]) + len(r["text"]) for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingest", type=int, default=5000, help="articles for the ingest comparison (default 5000)")
    parser.add_argument("--out", type=Path, help="write the report here (Markdown)")
    parser.add_argument("--no-news", action="store_true", help="skip the 35k news corpus (relevance and latency on xquad-vi only)")
    args = parser.parse_args()
    started = time.time()
    lines = [f"# The cluster backend beside the embedded engine\n\nCommand: `nice -n 10 python bench/cluster.py {' '.join(sys.argv[1:])}`",
             f"Machine: {machine()}; Sphinx {subprocess.run(['searchd', '--help'], capture_output=True, text=True).stdout.split()[1]}; "
             "two nodes (searchd processes) on loopback, one shard each.\n"]
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
        clusters.append(sample_cluster := start_cluster(work / "sample"))
        t = time.perf_counter()
        ClusterEngine(sample_cluster.path).add_documents(sample)
        cluster_ingest = time.perf_counter() - t
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

        # First-time latency as typed: each news-dev query once, before the relevance runs.
        timings = []
        latency_engine, latency_set = (news_engine, news) if news_engine else (xquad_engine, xquad)
        for query in list(latency_set.queries["typed"].values())[:300]:
            t = time.perf_counter()
            latency_engine.search(query, limit=10, suggest=True)
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]

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

    lines += ["## Relevance (same documents, same queries)\n", "| set | queries | metric | embedded | cluster | ratio | goal (>= 0.95) |",
              "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for name, form, metric, base, over in rows:
        ratio = over / base if base else 0.0
        goal = "met" if ratio >= 0.95 else "not met"
        lines.append(f"| {name} | {form} | {metric} | {base:.4f} | {over:.4f} | {ratio:.3f} | {goal if form == 'typed' else '-'} |")
    lines += ["", f"## First-time queries as typed ({'news-dev, 35k articles' if news_engine else 'xquad-vi, 240 passages'}, 2 shards)\n",
              f"{len(timings)} queries, each once: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
              f"(goal p95 <= 50 ms: {'met' if p95 <= 50 else 'not met'}).", "",
              "## Ingest\n", "| what | articles | characters | seconds | characters/s |", "| --- | ---: | ---: | ---: | ---: |",
              f"| embedded indexer, empty index | {len(sample):,} | {chars:,} | {embedded_ingest:.1f} | {chars / embedded_ingest:,.0f} |",
              f"| cluster ingest, empty 2-node cluster | {len(sample):,} | {chars:,} | {cluster_ingest:.1f} | {chars / cluster_ingest:,.0f} |",
              *([f"| cluster ingest, the whole news corpus | {report.added:,} | {characters(news.documents.records):,} | {news_ingest:.1f} | "
                 f"{characters(news.documents.records) / news_ingest:,.0f} |"] if report else []), "",
              f"Ingest ratio cluster/embedded: {embedded_ingest / cluster_ingest:.2f}x (goal >= 1.5x: "
              f"{'met' if embedded_ingest / cluster_ingest >= 1.5 else 'not met'}).", "",
              f"Run took {(time.time() - started) / 60:.1f} minutes."]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

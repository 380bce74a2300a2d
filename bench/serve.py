"""Serving benchmark: ``vnsearch serve`` over the 35k-article corpus, loaded by wrk on loopback.

    apt-get install wrk && pip install -e '.[server]'
    python bench/serve.py --out bench/SERVING.md

What it measures, each on a fresh copy of the index (one scenario commits into it):

* throughput and latency of the API (``/api/search``) with 1, 4, 16 and 64 concurrent
  clients, over a mix of 200 news queries (the judged topics as typed, and phrases from
  titles; half without diacritics), after a warm-up; the same mix with pasted headlines
  (one query in five a whole title); 16 clients asking queries drawn from 30,000 others, nearly
  all asked for the first time (what the cache cannot answer); the search page (``/?q=``) with
  16 and 64 clients;
* a commit by another process while 16 clients search: ``vnsearch index`` adds 2,000
  articles; throughput and failures in 5-second windows, ``/healthz`` latency (probed 20
  times a second) and when the new articles are first served;
* memory: PSS summed over the server's processes after a mixed run (the 200 queries and a
  stream of thousands of others), beside the cache each worker reports in ``/healthz``.

The index: ``--index DIR`` (an index of the corpus), else the relevance benchmark's cached
one (``~/.cache/vnsearch-bench``), else one built from the corpus into that cache (5–10
minutes). ``--compare SRC`` also measures the server of another checkout (its ``searcher``
package, run with the same Python) under the same load, for a before/after table.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from unidecode import unidecode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPUS, ROOT, SEED, machine, tree_memory  # noqa: E402

from searcher import schema  # noqa: E402

CACHE = Path.home() / ".cache" / "vnsearch-bench"
TOPICS = Path(os.environ.get("VNSEARCH_RELEVANCE", ROOT.parent / "shared" / "relevance")) / "news-dev" / "topics.jsonl"
NEW_ARTICLES = 2000

# wrk: a random path of the file given for each request; responses counted per second and status.
FIRST_TIME = "API, 16 clients, queries asked for the first time"
FIRST_TIME_QUERIES = 30_000  # distinct queries the first-time row draws from (a run asks a few thousand)

LUA = r"""
local paths, threads = {}, {}
counts, failed = {}, {}  -- (globals: done() reads each thread's)
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]) + tonumber(tostring({}):sub(8), 16) % 1000)
end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
function response(status, headers, body)
  local second = tostring(os.time())
  counts[second] = (counts[second] or 0) + 1
  if status ~= 200 then failed[second] = (failed[second] or 0) + 1 end
end
function done(summary, latency, requests)
  local merged, bad = {}, {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("counts")) do merged[k] = (merged[k] or 0) + v end
    for k, v in pairs(thread:get("failed")) do bad[k] = (bad[k] or 0) + v end
  end
  local out = {}
  for k, v in pairs(merged) do out[#out + 1] = string.format('"%s": [%d, %d]', k, v, bad[k] or 0) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p90": %f, "p99": %f, "max": %f, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, "per_second": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect, e.read, e.write, e.timeout, e.status,
    table.concat(out, ", ")))
end
"""


# -- queries ---------------------------------------------------------------------------------


def corpus_titles() -> list[dict[str, str]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def news_mix(records: list[dict[str, str]], count: int = 200) -> list[str]:
    """The judged topics as typed, then 2-3 word phrases of titles; half without diacritics."""
    rng = random.Random(SEED + 12)
    queries = [json.loads(line)["typed"] for line in TOPICS.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = queries[:count]
    while len(queries) < count:
        words = rng.choice(records)["title"].split()
        start = rng.randrange(max(1, len(words) - 2))
        phrase = " ".join(words[start : start + rng.choice((2, 3))])
        queries.append(phrase if len(queries) % 2 else unidecode(phrase))
    return queries


def headline_mix(records: list[dict[str, str]], mix: list[str]) -> list[str]:
    """The mix with one query in five a whole headline, pasted as it is (half without diacritics)."""
    rng = random.Random(SEED + 13)
    titles = [r["title"] for r in rng.sample(records, len(mix) // 5)]
    return [(titles[i // 5] if i % 10 else unidecode(titles[i // 5])) if i % 5 == 0 else q for i, q in enumerate(mix)]


def varied_queries(records: list[dict[str, str]], count: int, seed: int = SEED + 14) -> list[str]:
    """Many different queries (phrases of titles, a fifth whole titles): what fills the caches."""
    rng = random.Random(seed)
    found = []
    for record in rng.sample(records, count):
        words = record["title"].split()
        start = rng.randrange(max(1, len(words) - 3))
        text = record["title"] if len(found) % 5 == 0 else " ".join(words[start : start + rng.choice((2, 3, 4))])
        found.append(unidecode(text) if len(found) % 2 else text)
    return found


def api_paths(queries: list[str]) -> list[str]:
    return ["/api/search?q=" + quote(q) for q in queries]


def page_paths(queries: list[str]) -> list[str]:
    return ["/?q=" + quote(q) for q in queries]


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen  # type: ignore[type-arg]
    port: int

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes, float]:
        """A request on a new connection: status, body, seconds."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read(), time.perf_counter() - started
        finally:
            connection.close()

    def memory(self) -> tuple[int, int]:
        return tree_memory(self.process.pid)


@contextmanager
def serving(index: Path, *options: str, source: Path | None = None) -> Iterator[Server]:
    port = free_port()
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    process = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--index", str(index), "--port", str(port), *options],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    server = Server(process, port)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"the server exited: {process.stderr.read() if process.stderr else ''}")
            try:
                if server.get("/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- load --------------------------------------------------------------------------------------


@dataclass
class Load:
    clients: int
    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int  # sockets: connect, read, write, timeout
    failed: int  # answers that are not 200
    per_second: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(server: Server, paths: list[str], clients: int, seconds: float, work: Path, stop: threading.Event | None = None) -> Load:
    """wrk's run of ``seconds`` (cut short, with its figures, when ``stop`` is set)."""
    script, listing = work / "mix.lua", work / f"paths-{len(paths)}-{hash(tuple(paths)) & 0xFFFF}.txt"
    script.write_text(LUA)
    listing.write_text("\n".join(paths) + "\n")
    threads = min(2, clients)
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{int(seconds)}s", "--timeout", "10s", "-s", str(script),
               f"http://127.0.0.1:{server.port}", "--", str(listing), str(SEED)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stop is not None:
        threading.Thread(target=lambda: stop.wait() and process.poll() is None and process.send_signal(signal.SIGINT), daemon=True).start()
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"wrk failed ({process.returncode}): {stdout[-500:]} {stderr[-500:]}")
    line = next(line for line in stdout.splitlines() if line.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    per_second = {int(k): (v[0], v[1]) for k, v in data["per_second"].items()}
    return Load(
        clients=clients, requests=data["requests"], seconds=data["seconds"], p50=data["p50"], p90=data["p90"],
        p99=data["p99"], max=data["max"], errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        failed=sum(bad for _, bad in per_second.values()), per_second=per_second,
    )


class Probe(threading.Thread):
    """Asks ``path`` ``rate`` times a second on new connections, keeping (time, status, seconds)."""

    def __init__(self, server: Server, path: str, rate: float):
        super().__init__(daemon=True)
        self.server, self.path, self.interval = server, path, 1 / rate
        self.results: list[tuple[float, int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.time()
            try:
                status, _, seconds = self.server.get(self.path, timeout=30)
            except OSError:
                status, seconds = 0, time.time() - started
            self.results.append((started, status, seconds))
            self.stop.wait(max(0.0, self.interval - (time.time() - started)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


# -- scenarios ---------------------------------------------------------------------------------


WARM_SECONDS, WARM_RUNS = 15, 4


def warm_up(server: Server, mixes: list[list[str]], work: Path) -> list[list[Load]]:
    """Each mix in runs of :data:`WARM_SECONDS`, until a run is no faster than the one before
    (every worker has answered each query): at most :data:`WARM_RUNS` runs a mix."""
    found = []
    for paths in mixes:
        runs = [wrk(server, paths, 16, WARM_SECONDS, work)]
        while len(runs) < WARM_RUNS and (len(runs) < 2 or runs[-1].rate > 1.1 * runs[-2].rate):
            runs.append(wrk(server, paths, 16, WARM_SECONDS, work))
        found.append(runs)
    return found


def throughput(server: Server, api: list[str], headlines: list[str], page: list[str], work: Path, seconds: float,
               first: list[str] | None = None) -> list[tuple[str, Load]]:
    runs = [(f"API, {c} client{'s' if c > 1 else ''}", wrk(server, api, c, seconds, work)) for c in (1, 4, 16, 64)]
    if first:  # drawn at random from many: nearly every one asked for the first time
        runs.append((FIRST_TIME, wrk(server, first, 16, seconds, work)))
    runs.append(("API with pasted headlines, 16 clients", wrk(server, headlines, 16, seconds, work)))
    runs += [(f"search page, {c} clients", wrk(server, page, c, seconds, work)) for c in (16, 64)]
    return runs


@dataclass
class Commit:
    load: Load
    windows: list[tuple[float, int, int]]  # (seconds after the load started, requests, failed)
    steady: float
    started: float
    indexed: float
    visible: float | None
    health: list[float]
    health_failed: int
    indexer_output: str
    niced: bool


def commit_during_load(server: Server, index: Path, api: list[str], records: list[dict[str, str]], work: Path,
                       tag: str, niced: bool, after: float = 20, until: float = 40) -> Commit:
    """16 clients search; ``after`` seconds in, another process indexes; the load goes on
    ``until`` seconds after it is done."""
    rng = random.Random(SEED + 15)
    new = [{"id": f"new-{tag}-{r['id']}", "title": r["title"], "text": r["text"]} for r in rng.sample(records, NEW_ARTICLES)]
    source = work / f"new-{tag}.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new), encoding="utf-8")
    health = Probe(server, "/healthz", 20)
    visible = Probe(server, "/api/docs/" + quote(new[-1]["id"], safe=""), 4)
    result: dict[str, Any] = {}
    stop = threading.Event()
    loader = threading.Thread(target=lambda: result.setdefault("load", wrk(server, api, 16, 3600, work, stop)))
    began = time.time()
    loader.start()
    health.start()
    time.sleep(after)
    visible.start()
    started = time.time()
    command = [sys.executable, "-m", "searcher", "index", "--index", str(index), str(source)]
    try:
        indexer = subprocess.run((["nice", "-n", "19"] if niced else []) + command, capture_output=True, text=True)
        indexed = time.time()
        if indexer.returncode == 0:
            time.sleep(until)
    finally:  # (wrk stopped, else it would outlive a failure here)
        stop.set()
        loader.join()
        health.stop.set()
        visible.stop.set()
        health.join()
        visible.join()
    if indexer.returncode != 0:
        raise SystemExit(f"the indexer failed: {indexer.stderr.strip() or indexer.stdout.strip()}")
    load: Load = result["load"]
    first, last = min(load.per_second), max(load.per_second)
    windows = []
    for start in range(first, last - 4, 5):
        counts = [load.per_second.get(s, (0, 0)) for s in range(start, start + 5)]
        windows.append((float(start), sum(c for c, _ in counts), sum(b for _, b in counts)))
    before = [n for start, n, _ in windows if start + 5 <= started and start >= first + 5]
    seen = next((t for t, status, _ in visible.results if status == 200 and t >= indexed - 5), None)
    return Commit(
        load=load, windows=[(s - began, n, b) for s, n, b in windows], steady=statistics.median(before) / 5 if before else float("nan"),
        started=started - began, indexed=indexed - began, visible=None if seen is None else seen - indexed,
        health=[s for _, status, s in health.results if status == 200],
        health_failed=sum(1 for _, status, _ in health.results if status != 200),
        indexer_output=indexer.stderr.strip().splitlines()[-1] if indexer.stderr.strip() else indexer.stdout.strip(), niced=niced,
    )


def memory_run(server: Server, api: list[str], varied: list[str], work: Path, minutes: float) -> list[tuple[float, int, float]]:
    """The mix and a stream of other queries, for ``minutes``: (minute, PSS, cache used) every half minute."""
    paths = api + api_paths(varied)  # most requests new queries: what grows the caches
    samples = []
    began = time.time()
    done = threading.Event()
    loader = threading.Thread(target=lambda: (wrk(server, paths, 16, int(minutes * 60), work), done.set()))
    loader.start()
    while not done.wait(30):
        samples.append(((time.time() - began) / 60, server.memory()[1], cache_used(server)))
    loader.join()
    samples.append(((time.time() - began) / 60, server.memory()[1], cache_used(server)))
    return samples


def cache_used(server: Server) -> float:
    """The cache used by the workers, as the answers of /healthz tell (MB, summed over the workers seen)."""
    used: dict[int, float] = {}
    for _ in range(20):
        status, body, _ = server.get("/healthz")
        if status == 200:
            data = json.loads(body)
            used[data["worker"]] = data["cache"]["used_mb"]
    return sum(used.values())


# -- the index ---------------------------------------------------------------------------------


def find_index(given: str | None) -> Path:
    if given:
        return Path(given)
    versions = f"schema{schema.SCHEMA_VERSION}-analyzer{schema.ANALYZER_VERSION}"
    cached = sorted(CACHE.glob(f"vnsearch-{versions}-news-dev-*"))
    if cached:
        return cached[0]
    built = CACHE / f"serve-{versions}-35k"
    if not (built / "vnsearch.json").exists():
        print(f"building an index of {CORPUS} in {built} (5-10 minutes)…", file=sys.stderr, flush=True)
        shutil.rmtree(built, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "searcher", "index", "--index", str(built), str(CORPUS)], check=True)
    return built


def fresh_copy(index: Path, work: Path, name: str) -> Path:
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(index, target)
    return target


# -- report ------------------------------------------------------------------------------------


def row(label: str, load: Load) -> str:
    failed = load.failed + load.errors
    return (f"| {label} | {load.rate:,.0f} | {load.p50:.0f} | {load.p90:.0f} | {load.p99:.0f} | {load.max:,.0f} | "
            f"{load.requests:,} | {failed} |")


def report(args: argparse.Namespace, index: Path, documents: int, runs: list[tuple[str, Load]],
           compared: list[tuple[str, Load]], warm: list[list[Load]], commits: list[Commit], memory: list[tuple[float, int, float]],
           options: list[str], elapsed: float) -> str:
    head = "| load | requests/s | p50 ms | p90 ms | p99 ms | max ms | requests | failed |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    by_label = dict(runs)
    lines = [
        "# Serving benchmark", "",
        f"`python bench/serve.py {' '.join(args.argv)}`".replace("`python bench/serve.py `", "`python bench/serve.py`"), "",
        f"Machine: {machine()}; shared with other work while measured, so figures vary from run to run.",
        f"Index: {documents:,} articles of `{CORPUS.name}` (a copy of `{index}`); server: `vnsearch serve "
        f"{' '.join(options) or '(defaults)'}`; load: wrk on loopback, keep-alive connections, a random query of the mix "
        f"per request, {args.seconds:.0f} s per row after a warm-up. Latencies are wrk's (from sending a request to its "
        f"answer); failed = answers that are not 200, and socket errors. Total time {elapsed / 60:.0f} min.", "",
        "## Throughput and latency", "", head,
        *[row(label, load) for label, load in runs], "",
    ]
    if compared:
        lines += [f"The same load on the server of `{args.compare}` (before this change), on the same machine just before:", "",
                  head, *[row(label, load) for label, load in compared], ""]
    names = ("API", "API with pasted headlines", "search page")
    lines += [f"Warm-up, 16 clients, runs of {WARM_SECONDS} s until one is no faster than the one before, at most {WARM_RUNS} "
              "(the first passes over a mix ask each worker queries new to it): " + "; ".join(
                  f"{name}: " + ", ".join(f"{w.rate:,.0f}" for w in runs) + " requests/s" for name, runs in zip(names, warm)) + ".", ""]
    for commit in commits:
        lowest = min(n for _, n, _ in commit.windows) / 5
        below = [(t, n / 5) for t, n, _ in commit.windows if n / 5 < commit.steady / 2]
        lines += [
            f"## A commit by another process while 16 clients search{' (indexer at nice 19)' if commit.niced else ''}", "",
            f"`vnsearch index` adds {NEW_ARTICLES:,} articles (`{commit.indexer_output}`), started {commit.started:.0f} s into "
            f"the load and done (committed) at {commit.indexed:.0f} s. Steady throughput before it: {commit.steady:,.0f} requests/s "
            f"(median of the 5-second windows). The new articles were first served "
            + (f"{commit.visible:.1f} s after the indexer exited." if commit.visible is not None else "— never, within the run."),
            "", "| window (s) | requests/s | failed | of steady |", "| --- | ---: | ---: | ---: |",
            *[f"| {t:.0f}–{t + 5:.0f} | {n / 5:,.0f} | {b} | {n / 5 / commit.steady:.0%} |" for t, n, b in commit.windows], "",
            f"Lowest window: {lowest:,.0f} requests/s ({lowest / commit.steady:.0%} of steady); windows below 50%: "
            f"{len(below)}; failed requests: {commit.load.failed + commit.load.errors}; load p50 {commit.load.p50:.0f} ms, "
            f"p99 {commit.load.p99:.0f} ms, max {commit.load.max:,.0f} ms.",
            f"`/healthz` under this load ({len(commit.health)} probes, 20 a second, each on a new connection): p50 "
            f"{percentile(commit.health, 50) * 1e3:.1f} ms, p99 {percentile(commit.health, 99) * 1e3:.1f} ms, max "
            f"{max(commit.health) * 1e3:.1f} ms; failed {commit.health_failed}.", "",
        ]
    if memory:
        lines += [
            f"## Memory after a mixed run ({args.memory_minutes:g} minutes)", "",
            "16 clients asking the mix and thousands of other queries (most requests a query new to the server). PSS summed "
            "over the server's processes (the supervisor and its workers); cache = what the workers report in `/healthz`.", "",
            "| minute | PSS, MB | workers' caches, MB |", "| ---: | ---: | ---: |",
            *[f"| {m:.1f} | {pss / 2**20:,.0f} | {cache:,.0f} |" for m, pss, cache in memory], "",
        ]
    lines += ["## Goals", "", *goals(by_label, commits, memory, args), ""]
    return "\n".join(lines)


def goals(runs: dict[str, Load], commits: list[Commit], memory: list[tuple[float, int, float]], args: argparse.Namespace) -> list[str]:
    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    found = []
    sixteen, sixty_four = runs.get("API, 16 clients"), runs.get("API, 64 clients")
    if sixteen:
        found.append(f"- 16 clients ≥ 365 requests/s with p99 ≤ 100 ms: {sixteen.rate:,.0f} requests/s, p99 {sixteen.p99:.0f} ms — "
                     + mark(sixteen.rate >= 365 and sixteen.p99 <= 100))
    if sixty_four:
        found.append(f"- 64 clients p99 ≤ 400 ms: {sixty_four.p99:.0f} ms — " + mark(sixty_four.p99 <= 400))
    if first := runs.get(FIRST_TIME):
        found.append(f"- 16 clients asking queries for the first time, p99 ≤ 100 ms (issue 16): {first.rate:,.0f} requests/s, "
                     f"p99 {first.p99:.0f} ms — " + mark(first.p99 <= 100))
    for commit in commits:
        low = min(n for _, n, _ in commit.windows) / 5 / commit.steady
        failed = commit.load.failed + commit.load.errors
        label = " (indexer at nice 19)" if commit.niced else " (indexer at normal priority)"
        found.append(f"- a commit while 16 clients search{label}: lowest 5-second window {low:.0%} of steady, {failed} failed, "
                     f"new articles served {commit.visible:.1f} s after the commit — " if commit.visible is not None else
                     f"- a commit while 16 clients search{label}: lowest 5-second window {low:.0%} of steady, {failed} failed, "
                     "new articles never seen — ")
        found[-1] += mark(low >= 0.5 and failed == 0 and commit.visible is not None)
        p99 = percentile(commit.health, 99) * 1e3
        found.append(f"- `/healthz` p99 ≤ 10 ms under that load{label}: {p99:.1f} ms — " + mark(p99 <= 10))
    if memory:
        pss = memory[-1][1] / 2**20
        found.append(f"- server memory ≤ 1 GiB after the mixed run ({args.memory_minutes:g} min): {pss:,.0f} MB PSS, caches "
                     f"{memory[-1][2]:,.0f} MB of the {args.cache_mb} MB budget — " + mark(pss <= 1024 and memory[-1][2] <= args.cache_mb))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="an index of the corpus (copied; default: the benchmarks' cache)")
    parser.add_argument("--workers", type=int, help="vnsearch serve --workers (default: its own, one per core)")
    parser.add_argument("--cache-mb", type=int, default=512, help="vnsearch serve --cache-mb (default %(default)s)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each throughput row (default %(default)s)")
    parser.add_argument("--memory-minutes", type=float, default=5, help="length of the mixed run (default %(default)s; 0 skips it)")
    parser.add_argument("--compare", help="also measure the server of this checkout (its searcher/ package)")
    parser.add_argument("--nice", choices=["both", "yes", "no"], default="both",
                        help="run the indexer of the commit scenario at nice 19, at normal priority, or both (default)")
    parser.add_argument("--out", help="write the report here (Markdown)")
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    began = time.time()
    index = find_index(args.index)
    records = corpus_titles()
    mix = news_mix(records)
    api, headlines, page = api_paths(mix), api_paths(headline_mix(records, mix)), page_paths(mix)
    options = [*(["--workers", str(args.workers)] if args.workers else []), "--cache-mb", str(args.cache_mb)]
    with tempfile.TemporaryDirectory(prefix="vnsearch-serve-") as temporary:
        work = Path(temporary)
        compared: list[tuple[str, Load]] = []
        if args.compare:
            copy = fresh_copy(index, work, "index")
            with serving(copy, source=Path(args.compare)) as server:
                print("before: warming up…", file=sys.stderr, flush=True)
                warm_up(server, [api, headlines, page], work)
                compared = throughput(server, api, headlines, page, work, args.seconds)
        copy = fresh_copy(index, work, "index")
        with serving(copy, *options) as server:
            documents = json.loads(server.get("/healthz")[1])["documents"]
            print("warming up…", file=sys.stderr, flush=True)
            warm = warm_up(server, [api, headlines, page], work)
            print("throughput…", file=sys.stderr, flush=True)
            runs = throughput(server, api, headlines, page, work, args.seconds,
                              first=api_paths(varied_queries(records, FIRST_TIME_QUERIES, seed=SEED + 15)))
            commits = []
            for niced in {"both": (True, False), "yes": (True,), "no": (False,)}[args.nice]:
                print(f"commit during load (nice: {niced})…", file=sys.stderr, flush=True)
                commits.append(commit_during_load(server, copy, api, records, work, tag=f"{int(time.time())}", niced=niced))
        memory: list[tuple[float, int, float]] = []
        if args.memory_minutes:
            copy = fresh_copy(index, work, "index")
            with serving(copy, *options) as server:
                print("memory…", file=sys.stderr, flush=True)
                memory = memory_run(server, api, varied_queries(records, 20000), work, args.memory_minutes)
    text = report(args, index, documents, runs, compared, warm, commits, memory, options, time.time() - began)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

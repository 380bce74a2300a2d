"""Memory and time of merging search stores, two checkouts of vnsearch side by side.

    python bench/compare_merging.py --index ~/.cache/vnsearch-bench/scale/index-350000 --segments 4 --base main

When ten segments of a size are merged into one (``searcher.tiers``), the
merged segment's search store is made from theirs (``searcher.store.merge``; before 2026-12-07,
``store.merged`` then ``store.write``). This merges the stores of the ``--segments`` largest segments of an index
(``bench/scale.py`` leaves its archives' indexes in ``~/.cache/vnsearch-bench/scale``), with
every seventh document taken as deleted, once by ``--base`` (a git ref, exported) and once by
this working tree (copied when the run starts), each in a fresh process: its peak RSS (the
index's store files are read through memory maps, and count there as they are read) and the
seconds to merge and write. The two stores written must hold the same arrays (names, types
and contents: where in the file each lies may differ), else the run stops. Rounds alternate
the sides.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkouts import child_env, export, short_commit, snapshot


def merge_child(folder: str, segments: str, out: str) -> None:
    """Run in a child: merge the stores of ``segments`` (JSON: [[name, documents], ...]) into ``out``."""
    import numpy as np

    from searcher import store

    chosen = json.loads(segments)
    parts = [(store.open_store(folder, name, size), np.arange(0, size, 7)) for name, size in chosen]
    live = sum(size - (size + 6) // 7 for _, size in chosen)
    started = time.perf_counter()
    if hasattr(store, "merge"):
        written = store.merge(out, "merged", parts)
    else:  # (checkouts before 2026-12-07 made the merged arrays, then wrote them)
        written = store.write(out, "merged", live, store.merged(parts))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    arrays = store.open_store(out, "merged", live)._arrays
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(f"{name} {arrays[name].dtype.str} {arrays[name].size}\n".encode())
        digest.update(arrays[name].view(np.uint8).data)
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "sha256": digest.hexdigest(), "mb": written.stat().st_size / 1e6}))


def largest(index: Path, count: int) -> tuple[str, list[tuple[str, int]]]:
    """The Whoosh folder of ``index`` and its ``count`` largest segments (store names, documents)."""
    from whoosh import index as whoosh_index

    folder = next(p.parent for p in index.rglob("*.toc"))
    segments = sorted(whoosh_index.open_dir(str(folder))._segments(), key=lambda seg: -seg.doc_count_all())[:count]
    return str(folder), [(seg.segment_id(), seg.doc_count_all()) for seg in segments]


def merge(code: Path, folder: str, segments: list[tuple[str, int]], work: Path) -> dict[str, float | str]:
    out = Path(tempfile.mkdtemp(dir=work))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_merge", folder, json.dumps(segments), str(out)],
                          env=child_env(code, work), capture_output=True, text=True, cwd=work)
    if done.returncode != 0:
        raise SystemExit(f"merging with {code} failed: {done.stderr.strip()[-2000:]}")
    for path in out.rglob("*"):
        if path.is_file():
            path.unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    if sys.argv[1:2] == ["_merge"]:
        merge_child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="an index folder (bench/scale.py's, for large segments)")
    parser.add_argument("--segments", type=int, default=4, help="how many of its largest segments to merge")
    parser.add_argument("--base", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    folder, segments = largest(args.index, args.segments)
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:  # (the stores written are large: not in a RAM /tmp)
        work = Path(tmp)
        sides = {f"{args.base} ({short_commit(args.base)})": export(args.base, work / "base"),
                 f"this tree ({short_commit('HEAD')})": snapshot(work / "tree")}
        figures: dict[str, list[dict[str, float | str]]] = {name: [] for name in sides}
        for round_ in range(args.rounds):
            for name in (list(sides) if round_ % 2 == 0 else list(reversed(sides))):
                figures[name].append(merge(sides[name], folder, segments, work))
                print(f"round {round_ + 1}: {name}: {figures[name][-1]}", file=sys.stderr, flush=True)
    digests = {str(f["sha256"]) for runs in figures.values() for f in runs}
    if len(digests) != 1:
        raise SystemExit(f"the merged stores differ: {digests}")
    documents = sum(size for _, size in segments)
    print(f"Merged: the stores of {len(segments)} segments of {args.index} ({documents:,} documents: "
          f"{', '.join(f'{size:,}' for _, size in segments)}), every seventh deleted; the same arrays written by both "
          f"({next(iter(figures.values()))[0]['mb']:,.0f} MB); median of {args.rounds} rounds.\n")
    print("| checkout | peak RSS, MB | seconds |")
    print("|---|---:|---:|")
    for name, runs in figures.items():
        peak = statistics.median(float(f["peak_mb"]) for f in runs)
        seconds = statistics.median(float(f["seconds"]) for f in runs)
        print(f"| {name} | {peak:,.0f} | {seconds:,.1f} |")


if __name__ == "__main__":
    main()

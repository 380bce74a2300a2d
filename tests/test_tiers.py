"""Merges made in a process of their own while a run goes on indexing (searcher.tiers)."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from searcher import SearchEngine, codec, indexer, tiers

TEXT = "công đoàn đợt {batch} số {n}"


def first_runs(engine: SearchEngine) -> None:
    """Ten runs of three articles: ten segments of one tier, which the next commit merges."""
    for batch in range(10):
        engine.add_documents({"id": f"b{batch}-{n}", "text": TEXT.format(batch=batch, n=n)} for n in range(3))


def slow_merges(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The merge's process waits ``seconds`` once its segment is named (the run commits meanwhile)."""
    merge = tiers.merge

    def slow(ix: Any, readers: list[Any], named: Any = None) -> Any:
        def naming(name: str) -> None:
            named(name)
            time.sleep(seconds)

        return merge(ix, readers, naming if named else None)

    monkeypatch.setattr(tiers, "merge", slow)


def sizes(engine: SearchEngine) -> list[tuple[int, int]]:
    """Each segment's documents and deleted documents."""
    return [(seg.size, seg.deletions) for seg in codec.segments(engine._index.whoosh.reader())]


def found(engine: SearchEngine, query: str) -> set[str]:
    return {hit.id for hit in SearchEngine(engine.path).search(query, limit=100).hits}


def test_updates_made_while_a_merge_runs_are_carried_to_the_merged_segment(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    first_runs(engine)
    slow_merges(monkeypatch, 2.0)
    monkeypatch.setattr(indexer, "BATCH_SIZE", 2)  # (the run commits three times while the merge runs)
    engine.add_documents([
        {"id": "c-0", "text": "bão số một"},
        {"id": "c-1", "text": "bão số hai"},  # this first commit starts merging the ten segments
        {"id": "b2-1", "text": "đoàn thanh niên sửa lại"},  # updates: deleted from two of the segments being merged
        {"id": "b7-0", "text": "đoàn thanh niên viết lại"},
        {"id": "c-2", "text": "bão số ba"},
    ])
    # The merged segment has the 30 articles of the ten, the two replaced ones deleted in it
    # (merged after the updates, it would hold 28); then the run's own three segments.
    assert sizes(engine) == [(30, 2), (2, 0), (2, 0), (1, 0)]
    assert found(engine, "cong doan") == {f"b{b}-{n}" for b in range(10) for n in range(3)} - {"b2-1", "b7-0"}
    assert found(engine, "doan thanh nien") == {"b2-1", "b7-0"}
    assert found(engine, "bao so") == {"c-0", "c-1", "c-2"}
    assert len(list(Path(engine._index.whoosh.storage.folder).glob("*.tmp*"))) == 0  # (no temporary files left)
    assert multiprocessing.active_children() == []


def test_a_tier_filled_while_a_merge_runs_is_merged_beside_it(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first_runs(engine)
    merge = tiers.merge
    first, second, overlapped = tmp_path / "first", tmp_path / "second", tmp_path / "overlapped"

    def meeting(ix: Any, readers: list[Any], named: Any = None) -> Any:
        def naming(name: str) -> None:  # the first merge waits for the second to start (at most 20 s)
            named(name)
            if first.exists():
                second.touch()
                return
            first.touch()
            deadline = time.monotonic() + 20
            while not second.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if second.exists():
                overlapped.touch()

        return merge(ix, readers, naming if named else None)

    monkeypatch.setattr(tiers, "merge", meeting)
    monkeypatch.setattr(indexer, "BATCH_SIZE", 3)
    # The first commit merges the ten segments of the first runs; the next ten fill the tier again.
    engine.add_documents({"id": f"c{n}", "text": f"bão số {n}"} for n in range(33))
    assert overlapped.exists()
    assert sizes(engine) == [(30, 0), (30, 0), (3, 0)]
    assert len(found(engine, "bao so")) == 33 and len(found(engine, "cong doan")) == 30


@pytest.mark.parametrize("named", [False, True], ids=["before-naming-its-segment", "after"])
def test_a_merge_whose_process_fails_is_made_in_place(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, named: bool) -> None:
    first_runs(engine)
    parent = os.getpid()
    merge = tiers.merge

    def failing_apart(ix: Any, readers: list[Any], naming: Any = None) -> Any:
        def fail(name: str) -> None:
            if named:
                naming(name)
            raise MemoryError("the merge's process ran out of memory")

        return merge(ix, readers, fail if os.getpid() != parent else naming)

    monkeypatch.setattr(tiers, "merge", failing_apart)
    engine.add_documents([{"id": "c-0", "text": "bão số một"}, {"id": "b4-1", "text": "đoàn thanh niên"}])
    assert sizes(engine) == [(29, 0), (2, 0)]
    assert found(engine, "cong doan") == {f"b{b}-{n}" for b in range(10) for n in range(3)} - {"b4-1"}
    assert found(engine, "doan thanh nien") == {"b4-1"}
    assert multiprocessing.active_children() == []


def test_a_run_that_stops_while_a_merge_runs_keeps_what_it_committed(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    first_runs(engine)
    slow_merges(monkeypatch, 30.0)
    monkeypatch.setattr(indexer, "BATCH_SIZE", 2)

    def articles() -> Iterator[dict[str, str]]:
        yield from ({"id": f"c-{n}", "text": f"bão số {n}"} for n in range(3))  # the first two committed, a merge started
        raise KeyboardInterrupt

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        engine.add_documents(articles())
    assert time.monotonic() - start < 20  # (the merge's process is stopped, not awaited)
    assert multiprocessing.active_children() == []
    assert found(engine, "bao so") == {"c-0", "c-1"}
    assert len(segment_files(engine)) == 12  # the eleven segments committed, and the one the merge was writing
    monkeypatch.setattr(tiers, "merge", codec.merge)
    engine.add_documents([{"id": "d-0", "text": "bão số bốn"}])  # the next run merges the ten, and removes what the stopped merge wrote
    assert sizes(engine) == [(30, 0), (2, 0), (1, 0)]
    assert segment_files(engine) == {seg.id for seg in codec.segments(engine._index.whoosh.reader())}
    assert list(Path(engine._index.whoosh.storage.folder).glob("*.tmp*")) == []  # (nor the killed merge's temporary files)


def segment_files(engine: SearchEngine) -> set[str]:
    """The segments that have files in the index's folder."""
    return {path.name.split(".")[0] for path in Path(engine._index.whoosh.storage.folder).glob("MAIN_*.*")}


def test_a_merge_that_does_not_start_in_time_is_stopped_and_made_in_place(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    first_runs(engine)
    parent = os.getpid()
    merge = tiers.merge

    def stuck_apart(ix: Any, readers: list[Any], named: Any = None) -> Any:
        if os.getpid() != parent:
            time.sleep(60)  # (hung before naming its segment)
        return merge(ix, readers, named)

    monkeypatch.setattr(tiers, "merge", stuck_apart)
    monkeypatch.setattr(tiers, "NAMING_SECONDS", 0.5)
    start = time.monotonic()
    engine.add_documents([{"id": "c-0", "text": "bão số một"}])
    assert time.monotonic() - start < 30
    assert sizes(engine) == [(30, 0), (1, 0)]
    assert multiprocessing.active_children() == []

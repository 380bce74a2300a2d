"""Which segments a commit merges, and where the merging is done: the index's merge policy.

Segments of about the same size (the same power of :data:`TIER` articles) are merged
:data:`TIER` at a time into one, smallest first: an article is merged about log(archive /
batch) times, and a search reads a few segments (Whoosh's own policy merged every segment into
one once there were many, more and more costly as the archive grew).

A commit on its own (:func:`merge_tiers`, as a deletion's) merges in place. A run of indexing
(:class:`Merges`) merges in processes of their own while it goes on indexing, as Lucene's
concurrent merge scheduler does: a merge of ten segments is a single-threaded stream of
postings (47 s of a 168 s run at 35k articles), and the commit that made it no longer waits
for it, so the run's articles are searchable batch after batch (bench/RESULTS.md). A merge is
started by a commit that finds a tier full of segments no running merge is merging; its
segment is kept from Whoosh's clean-up until it is done, named by the first commit after that
(the documents deleted meanwhile in the segments it replaces, by updates, deleted in it too),
and awaited when the run ends, so the index a run leaves is merged as if every merge had been
done in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import numpy as np

from . import store
from .codec import Writer, deleted, die_with_parent, merge, open_segment

__all__ = ["TIER", "Merges", "merge_tiers"]

TIER = 10  # segments of about the same size merged into one
NAMING_SECONDS = 60  # a merge's process that has not named its segment by then (it opens ten segments first) is stopped


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """A merge policy (Whoosh's ``mergetype``): ``TIER`` segments of the smallest full tier
    merged into one, in this process."""
    merged = _full_tier(segments)
    return _in_place(writer, segments, merged) if merged else segments


def _in_place(writer: Any, segments: list[Any], merged: list[Any]) -> list[Any]:
    return [segment for segment in segments if segment not in merged] + [_merged(writer, merged)]


class Merges:
    """The merge policy of one run of indexing: each merge in a process of its own (see the
    module's documentation). Call :meth:`finish` when the run's last batch is committed, or
    :meth:`cancel` when the run stops."""

    def __init__(self, open_writer: Callable[[], Writer]):
        self.open_writer = open_writer  # for the commits that name what the run's last merges made
        self.running: list[_Merge] = []

    def __call__(self, writer: Any, segments: list[Any]) -> list[Any]:
        """A merge policy: each merge that is done, its segment in place of those it merged;
        a merge started when a tier is full of segments no running merge is merging."""
        for done in [running for running in self.running if running.done()]:
            segments = done.adopted(writer, segments)
            self.running.remove(done)
        busy = {segment.segment_id() for running in self.running for segment in running.merged}
        if merged := _full_tier([segment for segment in segments if segment.segment_id() not in busy]):
            started = _Merge.start(writer, merged)
            if started.name is None:  # (it failed to start: merged here, which says why if it fails again)
                segments = _in_place(writer, segments, merged)
            else:
                self.running.append(started)
        writer.unfinished = frozenset(running.name for running in self.running)
        return segments

    def finish(self) -> None:
        """Wait for the running merges and commit their segments, then any merge they leave to do."""
        while self.running:
            self.running[0].wait()
            self.open_writer().commit(mergetype=self)

    def cancel(self) -> None:
        """Stop the running merges (their files are removed by the next commit)."""
        for running in self.running:
            running.process.kill()
            running.process.join()
        self.running = []


@dataclass
class _Merge:
    """A merge in a process of its own: ``merged`` (the segments as they were when it started)
    into the segment ``name``."""

    process: BaseProcess
    results: Connection
    merged: list[Any]
    dead: list[np.ndarray]  # each merged segment's deleted documents when it started
    name: str | None  # the new segment's (None: the process failed before making it)

    @classmethod
    def start(cls, writer: Any, merged: list[Any]) -> _Merge:
        context = get_context("fork")
        results, sending = context.Pipe(duplex=False)
        process = context.Process(
            target=_merge_apart, args=(writer, merged, sending, os.getpid()), daemon=True,  # (forked: nothing is pickled)
        )
        dead = [np.array(sorted(segment.deleted_docs()), dtype=np.int64) for segment in merged]
        process.start()
        sending.close()
        kind, value = _received(results) if results.poll(NAMING_SECONDS) else ("failed", None)
        if kind != "named":
            process.kill()
            process.join()
        return cls(process, results, merged, dead, value if kind == "named" else None)

    def done(self) -> bool:
        return self.results.poll()

    def wait(self) -> None:
        self.results.poll(None)

    def adopted(self, writer: Any, segments: list[Any]) -> list[Any]:
        """``segments`` with the merged segment in place of the first it merged (and without
        the others), the documents deleted in them since the merge started deleted in it; if
        the merge failed, merged here instead."""
        kind, value = _received(self.results)
        self.process.join()
        now = {segment.segment_id(): segment for segment in segments}
        if any(segment.segment_id() not in now for segment in self.merged):  # (merged away meanwhile: never within one run)
            return segments
        current = [now[segment.segment_id()] for segment in self.merged]
        if kind == "merged":
            new, start = value, 0
            for segment, dead in zip(current, self.dead):
                kept = np.setdiff1d(np.arange(segment.doc_count_all()), dead)  # its documents' order in the merged segment
                since = np.setdiff1d(np.array(sorted(segment.deleted_docs()), dtype=np.int64), dead)
                for docnum in start + np.searchsorted(kept, since):
                    new.delete_document(int(docnum))
                start += kept.size
        else:
            new = _merged(writer, current)
        first = segments.index(current[0])
        rest = [s for s in segments if s not in current]
        return rest[:first] + [new] + rest[first:]


def _merge_apart(writer: Any, merged: list[Any], results: Connection, parent: int) -> None:
    """The merge's process: sends ("named", the new segment's name) once its files exist, then
    ("merged", the segment), or ("failed", why) if it fails."""
    die_with_parent(parent)
    try:
        new = _merged(writer, merged, named=lambda name: results.send(("named", name)))
        results.send(("merged", new))
    except BaseException as error:  # (the parent then merges in place, where an error of the merge itself is raised again)
        results.send(("failed", f"{type(error).__name__}: {error}"))


def _received(results: Connection) -> tuple[str, Any]:
    try:
        return results.recv()
    except (EOFError, OSError):  # (the process died)
        return "failed", None


def _merged(writer: Any, merged: Sequence[Any], named: Callable[[str], None] | None = None) -> Any:
    """A new segment (not yet committed) with the live documents of ``merged``, and its store."""
    folder = writer.storage.folder
    readers = [open_segment(folder, writer.schema, segment) for segment in merged]
    try:
        new = merge(writer.index, readers, named)
        store.write_merged(folder, new, [(segment, deleted(reader)) for segment, reader in zip(merged, readers)])
    finally:
        for reader in readers:
            reader.close()
    return new


def _full_tier(segments: Sequence[Any]) -> list[Any]:
    """The first ``TIER`` segments of the smallest tier that has that many, or none."""
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        tiers.setdefault(_tier(segment.doc_count()), []).append(segment)
    return next((tiers[tier][:TIER] for tier in sorted(tiers) if len(tiers[tier]) >= TIER), [])


def _tier(documents: int) -> int:
    """The tier of a segment of this many (live) documents: 0 below ``TIER``, 1 below ``TIER``², …

        >>> [_tier(n) for n in (0, 9, 10, 999, 1000, 2500, 25_000)]
        [0, 0, 1, 2, 3, 3, 4]
    """
    tier = 0
    while documents >= TIER:
        documents //= TIER
        tier += 1
    return tier

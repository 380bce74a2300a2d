"""The search store: each Whoosh segment's terms, postings, positions and per-document
columns as flat arrays in one file, read through a memory map.

Whoosh stays the index of record (segments, stored fields, deletions, commits). A store is
derived from one segment, which never changes once written, so it is written once: when the
segment is committed, before the commit names it (:class:`searcher.codec.Writer`), or the
first time a reader finds it missing, outdated or damaged. Nothing a search reads is then
parsed from Whoosh's pickled blocks: a term's postings are two slices of arrays.

One file a segment, ``vnstore/<segment id>.store`` in the Whoosh folder::

    arrays, each starting at a multiple of 64 bytes
    header   JSON: version, segment, documents, and each array's dtype, offset and length
    footer   header length (8 bytes), CRC-32 of everything before the footer (4), magic (8)

A file is written under a temporary name and renamed, so a crash mid-write leaves no partial
store behind. Its size, header and checksum are checked when a process first opens it; a
store that fails is rebuilt (:class:`StoreError` never reaches a user).

    >>> [name for name, _ in FIELDS]
    ['title', 'body', 'id', 'source']
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from . import codec
from . import schema as s

__all__ = ["FIELDS", "VERSION", "FieldStore", "SegmentStore", "StoreError", "build", "load", "merge", "write_merged",
           "write_missing"]

VERSION = 1  # bump when what a store holds, or how, changes: older stores are rebuilt
FOLDER = "vnstore"
FIELDS = ((s.TITLE, True), (s.BODY, True), (s.ID_FIELD, False), (s.SOURCE, False))  # (field, with positions)
_MAGIC = b"VNSTORE\x01"
_FOOTER = struct.Struct("<QI8s")
_ALIGN = 64
_verified: set[tuple[Any, ...]] = set()  # files whose checksum this process has checked
_verifying = threading.Lock()

MERGE_POSTINGS = 1 << 22  # postings a merge's store is made of at a time (see _merged_field)
EMPTY_PLACES = np.zeros(0, dtype=np.uint32)

Progress = Callable[[int, int], None]


class StoreError(Exception):
    """A segment's store is missing, outdated or damaged: it is rebuilt from the segment."""


class FieldStore:
    """One field of a segment: its terms (in Whoosh's order), and for the term numbered ``t``,
    its document frequency, documents, frequencies and positions."""

    def __init__(self, arrays: dict[str, np.ndarray], field: str):
        self.blob, self.ends = arrays[f"{field}.terms"], arrays[f"{field}.term_ends"]
        self.df = arrays[f"{field}.df"]
        self.post_ends = arrays[f"{field}.post_ends"]
        self.docs = arrays[f"{field}.docs"]
        self.frequencies = arrays[f"{field}.freqs"]
        self.positions = arrays.get(f"{field}.positions")
        self.pos_ends = arrays.get(f"{field}.pos_ends")

    def terms(self) -> list[str]:
        """Every term, sorted (decoded from the file: keep the list, see :class:`searcher.reader.Reader`)."""
        return _strings(self.blob, self.ends)

    def postings(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Term ``t``'s documents (ascending) and its frequency in each."""
        low, high = (int(self.post_ends[t - 1]) if t else 0), int(self.post_ends[t])
        return self.docs[low:high], self.frequencies[low:high]

    def count(self, t: int) -> int:
        """How many postings term ``t`` has."""
        return int(self.post_ends[t]) - (int(self.post_ends[t - 1]) if t else 0)

    def keys(self, t: int) -> np.ndarray:
        """Term ``t``'s occurrences as keys ``doc << 32 | position`` (sorted)."""
        positions, pos_ends = self._positioned()
        docs, frequencies = self.postings(t)
        start, end = (int(pos_ends[t - 1]) if t else 0), int(pos_ends[t])
        return (np.repeat(docs.astype(np.int64), frequencies.astype(np.int64)) << 32) | positions[start:end].astype(np.int64)

    def chosen_keys(self, terms: Sequence[int], chosen: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The occurrences (keys ``doc << 32 | position``) of some postings of several terms,
        read together: ``terms[b]``'s postings numbered ``chosen[b]`` (ascending, at least
        one). All the keys (each term's sorted, in the order of ``terms``), and how many each
        term has. A term's postings before its last chosen one are read once, as a slice
        (where its chosen postings' positions start); the positions are gathered at once."""
        positions, pos_ends = self._positioned()
        firsts, counts, docs = [], [], []
        for t, mine in zip(terms, chosen):
            low, start = (int(self.post_ends[t - 1]), int(pos_ends[t - 1])) if t else (0, 0)
            frequencies = self.frequencies[low : low + int(mine[-1]) + 1].astype(np.int64)
            count = frequencies[mine]
            firsts.append(start + np.cumsum(frequencies)[mine] - count)
            counts.append(count)
            docs.append(self.docs[low + mine])
        every = np.concatenate(counts)
        # Each chosen posting's run of positions, gathered in one index array.
        places = positions[np.repeat(np.concatenate(firsts) - (np.cumsum(every) - every), every) + np.arange(int(every.sum()))]
        keys = (np.repeat(np.concatenate(docs).astype(np.int64), every) << 32) | places.astype(np.int64)
        return keys, np.array([int(count.sum()) for count in counts], dtype=np.int64)

    def _positioned(self) -> tuple[np.ndarray, np.ndarray]:
        if self.positions is None or self.pos_ends is None:
            raise ValueError("this field keeps no positions")
        return self.positions, self.pos_ends


class SegmentStore:
    """One segment's store, open: its fields and per-document columns (segment docnums)."""

    def __init__(self, segment: str, size: int, arrays: dict[str, np.ndarray]):
        self.segment = segment
        self.size = size
        self.fields = {field: FieldStore(arrays, field) for field, _ in FIELDS}
        self._arrays = arrays

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length in ``field`` (Whoosh's one-byte approximation)."""
        return self._arrays[f"{field}.lengths"]

    def dates(self) -> np.ndarray:
        """Each document's publication day (``date.toordinal()``); 0 when unknown."""
        return self._arrays["dates"]

    def groups(self) -> np.ndarray:
        """Each document's near-duplicate group key (0: none)."""
        return self._arrays["groups"]

    def ids(self) -> list[str]:
        return _strings(self._arrays["ids"], self._arrays["id_ends"])


# -- building and writing -----------------------------------------------------------------


def build(leaf: Any) -> dict[str, np.ndarray]:
    """The arrays of one Whoosh segment (``leaf``, a segment reader), read in one pass."""
    arrays: dict[str, np.ndarray] = {}
    for field, with_positions in FIELDS:
        words, counts, docs, frequencies, places = [], [], [], [], []
        for term, df, d, f, p in codec.every_posting(leaf, field, with_positions):
            words.append(term)
            counts.append(df)
            docs.append(d)
            frequencies.append(f)
            places.append(p)
        arrays[f"{field}.terms"], arrays[f"{field}.term_ends"] = _encoded(words)
        arrays[f"{field}.df"] = np.array(counts, dtype=np.int32)
        arrays[f"{field}.post_ends"] = np.cumsum([d.size for d in docs], dtype=np.int64)
        arrays[f"{field}.docs"] = _joined(docs, np.int32)
        arrays[f"{field}.freqs"] = _joined(frequencies, np.float32)
        if with_positions:
            arrays[f"{field}.pos_ends"] = np.cumsum([p.size for p in places], dtype=np.int64)
            arrays[f"{field}.positions"] = _joined(places, np.uint32)
            if arrays[f"{field}.positions"].size != int(arrays[f"{field}.freqs"].sum()):
                raise ValueError(f"{field}: frequencies are not counts of positions (a boosted field?)")
    for field in (s.TITLE, s.BODY):
        arrays[f"{field}.lengths"] = codec.field_lengths(leaf, field).astype(np.float32)
    arrays["dates"] = codec.day_numbers(leaf, s.DATE).astype(np.int32)
    arrays["groups"] = codec.numbers(leaf, s.GROUP).astype(np.uint64)
    arrays["ids"], arrays["id_ends"] = _encoded(codec.id_values(leaf, s.ID_FIELD))
    return arrays


def merge(folder: str | os.PathLike[str], segment: str, parts: Sequence[tuple[SegmentStore, np.ndarray]]) -> Path:
    """Write the store of a segment merged from others (``parts``: each one's store and its
    deleted documents, in the merge's order), from their stores: what :func:`build` would read
    from the merged segment, without reading its Whoosh files back. Its postings and
    positions are made and written a run of terms at a time (:data:`MERGE_POSTINGS` postings
    or so), each into its place in the file: besides the vocabularies and per-document
    columns, what a merge holds does not grow with the segments merged."""
    live = []
    for part, dead in parts:
        alive = np.ones(part.size, dtype=bool)
        alive[dead] = False
        live.append(alive)
    offsets = np.cumsum([0] + [int(alive.sum()) for alive in live])
    # Each part's documents' numbers in the merged segment (-1: deleted, not carried over).
    numbers = [np.where(alive, np.cumsum(alive) - 1 + offset, -1) for alive, offset in zip(live, offsets)]
    with _File(folder, segment) as file:
        for field, with_positions in FIELDS:
            _merge_field(file, [part.fields[field] for part, _ in parts], numbers, field, with_positions)
        for name in (f"{s.TITLE}.lengths", f"{s.BODY}.lengths", "dates", "groups"):
            file.put(name, np.concatenate([part._arrays[name][alive] for (part, _), alive in zip(parts, live)]))
        ids = [i for (part, _), alive in zip(parts, live) for i, kept in zip(part.ids(), alive.tolist()) if kept]
        for name, array in zip(("ids", "id_ends"), _encoded(ids)):
            file.put(name, array)
        return file.close(int(offsets[-1]))


def _merge_field(file: _File, fields: list[FieldStore], numbers: list[np.ndarray], field: str, with_positions: bool) -> None:
    """Write one field's arrays of a merged segment: each term's live postings of every part,
    in order. The postings and positions arrays are laid out first, at their sizes (counted
    over the parts' live postings), and filled a run of terms at a time."""
    vocabularies = [f.terms() for f in fields]
    union = sorted(set().union(*vocabularies))
    index = {term: n for n, term in enumerate(union)}
    mapped = [np.fromiter((index[t] for t in vocabulary), dtype=np.int64, count=len(vocabulary)) for vocabulary in vocabularies]
    postings = np.zeros(len(union), dtype=np.int64)  # each term's postings in all parts, deleted ones too
    for f, numbered in zip(fields, mapped):
        postings[numbered] += np.diff(f.post_ends, prepend=0)
    ends = np.cumsum(postings)
    cuts = np.unique(np.searchsorted(ends, np.arange(MERGE_POSTINGS, int(ends[-1]) if ends.size else 0, MERGE_POSTINGS)))
    bounds = [0, *(int(c) for c in cuts if 0 < c < len(union)), len(union)]
    live_postings, live_places = _live(fields, numbers, with_positions)
    file.reserve(f"{field}.docs", np.int32, live_postings)
    file.reserve(f"{field}.freqs", np.float32, live_postings)
    if with_positions:
        file.reserve(f"{field}.positions", np.uint32, live_places)
    per_term, per_term_places = np.zeros(len(union), dtype=np.int64), np.zeros(len(union), dtype=np.int64)
    written = placed = 0
    for low, high in zip(bounds, bounds[1:]):
        chunk = _merged_terms(fields, mapped, numbers, low, high, with_positions)
        if chunk is None:
            continue
        per_term[low:high], docs, frequencies, per_term_places[low:high], places = chunk
        file.fill(f"{field}.docs", written, docs)
        file.fill(f"{field}.freqs", written, frequencies)
        written += docs.size
        if with_positions:
            file.fill(f"{field}.positions", placed, places)
            placed += places.size
    if (written, placed) != (live_postings, live_places):
        raise AssertionError(f"{field}: {written:,} postings and {placed:,} positions merged, {live_postings:,} and {live_places:,} counted")
    present = np.flatnonzero(per_term)
    for name, array in zip((f"{field}.terms", f"{field}.term_ends"), _encoded(union[n] for n in present.tolist())):
        file.put(name, array)
    file.put(f"{field}.df", per_term[present].astype(np.int32))
    file.put(f"{field}.post_ends", np.cumsum(per_term[present], dtype=np.int64))
    if with_positions:
        file.put(f"{field}.pos_ends", np.cumsum(per_term_places[present], dtype=np.int64))


def _live(fields: list[FieldStore], numbers: list[np.ndarray], with_positions: bool) -> tuple[int, int]:
    """How many of the parts' postings are of live documents, and how many positions they
    have (0 without positions), counted :data:`MERGE_POSTINGS` postings at a time."""
    postings = places = 0
    for f, renumber in zip(fields, numbers):
        for start in range(0, f.docs.size, MERGE_POSTINGS):
            kept = renumber[f.docs[start : start + MERGE_POSTINGS]] >= 0
            postings += int(np.count_nonzero(kept))
            if with_positions:
                places += int(f.frequencies[start : start + MERGE_POSTINGS][kept].sum(dtype=np.float64))
    return postings, places


def _merged_terms(
    fields: list[FieldStore], mapped: list[np.ndarray], numbers: list[np.ndarray], low: int, high: int, with_positions: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The merged postings of the terms numbered ``low`` to ``high`` (excluded) in the union of
    the parts' vocabularies (``mapped``: each part's terms' numbers there, ascending): each
    term's live postings and its positions, and the documents (new numbers), frequencies and
    positions of them all, by term, then part, then document; None if no part has any."""
    term_of, docs, frequencies, places, runs = [], [], [], [], []
    for f, numbered, renumber in zip(fields, mapped, numbers):
        first, last = int(np.searchsorted(numbered, low)), int(np.searchsorted(numbered, high))
        if first == last:
            continue
        start, end = (int(f.post_ends[first - 1]) if first else 0), int(f.post_ends[last - 1])
        new = renumber[f.docs[start:end]]
        kept = new >= 0
        counts = np.diff(f.post_ends[first:last], prepend=start)
        term_of.append(np.repeat(numbered[first:last] - low, counts)[kept])
        docs.append(new[kept])
        frequency = f.frequencies[start:end]
        frequencies.append(frequency[kept])
        if with_positions:
            assert f.positions is not None and f.pos_ends is not None
            begin, finish = (int(f.pos_ends[first - 1]) if first else 0), int(f.pos_ends[last - 1])
            places.append(f.positions[begin:finish][np.repeat(kept, frequency.astype(np.int64))])
            runs.append(frequency[kept].astype(np.int64))
    if not term_of:
        return None
    term = np.concatenate(term_of)
    order = np.argsort(term, kind="stable")  # by term; within one, parts in order, documents ascending
    per_term = np.bincount(term, minlength=high - low)
    ordered_places, per_term_places = EMPTY_PLACES, np.zeros(high - low, dtype=np.int64)
    if with_positions:
        run = np.concatenate(runs)
        starts = np.cumsum(run) - run  # where each posting's positions start, before sorting
        moved = run[order]
        gather = np.repeat(starts[order] - (np.cumsum(moved) - moved), moved) + np.arange(int(moved.sum()))
        ordered_places = _joined(places, np.uint32)[gather]
        per_term_places = np.bincount(term, weights=run, minlength=high - low).astype(np.int64)
    return per_term, _joined(docs, np.int32)[order], _joined(frequencies, np.float32)[order], per_term_places, ordered_places


def path_of(folder: str | os.PathLike[str], segment: str) -> Path:
    return Path(folder) / FOLDER / f"{segment}.store"


def write(folder: str | os.PathLike[str], segment: str, size: int, arrays: Mapping[str, np.ndarray]) -> Path:
    """Write one segment's store (to a temporary name, then renamed into place)."""
    with _File(folder, segment) as file:
        for name, array in arrays.items():
            file.put(name, array)
        return file.close(size)


class _File:
    """A store file being written under a temporary name: its arrays laid out one after the
    other (each at a multiple of 64 bytes), each written whole (:meth:`put`) or reserved and
    filled in pieces (:meth:`fill`); :meth:`close` adds the header and footer and renames it
    into place. Left without closing (an error), the temporary file is removed."""

    def __init__(self, folder: str | os.PathLike[str], segment: str):
        self.segment = segment
        self.final = path_of(folder, segment)
        self.final.parent.mkdir(exist_ok=True)
        self.temporary = self.final.with_name(f".{segment}.{os.getpid()}.tmp")
        self.descriptor = os.open(self.temporary, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self.entries: dict[str, list[Any]] = {}  # name: [dtype, offset, count]
        self.end = 0

    def __enter__(self) -> _File:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1
        if kind is not None:
            self.temporary.unlink(missing_ok=True)

    def reserve(self, name: str, dtype: Any, count: int) -> None:
        """Lay out an array of ``count`` items of ``dtype`` after the others."""
        offset = self.end + -self.end % _ALIGN
        self.entries[name] = [np.dtype(dtype).str, offset, count]
        self.end = offset + np.dtype(dtype).itemsize * count

    def put(self, name: str, array: np.ndarray) -> None:
        """Lay out an array after the others and write it."""
        self.reserve(name, array.dtype, array.size)
        self.fill(name, 0, array)

    def fill(self, name: str, at: int, array: np.ndarray) -> None:
        """Write ``array`` as the items ``at``... of the array ``name`` laid out before."""
        dtype, offset, count = self.entries[name]
        if array.dtype != np.dtype(dtype) or at + array.size > count:
            raise ValueError(f"{name}: {array.size} items of {array.dtype} do not fit at {at} of {count} of {dtype}")
        data = np.ascontiguousarray(array).reshape(-1).view(np.uint8).data
        position = offset + at * array.itemsize
        while data:  # (one call writes at most about 2 GB)
            done = os.pwrite(self.descriptor, data, position)
            data, position = data[done:], position + done

    def close(self, size: int) -> Path:
        """Finish the file (``size``: the segment's documents) and rename it into place."""
        os.ftruncate(self.descriptor, self.end)  # (padding, and the end of a last empty array: zeros)
        crc = 0
        for start in range(0, self.end, 1 << 24):  # the checksum, of the file as written
            crc = zlib.crc32(os.pread(self.descriptor, min(1 << 24, self.end - start), start), crc)
        header = json.dumps({"version": VERSION, "segment": self.segment, "documents": size, "arrays": self.entries}).encode()
        footer = header + _FOOTER.pack(len(header), zlib.crc32(header, crc), _MAGIC)
        if os.pwrite(self.descriptor, footer, self.end) != len(footer):
            raise OSError(f"short write to {self.temporary}")
        os.fsync(self.descriptor)
        os.close(self.descriptor)
        self.descriptor = -1
        os.replace(self.temporary, self.final)
        _mark(self.final)  # (its checksum was computed from what was written)
        return self.final


def open_store(folder: str | os.PathLike[str], segment: str, size: int) -> SegmentStore:
    """The store of one segment, checked: :class:`StoreError` when it is missing, of another
    version or segment, truncated or damaged."""
    path = path_of(folder, segment)
    try:
        stat = path.stat()
        if stat.st_size < _FOOTER.size:
            raise StoreError(f"{path.name} is truncated")
        with open(path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        # Plain arrays over the map (np.memmap's own slicing costs microseconds a slice).
        data = np.frombuffer(mapped, dtype=np.uint8)
    except FileNotFoundError:
        raise StoreError(f"{path.name} is missing") from None
    except (OSError, ValueError) as error:
        raise StoreError(f"{path.name} cannot be read ({error})") from None
    length, crc, magic = _FOOTER.unpack(data[-_FOOTER.size :].tobytes())
    end = data.size - _FOOTER.size
    if magic != _MAGIC or length > end:
        raise StoreError(f"{path.name} is truncated or damaged")
    try:
        header = json.loads(data[end - length : end].tobytes())
    except ValueError:
        raise StoreError(f"{path.name} is damaged") from None
    if header.get("version") != VERSION:
        raise StoreError(f"{path.name} was written by another version")
    if header.get("segment") != segment or header.get("documents") != size:
        raise StoreError(f"{path.name} belongs to another segment")
    _verify(path, stat, data[:end], crc)
    arrays = {}
    for name, (dtype, offset, count) in header["arrays"].items():
        width = np.dtype(dtype).itemsize
        if offset + width * count > end - length:
            raise StoreError(f"{path.name} is truncated")
        arrays[name] = data[offset : offset + width * count].view(dtype)
    return SegmentStore(segment, size, arrays)


def _verify(path: Path, stat: os.stat_result, data: np.ndarray, crc: int) -> None:
    """Check a file's checksum, once: a file whose checksum was checked (or that was written
    whole) is marked so beside it (``.verified``: its inode, size and times). Any write to the
    file changes its times, and a file put in its place another inode, so a changed file is
    checked again; damage at rest after the check (the disk's own) is not looked for again,
    as Lucene does not either."""
    key = _identity(stat)
    with _verifying:
        if (str(path), key) in _verified:
            return
    marker = path.with_suffix(".verified")
    try:
        marked = marker.read_text(encoding="ascii") == key
    except (OSError, UnicodeDecodeError):
        marked = False
    if not marked:
        if zlib.crc32(data.data) != crc:
            raise StoreError(f"{path.name} is damaged (checksum)")
        _mark(path)
    with _verifying:
        _verified.add((str(path), key))


def _identity(stat: os.stat_result) -> str:
    return f"{stat.st_ino} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}"


def _mark(path: Path) -> None:
    """Mark a store file as checked (see :func:`_verify`), where the folder can be written."""
    try:
        temporary = path.with_name(f".{path.stem}.verified.{os.getpid()}.tmp")
        temporary.write_text(_identity(path.stat()), encoding="ascii")
        os.replace(temporary, path.with_suffix(".verified"))
    except OSError:
        pass


def load(folder: str | os.PathLike[str], leaf: Any, segment: str, size: int) -> SegmentStore:
    """The segment's store, built (and written, where the folder can be written) when it
    cannot be opened; the caller says so."""
    arrays = build(leaf)
    try:
        write(folder, segment, size, arrays)
        return open_store(folder, segment, size)
    except (OSError, StoreError):  # a folder this process cannot write: kept in memory
        return SegmentStore(segment, size, arrays)


def write_merged(folder: str, segment: Any, parts: Sequence[tuple[Any, np.ndarray]]) -> None:
    """Write the store of ``segment``, merged from ``parts`` (each a Whoosh segment and its
    deleted documents), from their stores; when one of those cannot be opened, nothing is
    written here (:func:`write_missing` then builds it from the merged segment)."""
    try:
        stores = [(open_store(folder, part.segment_id(), part.doc_count_all()), dead) for part, dead in parts]
    except StoreError:
        return
    merge(folder, segment.segment_id(), stores)


def write_missing(folder: str, schema: Any, segments: Sequence[Any], processes: int = 1, unfinished: Collection[str] = ()) -> None:
    """Write the store of each of ``segments`` (Whoosh segments, about to be committed) that
    has none, ``processes`` at a time; then remove the stores of other segments but the
    ``unfinished`` ones (being merged by another process, for a later commit)."""
    wanted = [(seg.segment_id(), seg.doc_count_all(), seg) for seg in segments]
    missing = [(folder, schema, seg) for name, size, seg in wanted if not _usable(folder, name, size)]
    if len(missing) > 1 and processes > 1:
        context = get_context("fork")
        with ProcessPoolExecutor(min(processes, len(missing)), mp_context=context, initializer=codec.die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            list(pool.map(_write_one, missing))
    else:
        for job in missing:
            _write_one(job)
    _remove_others(folder, {name for name, _, _ in wanted} | set(unfinished))


def _write_one(job: tuple[str, Any, Any]) -> None:
    folder, schema, segment = job
    leaf = codec.open_segment(folder, schema, segment)
    try:
        write(folder, segment.segment_id(), segment.doc_count_all(), build(leaf))
    finally:
        leaf.close()


def _usable(folder: str, segment: str, size: int) -> bool:
    """Whether a segment has a store of this version (its checksum is checked by readers)."""
    path = path_of(folder, segment)
    try:
        with open(path, "rb") as file:
            file.seek(-_FOOTER.size, os.SEEK_END)
            length, _, magic = _FOOTER.unpack(file.read(_FOOTER.size))
            file.seek(-_FOOTER.size - length, os.SEEK_END)
            header = json.loads(file.read(length))
    except (OSError, ValueError, struct.error):
        return False
    return magic == _MAGIC and (header.get("version"), header.get("segment"), header.get("documents")) == (VERSION, segment, size)


def _remove_others(folder: str, keep: set[str]) -> None:
    """Remove the stores of segments no longer committed, and temporary files of writers gone."""
    directory = Path(folder) / FOLDER
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.suffix in (".store", ".verified") and path.stem not in keep:
            path.unlink(missing_ok=True)
        elif path.suffix == ".tmp" and not codec.alive(path.name.split(".")[-2]):
            path.unlink(missing_ok=True)


def _encoded(strings: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 array and where each ends (in characters of the decoded text)."""
    strings = list(strings)
    text = "".join(strings)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8), np.cumsum([len(t) for t in strings], dtype=np.int64)


def _strings(blob: np.ndarray, ends: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    bounds = ends.tolist()
    return [text[a:b] for a, b in zip([0, *bounds[:-1]], bounds)]


def _joined(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)

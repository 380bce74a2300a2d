"""The only code that reads Whoosh's private structures (whoosh-reloaded 2.7; see pyproject).

Whoosh's public matchers step through postings one at a time in Python; its W3 codec stores
them in blocks of up to 128, which are read here whole into numpy arrays. Everything a
segment holds is returned with the segment's own document numbers and *with* its deleted
documents: segments never change once written (only their deletions do), so what is read
here can be kept for as long as the segment exists, and deletions are applied by the caller.

Also here: the DATETIME and field-length columns read as arrays, the multi-process writer
whose workers die with their parent, and the writers' commits that leave in place the files of
a merge still being written by another process (:mod:`searcher.tiers`). ``tests/test_codec.py`` checks every reader
against Whoosh's own matchers.

Exceptions raised by Whoosh while reading become :class:`ReadError` (the index's files are
damaged); any other exception is a bug and is left alone.
"""

from __future__ import annotations

import ctypes
import heapq
import io
import os
import pickle
import shutil
import signal
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import multiproc
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex, clean_files
from whoosh.matching.wrappers import FilterMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

__all__ = ["ParallelWriter", "ReadError", "Segment", "Writer", "alive", "day_numbers", "deleted", "die_with_parent", "doc_frequency",
           "every_posting", "field_lengths", "id_values", "merge", "numbers", "open_segment", "positions", "postings", "segments",
           "stored_values", "terms"]

# Whoosh signals a malformed file with these (a bare ``Exception`` for a bad block tag).
_READ_ERRORS = (OSError, EOFError, ValueError, KeyError, IndexError, struct.error, zlib.error, pickle.UnpicklingError)
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_MICROSECONDS_PER_DAY = 86_400_000_000
_MAX_ORDINAL = 3_652_059  # dt.date.max.toordinal()
_TAG = len(WHOOSH3_HEADER_MAGIC)  # before a term's first block
_DOC_FREQUENCY = slice(5, 9)  # in a W3 term info: flags (B), weight (f), then the document frequency (I)


class ReadError(Exception):
    """An index file could not be read: the index is damaged."""


@contextmanager
def reading() -> Iterator[None]:
    """Turn what Whoosh raises for a damaged file into :class:`ReadError`."""
    try:
        yield
    except _READ_ERRORS as error:
        raise ReadError(f"{type(error).__name__}: {error}") from error
    except Exception as error:
        if type(error) is Exception:  # Whoosh's own "Block tag error" and the like
            raise ReadError(str(error)) from error
        raise


@dataclass(frozen=True)
class Segment:
    """One segment of an open index: ``id`` is stable for the segment's life, ``offset`` is
    where its documents start among the reader's document numbers."""

    id: str
    offset: int
    size: int  # documents, deleted ones included
    deletions: int
    leaf: Any  # whoosh.reading.SegmentReader
    folder: str | None  # of the index's files (None: not in a folder)


def segments(reader: Any) -> list[Segment]:
    """The segments of a Whoosh reader, in document-number order."""
    with reading():
        found = []
        for leaf, offset in reader.leaf_readers():
            segment = leaf.segment()
            if segment is None:  # an index with no documents yet
                continue
            folder = getattr(leaf._storage, "folder", None)
            found.append(Segment(segment.segment_id(), offset, leaf.doc_count_all(), segment.deleted_count(), leaf, folder))
        return found


def deleted(leaf: Any) -> np.ndarray:
    """The segment's deleted documents (its own numbers), sorted."""
    with reading():
        return np.array(sorted(leaf.segment().deleted_docs()), dtype=np.int64)


def terms(leaf: Any, field: str) -> tuple[list[str], np.ndarray]:
    """Every term of ``field`` in the segment, sorted, and its document frequency (deleted
    documents included), read in one pass over the terms table."""
    with reading():
        if field not in leaf.schema:
            return [], np.zeros(0, dtype=np.int64)
        table = leaf._terms
        if not hasattr(table, "_tindex"):  # another codec: Whoosh's public (slower) way
            found = [(term.decode("utf-8"), info.doc_frequency()) for term, info in leaf.iter_field(field)]
            return [t for t, _ in found], np.array([f for _, f in found], dtype=np.int64)
        prefix = table._keycoder(field, b"")
        words, counts = [], []
        for key, value in table._tindex.items_from(prefix):
            if not key.startswith(prefix):
                break
            words.append(key[len(prefix):].decode("utf-8"))
            counts.append(value[_DOC_FREQUENCY])
        return words, np.frombuffer(b"".join(counts), dtype=">u4").astype(np.int64)


def doc_frequency(leaf: Any, field: str, term: str) -> int:
    """How many of the segment's documents have ``term`` in ``field`` (deleted ones
    included), from the term's entry in the terms table: no postings are read."""
    with reading():
        if field not in leaf.schema:
            return 0
        return int(leaf.doc_frequency(field, term.encode("utf-8")))


def open_segment(folder: str, schema: Any, segment: Any) -> Any:
    """A reader of one segment of the Whoosh index in ``folder`` (committed or about to be)."""
    with reading():
        return SegmentReader(FileStorage(folder), schema, segment)


def id_values(leaf: Any, field: str) -> list[str]:
    """The value of a sortable ID field (a column) in each of the segment's documents."""
    with reading():
        column = leaf.column_reader(field)
        return [value.decode("utf-8") if isinstance(value, bytes) else str(value) for value in column]


def stored_values(leaf: Any, field: str) -> list[Any]:
    """The stored value of ``field`` in each of the segment's documents (None where unset)."""
    with reading():
        column = leaf._perdoc._cached_reader("_stored", STORED_COLUMN)
        if column is None:
            return [None] * leaf.doc_count_all()
        return [(stored or {}).get(field) for stored in column]


def postings(leaf: Any, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """The documents (int32, ascending) with ``term`` in ``field`` and its frequency in each."""
    blocks = [(ids, weights) for ids, weights, _ in _blocks(leaf, field, term, False)]
    if not blocks:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


def positions(leaf: Any, field: str, term: str, among: np.ndarray | None = None) -> np.ndarray:
    """Sorted keys ``doc << 32 | position`` of every occurrence of ``term`` in ``field``
    (only in the sorted documents ``among``, when given: other blocks are not decoded)."""
    keys = []
    for ids, _, values in _blocks(leaf, field, term, True, among):
        counts, found = _decode_positions(values)
        block = (np.repeat(ids.astype(np.int64), counts) << 32) | found
        if among is not None:
            block = block[np.isin(block >> 32, among)]
        keys.append(block)
    return np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)


def _blocks(
    leaf: Any, field: str, term: str, with_values: bool, among: np.ndarray | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray, tuple[bytes, ...]]]:
    """One term's postings in one segment, a block at a time: docnums, frequencies and (when
    asked) the encoded positions, deleted documents included. With ``among`` (sorted
    docnums), blocks holding none of them are skipped unread."""
    raw = term.encode("utf-8")
    with reading():
        if field not in leaf.schema or (field, raw) not in leaf:
            return
        # Not leaf.postings(): its filter of deleted documents steps over them as it starts,
        # and a block holding only deleted ones would be skipped unread.
        matcher = leaf._terms.matcher(field, raw, leaf.schema[field].format)
        yield from _matcher_blocks(matcher, with_values, among)


def _matcher_blocks(
    matcher: Any, with_values: bool, among: np.ndarray | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray, tuple[bytes, ...]]]:
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # inlined postings, another codec: one posting at a time
        while matcher.is_active():
            one = (matcher.value(),) if with_values else ()
            yield np.array([matcher.id()], dtype=np.int32), np.array([matcher.weight()], dtype=np.float32), one
            matcher.next()
        return
    passed = -1  # the last docnum of the blocks already read or skipped
    while matcher.is_active():
        if among is not None:  # a block holds the documents after ``passed``, up to its last
            low = int(np.searchsorted(among, passed, side="right"))
            if low == among.size:
                return
            passed = matcher._maxid
            if among[low] > passed:
                matcher._next_block()
                continue
        yield _read_block(matcher, with_values)
        matcher._next_block()


def _term_infos(leaf: Any, field: str) -> Iterator[tuple[bytes, Any]]:
    """Each term of ``field`` in order, with its entry in the terms table."""
    table = leaf._terms
    if not hasattr(table, "_tindex"):  # another codec: Whoosh's public (slower) way
        yield from ((term, table.term_info(field, term)) for term, _ in leaf.iter_field(field))
        return
    prefix = table._keycoder(field, b"")
    for key, value in table._tindex.items_from(prefix):
        if not key.startswith(prefix):
            return
        yield key[len(prefix):], W3TermInfo.from_bytes(value)


def every_posting(leaf: Any, field: str, with_positions: bool) -> Iterator[tuple[str, int, np.ndarray, np.ndarray, np.ndarray]]:
    """Every term of ``field`` in the segment, in order, with its document frequency, its
    documents (int32), its frequency in each (float32) and, ``with_positions``, the positions
    of each posting one after the other (uint32; as many for a posting as its frequency):
    the whole field read in one pass, for :mod:`searcher.store`."""
    no_positions = np.zeros(0, dtype=np.uint32)
    with reading():
        if field not in leaf.schema:
            return
        table, format_ = leaf._terms, leaf.schema[field].format
        for raw, info in _term_infos(leaf, field):
            if isinstance(info, W3TermInfo) and not info.is_inlined():
                blocks = _extent_blocks(table._postfile, info, with_positions)
            else:
                blocks = _matcher_blocks(table._codec.postings_reader(table._postfile, info, format_, term=(field, raw)), with_positions)
            docs, frequencies, places = [], [], []
            for ids, weights, values in blocks:
                docs.append(ids)
                frequencies.append(weights)
                if with_positions:
                    places.append(_decode_positions(values)[1].astype(np.uint32))
            yield (raw.decode("utf-8"), int(info.doc_frequency()), np.concatenate(docs), np.concatenate(frequencies),
                   np.concatenate(places) if places else no_positions)


def live_postings(leaf: Any) -> Iterator[tuple[str, bytes, int, float, Any]]:
    """Every posting of the segment's live documents in order (field, term, document), as
    Whoosh's ``iter_postings`` gives them (field name, term bytes, docnum, weight, encoded
    value), but a block at a time rather than through a matcher's calls for each posting."""
    dead = set(deleted(leaf).tolist())
    table = leaf._terms
    if not hasattr(table, "_tindex"):  # another codec
        yield from leaf.iter_postings()
        return
    with reading():
        for key, value in table._tindex.items():
            field, raw = table._keydecoder(key)
            if field not in leaf.schema:
                continue
            matcher = table._codec.postings_reader(table._postfile, W3TermInfo.from_bytes(value), leaf.schema[field].format,
                                                   term=(field, raw))
            if not isinstance(matcher, W3LeafMatcher):  # inlined postings
                while matcher.is_active():
                    if matcher.id() not in dead:
                        yield field, raw, matcher.id(), matcher.weight(), matcher.value()
                    matcher.next()
                continue
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                matcher._read_values()
                for docnum, weight, encoded in zip(matcher._ids, matcher._weights, matcher._values):
                    if docnum not in dead:
                        yield field, raw, docnum, weight, encoded
                matcher._next_block()


def _read_block(matcher: Any, with_values: bool) -> tuple[np.ndarray, np.ndarray, tuple[bytes, ...]]:
    """The block a W3 matcher is on."""
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    return _decoded(data, matcher._compression, with_values, gaps=not matcher._byteids)


def _extent_blocks(postfile: Any, info: Any, with_values: bool) -> Iterator[tuple[np.ndarray, np.ndarray, tuple[bytes, ...]]]:
    """A term's blocks, its extent of the postings file read at once (a matcher seeks to each
    block and asks the file where it is after its header, system calls that took a seventh of
    a store's making): the header tag, then for each block its length (negative for the last),
    its pickled header (postings, last id, top weight, compression, lengths) and its data."""
    offset, length = info.extent()
    if isinstance(length, tuple):  # (Whoosh reads a term info's length back as struct.unpack's tuple)
        (length,) = length
    extent = postfile.get(offset, length)
    if extent[:_TAG] != WHOOSH3_HEADER_MAGIC:
        raise ReadError(f"Block tag error {extent[:_TAG]!r}")
    stream = io.BytesIO(extent)
    at = _TAG
    while True:
        (size,) = unpack_int(extent[at : at + _INT_SIZE])
        stream.seek(at + _INT_SIZE)
        compression = pickle.load(stream)[3]
        end = at + _INT_SIZE + abs(size)
        yield _decoded(extent[stream.tell() : end], compression, with_values)
        if size < 0 or end >= length:
            return
        at = end


def _decoded(data: bytes, compression: int, with_values: bool, gaps: bool = True) -> tuple[np.ndarray, np.ndarray, tuple[bytes, ...]]:
    """A W3 block's data: one pickled (ids, or their gaps; weights; values), maybe compressed."""
    if compression:
        data = zlib.decompress(data)
    found, weights, values = pickle.loads(data)
    ids = np.asarray(found, dtype=np.int64)
    if gaps:
        ids = np.cumsum(ids)
    count = ids.size
    if weights is None:
        frequencies = np.ones(count, dtype=np.float32)
    elif isinstance(weights, float):
        frequencies = np.full(count, weights, dtype=np.float32)
    else:
        frequencies = np.asarray(weights, dtype=np.float32)
    return ids.astype(np.int32), frequencies, (tuple(values) if with_values else ())


def _decode_positions(values: tuple[bytes, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's ``Positions`` format, a block of postings at once: each value is a count,
    then a pickled list of the gaps between positions. The lists are unpickled as one
    (their pickles' bodies inside one outer list) and summed as one array."""
    end = -1 if values[0].endswith(b".") else None  # (one writer wrote the whole block)
    bodies = b"".join([v[6:end] for v in values])
    lists = pickle.loads(b"\x80\x02](" + bodies + b"e.")
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    summed = np.cumsum(np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.concatenate(([0], summed[ends[:-1] - 1]))  # each list's gaps start from 0
    return counts, summed - np.repeat(before, counts)


def field_lengths(leaf: Any, field: str) -> np.ndarray:
    """Each document's length in ``field`` (in terms, as Whoosh approximates it: one byte)."""
    with reading():
        column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        size = leaf.doc_count_all()
        if column is None:
            return np.zeros(size, dtype=np.float32)
        codes = _numeric_column(column, size, np.uint8)
    return _LENGTHS[codes]


def numbers(leaf: Any, field: str) -> np.ndarray:
    """An unsigned 64-bit numeric column (``NumericColumn("Q")``); 0 where unset."""
    size = leaf.doc_count_all()
    with reading():
        if field not in leaf.schema or not leaf.has_column(field):
            return np.zeros(size, dtype=np.uint64)
        return _numeric_column(leaf.column_reader(field, translate=False), size, np.dtype(">u8")).astype(np.uint64)


def day_numbers(leaf: Any, field: str) -> np.ndarray:
    """A DATETIME column as proleptic day numbers (``date.toordinal()``); 0 where unset."""
    size = leaf.doc_count_all()
    with reading():
        if not leaf.has_column(field):
            return np.zeros(size, dtype=np.int64)
        # Whoosh keeps microseconds since datetime.min; an unset date is the type's maximum.
        raw = _numeric_column(leaf.column_reader(field, translate=False), size, np.dtype(">u8"))
    days = raw // _MICROSECONDS_PER_DAY + 1
    return np.where(days <= _MAX_ORDINAL, days, 0).astype(np.int64)


def _numeric_column(column: Any, size: int, dtype: Any) -> np.ndarray:
    """A fixed-width numeric column as an array of ``size`` values, read in one piece."""
    width = np.dtype(dtype).itemsize
    stored = min(column._count, size)
    data = column._dbfile.get(column._basepos, stored * width) if stored else b""
    values = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder(">"), count=stored)
    default = np.frombuffer(column._defaultbytes, dtype=np.dtype(dtype).newbyteorder(">"))[0]
    return np.concatenate([values, np.full(size - stored, default, dtype=values.dtype)])


# -- writing --------------------------------------------------------------------------------


_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


class _Lengths:
    """The field lengths of a segment being written, each field's read once: Whoosh's writer
    asks for a posting's document length once a posting, through several layers each time."""

    def __init__(self, reader: Any, size: int):
        self._reader, self._size = reader, size
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            codes = _numeric_column(column, self._size, np.uint8).tolist() if column is not None else []
            lengths = self._lengths[fieldname] = [_LENGTH_OF_BYTE[code] if code else default for code in codes]
        return lengths[docnum] if docnum < len(lengths) else default

    def close(self) -> None:
        self._reader.close()


class _QuickFlush:
    """A segment writer whose postings are written with :class:`_Lengths` (same files)."""

    perdocwriter: Any
    fieldwriter: Any
    schema: Any
    pool: Any
    docnum: int

    def _flush_segment(self, postings: Iterator[Any] | None = None) -> None:
        """Write the segment's postings: those of the pool, or ``postings`` (in order)."""
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader(), self.docnum)  # type: ignore[attr-defined]
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings() if postings is None else postings)
        self.fieldwriter.close()
        lengths.close()


class _SegmentWriter(_QuickFlush, SegmentWriter):
    """The writer of each of :class:`ParallelWriter`'s processes, and of a merge's segment (:func:`merge`)."""


def merge(ix: Any, readers: list[Any], named: Callable[[str], None] | None = None) -> Any:
    """A new segment (not yet committed) with the live documents of ``readers`` (segment
    readers, in this order), for a writer's merge policy to name in its commit; ``named`` is
    told its name once its files exist.

    Whoosh's own merge (``add_reader``) reads each posting through a matcher's calls and puts
    it in the writer's pool, which sorts them all again, spilling sorted runs to disk. But each
    segment's postings are already in order (field, term, document) and stay so renumbered:
    read a block at a time and merged as streams, they are written in half the time (ten
    segments of 2,500 articles, bench/RESULTS.md)."""
    own = FileIndex(_MergeStorage(ix.storage.folder), indexname=ix.indexname)
    merger = _SegmentWriter(own, _lk=False, compound=False)  # (the committing writer holds the lock)
    try:
        if named is not None:
            named(merger.newsegment.segment_id())
        streams = []
        for reader in readers:
            start = merger.docnum
            names = set(merger.schema.names()) | {n for n in reader.indexed_field_names() if n in merger.schema}
            renumbered = merger.write_per_doc(names, reader)  # None when the segment has no deletions
            streams.append(merger._process_posts(live_postings(reader), start, renumbered))
        merger._flush_segment(heapq.merge(*streams))
    finally:
        merger._close_segment()
        merger._tempstorage.destroy()
    return merger.get_segment()


class _MergeStorage(FileStorage):
    """The index's folder, with temporary files of a merge's own (``MAIN.tmp.<pid>``): a
    writer's commit removes the folder of temporary files writers share, which a merge in
    another process still uses. A commit removes those of processes gone (a merge killed)."""

    def temp_storage(self, name: str | None = None) -> Any:
        return super().temp_storage(f"{name or 'merge'}.{os.getpid()}")


def alive(pid: str) -> bool:
    """Whether the process ``pid`` (a number, as a file name has it) is running."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def die_with_parent(parent: int) -> None:
    """Make this (child) process end when ``parent`` does, however it ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class _Worker(SubWriterTask):
    """One of Whoosh's writer processes, that dies with the process that started it: it shares
    the index's lock, and a killed ``vnsearch index`` must not leave it held."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parent = os.getpid()

    def run(self) -> None:
        die_with_parent(self.parent)
        multiproc.SegmentWriter = _SegmentWriter  # (this process's own copy of the module: what run() writes with)
        super().run()


# (folder, schema, the segments the commit will name, those being written for a later one)
BeforeCommit = Callable[[str, Any, list[Any], frozenset[str]], None]


class _Announcing:
    """A writer that calls ``before_commit`` with the segments a commit will name, before the
    commit names them (a merge's new segment included): what is derived from a segment is
    written before any reader can see it. The files of the segments a merge policy says are
    ``unfinished`` (written by another process, for a later commit) are left in place where
    Whoosh would remove every file of a segment its commit does not name."""

    storage: Any
    schema: Any
    indexname: str
    generation: int

    def __init__(self, ix: Any, before_commit: BeforeCommit | None = None, **options: Any) -> None:
        super().__init__(ix, **options)  # type: ignore[call-arg]
        self.before_commit = before_commit
        self.index = ix  # (for a merge policy: see merge)
        self.unfinished: frozenset[str] = frozenset()

    def _commit_toc(self, segments: list[Any]) -> None:
        if self.before_commit is not None:
            self.before_commit(self.storage.folder, self.schema, segments, self.unfinished)
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        clean_files(self.storage, self.indexname, self.generation, [*segments, *map(_Named, self.unfinished)])
        for temporary in Path(self.storage.folder).glob(f"{self.indexname}.tmp.*"):  # (see _MergeStorage)
            if not alive(temporary.suffix[1:]):
                shutil.rmtree(temporary, ignore_errors=True)


@dataclass(frozen=True)
class _Named:
    """A segment as Whoosh's ``clean_files`` sees it: its name."""

    name: str

    def segment_id(self) -> str:
        return self.name


class Writer(_Announcing, _QuickFlush, SegmentWriter):
    """Whoosh's writer, calling ``before_commit`` (see :class:`_Announcing`)."""


class ParallelWriter(_Announcing, MpWriter):
    """Whoosh's multi-process writer, with workers that do not outlive it, calling ``before_commit``."""

    def _new_task(self) -> _Worker:
        task = _Worker(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        """Stop the worker processes too (Whoosh's cancel only flags them in this process, and
        they would wait for more articles for as long as this process lives)."""
        for task in self.tasks:
            task.terminate()
        for task in self.tasks:
            task.join()
        super().cancel()


def stored_length(terms: int) -> float:
    """A field's length of ``terms`` terms as Whoosh keeps it (one byte, approximate), so that
    another backend scores lengths exactly as :func:`field_lengths` reads them back."""
    from whoosh.util.numeric import length_to_byte

    return float(_LENGTHS[length_to_byte(terms)])

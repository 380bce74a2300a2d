"""Creating, updating and rebuilding the index, and the ``meta`` file kept beside it.

Layout of an index directory::

    index/
      vnsearch.json      meta: versions, recorded sources, which generation is current
      whoosh-1/          the Whoosh index itself (one "generation")
      README.md ...      anything else in the directory is left alone

``rebuild`` writes a new generation next to the current one and switches ``vnsearch.json``
to it in one atomic rename, so a failed rebuild leaves the old index as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import FileIndex

from . import schema as s
from . import store
from .codec import ParallelWriter, Writer
from .duplicates import Grouping, signature
from .errors import IndexDamagedError, IndexLockedError, IndexNotFoundError, IndexVersionError
from .models import Article, IndexInfo, IndexReport, Repaired, Skipped
from .normalize import clean
from .segment import Segmenter
from .sources import Reading, read_paths
from .tiers import Merges, merge_tiers

__all__ = ["Index", "fingerprint"]

META_FILE = "vnsearch.json"
LOCK_FILE = "vnsearch.lock"
BATCH_SIZE = 5000  # documents per commit: an interrupted run keeps what it committed
PARALLEL_BATCH = 200  # batches at least this large are written by several processes
JOB = 100  # articles a worker process takes at a time
WRITING = {"limitmb": 128, "compound": False}  # (not compound: Whoosh reads a compound segment by copying each of its files into memory)
WORKERS = min(os.cpu_count() or 1, 4)

Progress = Callable[[int, int], None]  # called with (bytes read, bytes to read) as files are read


@dataclass
class Meta:
    generation: int = 1
    sources: list[str] = field(default_factory=list)
    schema_version: int = s.SCHEMA_VERSION
    analyzer_version: int = s.ANALYZER_VERSION
    updated: str | None = None

    @property
    def folder(self) -> str:
        return f"whoosh-{self.generation}"


class Index:
    """One index directory: its meta and its current Whoosh index (opened on first use)."""

    def __init__(self, path: str | os.PathLike[str], segmenter: Segmenter | None = None):
        self.path = Path(path)
        self.segmenter = segmenter  # used when this creates the index; an existing one keeps its own
        self._whoosh: FileIndex | None = None
        self._generation = 0  # of the Whoosh index opened

    def exists(self) -> bool:
        return (self.path / META_FILE).is_file()

    def meta(self) -> Meta:
        try:
            data = json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexNotFoundError(f"no index at {self.path}: run `vnsearch index PATH` to create one") from None
        except (OSError, ValueError) as error:
            raise IndexDamagedError(
                f"{self.path / META_FILE} is unreadable ({error}): index the sources again with `vnsearch index PATH`"
            ) from None
        return Meta(**{k: data[k] for k in Meta.__dataclass_fields__ if k in data})

    @property
    def whoosh(self) -> FileIndex:
        """The current Whoosh index; refuses one written by another schema or analyzer."""
        if self._whoosh is None:
            meta = self.meta()
            if (meta.schema_version, meta.analyzer_version) != (s.SCHEMA_VERSION, s.ANALYZER_VERSION):
                raise IndexVersionError(
                    f"the index at {self.path} was built by another version of vnsearch (schema "
                    f"{meta.schema_version}, analyzer {meta.analyzer_version}; this one needs "
                    f"{s.SCHEMA_VERSION}, {s.ANALYZER_VERSION}): run `vnsearch rebuild`"
                )
            try:
                self._whoosh = whoosh_index.open_dir(str(self.path / meta.folder))
                self._generation = meta.generation
            except Exception as error:  # Whoosh raises many kinds for a damaged or missing index
                raise IndexDamagedError(
                    f"the index at {self.path} cannot be opened ({type(error).__name__}: {error}): run `vnsearch rebuild`"
                ) from None
        return self._whoosh

    def stamp(self) -> tuple[int, int] | None:
        """When the current Whoosh folder last changed (a commit writes a file into it), or None."""
        try:
            stat = (self.path / f"whoosh-{self._generation}").stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def rebuilt(self) -> bool:
        """Whether another process rebuilt the index into a new generation since it was opened
        here; the next use of :attr:`whoosh` opens the new one."""
        if self._whoosh is None or self.meta().generation == self._generation:
            return False
        self._whoosh = None
        return True

    def _writable(self) -> FileIndex:
        """The Whoosh index to write to, created on first write."""
        if not self.exists():
            meta = Meta()
            self._whoosh, self._generation = self._create_generation(meta), meta.generation
            self._write_meta(meta)
        return self.whoosh

    def _create_generation(self, meta: Meta) -> FileIndex:
        folder = self.path / meta.folder
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return whoosh_index.create_in(str(folder), s.build_schema(self.segmenter))

    def _write_meta(self, meta: Meta) -> None:
        meta.updated = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.path.mkdir(parents=True, exist_ok=True)
        temporary = self.path / (META_FILE + ".tmp")
        temporary.write_text(json.dumps(asdict(meta), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, self.path / META_FILE)

    def _touch(self, sources: Sequence[str] = ()) -> None:
        meta = self.meta()
        meta.sources += [p for p in sources if p not in meta.sources]
        self._write_meta(meta)

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the index's write lock: one writer at a time, and searches go on meanwhile.

        The lock is an ``flock`` on ``vnsearch.lock``: the system releases it when its process
        ends, however it ends, so a killed run never leaves a stale lock behind.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_FILE, "a+", encoding="utf-8") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "?"
                raise IndexLockedError(
                    f"another process (pid {holder}) is writing to the index at {self.path}: "
                    "wait for it to finish, or stop it, and try again"
                ) from None
            lock.seek(0)
            lock.truncate()
            lock.write(f"{os.getpid()}\n")
            lock.flush()
            yield

    def add_paths(self, paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None) -> IndexReport:
        """Index every article under ``paths`` and record them as sources for :meth:`rebuild`."""
        reading = read_paths(paths)  # raises for a missing path, before anything is created
        with self._writing():
            ix = self._writable()
            self._touch([str(Path(p).resolve()) for p in paths])  # first: rebuild must know them
            return write_articles(ix, _reporting(reading, progress))

    def add_articles(self, articles: Iterable[Article | Skipped]) -> IndexReport:
        with self._writing():
            report = write_articles(self._writable(), articles)
            self._touch()
        return report

    def delete(self, doc_id: str) -> bool:
        with self._writing():
            writer = Writer(self.whoosh, _write_stores)
            try:
                deleted = writer.delete_by_term(s.ID_FIELD, doc_id)
                writer.commit(mergetype=merge_tiers)
            except BaseException:
                writer.cancel()
                raise
            self._touch()
        return bool(deleted)

    def rebuild(self, progress: Progress | None = None) -> IndexReport:
        """Re-read every recorded source into a new generation, then switch to it.

        Articles that cannot be re-read (added through the API, or whose file is gone) are
        carried over from the old index when it can still be read, so nothing is lost.
        """
        with self._writing():
            return self._rebuild(progress)

    def _rebuild(self, progress: Progress | None) -> IndexReport:
        meta = self.meta()
        old_folder = self.path / meta.folder
        old = _stored_articles(old_folder)
        if self._whoosh is not None:
            self._whoosh.close()
            self._whoosh = None
        new_meta = replace(meta, generation=meta.generation + 1,
                           schema_version=s.SCHEMA_VERSION, analyzer_version=s.ANALYZER_VERSION)
        if self.segmenter is None and old.segmenter is not None:
            self.segmenter = old.segmenter  # keep the segmenter the index was built with
        ix = self._create_generation(new_meta)
        present = [p for p in meta.sources if Path(p).exists()]
        reread: set[str] = set()

        def fresh() -> Iterator[Article | Skipped | Repaired]:
            yield from (Skipped(p, "source no longer exists") for p in meta.sources if p not in present)
            for item in _reporting(read_paths(present), progress):
                if isinstance(item, Article):
                    reread.add(item.id)
                yield item

        report = write_articles(ix, fresh())
        carried = [a for a in old.articles if a.id not in reread and not (a.file and Path(a.file).exists())]
        if carried:
            report = replace(report, added=report.added + write_articles(ix, carried).added)
        self._write_meta(new_meta)
        self._whoosh, self._generation = ix, new_meta.generation
        shutil.rmtree(old_folder, ignore_errors=True)
        return report

    # -- reading ------------------------------------------------------------------------

    def info(self) -> IndexInfo:
        meta = self.meta()
        folder = self.path / meta.folder
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        return IndexInfo(
            path=str(self.path), documents=self.whoosh.doc_count(), size_bytes=size,
            sources=tuple(meta.sources), schema_version=meta.schema_version,
            analyzer_version=meta.analyzer_version, updated=meta.updated,
        )


def fingerprint(article: Article) -> str:
    """A hash of everything stored about an article: equal means unchanged."""
    parts = [article.title, article.text, str(article.date or ""), article.url or "", article.source or "", article.file or "",
             *(f"{key}={value}" for key, value in article.metadata), "" if article.headline else "no headline"]
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _reporting(reading: Reading, progress: Progress | None) -> Iterator[Article | Skipped | Repaired]:
    for item in reading:
        yield item
        if progress:
            progress(reading.done_bytes, reading.total_bytes)


def write_articles(ix: FileIndex, items: Iterable[Article | Skipped | Repaired]) -> IndexReport:
    """Add new articles, replace changed ones (same id), skip unchanged ones; commit in batches."""
    known = _fingerprints(ix)
    grouping = _grouping(ix)
    seen: set[str] = set()
    unchanged = added = updated = 0
    skipped: list[Skipped] = []
    repaired: list[Repaired] = []
    merges = Merges(lambda: Writer(ix, _write_stores, **WRITING))
    batch = _Batch(ix, known, merges)
    try:
        for item in items:
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if isinstance(item, Repaired):
                repaired.append(item)
                continue
            if item.id in seen:
                skipped.append(Skipped(item.id, "duplicate id: an article with this id was already read in this run"))
                continue
            seen.add(item.id)
            digest = fingerprint(item)
            if known.get(item.id) == digest:
                unchanged += 1
                continue
            sig = signature(item.text)  # near-duplicates: found now, collapsed at search time
            batch.add(item, digest, {s.SIGNATURE: sig.tobytes(), s.GROUP: grouping.add(item.id, sig)})
            if batch.size >= BATCH_SIZE:
                added, updated = added + batch.size, updated + batch.commit()
                batch = _Batch(ix, known, merges)
        if batch.size:
            added, updated = added + batch.size, updated + batch.commit()
        merges.finish()
    except BaseException:
        batch.cancel()
        merges.cancel()
        raise
    return IndexReport(added=added - updated, updated=updated, unchanged=unchanged, skipped=tuple(skipped),
                       repaired=tuple(repaired))


class _Batch:
    """The articles of one commit. The first ``PARALLEL_BATCH`` are held; once there are that
    many, a writer with one process per core (Whoosh's MpWriter, each process writing its own
    segment) takes them and every later one as it comes, so that reading and cleaning the next
    articles goes on while the workers analyze the previous ones. A smaller batch is written by
    this process alone. Results are the same either way."""

    def __init__(self, ix: FileIndex, known: dict[str, str], merges: Merges):
        self.ix, self.known, self.merges = ix, known, merges
        self.held: list[tuple[Article, str, dict[str, Any]]] = []
        self.writer: Writer | ParallelWriter | None = None
        self.size = self.updated = 0

    def add(self, article: Article, digest: str, extra: dict[str, Any]) -> None:
        self.size += 1
        if self.writer is not None:
            self._write(article, digest, extra)
            return
        self.held.append((article, digest, extra))
        if len(self.held) >= PARALLEL_BATCH and WORKERS > 1:
            self._open(ParallelWriter(self.ix, _write_stores, procs=WORKERS, multisegment=True, batchsize=JOB, **WRITING))

    def commit(self) -> int:
        """Commit the batch; returns how many of its articles replaced an earlier version."""
        if self.writer is None:
            self._open(Writer(self.ix, _write_stores, **WRITING))
        assert self.writer is not None
        self.writer.commit(mergetype=self.merges)
        self.writer = None
        return self.updated

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None

    def _open(self, writer: Writer | ParallelWriter) -> None:
        self.writer = writer
        for held in self.held:
            self._write(*held)
        self.held = []

    def _write(self, article: Article, digest: str, extra: dict[str, Any]) -> None:
        assert self.writer is not None
        if article.id in self.known:
            self.writer.update_document(**_fields(article, digest), **extra)
            self.updated += 1
        else:
            self.writer.add_document(**_fields(article, digest), **extra)


def _write_stores(folder: str, schema: Any, segments: list[Any], unfinished: frozenset[str]) -> None:
    """Before a commit names its segments: the search store of each new one (see :mod:`searcher.store`)."""
    store.write_missing(folder, schema, segments, processes=WORKERS, unfinished=unfinished)


def _fields(article: Article, digest: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        s.ID_FIELD: article.id,
        s.TITLE: clean(article.title) if article.headline else "",
        s.BODY: clean(article.text),
        s.FINGERPRINT: digest,
    }
    if article.date:
        fields[s.DATE] = dt.datetime(article.date.year, article.date.month, article.date.day)
    for name, value in ((s.URL, article.url), (s.FILE, article.file), (s.SOURCE, article.source)):
        if value:
            fields[name] = value
    if article.metadata:
        fields[s.METADATA] = article.metadata
    if not article.headline:  # shown as the title, searched only as the body's first sentence
        fields["_stored_" + s.TITLE] = clean(article.title)
        fields[s.HEADLINE] = False
    return fields


def article_from_stored(stored: dict[str, Any]) -> Article:
    """The article behind a document's stored fields."""
    date = stored.get(s.DATE)
    return Article(
        id=stored[s.ID_FIELD], title=stored.get(s.TITLE, ""), text=stored.get(s.BODY, ""),
        date=date.date() if date else None, url=stored.get(s.URL), source=stored.get(s.SOURCE),
        file=stored.get(s.FILE), metadata=tuple(map(tuple, stored.get(s.METADATA, ()))),
        headline=stored.get(s.HEADLINE, True),
    )


def _fingerprints(ix: FileIndex) -> dict[str, str]:
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader(s.ID_FIELD)
        prints = reader.column_reader(s.FINGERPRINT)
        return {_text(ids[n]): _text(prints[n]) for n in reader.all_doc_ids()}


def _grouping(ix: FileIndex) -> Grouping:
    """The near-duplicate groups of the articles already indexed."""
    grouping = Grouping()
    with ix.reader() as reader:
        if reader.doc_count() == 0 or not reader.has_column(s.SIGNATURE):
            return grouping
        signatures = reader.column_reader(s.SIGNATURE)
        groups = reader.column_reader(s.GROUP)
        for n in reader.all_doc_ids():
            grouping.add("", np.frombuffer(signatures[n], dtype=np.uint32), int(groups[n]))
    return grouping


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


@dataclass
class _Stored:
    articles: list[Article]
    segmenter: Segmenter | None


def _stored_articles(folder: Path) -> _Stored:
    """Every article stored in an old index and its segmenter; nothing if it cannot be read."""
    try:
        ix = whoosh_index.open_dir(str(folder))
        with ix.reader() as reader:
            articles = [article_from_stored(stored) for stored in reader.all_stored_fields()]
        tokenizer = ix.schema[s.BODY].analyzer[0]
        return _Stored(articles, getattr(tokenizer, "segmenter", None))
    except Exception:  # a damaged or incompatible index: rebuild from the sources alone
        return _Stored([], None)

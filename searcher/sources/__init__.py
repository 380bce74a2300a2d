"""Reading sources into :class:`Article` values: files and folders, each format in its module.

| suffix | module | one article per |
|---|---|---|
| ``.txt`` | :mod:`.text` | file: a scraped page or a text with a metadata header |
| ``.jsonl``, ``.jsonl.gz``, ``.json`` | :mod:`.records` | JSON object |
| ``.html``, ``.htm`` | :mod:`.html` | file (needs the ``html`` extra) |
| ``.warc``, ``.warc.gz`` | :mod:`.warc` | HTML response record (needs the ``warc`` extra) |

Whatever cannot be read becomes a :class:`Skipped` with the reason, and whatever had to be
repaired to be read a :class:`Repaired`, in the same stream as the articles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import SourceError
from ..models import Article, Repaired, Skipped
from . import html, records, text, warc
from .records import article_from_record

__all__ = ["SUFFIXES", "Reading", "article_from_record", "read_paths"]

Item = Article | Skipped | Repaired
Reader = Callable[[BinaryIO, Path, str, str], Iterator[tuple[str, Item]]]


def _read_text(raw: BinaryIO, file: Path, name: str, folder: str) -> Iterator[tuple[str, Item]]:
    size = _size(file)
    if size > text.MAX_TEXT_FILE:
        reason = f"larger than the {text.MAX_TEXT_FILE // 2**20} MB limit for a .txt file ({size / 2**20:.0f} MB)"
        yield name, Skipped(name, reason)
        return
    yield from text.read_text(raw.read(), file, name, folder)


READERS: dict[str, Reader] = {
    ".txt": _read_text,
    ".json": records.read_json,
    ".jsonl": records.read_jsonl,
    ".jsonl.gz": records.read_jsonl_gz,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".warc": warc.read_warc,
    ".warc.gz": warc.read_warc,
}
SUFFIXES = tuple(READERS)


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> Reading:
    """Every article in ``paths``, in a stable order; a missing path raises :class:`SourceError`.

    Ids: a JSON record's ``id``, else ``file:line``; a text file's header ``id``, else its
    path relative to the directory given (its name when the file itself is given); an HTML
    page's path; a web archive's ``archive.warc.gz:URL``. An id read a second time is
    reported and skipped: the first one read is indexed.
    """
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise SourceError(f"no such file or directory: {root}")
    files: list[tuple[Path, str, str] | Skipped] = []
    for root in roots:
        if root.is_dir():
            files += [
                item if isinstance(item, Skipped) else (item, item.relative_to(root).as_posix(), root.resolve().name)
                for item in _walk(root)
            ]
        else:
            files.append((root, root.name, root.resolve().parent.name))
    return Reading(files)


class Reading:
    """Iterates over the articles of some files, counting the bytes read for a progress bar."""

    def __init__(self, files: list[tuple[Path, str, str] | Skipped]):
        self.files = files  # (file, name used in ids and reports, folder), or why one is not read
        self.total_bytes = sum(_size(f[0]) for f in files if not isinstance(f, Skipped))
        self.done_bytes = 0
        self._seen: dict[str, str] = {}  # id -> where it was first read

    def __iter__(self) -> Iterator[Item]:
        for entry in self.files:
            if isinstance(entry, Skipped):
                yield entry
                continue
            file, name, folder = entry
            before = self.done_bytes
            try:
                with file.open("rb") as raw:
                    for where, item in read_file(raw, file, name, folder):
                        self.done_bytes = before + raw.tell()
                        yield self._once(where, item)
            except OSError as error:
                yield Skipped(name, f"cannot read: {error.strerror or error}")
            self.done_bytes = before + _size(file)

    def _once(self, where: str, item: Item) -> Item:
        if not isinstance(item, Article):
            return item
        first = self._seen.setdefault(item.id, where)
        if first != where:
            return Skipped(where, f"duplicate id {item.id!r}, first read at {first}: that one is indexed")
        return item


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def read_file(raw: BinaryIO, file: Path, name: str, folder: str) -> Iterator[tuple[str, Item]]:
    """(where, article or why not) for each record in one open file; ``name`` is how ids and
    reports refer to the file, ``where`` the record (``name`` or ``name:line``)."""
    suffix = _suffix(file)
    reader = READERS.get(suffix)
    if reader is None:
        yield name, Skipped(name, f"not a supported file type ({suffix or 'no extension'})")
    else:
        yield from reader(raw, file, name, folder)


def _walk(root: Path) -> Iterator[Path | Skipped]:
    """Files below ``root`` in sorted order, following links to folders but not in circles;
    hidden files and folders are left out."""
    visited = {root.resolve()}
    for directory, folders, files in os.walk(root, followlinks=True):
        keep = []
        for folder in sorted(f for f in folders if not f.startswith(".")):
            path = Path(directory, folder)
            real = path.resolve()
            if real in visited:
                yield Skipped(path.relative_to(root).as_posix(), "a link back to a folder already read (a loop): not followed")
            else:
                visited.add(real)
                keep.append(folder)
        folders[:] = keep
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory, name)


def _suffix(file: Path) -> str:
    name = file.name.lower()
    for double in (".jsonl.gz", ".warc.gz"):
        if name.endswith(double):
            return double
    return file.suffix.lower()

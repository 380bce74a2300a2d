"""Web archives (``.warc``, ``.warc.gz``), read with warcio.

Every HTML response (status 200) becomes an article, extracted as :mod:`.html` extracts a
page, with the archived URL as its id and url, and the capture time as ``captured``
metadata (and as its date when the page states none). Other records (requests, metadata,
images, redirects …) are counted in one line of the summary. A broken record is reported
and reading goes on at the next record.

Needs the ``warc`` extra (``pip install 'vnsearch[warc]'``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..models import Article, Repaired, Skipped
from . import html
from .dates import parse_date

__all__ = ["NEEDS_EXTRA", "read_warc"]

NEEDS_EXTRA = "reading web archives needs the warc extra: pip install 'vnsearch[warc]'"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_RECORD = b"WARC/1."


def read_warc(raw: BinaryIO, file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield name, Skipped(name, NEEDS_EXTRA)
        return
    others: Counter[str] = Counter()
    start: int | None = 0
    while start is not None:
        raw.seek(start)
        records = ArchiveIterator(raw)
        offset, inside = start, False
        try:
            for record in records:
                offset, inside = records.offset, True  # (get_record_offset() would read the record)
                yield from _record(record, file, name, folder, others)
                inside = False
            start = None
        except Exception as error:  # noqa: BLE001 (warcio and zlib fail in many ways on a damaged record)
            # Broken: the record being read, or else the one after it; go on after it.
            broken = offset if inside else _find(raw, offset + 1)
            where = f"{name}, record at byte {broken if broken is not None else offset}"
            yield where, Skipped(where, f"broken record ({_reason(error)}): skipped")
            start = None if broken is None else _find(raw, broken + 1)
    if others:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items(), key=lambda kv: (-kv[1], kv[0])))
        total = sum(others.values())
        yield name, Skipped(name, f"{total} {'record' if total == 1 else 'records'} that are not HTML pages, not indexed: {counts}")


def _record(record: Any, file: Path, name: str, folder: str, others: Counter[str]) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    kind = record.rec_type
    if kind != "response":
        others[kind] += 1
        return
    status = record.http_headers.get_statuscode() if record.http_headers else None
    mime = (record.http_headers.get_header("Content-Type") or "" if record.http_headers else "").split(";")[0].strip().lower()
    if status != "200":
        others[f"response {status}"] += 1
        return
    if mime not in _HTML_TYPES:
        others[mime or "response without a type"] += 1
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    captured = record.rec_headers.get_header("WARC-Date") or ""
    where = f"{name}:{url}"
    data = record.content_stream().read()
    if len(data) > html.MAX_HTML_FILE:
        yield where, Skipped(where, f"larger than the {html.MAX_HTML_FILE // 2**20} MB limit for an HTML page")
        return
    try:
        page = html.extract(data, url=url)
    except ImportError:
        yield where, Skipped(where, html.NEEDS_EXTRA)
        return
    except ValueError as error:
        yield where, Skipped(where, str(error))
        return
    if page.repaired:
        yield where, Repaired(where, page.repaired)
    metadata = page.metadata + ((("captured", captured),) if captured else ())
    yield where, Article(
        id=url, title=page.title, text=page.text, date=page.date or parse_date(captured), url=url,
        source=urlsplit(url).netloc.lower().removeprefix("www.") or folder, file=str(file.resolve()),
        metadata=metadata,
    )


def _find(raw: BinaryIO, after: int) -> int | None:
    """Where the first record at or after byte ``after`` starts, by the mark records start
    with (a gzip member in a .warc.gz, ``WARC/1.`` in a .warc); None at the end."""
    raw.seek(0)
    mark = _GZIP_MEMBER if raw.read(3) == _GZIP_MEMBER else _WARC_RECORD
    raw.seek(after)
    position, tail = after, b""
    while block := raw.read(2**20):
        found = (tail + block).find(mark)
        if found >= 0:
            return position - len(tail) + found
        tail = block[-(len(mark) - 1):]
        position += len(block)
    return None


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"

"""JSON records: ``.jsonl`` / ``.jsonl.gz`` (one object per line) and ``.json`` (one object
or a list of them).

A record has ``id``, ``title``, ``text`` (or ``body``/``content``), and optionally
``date``/``published``, ``url``, ``source``, ``author`` and ``category``; other string or
number values are kept as metadata.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..decoding import repair_for
from ..models import Article, Repaired, Skipped
from ..normalize import nfc
from .dates import is_date_line, parse_date
from .text import clean_line, drop_chrome, title_from_lead

__all__ = ["MAX_ARTICLE_CHARS", "MAX_JSON_FILE", "article_from_record", "read_json", "read_jsonl", "read_jsonl_gz"]

MAX_JSON_FILE = 200 * 2**20  # a .json file is read whole; .jsonl is streamed and has no limit
MAX_ARTICLE_CHARS = 2_000_000
TEXT_KEYS = ("text", "body", "content")
DATE_KEYS = ("date", "published")
META_KEYS = ("author", "category")  # metadata vnsearch knows the meaning of
_FIELDS = {"id", "title", "url", "source", *TEXT_KEYS, *DATE_KEYS}


def read_jsonl(raw: IO[bytes], file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    for number, line in enumerate(raw, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            yield where, Skipped(where, f"not valid JSON ({_json_error(error)})")
            continue
        yield from _record(record, where, file, folder)


def read_jsonl_gz(raw: IO[bytes], file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    with gzip.GzipFile(fileobj=raw) as lines:
        yield from read_jsonl(lines, file, name, folder)  # type: ignore[arg-type]


def read_json(raw: IO[bytes], file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    size = file.stat().st_size
    if size > MAX_JSON_FILE:
        reason = f"larger than the {MAX_JSON_FILE // 2**20} MB limit for a .json file ({size / 2**20:.0f} MB)"
        yield name, Skipped(name, reason)
        return
    try:
        data = json.loads(raw.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        yield name, Skipped(name, f"not valid JSON ({_json_error(error)})")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, 1):
        where = f"{name}:{number}" if isinstance(data, list) else name
        yield from _record(record, where, file, folder)


def _json_error(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return "not UTF-8" if isinstance(error, UnicodeDecodeError) else str(error)


def _record(record: Any, where: str, file: Path, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    if not isinstance(record, dict):
        yield where, Skipped(where, f"not a JSON object ({type(record).__name__})")
        return
    texts = {k: v for k in ("title", *TEXT_KEYS) if isinstance(v := record.get(k), str)}
    repair = repair_for("\n".join(texts.values()))
    if repair is not None:
        record = {**record, **{k: repair.apply(v) for k, v in texts.items()}}
        yield where, Repaired(where, repair.note)
    try:
        article = article_from_record(record, default_id=where)
    except ValueError as error:
        yield where, Skipped(where, str(error))
        return
    yield where, replace(article, source=article.source or folder, file=str(file.resolve()))


def article_from_record(record: Mapping[str, Any], default_id: str | None = None) -> Article:
    """An article from a JSON-like record; ``ValueError`` says why a record cannot be one."""
    text = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        raise ValueError("no text (expected a 'text', 'body' or 'content' string)")
    doc_id = record.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        if default_id is None:
            raise ValueError("no 'id'")
        doc_id = default_id
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"text longer than the limit of {MAX_ARTICLE_CHARS:,} characters for one article")
    body = drop_chrome(nfc(text))
    title = record.get("title")
    title = clean_line(nfc(title)) if isinstance(title, str) else ""
    date = next((parse_date(record[k]) for k in DATE_KEYS if record.get(k)), None)
    if title and is_date_line(title):  # a date is never a title
        date, title = date or parse_date(title), ""
    headline = bool(title)
    title = title or title_from_lead(body)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    source = record.get("source") if isinstance(record.get("source"), str) else None
    if not source and url:
        source = urlsplit(url).netloc.removeprefix("www.") or None
    metadata = tuple(
        (str(key), clean_line(nfc(str(value))))
        for key, value in record.items()
        if key not in _FIELDS and isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip()
    )
    return Article(id=str(doc_id).strip(), title=title, text=body or title, date=date, url=url, source=source,
                   metadata=metadata, headline=headline)

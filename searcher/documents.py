"""Reading sources into :class:`Article` values.

Sources are files or directories (searched recursively) of:

* ``.txt`` — one article per file, as scraped from a news site: the page's title, date and
  text are recovered and its chrome (menus, buttons, comment widgets, footers, image file
  names) is dropped, see :func:`parse_page`;
* ``.jsonl`` / ``.jsonl.gz`` — one JSON object per line;
* ``.json`` — one object or a list of objects.

JSON records have ``id``, ``title``, ``text`` (or ``body``/``content``), and optionally
``date``/``published``, ``url`` and ``source``.

Whatever cannot be read becomes a :class:`Skipped` with the reason, in the same stream.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import urlsplit

from .decoding import DecodingError, decode
from .errors import SourceError
from .models import Article, Skipped
from .normalize import nfc

__all__ = ["SUFFIXES", "article_from_record", "parse_page", "read_paths"]

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".json")
MAX_TEXT_FILE = 5 * 2**20  # a .txt file is one article: more is a dump, not a page
MAX_JSON_FILE = 200 * 2**20  # a .json file is read whole; .jsonl is streamed and has no limit
MAX_ARTICLE_CHARS = 2_000_000
TEXT_KEYS = ("text", "body", "content")
DATE_KEYS = ("date", "published")


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> Reading:
    """Every article in ``paths``, in a stable order; a missing path raises :class:`SourceError`.

    Ids: a JSON record's ``id``, else ``file:line``; a text file's path relative to the
    directory given (its name when the file itself is given). An id read a second time is
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

    def __iter__(self) -> Iterator[Article | Skipped]:
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

    def _once(self, where: str, item: Article | Skipped) -> Article | Skipped:
        if isinstance(item, Skipped):
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


def read_file(raw: BinaryIO, file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped]]:
    """(where, article or why not) for each record in one open file; ``name`` is how ids and
    reports refer to the file, ``where`` the record (``name`` or ``name:line``)."""
    suffix = _suffix(file)
    size = _size(file)
    limit = MAX_TEXT_FILE if suffix == ".txt" else MAX_JSON_FILE
    if suffix in (".txt", ".json") and size > limit:
        reason = f"larger than the {limit // 2**20} MB limit for a {suffix} file ({size / 2**20:.0f} MB)"
        yield name, Skipped(name, reason)
    elif suffix == ".txt":
        yield name, _read_text(raw.read(), file, name, folder)
    elif suffix == ".json":
        yield from _read_json(raw.read(), file, name, folder)
    elif suffix == ".jsonl":
        yield from _read_jsonl(raw, file, name, folder)
    elif suffix == ".jsonl.gz":
        with gzip.GzipFile(fileobj=raw) as lines:
            yield from _read_jsonl(lines, file, name, folder)  # type: ignore[arg-type]
    else:
        yield name, Skipped(name, f"not a supported file type ({suffix or 'no extension'})")


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
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else file.suffix.lower()


# -- text files ---------------------------------------------------------------------------


def _read_text(data: bytes, file: Path, name: str, folder: str) -> Article | Skipped:
    if not data.strip():
        return Skipped(name, "empty file")
    try:
        text, _ = decode(data)
    except DecodingError as error:
        return Skipped(name, str(error))
    page = parse_page(text)
    if not page.text:
        return Skipped(name, "no article text (only site menus, links or captions)")
    source = Path(name).parent.name or folder
    return Article(id=name, title=page.title, text=page.text, date=page.date, source=source, file=str(file.resolve()))


@dataclass(frozen=True)
class Page:
    title: str
    date: dt.date | None
    text: str


def parse_page(text: str) -> Page:
    """Title, date and body of a page scraped from a news site.

    The title is the last title-like line before the first paragraph of body text (a
    section name, a site banner or a "Skip to main content" link comes earlier); without
    one, the lead's first sentence. The date is a full date on a short line near the title
    (``PV 22/12/2024 - 06:25``) or at the start of the lead (``Ngày 14/01/2021, ...``).
    """
    lines = [line for line in (_clean_line(raw) for raw in text.splitlines()) if line]
    lines = _cut_footer(lines)
    first = next((i for i, line in enumerate(lines) if _is_paragraph(line)), len(lines))
    header = lines[:first]

    if first < len(lines):
        title_at = next((i for i in reversed(range(first)) if _is_title(lines[i])), None)
    else:  # no paragraph at all: the first title-like line
        title_at = next((i for i, line in enumerate(lines) if _is_title(line)), None)
    date = next((d for d in map(_dateline_date, header) if d), None)
    if date is None and first < len(lines):
        date = _lead_date(lines[first])

    body_from = 0 if title_at is None else title_at + 1
    body = [
        line
        for i, line in enumerate(lines[body_from:], body_from)
        if not _is_chrome(line) and not (i < first and _dateline_date(line))
    ]
    if title_at is not None:
        title = lines[title_at]
    else:
        title = _title_from_lead(body[0]) if body else ""
    return Page(title=title, date=date, text="\n".join(body))


_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")


def _clean_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    return re.sub(r"\s*\|$", "", line)  # caption marker: "Quang cảnh hội nghị. |"


def _words(line: str) -> int:
    return len(line.split())


def _is_paragraph(line: str) -> bool:
    """Body text rather than a title: long, or several sentences."""
    n = _words(line)
    return n >= 30 or (n >= 15 and re.search(r"[.!?…][\"”']?\s+\S", line) is not None)


_SECTIONS = {
    "thời sự", "đời sống", "xã hội", "kinh tế", "thế giới", "văn hóa", "văn hoá", "thể thao",
    "giải trí", "pháp luật", "giáo dục", "sức khỏe", "sức khoẻ", "công nghệ", "du lịch", "xe",
    "bất động sản", "khoa học", "chính trị", "quốc tế", "trong nước", "tin tức", "tin mới",
    "công đoàn", "lao động", "việc làm", "nông nghiệp", "an ninh trật tự", "quốc phòng",
}
_BYLINE = re.compile(r"^(tin|ảnh|bài|tin và ảnh|tin, ảnh|bài và ảnh|nguồn|theo|tác giả)\b.{0,60}:", re.I)


def _is_title(line: str) -> bool:
    n = _words(line)
    return (
        3 <= n <= 40
        and len(line) <= 250
        and line.casefold() not in _SECTIONS
        and not _is_chrome(line)
        and not _dateline_date(line)
        and not _BYLINE.match(line)
        and not line.endswith(":")
        and not (line.endswith(".") and not line.endswith(".."))
    )


_CHROME_PHRASES = [
    "skip to main content", "skip to content", "chế độ ban đêm", "chế độ đọc", "in trang",
    "in bài", "xuất pdf", "đọc nội dung", "nghe đọc bài", "nghe bài viết", "lưu bài", "lưu thông tin",
    "chia sẻ", "facebook", "twitter", "zalo", "email", "e-mail", "print", "share", "đóng",
    "quay lại", "về đầu trang", "trang chủ", "cỡ chữ", "bình luận", "thích", "theo dõi",
    "[-+]?a",  # font size buttons: "-A A +A"
]
_CHROME_ONLY = re.compile(
    r"(?:^|(?<=\W))(?:" + "|".join(p if p == "[-+]?a" else re.escape(p) for p in _CHROME_PHRASES)
    + r")(?=\W|$)",
    re.I,
)
_CHROME_PREFIX = re.compile(
    r"^(?:(?:địa chỉ|điện thoại|email|e-mail|fax|hotline|tổng biên tập|phó tổng biên tập)\s*:"
    r"|giấy phép|cấm sao chép|bản quyền|copyright|©|ghi rõ nguồn|cơ quan chủ quản)",
    re.I,
)
_IMAGE_NAME = re.compile(r"^\S.{0,150}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg)$", re.I)


def _is_chrome(line: str) -> bool:
    """Site chrome: buttons and links, licence and contact lines, image file names."""
    return bool(
        _IMAGE_NAME.match(line)
        or _CHROME_PREFIX.match(line)
        or not re.search(r"\w", _CHROME_ONLY.sub("", line))
    )


_FOOTER_MARKERS = re.compile(
    r"^(?:\(\d+\) )?(?:bình luận|bình luận bài viết|ý kiến bạn đọc|thông tin bạn đọc|gửi bình luận"
    r"|viết bình luận|tin liên quan|tin cùng chuyên mục|bài viết liên quan|các tin khác|tin khác"
    r"|xem thêm|nổi bật|đừng bỏ lỡ|đọc nhiều|đọc nhiều nhất|tin mới|tin mới nhất|từ khóa|tags)$",
    re.I,
)


def _cut_footer(lines: list[str]) -> list[str]:
    """Drop everything from the first footer heading ("Bình luận", "Tin liên quan" ...) on."""
    at = next((i for i, line in enumerate(lines) if i and _FOOTER_MARKERS.match(line)), len(lines))
    return lines[:at]


_FULL_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORDY_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", re.I)


def find_date(text: str) -> dt.date | None:
    """The first full, valid date in ``text``: ``14/01/2021``, ``2021-01-14``,
    ``ngày 14 tháng 1 năm 2021``. A bare ``18/3`` is not a full date."""
    found = []
    for pattern, order in ((_FULL_DATE, (3, 2, 1)), (_ISO_DATE, (1, 2, 3)), (_WORDY_DATE, (3, 2, 1))):
        for match in pattern.finditer(text):
            try:
                found.append((match.start(), dt.date(*(int(match.group(g)) for g in order))))
            except ValueError:
                continue
    return min(found)[1] if found else None


def _dateline_date(line: str) -> dt.date | None:
    """The date of a short metadata line: ``PV 22/12/2024 - 06:25``, ``Thứ hai, 14/01/2021``."""
    return find_date(line) if _words(line) <= 10 else None


_LEAD_DATE = re.compile(
    r"^\W*(?:[^\s-]+(?: [^\s-]+){0,3} [-–—] )?"  # agency: "LCĐT - ", "(LĐ online) - "
    r"(?:(?:sáng|trưa|chiều|tối|đêm|rạng sáng|hôm nay|hôm qua)(?: nay)?,? )?(?:ngày )?"
    r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})",
    re.I,
)


def _lead_date(paragraph: str) -> dt.date | None:
    """``Ngày 14/01/2021, Liên đoàn ...`` -> 2021-01-14."""
    match = _LEAD_DATE.match(paragraph)
    return find_date("ngày " + match.group(1)) if match else None


_AGENCY = re.compile(r"^\(?[^\s()]+(?: [^\s()]+){0,2}\)? [-–—] ")
_DATELINE = re.compile(
    r"^(?:(?:sáng|trưa|chiều|tối|đêm|rạng sáng|hôm nay|hôm qua) )?(?:(?:ngày|hôm) )?"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?(?: \([^)]*\))?, ",
    re.I,
)
TITLE_LENGTH = 160


def _title_from_lead(paragraph: str) -> str:
    """A title for a page without one: the lead's first sentence, without agency and dateline.

    ``LCĐT - Sáng 18/3, Liên đoàn lao động ... quý I, năm 2022.`` ->
    ``Liên đoàn lao động ... quý I``
    """
    text = _DATELINE.sub("", _AGENCY.sub("", paragraph))
    end = re.search(r"[.!?…][\"”']?\s+(?=[^\W\d_])", text)
    sentence = (text[: end.start() + 1] if end else text).rstrip(" .")
    if len(sentence) > TITLE_LENGTH:
        comma = sentence.rfind(", ", 0, TITLE_LENGTH)
        if comma >= 60:
            sentence = sentence[:comma]
        else:
            sentence = sentence[: sentence.rfind(" ", 0, TITLE_LENGTH)] + "…"
    return sentence[:1].upper() + sentence[1:]


# -- JSON --------------------------------------------------------------------------------


def _read_jsonl(lines: IO[bytes], file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            yield where, Skipped(where, f"not valid JSON ({_json_error(error)})")
            continue
        yield where, _record(record, where, file, folder)


def _read_json(raw: bytes, file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped]]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        yield name, Skipped(name, f"not valid JSON ({_json_error(error)})")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, 1):
        where = f"{name}:{number}" if isinstance(data, list) else name
        yield where, _record(record, where, file, folder)


def _json_error(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return "not UTF-8" if isinstance(error, UnicodeDecodeError) else str(error)


def _record(record: Any, where: str, file: Path, folder: str) -> Article | Skipped:
    if not isinstance(record, dict):
        return Skipped(where, f"not a JSON object ({type(record).__name__})")
    try:
        article = article_from_record(record, default_id=where)
    except ValueError as error:
        return Skipped(where, str(error))
    return replace(article, source=article.source or folder, file=str(file.resolve()))


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
    lines = [line for line in (_clean_line(raw) for raw in nfc(text).splitlines()) if line]
    body = "\n".join(line for line in _cut_footer(lines) if not _is_chrome(line))
    title = record.get("title")
    title = _clean_line(nfc(title)) if isinstance(title, str) and title.strip() else _title_from_lead(body)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    source = record.get("source") if isinstance(record.get("source"), str) else None
    if not source and url:
        source = urlsplit(url).netloc.removeprefix("www.") or None
    date = next((_parse_date(record[k]) for k in DATE_KEYS if record.get(k)), None)
    return Article(id=str(doc_id).strip(), title=title, text=body or title, date=date, url=url, source=source)


def _parse_date(value: Any) -> dt.date | None:
    """A date from ISO text (``2021-01-14``, ``2021-01-14T06:25:00Z``) or ``14/01/2021``."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return find_date(value)

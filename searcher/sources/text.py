"""``.txt`` files: one article each, as scraped from a news site or dumped with a header.

A header before the article gives its metadata, in any of three forms::

    # doc_id = 1234                ---                         title: Giá vàng hôm nay
    # url = https://…              title: Giá vàng hôm nay     date: 14/01/2021
    # date = 20210429              date: 2021-01-14            source: vnexpress.net
    Giá vàng hôm nay               ---

The known keys (:data:`KNOWN_KEYS`, with their other spellings) fill the article's id, url,
date, title and source, and its ``author`` and ``category`` metadata; any other key is kept
in :attr:`Article.metadata`. The first line after a header is the title when the header
has none.

Without a header the page's title, date and text are recovered and its chrome (menus,
buttons, comment widgets, footers, image file names) is dropped, see :func:`parse_page`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..decoding import DecodingError, decode
from ..models import Article, Repaired, Skipped
from ..normalize import clean
from .dates import find_date, is_date_line, parse_date

__all__ = ["KNOWN_KEYS", "Page", "clean_lines", "parse_header", "parse_page", "read_text"]

MAX_TEXT_FILE = 5 * 2**20  # a .txt file is one article: more is a dump, not a page

# What a header key means, and the spellings it comes in (compared case-folded, with "-"
# and spaces as "_").
KNOWN_KEYS = {
    "id": ("id", "doc_id", "docid", "document_id", "article_id", "news_id", "newsid"),
    "url": ("url", "link", "source_url", "canonical", "canonical_url", "uri"),
    "date": ("date", "published", "published_at", "publish_date", "published_date", "pubdate", "pub_date",
             "datetime", "time", "created", "created_at", "ngày", "ngay", "ngày_đăng", "ngay_dang"),
    "title": ("title", "headline", "tiêu_đề", "tieu_de"),
    "source": ("source", "site", "site_name", "sitename", "publisher", "domain", "nguồn", "nguon"),
    "author": ("author", "authors", "byline", "writer", "tác_giả", "tac_gia"),
    "category": ("category", "categories", "section", "topic", "chuyên_mục", "chuyen_muc"),
}
_MEANING = {spelling: key for key, spellings in KNOWN_KEYS.items() for spelling in spellings}


def read_text(data: bytes, file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    """The article in one text file (and what had to be repaired to read it)."""
    if not data.strip():
        yield name, Skipped(name, "empty file")
        return
    try:
        decoded = decode(data)
    except DecodingError as error:
        yield name, Skipped(name, str(error))
        return
    if decoded.repaired:
        yield name, Repaired(name, decoded.repaired)
    header, rest = parse_header(decoded.text)
    page = parse_page(rest, title_first=bool(header))
    if not page.text and not page.title and not header.get("title"):  # a file of one line is its title and text
        yield name, Skipped(name, "no article text (only site menus, links or captions)")
        return
    yield name, _article(header, page, name, folder, file)


def _article(header: dict[str, str], page: Page, name: str, folder: str, file: Path) -> Article:
    known = {key: header.pop(key) for key in list(header) if key in ("id", "url", "title", "source")}
    date = parse_date(header["date"]) if "date" in header else None
    if date or "date" not in header:
        header.pop("date", None)  # kept as metadata only when it is not a date
    url = known.get("url") or None
    source = known.get("source") or (url and urlsplit(url).netloc.removeprefix("www.")) or Path(name).parent.name or folder
    title = known.get("title") or page.title
    return Article(
        id=known.get("id") or name, title=title, text=page.text or title, date=date or page.date, url=url,
        source=source, file=str(file.resolve()), metadata=tuple(header.items()), headline=bool(known.get("title")) or page.headline,
    )


# -- headers -----------------------------------------------------------------------------

_HASH_LINE = re.compile(r"^#\s*([^\s=:#][^=:]{0,40}?)\s*[=:]\s*(.*)$")  # "# url = …", "# date: …"
_KEY_LINE = re.compile(r"^([^\W\d][\w -]{0,30}?)\s*:\s*(.*)$")  # "url: …" (a known key only)
_FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """The metadata at the top of ``text`` (keys as in :data:`KNOWN_KEYS` when known, else
    as written) and the text after it.

    >>> parse_header("# doc_id = 12\\n# date = 20210429\\nBão số 3\\nGió mạnh.")
    ({'id': '12', 'date': '20210429'}, 'Bão số 3\\nGió mạnh.')
    """
    lines = text.splitlines()
    at = 0
    while at < len(lines) and not lines[at].strip():
        at += 1
    header: dict[str, str] = {}
    if at < len(lines) and lines[at].strip() == "---":  # YAML front matter, flat keys
        end = next((i for i in range(at + 1, len(lines)) if _FENCE.match(lines[i])), None)
        if end is not None:
            last = None
            for line in lines[at + 1 : end]:
                item = re.match(r"^\s+-\s+(.*)$", line)  # a list item under the last key
                if item and last:
                    header[last] = ", ".join(v for v in (header[last], _unquote(item.group(1))) if v)
                elif match := _KEY_LINE.match(line):
                    last = _key(match.group(1))
                    header[last] = _unquote(match.group(2))
            at = end + 1
    # Unmarked "key: value" lines are a header only with a known key among them, and end at
    # a key outside ASCII that is not known: "Tin, ảnh: Lý Lê" opens an article, not a header.
    block: list[tuple[re.Match[str], bool]] = []
    while at < len(lines):
        line = lines[at].strip()
        match = _HASH_LINE.match(line)
        marked = match is not None
        if not marked:
            match = _KEY_LINE.match(line)
            if match is None or not (_key(match.group(1)) in _MEANING or _key(match.group(1)).isascii()):
                break
        assert match is not None
        block.append((match, marked))
        at += 1
    unmarked = [_key(m.group(1)) for m, marked in block if not marked]
    if unmarked and not any(key in _MEANING for key in unmarked):
        at -= len(block)
        block = []
    for match, _ in block:
        header[_key(match.group(1))] = _unquote(match.group(2))
    meaning = {_MEANING.get(key, key): value for key, value in header.items() if value}
    return meaning, "\n".join(lines[at:])


def _key(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().casefold())


def _unquote(value: str) -> str:
    value = unescape(value.strip())
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


# -- scraped pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    title: str
    date: dt.date | None
    text: str
    headline: bool = True  # False when the page had no title line (``title`` is from the lead)


def parse_page(text: str, *, title_first: bool = False) -> Page:
    """Title, date and body of a page scraped from a news site.

    The title is the last title-like line before the first paragraph of body text (a
    section name, a site banner or a "Skip to main content" link comes earlier); without
    one, the lead's first sentence. With ``title_first`` (after a header), it is the first
    line, unless that is body text or a date. The date is a full date on a short line near
    the title (``PV 22/12/2024 - 06:25``) or at the start of the lead (``Ngày 14/01/2021, ...``).
    """
    lines = _cut_footer(clean_lines(text))
    first = next((i for i, line in enumerate(lines) if _is_paragraph(line)), len(lines))
    header = lines[:first]

    if title_first and first > 0 and not is_date_line(lines[0]) and not _is_chrome(lines[0]):
        title_at: int | None = 0
    elif first < len(lines):
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
        return Page(title=lines[title_at], date=date, text="\n".join(body))
    return Page(title=title_from_lead(body[0]) if body else "", date=date, text="\n".join(body), headline=False)


def unescape(text: str) -> str:
    """HTML entities as the characters they stand for, as scrapers leave them:
    ``lúc&nbsp11h`` -> ``lúc 11h`` (no-break space), ``&#8220;`` -> ``“``."""
    return html.unescape(text) if "&" in text else text


def clean_line(line: str) -> str:
    """One line with entities decoded, look-alike and invisible characters repaired
    (:func:`searcher.normalize.clean`: a zero-width space inside a word is dropped, not a
    space), spaces collapsed and a caption marker dropped."""
    line = " ".join(clean(unescape(line)).split())  # (str.split's whitespace is the \s of re)
    return line[:-1].rstrip() if line.endswith("|") else line  # caption marker: "Quang cảnh hội nghị. |"


def clean_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each as :func:`clean_line` leaves it."""
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


def drop_chrome(text: str) -> str:
    """``text`` without site chrome lines and without what follows a footer heading."""
    return "\n".join(line for line in _cut_footer(clean_lines(text)) if not _is_chrome(line))


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
_BYLINE = re.compile(r"^(tin|ảnh|bài|tin và ảnh|tin, ảnh|bài và ảnh|nguồn|theo|tác giả)\b.{0,60}:", re.IGNORECASE)


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
    re.IGNORECASE,
)
_CHROME_PREFIX = re.compile(
    r"^(?:(?:địa chỉ|điện thoại|email|e-mail|fax|hotline|tổng biên tập|phó tổng biên tập)\s*:"
    r"|giấy phép|cấm sao chép|bản quyền|copyright|©|ghi rõ nguồn|cơ quan chủ quản)",
    re.IGNORECASE,
)
_IMAGE_NAME = re.compile(r"^\S.{0,150}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg)$", re.IGNORECASE)


# The words of the chrome phrases: a line with any other word is not made of them alone.
_CHROME_WORDS = frozenset(re.findall(r"\w+", " ".join(_CHROME_PHRASES).casefold()))
_WORD_RUN = re.compile(r"\w+")


def _is_chrome(line: str) -> bool:
    """Site chrome: buttons and links, licence and contact lines, image file names."""
    if _IMAGE_NAME.match(line) or _CHROME_PREFIX.match(line):
        return True
    # Chrome phrases match whole words, so a word none of them has would be left over:
    # most lines are told apart by their first word, without trying every phrase everywhere.
    if any(word.group().casefold() not in _CHROME_WORDS for word in _WORD_RUN.finditer(line)):
        return False
    return not re.search(r"\w", _CHROME_ONLY.sub("", line))


_FOOTER_MARKERS = re.compile(
    r"^(?:\(\d+\) )?(?:bình luận|bình luận bài viết|ý kiến bạn đọc|thông tin bạn đọc|gửi bình luận"
    r"|viết bình luận|tin liên quan|tin cùng chuyên mục|bài viết liên quan|các tin khác|tin khác"
    r"|xem thêm|nổi bật|đừng bỏ lỡ|đọc nhiều|đọc nhiều nhất|tin mới|tin mới nhất|từ khóa|tags)$",
    re.IGNORECASE,
)


def _cut_footer(lines: list[str]) -> list[str]:
    """Drop everything from the first footer heading ("Bình luận", "Tin liên quan" ...) on."""
    at = next((i for i, line in enumerate(lines) if i and _FOOTER_MARKERS.match(line)), len(lines))
    return lines[:at]


def _dateline_date(line: str) -> dt.date | None:
    """The date of a short metadata line: ``PV 22/12/2024 - 06:25``, ``Thứ hai, 14/01/2021``."""
    return find_date(line) if _words(line) <= 10 else None


_LEAD_DATE = re.compile(
    r"^\W*(?:[^\s-]+(?: [^\s-]+){0,3} [-–—] )?"  # agency: "LCĐT - ", "(LĐ online) - "
    r"(?:(?:sáng|trưa|chiều|tối|đêm|rạng sáng|hôm nay|hôm qua)(?: nay)?,? )?(?:ngày )?"
    r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})",
    re.IGNORECASE,
)


def _lead_date(paragraph: str) -> dt.date | None:
    """``Ngày 14/01/2021, Liên đoàn ...`` -> 2021-01-14."""
    match = _LEAD_DATE.match(paragraph)
    return find_date("ngày " + match.group(1)) if match else None


# "LCĐT - ", "(LĐ online) - ", "Dân trí - ": the agency or place a lead opens with; a name that
# is none of these is the lead's subject and stays ("Titanic - Bộ phim ...").
_AGENCY = re.compile(r"^(\(?[^\s()]+(?: [^\s()]+){0,2}\)?) [-–—] ")
_AGENCY_NAME = re.compile(r"\.(?:vn|com|net|org)$|(?:online|news|net|press|plus|times)$", re.IGNORECASE)
_NEWS_NAMES = frozenset(
    "dân trí|tuổi trẻ|thanh niên|tiền phong|lao động|người lao động|nhân dân|pháp luật|zing|vnexpress|soha"
    "|kenh14|kinhtedothi|an ninh thủ đô|công an nhân dân|sài gòn giải phóng|đất việt|dân việt|petrotimes"
    "|vietq|baomoi|báo mới|thể thao văn hóa|thể thao văn hoá|ngôi sao|giáo dục thời đại|hà nội mới".split("|")
)
_DATELINE = re.compile(
    r"^(?:(?:sáng|trưa|chiều|tối|đêm|rạng sáng|hôm nay|hôm qua) )?(?:(?:ngày|hôm) )?"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?(?: \([^)]*\))?, ",
    re.IGNORECASE,
)
# A full stop after these is not a sentence end: titles (GS. TS Võ Tòng Xuân), places
# (TP. Huế, Q. 1), organs (UBND.), and any initial (N.V.A., Nguyễn V. A.).
_ABBREVIATIONS = frozenset(
    "gs pgs ts tskh ths bs bsck ck ks ls ns nsnd nsưt nsut nxb tp tx tt st mr mrs ms dr prof jr co ltd inc"
    " ubnd hđnd hdnd tand vksnd mttq tw vs tr".split()
)
_SENTENCE_END = re.compile(r"[.!?…][\"”']?\s+(?=[\"“'(]?([^\W\d_]))")
TITLE_LENGTH = 160


def _is_agency(name: str) -> bool:
    """``LCĐT``, ``(LĐ online)``, ``VOV.VN``, ``Dân trí``, ``HÀ NỘI``; not ``Titanic``, ``Steve Jobs``."""
    inner = name.strip("()")
    letters = [c for c in inner if c.isalpha()]
    return (
        (name.startswith("(") and name.endswith(")"))
        or (bool(letters) and all(c.isupper() for c in letters))
        or bool(_AGENCY_NAME.search(inner))
        or inner.casefold() in _NEWS_NAMES
    )


def _first_sentence_end(text: str) -> int | None:
    """Where the first sentence of ``text`` ends: at ``. ! ? …`` before a capital, not after
    an abbreviation or an initial."""
    for match in _SENTENCE_END.finditer(text):
        if not match.group(1).isupper():
            continue
        if text[match.start()] == ".":
            word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
            last = word.rsplit(".", 1)[-1]
            if len(last) == 1 and last.isalpha() or last.casefold() in _ABBREVIATIONS:
                continue
        return match.start() + 1
    return None


def title_from_lead(paragraph: str) -> str:
    """A title for a page without one: the lead's first sentence, without agency and dateline.

    ``LCĐT - Sáng 18/3, Liên đoàn lao động ... quý I, năm 2022.`` ->
    ``Liên đoàn lao động ... quý I``

        >>> title_from_lead("Titanic - Bộ phim của James Cameron trở lại rạp. Vé bán hết.")
        'Titanic - Bộ phim của James Cameron trở lại rạp'
        >>> title_from_lead("Dân trí - GS. TS Võ Tòng Xuân nói về giống lúa mới. Ông cho biết thêm.")
        'GS. TS Võ Tòng Xuân nói về giống lúa mới'
    """
    agency = _AGENCY.match(paragraph)
    text = paragraph[agency.end() :] if agency and _is_agency(agency.group(1)) else paragraph
    text = _DATELINE.sub("", text)
    end = _first_sentence_end(text)
    sentence = (text[:end] if end else text).rstrip(" .")
    if len(sentence) > TITLE_LENGTH:
        comma = sentence.rfind(", ", 0, TITLE_LENGTH)
        if comma >= 60:
            sentence = sentence[:comma]
        else:
            sentence = sentence[: sentence.rfind(" ", 0, TITLE_LENGTH)] + "…"
    return sentence[:1].upper() + sentence[1:]

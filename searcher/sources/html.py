"""HTML pages (``.html``, ``.htm``): one article each, extracted with trafilatura.

trafilatura finds the main text (no menus, sidebars, comments or footers) and the page's
metadata. On top of it, for news pages:

* the title is the page's headline: an ``<h1>`` that ``og:title`` or ``<title>`` also
  names, else that title without the site's name (``Khánh Ly … - VnExpress Giải Trí``);
* the date is the published date the page declares (``article:published_time``,
  ``datePublished`` in JSON-LD or microdata, ``<time datetime>``), else its dateline: one
  whose weekday agrees with the date (``Thứ năm, 13/6/2013, 08:28 GMT+7``), or a short date
  line right by the headline (``Cập nhật lúc 08:30 ngày 12/01/2012``, ``12/1/2012 8:30:00
  AM``), the nearest to the headline, since a site's header may show today's date —, else
  what htmldate finds in the page's metadata. The day is the page's own, as written: a
  time in +07:00 is never moved to the day before in UTC;
* the URL is the canonical one.

Needs the ``html`` extra (``pip install 'vnsearch[html]'``); without it a page is skipped
with that reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..decoding import repair_for
from ..models import Article, Repaired, Skipped
from ..normalize import nfc
from .dates import dateline, find_date, is_date_line, parse_date
from .text import clean_line, drop_chrome

__all__ = ["MAX_HTML_FILE", "NEEDS_EXTRA", "Extracted", "extract", "read_html"]

MAX_HTML_FILE = 20 * 2**20
NEEDS_EXTRA = "reading HTML pages needs the html extra: pip install 'vnsearch[html]'"


@dataclass(frozen=True)
class Extracted:
    """What a page says about its article."""

    title: str
    text: str
    date: dt.date | None
    url: str | None
    site: str | None
    metadata: tuple[tuple[str, str], ...]
    repaired: str | None = None


def read_html(raw: BinaryIO, file: Path, name: str, folder: str) -> Iterator[tuple[str, Article | Skipped | Repaired]]:
    size = file.stat().st_size
    if size > MAX_HTML_FILE:
        yield name, Skipped(name, f"larger than the {MAX_HTML_FILE // 2**20} MB limit for an HTML page ({size / 2**20:.0f} MB)")
        return
    try:
        page = extract(raw.read())
    except ImportError:
        yield name, Skipped(name, NEEDS_EXTRA)
        return
    except ValueError as error:
        yield name, Skipped(name, str(error))
        return
    if page.repaired:
        yield name, Repaired(name, page.repaired)
    source = (page.url and _host(page.url)) or Path(name).parent.name or folder
    yield name, Article(id=name, title=page.title, text=page.text, date=page.date, url=page.url, source=source,
                        file=str(file.resolve()), metadata=page.metadata)


def extract(data: bytes | str, url: str | None = None) -> Extracted:
    """The article of one page; ``ValueError`` says why there is none. ``url``: where the
    page was fetched from, when known. ``ImportError`` when trafilatura is not installed."""
    import trafilatura

    tree = trafilatura.load_html(data)
    if tree is None:
        raise ValueError("not an HTML page")
    doc: Any = None  # trafilatura's Document
    # Tables are layout in old portals (a menu in one cell, the article in the next): read
    # without them first, with them when that finds nothing.
    for tables in (False, True):
        doc = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=tables,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        if doc is not None and (doc.text or "").strip():
            break
    if doc is None or not (doc.text or "").strip():
        raise ValueError("no article text found in the page")
    title = _headline(tree, doc.title or "", doc.sitename or "", doc.url or url or "")
    raw = _with_lead(tree, doc.text, doc.description or "")
    repair = repair_for(f"{title}\n{raw}")
    if repair is not None:
        title, raw = repair.apply(title), repair.apply(raw)
    title = clean_line(nfc(title))
    text = _text(raw, title)
    title = title or text.split("\n", 1)[0][:160]
    metadata = []
    if doc.author:
        metadata.append(("author", clean_line(doc.author)))
    if doc.categories:
        metadata.append(("category", ", ".join(clean_line(c) for c in doc.categories)))
    return Extracted(
        title=title, text=text, date=_published(tree, title, doc.date), url=doc.url or url,
        site=doc.sitename, metadata=tuple(metadata), repaired=repair.note if repair else None,
    )


def _text(raw: str, title: str) -> str:
    """The body without the headline and datelines repeated at its top."""
    lines = drop_chrome(nfc(raw)).split("\n")
    while lines and (lines[0] == title or is_date_line(lines[0])):
        lines.pop(0)
    text = "\n".join(lines).strip()
    if not text:
        raise ValueError("no article text found in the page")
    return text


def _with_lead(tree: Any, text: str, description: str) -> str:
    """The lead (sapo) first when the page shows it outside the body trafilatura found, as
    many news sites do: the page's description when it is also a paragraph of the page."""
    lead = clean_line(description)
    if len(lead.split()) < 8 or lead in clean_line(text):
        return text
    shown = any(clean_line(node.text_content()) == lead for node in tree.xpath("//body//*[self::p or self::h2 or self::div]"))
    return f"{lead}\n{text}" if shown else text


# -- title -------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"\s+[-|–—:»·]\s+")


def _headline(tree: Any, title: str, site: str, url: str) -> str:
    named = [clean_line(t) for t in (_meta(tree, "og:title"), _meta(tree, "twitter:title"), title) if t]
    named += [clean_line(t.text_content()) for t in tree.iter("title")]
    for h1 in sorted({clean_line(h.text_content()) for h in tree.iter("h1")}, key=len, reverse=True):
        if len(h1.split()) >= 2 and any(h1 in t for t in named):
            return h1
    return _without_site(named[0], site, url) if named else ""


def _without_site(title: str, site: str, url: str) -> str:
    """``Khánh Ly đến viếng mộ … - VnExpress Giải Trí`` -> ``Khánh Ly đến viếng mộ …``."""
    names = {n.casefold() for n in (site, _host(url).split(".")[0] if url else "") if n and len(n) >= 3}
    parts = _SEPARATOR.split(title)
    for at in range(1, len(parts)):
        if any(name in parts[at].casefold() or parts[at].casefold() in name for name in names):
            return " - ".join(parts[:at]) if at > 1 else parts[0]
    return title


def _meta(tree: Any, name: str) -> str:
    for value in tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content'):
        if value.strip():
            return str(value).strip()
    return ""


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


# -- date --------------------------------------------------------------------------------


def _published(tree: Any, headline: str, found: str | None) -> dt.date | None:
    for name in ("article:published_time", "datePublished", "og:published_time", "pubdate", "publishdate"):
        if date := parse_date(_meta(tree, name)):
            return date
    if date := _json_ld_date(tree):
        return date
    for node in tree.xpath("//*[@itemprop='datePublished'] | //time[@datetime]"):
        if date := parse_date(node.get("datetime") or node.get("content") or node.text_content()):
            return date
    if date := _dateline(tree, headline):
        return date
    return parse_date(found) if found else None


def _json_ld_date(tree: Any) -> dt.date | None:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        todo = [data]
        while todo:
            item = todo.pop(0)
            if isinstance(item, list):
                todo += item
            elif isinstance(item, dict):
                if date := parse_date(item.get("datePublished")):
                    return date
                todo += [v for v in item.values() if isinstance(v, (list, dict))]
    return None


NEAR = 8  # a dateline without its weekday counts this close to the headline (text pieces)
_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?!\d)")


def _dateline(tree: Any, headline: str) -> dt.date | None:
    """The dateline nearest to the headline in the page's text: one that names its weekday
    rightly (``Thứ năm, 13/6/2013, 08:28 GMT+7``) anywhere, or, close to the headline, a short
    line with a full date and a time or only a date (``Cập nhật lúc 08:30 ngày 12/01/2012``,
    ``12/1/2012 8:30:00 AM``), as 2011–2012 layouts wrote them; the weekday one on a tie."""
    pieces = [clean_line(t) for t in tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")]
    pieces = [p for p in pieces if p]
    joined = [" ".join(pieces[i : i + 3]) for i in range(len(pieces))]  # "Thứ năm," "13/6/2013"
    at = next((i for i, piece in enumerate(pieces) if headline and piece == headline), None)
    found = [(abs(i - (at or 0)), 0, date) for i, text in enumerate(joined) if (date := dateline(text))]
    if at is not None:
        for i in range(max(0, at - NEAR), min(len(pieces), at + NEAR + 1)):
            piece = pieces[i]
            if len(piece.split()) <= 12 and (is_date_line(piece) or _TIME.search(piece)) and (date := find_date(piece)):
                found.append((abs(i - at), 1, date))
    return min(found, key=lambda f: f[:2])[2] if found else None

"""Real news pages from the team's shared folder (``../shared/html-pages``, read at run
time, never copied here): each page's headline, date and a body sentence are read, and the
site's menus and footers are not. Without the pages or the html extra the module is skipped,
unless VNSEARCH_HTML_TESTS=required (as in CI), where it fails instead."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import import_needed, needed
from searcher.models import Article
from searcher.sources import read_paths

import_needed("trafilatura", "html")

PAGES = Path(os.environ.get("VNSEARCH_HTML_PAGES", Path(__file__).resolve().parents[2] / "shared" / "html-pages"))
EXPECTED = [json.loads(line) for line in (PAGES / "expected.jsonl").open(encoding="utf-8")] if PAGES.is_dir() else []
needed(bool(EXPECTED), f"no shared pages at {PAGES}", "set VNSEARCH_HTML_PAGES")


@pytest.mark.parametrize("page", EXPECTED, ids=lambda page: page["file"])
def test_a_real_page_gives_its_headline_date_and_text_without_the_sites_chrome(page: dict[str, str]) -> None:
    [article] = [a for a in read_paths([PAGES / page["file"]]) if isinstance(a, Article)]
    assert article.title == page["title"]
    assert article.date == dt.date.fromisoformat(page["date"])
    assert page["key_sentence"] in article.text
    assert page["chrome_phrase"] not in article.text

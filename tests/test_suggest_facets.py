"""Diacritic suggestions, facets, sorting by date and looking up one article."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ids
from searcher import SearchEngine
from searcher.models import Facet

SOURCED = [
    {"id": "a", "title": "Bão số 9 đổ bộ", "text": "Bão số 9 gây mưa lớn ở miền Trung.", "date": "2020-10-28",
     "url": "https://vnexpress.net/bao-so-9"},
    {"id": "b", "title": "Mưa lũ miền Trung", "text": "Lũ lớn, bão chồng bão.", "date": "2020-10-12",
     "url": "https://tuoitre.vn/mua-lu"},
    {"id": "c", "title": "Bão năm 2021", "text": "Một cơn bão nhỏ.", "date": "2021-09-01", "source": "vnexpress.net"},
    {"id": "d", "title": "Bão không rõ ngày", "text": "Bão tan nhanh."},
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cong doan", "công đoàn"),
        ("Cong doan co so", "Công đoàn cơ sở"),  # the user's capitals are kept
        ("gia ban", "giá bán"),  # "giá bán" is written together, though "bàn" alone is as common
        ("thuy dien hoa binh", "thủy điện hòa bình"),
        ('title:cong -ban "hoi nghi"', 'title:công -bàn "hội nghị"'),  # the syntax is kept as typed
        ("cong đoàn", "công đoàn"),
        ("U23 viet nam", "U23 việt nam"),
    ],
)
def test_suggestion_puts_back_the_diacritics_the_articles_use(corpus_engine: SearchEngine, typed: str, meant: str) -> None:
    assert corpus_engine.suggest(typed) == meant


@pytest.mark.parametrize("typed", ["công đoàn", "covid", "", "  ", '"" OR -', "2021"])
def test_no_suggestion_when_nothing_would_change(corpus_engine: SearchEngine, typed: str) -> None:
    assert corpus_engine.suggest(typed) is None


def test_search_carries_the_suggestion_when_asked(corpus_engine: SearchEngine) -> None:
    assert corpus_engine.search("cong doan", suggest=True).suggestion == "công đoàn"
    assert corpus_engine.search("cong doan").suggestion is None
    assert corpus_engine.search("công đoàn", suggest=True).suggestion is None


def test_suggestion_learned_from_real_news(seeds_engine: SearchEngine) -> None:
    assert seeds_engine.suggest("cong doan vien chuc") == "công đoàn viên chức"
    assert seeds_engine.suggest("lam dong") == "lâm đồng"


def test_facets_count_every_match_by_year_and_source(engine: SearchEngine) -> None:
    engine.add_documents(SOURCED)
    results = engine.search("bao", limit=1)
    assert results.total == 4
    assert results.facets.years == (Facet("2021", 1), Facet("2020", 2))  # newest first; undated not counted
    assert results.facets.sources == (Facet("vnexpress.net", 2), Facet("tuoitre.vn", 1))


def test_year_and_source_filter(engine: SearchEngine) -> None:
    engine.add_documents(SOURCED)
    assert sorted(ids(engine.search("bao", year=2020))) == ["a", "b"]
    assert sorted(ids(engine.search("bao", source="vnexpress.net"))) == ["a", "c"]
    assert ids(engine.search("bao", source="vnexpress.net", year=2021)) == ["c"]
    assert engine.search("bao", source="nowhere.vn").total == 0
    filtered = engine.search("bao", year=2020)
    assert filtered.facets.years == (Facet("2020", 2),)


def test_sort_by_date_puts_the_newest_first_and_undated_last(engine: SearchEngine) -> None:
    engine.add_documents(SOURCED)
    assert ids(engine.search("bao", sort="date")) == ["c", "a", "b", "d"]
    assert ids(engine.search("bao", sort="date", limit=2, offset=2)) == ["b", "d"]
    assert ids(engine.search("bao", sort="date", until=dt.date(2020, 12, 31))) == ["a", "b"]


def test_unknown_sort_is_refused(engine: SearchEngine) -> None:
    with pytest.raises(ValueError, match="^unknown sort 'newest': use one of relevance, date$"):
        engine.search("bao", sort="newest")


def test_document_by_id(engine: SearchEngine) -> None:
    engine.add_documents(SOURCED)
    article = engine.document("a")
    assert article is not None
    assert (article.title, article.date, article.source, article.url) == (
        "Bão số 9 đổ bộ", dt.date(2020, 10, 28), "vnexpress.net", "https://vnexpress.net/bao-so-9",
    )
    assert engine.document("zzz") is None
    engine.delete("a")
    assert engine.document("a") is None

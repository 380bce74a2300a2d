"""Ranking's formulas against scores computed by hand, and the engine applying them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from searcher import SearchEngine
from searcher.matching import PARAMS
from searcher.ranking import Params, adjacent, coverage, fields_bm25, idf, proximity


def test_fields_bm25_weighs_and_sums_each_fields_bm25() -> None:
    # title: tf 1, length 5 (average 10), b 0.5: norm 0.75 -> 1 * 2.2 / (1 + 1.2 * 0.75), weighted 2
    # body:  tf 3, length 100 (average 50), b 0.75: norm 1.75 -> 3 * 2.2 / (3 + 1.2 * 1.75)
    expected = 2 * 2.2 / (1 + 0.9) + 3 * 2.2 / (3 + 2.1)
    tf, lengths = [np.array([1.0]), np.array([3.0])], [np.array([5.0]), np.array([100.0])]
    got = fields_bm25(tf, lengths, [10, 50], [2, 1], [0.5, 0.75], 1.2)
    assert got[0] == pytest.approx(expected)
    assert got[0] == pytest.approx(3.6099, abs=1e-4)


def test_idf_is_bm25s() -> None:
    assert idf(2, 3) == pytest.approx(math.log(1 + 1.5 / 2.5))
    assert idf(1000, 1000) > 0  # a word in every document still counts a little


def test_coverage_weighs_missing_words_by_their_information() -> None:
    having = [np.array([0, 1]), np.array([0, 2])]  # the first group in documents 0 and 1, the second in 0 and 2
    assert coverage(having, np.array([4.0, 1.0]), 3).tolist() == [1.0, 0.8, 0.2]


def test_adjacent_and_proximity() -> None:
    doc = 7 << 32
    first = np.array([doc | 1, doc | 10, (8 << 32) | 4])
    second = np.array([doc | 2, doc | 13, (8 << 32) | 9])
    assert adjacent(first, second, 1).tolist() == [doc | 1]
    assert adjacent(first, second, 3).tolist() == [doc | 10]
    params = Params(same_word=1.0, next_word=0.5, proximity_k1=1.0)
    together = 1.0 + 0.5  # one pair in a word, one across two words
    assert proximity(np.array([1.0]), np.array([1.0]), params)[0] == pytest.approx(together * 2 / (together + 1))


def test_engine_scores_one_word_as_computed_by_hand(engine: SearchEngine) -> None:
    engine.add_documents([
        {"id": "a", "title": "Giá vàng", "text": "Giá vàng hôm nay tăng mạnh ."},
        {"id": "b", "title": "Thời tiết", "text": "Trời nắng , vàng rực ."},
        {"id": "c", "title": "Bóng đá", "text": "Đội tuyển thắng ."},
    ])
    titles, bodies = [2, 2, 2], [6, 4, 3]  # terms in each field (punctuation is not a term)
    hits = {hit.id: hit.score for hit in engine.search("vàng").hits}
    assert set(hits) == {"a", "b"}
    p = PARAMS

    def expected(title_tf: int, body_tf: int, doc: int) -> float:
        title_norm = 1 - p.title_b + p.title_b * titles[doc] / (sum(titles) / 3)
        body_norm = 1 - p.body_b + p.body_b * bodies[doc] / (sum(bodies) / 3)
        title = p.title_weight * title_tf * (p.k1 + 1) / (title_tf + p.k1 * title_norm)
        body = body_tf * (p.k1 + 1) / (body_tf + p.k1 * body_norm)
        return idf(2, 3) * (title + body)

    assert hits["a"] == pytest.approx(expected(1, 1, 0), abs=1e-4)
    assert hits["b"] == pytest.approx(expected(0, 1, 1), abs=1e-4)


def test_a_word_typed_without_diacritics_is_in_as_many_articles_as_have_any_spelling(engine: SearchEngine) -> None:
    # ``thu`` is thủ in a and thứ in a and b: its spellings' counts add up to 3 of 3 articles, as
    # if every article had it (idf almost 0); it is in 2, and weighs idf(2, 3).
    engine.add_documents([
        {"id": "a", "title": "Thủ môn", "text": "Thủ môn thứ nhất ."},
        {"id": "b", "title": "Thời tiết", "text": "Thứ hai trời nắng ."},
        {"id": "c", "title": "Bóng đá", "text": "Đội tuyển thắng ."},
    ])
    hits = {hit.id: hit.score for hit in engine.search("thu").hits}
    assert set(hits) == {"a", "b"}
    p = PARAMS
    bodies = [4, 4, 3]
    body_norm = 1 - p.body_b + p.body_b * bodies[1] / (sum(bodies) / 3)
    assert hits["b"] == pytest.approx(idf(2, 3) * (p.k1 + 1) / (1 + p.k1 * body_norm), abs=1e-4)  # thứ, the likelier, weighs 1


def test_an_article_whose_title_has_every_word_comes_first(engine: SearchEngine) -> None:
    # Three words of a title typed without diacritics, in another order: the article sought has
    # them all in its title, in its own spellings; another has two of them side by side in its
    # title and the third in its body.
    engine.add_documents([
        {"id": "sought", "title": "Cặp phượt thủ tông trúng cụ ông trên quốc lộ",
         "text": "Hai phượt thủ đi xe phân khối lớn tông trúng một cụ ông đang qua đường ."},
        {"id": "other", "title": "Chồng cũ cặp bồ gây đổ vỡ",
         "text": "Người chồng cũ cặp bồ khiến gia đình tan vỡ , vợ con thu dọn đồ đạc ."},
        {"id": "third", "title": "Giá vàng hôm nay", "text": "Giá vàng thu hút người mua ."},
        {"id": "d", "title": "Thời tiết", "text": "Trời nắng nóng ."},
        {"id": "e", "title": "Bóng đá", "text": "Đội tuyển thắng ."},
    ])
    assert [hit.id for hit in engine.search("thu cu cap").hits] == ["sought", "other"]

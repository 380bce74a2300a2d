"""Expected top results over a fixture corpus (fast segmenter) and over the seeds (pyvi)."""

import datetime as dt

import pytest

from conftest import ids
from searcher import SearchEngine, matching


def test_query_without_accents_finds_every_accented_form(corpus_engine: SearchEngine) -> None:
    assert sorted(ids(corpus_engine.search("ban"))) == ["football", "sale", "table"]  # bàn, bán, bàn thắng


def test_accented_query_ranks_exact_diacritics_first(corpus_engine: SearchEngine) -> None:
    # "sale" says bán five times; "bàn" is what was typed.
    assert ids(corpus_engine.search("bàn")) == ["table", "football", "sale"]
    assert ids(corpus_engine.search("bán"))[0] == "sale"


def test_compound_beats_adjacent_syllables_and_scattered_ones(corpus_engine: SearchEngine) -> None:
    # union: "công đoàn" the word; success: "thành công đoàn kết"; scattered: "công nhật ... đoàn khách"
    assert ids(corpus_engine.search("cong doan")) == ["union", "success", "scattered"]


def test_phrase_inside_a_compound(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine.search("đoàn cơ")) == ["union"]
    assert ids(corpus_engine.search('"doan co so"')) == ["union"]


def test_pasted_title_is_searched_as_words(corpus_engine: SearchEngine) -> None:
    results = corpus_engine.search("U23 Việt Nam - U23 Malaysia: Thử nghiệm và khắc phục")
    assert ids(results) == ["football"]
    assert not results.partial


@pytest.mark.parametrize(
    "query",
    ['(bóng đá) / "U23', "U23 [Việt Nam]: 2-0!", 'title:"', "OR", "-", '"""', "a:b:c", "title:", "\\/*?~^"],
)
def test_odd_queries_never_fail(corpus_engine: SearchEngine, query: str) -> None:
    corpus_engine.search(query)


def test_odd_query_still_finds_its_words(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine.search('(bóng đá) / "U23')) == ["football"]


def test_tone_placement_and_i_y_spellings_match(corpus_engine: SearchEngine) -> None:
    # The article writes "thuỷ điện Hoà Bình", "Kỹ thuật", "sức khoẻ".
    for query in ["thủy điện hòa bình", "thuỷ điện hoà bình", "kĩ thuật", "sức khỏe", "THUY DIEN"]:
        assert ids(corpus_engine.search(query)) == ["hydro"], query


def test_exclusion(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine.search("ban -ban")) == []
    assert ids(corpus_engine.search("ban -bán")) == ["table", "football"]  # accented: that spelling only
    assert ids(corpus_engine.search("ban -thang")) == ["sale", "table"]
    assert "sale" not in ids(corpus_engine.search("gia ban -nha"))


def test_or(corpus_engine: SearchEngine) -> None:
    assert sorted(ids(corpus_engine.search("thuy OR malaysia"))) == ["football", "hydro"]


def test_title_field(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine.search("title:ban")) == ["sale", "table"]
    assert ids(corpus_engine.search('title:"cai ban"')) == ["table"]


def test_date_range(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine.search("ban", since=dt.date(2022, 1, 1))) == ["sale", "table"]
    assert ids(corpus_engine.search("ban", until=dt.date(2022, 1, 10))) == ["table", "football"]
    assert ids(corpus_engine.search("ban", since=dt.date(2022, 1, 11), until=dt.date(2022, 1, 31))) == []


def test_partial_matches_when_no_article_has_every_word(corpus_engine: SearchEngine) -> None:
    results = corpus_engine.search("cong doan xyzzy")
    assert results.partial
    assert ids(results) == ["union", "success", "scattered"]
    assert not corpus_engine.search("cong doan").partial


def test_folded_query_highlights_the_accented_words(corpus_engine: SearchEngine) -> None:
    snippet = corpus_engine.search("cong doan").hits[0].snippet
    assert str(snippet) == "<b>Công đoàn</b> cơ sở tổ chức hội nghị tổng kết. <b>Đoàn</b> viên <b>công đoàn</b> tham dự đông đủ."


def test_accented_query_highlights_its_own_spelling(corpus_engine: SearchEngine) -> None:
    snippet = corpus_engine.search("bàn").hits[1].snippet  # football: "hai bàn thắng"
    assert "<b>bàn</b> thắng" in str(snippet)


def test_pages(corpus_engine: SearchEngine) -> None:
    first = corpus_engine.search("ban", limit=2)
    second = corpus_engine.search("ban", limit=2, offset=2)
    assert (first.total, second.total) == (3, 3)
    assert ids(first) + ids(second) == ids(corpus_engine.search("ban"))


# -- the seeds, with pyvi ------------------------------------------------------------------


def test_seeds_with_and_without_diacritics(seeds_engine: SearchEngine) -> None:
    folded, accented = seeds_engine.search("cong doan"), seeds_engine.search("công đoàn")
    assert folded.total == accented.total == 5
    assert ids(folded) == ids(accented)
    # Every seed is about trade unions; the four that say so in their title come first.
    assert ids(folded)[-1] == "003_235005d3aa13c8c5.txt"
    assert all("công đoàn" in hit.title.lower() for hit in folded.hits[:4])


@pytest.mark.parametrize(
    "query, top",
    [
        ("lang son", "004_dd78adaa512fb10c.txt"),
        ("Lâm Đồng", "002_a25af5b666581c5b.txt"),
        ("trung du mien nui phia dong bac", "003_235005d3aa13c8c5.txt"),
        ("Hội nghị tổng kết công tác công đoàn năm 2020,triển khai nhiệm vụ năm 2021", "004_dd78adaa512fb10c.txt"),
        ("can bo cong doan chuyen trach", "000_c2e67805cb762b83.txt"),
        ("vắc xin cho công nhân", "001_37a8b72512109e4f.txt"),
    ],
)
def test_seeds_top_result(seeds_engine: SearchEngine, query: str, top: str) -> None:
    assert ids(seeds_engine.search(query))[0] == top


def test_seed_footers_are_not_searchable(seeds_engine: SearchEngine) -> None:
    for footer in ['"nha khoa daisy"', '"giấy phép xuất bản"', '"skip to main content"']:
        results = seeds_engine.search(footer)  # no article has the phrase: its words, as a partial match
        assert results.partial, footer
        assert all(footer.strip('"') not in hit.snippet.text.lower() for hit in results.hits)
    assert seeds_engine.search("daisy").total == 0


def test_a_phrase_no_article_has_is_searched_as_its_words(corpus_engine: SearchEngine) -> None:
    pasted = corpus_engine.search('Ai ghi "hai bàn thắng trước Malaysia"?')
    assert ids(pasted)[0] == "football"
    assert pasted.partial
    assert ids(corpus_engine.search('"thắng U23 Malaysia" -"hai bàn"')) == []  # a phrase that is there stays required


def test_folded_word_finds_every_initial_spelling(engine: SearchEngine) -> None:
    engine.add_documents([
        {"id": "actor", "title": "Diễn viên nổi tiếng", "text": "Một diễn viên điện ảnh."},
        {"id": "power", "title": "Giá điện tăng", "text": "Giá điện sinh hoạt tăng."},
        {"id": "crazy", "title": "Cơn điên", "text": "Cơn điên của thị trường."},
    ])
    assert sorted(ids(engine.search("dien"))) == ["actor", "crazy", "power"]
    assert ids(engine.search("dien vien")) == ["actor"]


def test_a_full_cache_evicts_without_changing_results(corpus_engine: SearchEngine) -> None:
    queries = ["cong doan", "công đoàn", '"cong doan"', "ban -gia", "thuy dien OR bong da", "title:ban", "hoa binh"]
    expected = [(r.total, ids(r)) for r in map(corpus_engine.search, queries)]
    small = SearchEngine(corpus_engine.path, cache_bytes=2000)  # every query evicts what the last one read
    for _ in range(2):
        assert [(r.total, ids(r)) for r in map(small.search, queries)] == expected


@pytest.mark.parametrize(("whole", "sparse"), [(0, 0), (0, 10**9)])
def test_words_scored_in_the_matches_alone_score_as_over_all_their_articles(
    corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, whole: int, sparse: int,
) -> None:
    # A word in many more articles than the matches is scored in those alone, its spellings'
    # postings looked up (sparse) or scanned: the same scores as when every article is scored.
    queries = [
        "cong doan", "công đoàn", '"cong doan"', "thuy dien OR bong da", "bàn thắng", "ban thang", "bán",
        "ban thang nha tang gia", "TP.HCM", "doan vien cong doan",
    ]

    def scored() -> list[tuple[int, list[tuple[str, float]]]]:
        fresh = SearchEngine(corpus_engine.path)  # (nothing kept from another query)
        return [(r.total, [(h.id, h.score) for h in r.hits]) for r in map(fresh.search, queries)]

    monkeypatch.setattr(matching, "WHOLE", 10**9)
    every = scored()
    monkeypatch.setattr(matching, "WHOLE", whole)
    monkeypatch.setattr(matching, "SPARSE", sparse)
    assert scored() == every
    assert all(hits for _, hits in every[:5])

"""Type it any way: keystrokes, typos, abbreviations, odd characters, search as you type (issue 10).

Each way a user may type a query, as the user's contract: what they type, what they find.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ids
from searcher import SearchEngine
from searcher.errors import RequestError, SearcherError
from searcher.keystrokes import convert, telex, viqr, vni
from searcher.normalize import clean
from searcher.query import parse
from searcher.segment import DictionarySegmenter
from searcher.synonyms import Synonyms, built_in, expand

NEWS = [
    {"id": "union", "title": "Hội nghị công đoàn cơ sở", "text": "Công đoàn cơ sở tổ chức hội nghị tổng kết công đoàn."},
    {"id": "union2", "title": "Công đoàn ngành giáo dục", "text": "Công đoàn giáo dục thăm hỏi đoàn viên công đoàn."},
    {"id": "bus", "title": "Xe bus nhanh", "text": "Tuyến xe bus nhanh chở khách. Xe bus chạy đúng giờ."},
    {"id": "crowd", "title": "Cộng đồng mạng", "text": "Cộng đồng mạng bàn tán."},
    {"id": "malware", "title": "Mã độc WannaCry", "text": "Mã độc WannaCry tấn công máy tính. WannaCry đòi tiền chuộc."},
    {"id": "malware2", "title": "Cảnh báo WannaCry", "text": "Biến thể mới của WannaCry lây lan."},
    {"id": "malware3", "title": "WannaCry vẫn nguy hiểm", "text": "Chuyên gia nói mã độc WannaCry vẫn còn."},
    {"id": "hcm-dotted", "title": "TP.HCM kẹt xe", "text": "Kẹt xe ở TP.HCM kéo dài."},
    {"id": "hcm-joined", "title": "TPHCM mưa lớn", "text": "Mưa lớn ở TPHCM gây kẹt xe."},
    {"id": "hcm-spaced", "title": "TP HCM mở đường", "text": "TP HCM mở thêm đường mới."},
    {"id": "hcm-long", "title": "Thành phố Hồ Chí Minh xây cầu", "text": "Thành phố Hồ Chí Minh xây thêm cầu."},
    {"id": "ubnd", "title": "UBND tỉnh họp", "text": "UBND tỉnh họp bàn kế hoạch."},
    {"id": "ubnd-long", "title": "Ủy ban nhân dân huyện", "text": "Ủy ban nhân dân huyện công bố quyết định."},
    {"id": "csgt", "title": "CSGT tuần tra", "text": "CSGT tuần tra ban đêm."},
    {"id": "csgt-long", "title": "Cảnh sát giao thông làm nhiệm vụ", "text": "Cảnh sát giao thông làm nhiệm vụ ban đêm."},
    {"id": "pm", "title": "Thủ tướng Phạm Minh Chính làm việc", "text": "Thủ tướng Phạm Minh Chính làm việc với tỉnh."},
    {"id": "self1", "title": "Chính mình", "text": "Tự mình làm, mình chịu. Chính mình."},
    {"id": "self2", "title": "Mình ơi", "text": "Mình đi đâu đấy mình ơi."},
    {"id": "fever", "title": "Sốt xuất huyết tăng", "text": "Bệnh sốt xuất huyết tăng mạnh."},
    {"id": "gap", "title": "Công đo\u200bàn Ðà Nẵng", "text": "Ðoàn viên công đo\u00adàn năm ２０２１ được khen, hoaˊ đơn mới."},
]
WORDS = ["công đoàn", "cơ sở", "hội nghị", "cộng đồng", "mã độc", "kẹt xe", "ủy ban", "nhân dân", "cảnh sát", "giao thông",
         "thủ tướng", "sốt xuất huyết", "hồ chí minh", "thành phố", "đà nẵng", "đoàn viên"]


@pytest.fixture
def news(tmp_path: Path) -> SearchEngine:
    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter(WORDS))
    engine.add_documents(NEWS)
    return engine


# -- characters that look the same ----------------------------------------------------------


def test_clean_repairs_look_alike_and_invisible_characters() -> None:
    assert clean("Ðà Nẵng ðoàn Ɖ") == "Đà Nẵng đoàn Đ"
    for invisible in ("\u200b", "\u00ad", "\u2060", "\ufeff", "\u200c", "\u200d"):
        assert clean(f"công đo{invisible}àn") == "công đoàn"
    assert clean("hoaˊ hoaˋ") == "hoá hoà"
    assert clean("năm ２０２１") == "năm 2021"


def test_look_alike_and_invisible_characters_are_found_and_shown_clean(news: SearchEngine) -> None:
    assert "gap" in ids(news.search("công đoàn", limit=20))
    assert ids(news.search("Đà Nẵng")) == ["gap"]
    assert ids(news.search("Ðà Nẵng")) == ["gap"]  # typed with the look-alike too
    assert ids(news.search("2021")) == ["gap"]
    assert ids(news.search("hóa đơn")) == ["gap"]
    hit = news.search("đà nẵng").hits[0]
    assert hit.title == "Công đoàn Đà Nẵng"  # no gap, no look-alike
    assert "đo\u200bàn" not in news.document("gap").text  # type: ignore[union-attr]


def test_a_zero_width_space_in_a_text_file_does_not_split_the_word(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Công đo\u200bàn tỉnh\n\nĐại hội công đo\u200bàn tỉnh lần thứ X.", encoding="utf-8")
    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter(WORDS))
    engine.add_paths([tmp_path / "news"])
    assert engine.search('"công đoàn tỉnh"').total == 1
    assert engine.search("công đoàn").hits[0].title == "Công đoàn tỉnh"


# -- keystrokes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "meant"), [
    ("coong ddoanf", "công đoàn"), ("nguyeenx phus trongj", "nguyễn phú trọng"), ("DDaij hooij", "Đại hội"),
    ("nguoiwf", "người"), ("tuwf thieenj", "từ thiện"),
])
def test_telex(typed: str, meant: str) -> None:
    assert convert(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [("co6ng d9oa2n", "công đoàn"), ("vie65t nam", "việt nam"), ("d9u7o72ng", "đường")])
def test_vni(typed: str, meant: str) -> None:
    assert convert(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("co^ng ddoa`n", "công đoàn"), ("Vie^.t Nam", "Việt Nam"), ("ddu+o+`ng pho^'", "đường phố"),
])
def test_viqr(typed: str, meant: str) -> None:
    assert convert(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("d9u7o7`ng", "đường"), ("D9U7O7`NG", "ĐƯỜNG"), ("u7'ng ho65", "ứng hộ"), ("d9o^`ng bo65", "đồng bộ"),
    ("co^ng d9oa`n", "công đoàn"), ("ddu+o+2ng", "đường"),
])
def test_vni_and_viqr_keys_in_one_word_are_read_together(typed: str, meant: str) -> None:
    # As an input method that takes both reads them (ibus-bamboo's "Telex + VNI + VIQR").
    assert convert(typed) == meant


@pytest.mark.parametrize(("typed", "converted"), [
    ("d9u7o7`ngx", None), ("d9u7o7`ng9", None), ("co^ngf", None), ("e^2x", None),
    ("d9u7o7`ngx co^ng", "d9u7o7`ngx công"), ("thu.vieejn ddoa`n", "thu.vieejn đoàn"), ("Đoanf co^ng", "Đoanf công"),
])
def test_a_word_that_spells_no_syllable_whole_is_left_exactly_as_typed(typed: str, converted: str | None) -> None:
    # Never in part: "d9u7o7`ngx" is not "đươ`ngx", nor "d9ồng" for "d9o^`ngx".
    assert convert(typed) == converted


def test_a_final_mark_that_spells_nothing_is_punctuation() -> None:
    assert convert("nguoiwf? co^ng") == "người? công"
    assert convert("ddoa`n. Sau") == "đoàn. Sau"
    assert convert("ddu+o+`ng pho^'") == "đường phố"  # (here the final ' is a tone)


def test_mixed_keystrokes_are_searched_converted_and_say_so(news: SearchEngine) -> None:
    results = news.search("d9u7o7`ng")
    assert results.showing == "đường"
    assert ids(results) == ids(news.search("đường")) == ["hcm-spaced"]


def test_text_that_is_not_keystrokes_is_left_alone() -> None:
    for text in ("cong doan", "khi nao?", "ha noi.", "TP.HCM", "u23 viet nam", "covid-19", "Công đoàn"):
        assert convert(text) is None, text
    assert telex("class") is None and vni("u23") is None and viqr("TP.") is None


@pytest.mark.parametrize("typed", ["coong ddoanf", "co6ng d9oa2n", "co^ng ddoa`n"])
def test_keystrokes_are_searched_converted_and_say_so(news: SearchEngine, typed: str) -> None:
    results = news.search(typed)
    assert results.showing == "công đoàn"
    assert ids(results) == ids(news.search("công đoàn"))
    assert results.as_json()["showing"] == "công đoàn"
    assert news.search(typed, as_typed=True).showing is None


def test_a_word_the_index_has_as_typed_is_not_converted(news: SearchEngine) -> None:
    results = news.search("xe bus")  # Telex would read "bú"
    assert results.showing is None
    assert ids(results) == ["bus"]


# -- typos ----------------------------------------------------------------------------------


def test_a_word_the_index_lacks_finds_its_close_spellings_below_exact_ones(news: SearchEngine) -> None:
    assert ids(news.search("ma doc wanacry"))[:1] == ["malware"]
    assert set(ids(news.search("wanacry"))) == {"malware", "malware2", "malware3"}
    results = news.search("ma doc wanacry", suggest=True)
    assert results.suggestion == "mã độc wannacry"
    assert "<b>WannaCry</b>" in results.hits[0].snippet.html()


def test_typos_do_not_touch_words_the_index_knows(news: SearchEngine) -> None:
    assert ids(news.search("cong dong")) == ["crowd"]  # not công đoàn, one letter away


def test_words_run_together_or_split_apart(news: SearchEngine, seeds_engine: SearchEngine) -> None:
    assert set(ids(news.search("congdoan"))) >= {"union", "union2"}
    assert set(ids(news.search("c ong doan"))) == set(ids(news.search("cong doan"))) == {"union", "union2", "gap"}
    # The seeds write "t hi đua" once; typed so, it finds "thi đua" everywhere.
    assert seeds_engine.search("t hi đua").total == seeds_engine.search("thi đua").total == 5


# -- abbreviations --------------------------------------------------------------------------


def test_abbreviations_find_their_long_forms_in_every_writing(news: SearchEngine) -> None:
    hcm = {"hcm-dotted", "hcm-joined", "hcm-spaced", "hcm-long"}
    for query in ("TP.HCM", "TPHCM", "TP HCM", "tp hcm", "thành phố Hồ Chí Minh", "thanh pho ho chi minh"):
        assert set(ids(news.search(query))) == hcm, query
    for short, long, found in (("UBND", "ủy ban nhân dân", {"ubnd", "ubnd-long"}), ("csgt", "cảnh sát giao thông", {"csgt", "csgt-long"})):
        assert set(ids(news.search(short))) == set(ids(news.search(long))) == found


def test_abbreviations_rank_each_form_alike_and_stay_soft(news: SearchEngine) -> None:
    results = news.search("ket xe tphcm")
    assert set(ids(results)) == {"hcm-dotted", "hcm-joined"}  # kẹt xe is still required
    parsed = expand(parse("tphcm"), built_in())
    assert all(c.expanded for c in parsed.groups[0][1:]) and not parsed.groups[0][0].expanded


def test_the_built_in_list_has_the_news_abbreviations() -> None:
    table = built_in()
    for abbreviation in ("tphcm", "ubnd", "csgt", "bhxh", "thpt", "ldld", "hdnd", "dbqh", "tand", "clb", "dtvn"):
        assert (abbreviation,) in table.finds, abbreviation


def test_users_synonyms_from_a_file_and_the_index(news: SearchEngine, tmp_path: Path) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("# mine\nWNC, WannaCry\nbác sĩ => mã độc\n", encoding="utf-8")
    engine = SearchEngine(news.path, synonyms=[mine])
    assert set(ids(engine.search("wnc"))) == {"malware", "malware2", "malware3"}
    assert ids(engine.search("bác sĩ"))[:1] == ["malware"]
    assert not engine.search("mã độc wnc").partial
    (Path(news.path) / "synonyms.txt").write_text("sxh, sốt xuất huyết\n", encoding="utf-8")
    assert ids(SearchEngine(news.path).search("sxh")) == ["fever"]
    with pytest.raises(SearcherError, match="cannot read synonyms from .*nope.txt"):
        SearchEngine(news.path, synonyms=[tmp_path / "nope.txt"]).search("x")
    assert Synonyms.parse("a, b => c").finds[("a",)][0][0].exact == "c"


# -- suggestions ----------------------------------------------------------------------------


def test_suggestions_keep_plain_words_of_a_query_typed_with_diacritics(news: SearchEngine) -> None:
    assert news.search("thủ tướng phạm minh chính", suggest=True).suggestion is None
    assert news.search("sốt xuat huyet", suggest=True).suggestion == "sốt xuất huyết"  # not words as typed
    assert news.search("pham minh chinh", suggest=True).suggestion == "phạm minh chính"


REVIEWS = [
    {"id": "review1", "title": "Hội nghị tổng kết năm 2023", "text": "Hội nghị tổng kết công tác năm 2023 của ngành."},
    {"id": "review2", "title": "Tổng kết phong trào thi đua", "text": "Công đoàn tổng kết phong trào thi đua."},
    {"id": "review3", "title": "Tổng kết mùa giải", "text": "Câu lạc bộ tổng kết mùa giải và trao thưởng."},
    {"id": "tongyang", "title": "Tập đoàn Tong Yang đầu tư", "text": "Tập đoàn Tong Yang của Hàn Quốc đầu tư vào Việt Nam."},
]


def test_a_run_of_plain_words_is_read_whole_or_left_alone_never_in_part(tmp_path: Path) -> None:
    # The index has "tong" as typed (Tong Yang), not "ket": "tong ket" is one run, read whole.
    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter([*WORDS, "tổng kết", "tập đoàn"]))
    engine.add_documents(NEWS + REVIEWS)
    assert engine.search("hội nghị tong ket", suggest=True).suggestion == "hội nghị tổng kết"
    assert engine.search("Hội nghị Tong Ket", suggest=True).suggestion == "Hội nghị Tổng Kết"
    assert engine.search("tập đoàn tong yang", suggest=True).suggestion is None  # every word of the run as typed: kept
    assert engine.search("hội nghị tong ket tập đoàn tong yang", suggest=True).suggestion == "hội nghị tổng kết tập đoàn tong yang"
    assert engine.search("thủ tướng phạm minh chính", suggest=True).suggestion is None


# -- search as you type ---------------------------------------------------------------------


def test_completion_of_the_last_word(news: SearchEngine) -> None:
    assert "công đoàn" in news.complete("cong do").completions
    assert news.complete("Cong do").completions[0].startswith("Công")
    assert all(c.startswith("mã độc w") for c in news.complete("ma doc w").completions)
    assert news.complete("").completions == () and news.complete("công ").completions == ()
    assert news.complete("wann").as_json()["completions"][0] == "wannacry"
    with pytest.raises(RequestError):
        news.complete("cong", limit=0)


# -- the HTTP API and the page --------------------------------------------------------------


@pytest.fixture
def client(news: SearchEngine):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from searcher.server import create_app

    return TestClient(create_app(news))


def test_api_says_what_it_searched_and_can_search_as_typed(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/search", params={"q": "coong ddoanf"}).json()
    assert data["showing"] == "công đoàn" and data["total"] == 3
    data = client.get("/api/search", params={"q": "coong ddoanf", "as_typed": "true"}).json()
    assert data["showing"] is None


def test_page_shows_the_converted_query_and_a_link_to_search_as_typed(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", params={"q": "coong ddoanf"}).text
    assert 'Đang hiển thị kết quả cho <b>công đoàn</b>' in page
    assert 'href="/?q=coong+ddoanf&amp;as_typed=true"' in page
    assert "Đang hiển thị" not in client.get("/", params={"q": "coong ddoanf", "as_typed": "true"}).text


def test_api_complete(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/complete", params={"q": "cong do"}).json()
    assert data["query"] == "cong do" and "công đoàn" in data["completions"]
    assert client.get("/api/complete", params={"q": "cong do", "limit": 1}).json()["completions"] == data["completions"][:1]
    assert client.get("/api/complete", params={"q": ""}).json()["completions"] == []
    assert client.get("/api/complete", params={"q": "x", "limit": 0}).status_code == 422
    script = client.get("/typeahead.js")
    assert script.status_code == 200 and "/api/complete" in script.text
    page = client.get("/").text
    assert 'list="completions"' in page and '<script src="/typeahead.js" defer></script>' in page


def test_cli_says_what_it_searched_and_reads_synonym_files(workdir: Path) -> None:
    from click.testing import CliRunner

    from searcher.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["search", "coong ddoanf", "-n", "1"], catch_exceptions=False)
    assert result.stdout.splitlines()[0] == "Showing results for công đoàn; search instead for coong ddoanf (--as-typed)"
    result = runner.invoke(main, ["search", "coong ddoanf", "--as-typed"], catch_exceptions=False)
    assert "Showing results" not in result.output
    (workdir / "mine.txt").write_text("cđvc, công đoàn viên chức\n", encoding="utf-8")
    mine = runner.invoke(main, ["search", "cđvc", "--synonyms", "mine.txt", "--json"], catch_exceptions=False)
    phrase = runner.invoke(main, ["search", '"công đoàn viên chức" OR cđvc', "--json"], catch_exceptions=False)
    assert json.loads(mine.stdout)["total"] == json.loads(phrase.stdout)["total"] == 2
    result = runner.invoke(main, ["search", "x", "--synonyms", "nope.txt"])
    assert (result.exit_code, result.output) == (1, "Error: cannot read synonyms from nope.txt: No such file or directory\n")

"""Where words break (issue 18): letters and digits typed together, invisible characters.

``windows10`` finds ``Windows 10`` and ``windows 10`` finds ``Windows10``: both are split at the
letter/digit boundary, at index and at query time, into pieces at consecutive positions. An
invisible character between two whole syllables (``công`` + zero-width space + ``đoàn``) is a
boundary; inside a syllable (``đo`` + ZWSP + ``àn``) it is dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchEngine
from searcher.analysis import analyzer
from searcher.cli import main
from searcher.normalize import clean
from searcher.query import parse
from searcher.segment import DictionarySegmenter

WORDS = ["việt nam", "ra mắt", "điện thoại", "công đoàn", "hội nghị"]

ARTICLES = {
    "apart.txt": "Microsoft phát hành Windows 10 bản mới\n\nBản cập nhật Windows 10 sửa nhiều lỗi bảo mật.",
    "joined.txt": "Máy tính cài sẵn Windows10 giá rẻ\n\nNhiều mẫu máy tính cài sẵn Windows10 được bán ra.",
    "seven.txt": "Windows 7 hết hạn hỗ trợ\n\nNgười dùng Windows 7 nên nâng cấp, có 10 lý do.",
    "galaxy.txt": "Samsung ra mắt điện thoại Galaxy S8\n\nĐiện thoại Galaxy S8 có màn hình lớn.",
    "covid.txt": "Ca mắc Covid-19 giảm mạnh\n\nSố ca mắc Covid-19 trong ngày giảm.",
    "u23.txt": "U23 Việt Nam vào chung kết\n\nĐội U23 Việt Nam thắng trận bán kết.",
    "vietnam.txt": "Việt Nam đón khách quốc tế\n\nDu lịch Việt Nam phục hồi.",
}


def terms(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in analyzer(DictionarySegmenter(WORDS))(text, positions=True)]


def titles(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.title for hit in results.hits]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    """The articles as text files, indexed through add_paths."""
    root = tmp_path_factory.mktemp("boundaries")
    (root / "news").mkdir()
    for name, text in ARTICLES.items():
        (root / "news" / name).write_text(text, encoding="utf-8")
    engine = SearchEngine(root / "index", segmenter=DictionarySegmenter(WORDS))
    engine.add_paths([root / "news"])
    return engine


# -- letters and digits ----------------------------------------------------------------------


def test_letters_and_digits_are_split_into_consecutive_positions() -> None:
    assert terms("Windows10 và Windows 10") == [("windows", 0), ("10", 1), ("và", 4), ("windows", 7), ("10", 10)]
    assert terms("GalaxyS8 U23 Covid19 H5N1") == [
        ("galaxy", 0), ("s", 1), ("8", 2), ("u", 5), ("23", 6), ("covid", 9), ("19", 10),
        ("h", 13), ("5", 14), ("n", 15), ("1", 16)]
    # numbers, addresses and abbreviations stay whole
    assert [t for t, _ in terms("23.155 suất, TP. Huế, 1,6 tỷ")] == ["23.155", "suất", "tp", "huế", "1,6", "tỉ"]


def test_query_words_are_split_the_same_way() -> None:
    assert [w.exact for w in parse("windows10 u23vietnam").words] == ["windows", "10", "u", "23", "vietnam"]
    (clause,) = parse('"windows10"').groups[0]
    assert clause.phrase and [w.exact for w in clause.words] == ["windows", "10"]
    assert parse("windows10").runs == ((parse("windows").words[0], parse("10").words[0]),)  # adjacent, for proximity


def test_typed_together_finds_written_apart_and_the_reverse(engine: SearchEngine) -> None:
    both = {"Microsoft phát hành Windows 10 bản mới", "Máy tính cài sẵn Windows10 giá rẻ"}
    seven = "Windows 7 hết hạn hỗ trợ"  # has "Windows" and "10", apart: found, below
    for query in ("windows10", "windows 10"):
        found = titles(engine.search(query))
        assert (set(found[:2]), found[2:]) == (both, [seven]), query
    assert set(titles(engine.search('"windows 10"'))) == both  # a phrase: Windows10's pieces are adjacent
    assert set(titles(engine.search('"windows10"'))) == both
    assert titles(engine.search("windows7")) == [seven]


def test_model_names_diseases_and_teams_typed_together(engine: SearchEngine) -> None:
    assert titles(engine.search("galaxys8")) == ["Samsung ra mắt điện thoại Galaxy S8"]
    assert titles(engine.search("covid19")) == ["Ca mắc Covid-19 giảm mạnh"]
    assert titles(engine.search("u23vietnam")) == ["U23 Việt Nam vào chung kết"]


def test_pieces_typed_together_are_marked_in_the_snippet(engine: SearchEngine) -> None:
    hit = next(h for h in engine.search("windows 10").hits if h.id == "joined.txt")
    assert "<b>Windows10</b>" in hit.snippet.html()


def test_cli_analyze_shows_the_pieces() -> None:
    result = CliRunner().invoke(main, ["analyze", "Windows10, U23"], catch_exceptions=False)
    assert result.output.splitlines()[1] == "body    windows_10 u_23"


# -- invisible characters --------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\ufeff", "\u2060"])
def test_an_invisible_character_between_two_syllables_is_a_boundary(invisible: str) -> None:
    assert clean(f"công{invisible}đoàn") == "công đoàn"
    assert clean(f"Hà{invisible}Nội") == "Hà Nội"
    assert clean(f"đo{invisible}àn ng{invisible}ười ngư{invisible}ời thu{invisible}ỷ") == "đoàn người người thuỷ"
    assert terms(f"công{invisible}đoàn") == [("công", 0), ("đoàn", 1)]


def test_joined_syllables_are_found_by_the_phrase_and_by_each_word(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "zw.txt").write_text(
        "Đại hội công\u200bđoàn tỉnh\n\nĐại hội công\u00adđoàn tỉnh lần thứ X diễn ra tại hội trường.", encoding="utf-8")
    (tmp_path / "news" / "other.txt").write_text("Tin thời tiết\n\nTrời nắng nóng.", encoding="utf-8")
    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter(WORDS))
    engine.add_paths([tmp_path / "news"])
    for query in ("công đoàn", "công", "đoàn", '"công đoàn tỉnh"'):
        assert [h.id for h in engine.search(query).hits] == ["zw.txt"], query
    assert engine.document("zw.txt").title == "Đại hội công đoàn tỉnh"  # type: ignore[union-attr]

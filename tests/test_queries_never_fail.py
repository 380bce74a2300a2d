"""No query string can make search() raise or the CLI print a traceback."""


import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, WORDS
from searcher import SearchEngine
from searcher.cli import main
from searcher.query import MAX_WORDS, parse
from searcher.segment import DictionarySegmenter

PIECES = ['"', "-", "OR", "title:", "(", ")", ":", "/", "\\", "*", "?", "~", "^", "[", "]", "{", "}", "công", "đoàn",
          "cong", "doan", "bàn", "ban", "\u0301", "\u0323", "\x00", "\x1b", "\u200b", "\ufeff", " ", "\n", "\t", "_",
          "U23", "2021", "‐", "–", "“", "”", "\ud7ff", "🙂", "北京", "ǅ", "İ", "ß"]
queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=30).map(" ".join),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    engine = SearchEngine(tmp_path_factory.mktemp("q") / "index", segmenter=DictionarySegmenter(WORDS))
    engine.add_documents(CORPUS)
    return engine


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, limit=st.integers(1, 50), offset=st.integers(0, 1000))
def test_search_never_raises(engine: SearchEngine, query: str, limit: int, offset: int) -> None:
    results = engine.search(query, limit=limit, offset=offset)
    assert results.total >= len(results.hits)
    assert len(results.hits) <= limit
    for hit in results.hits:
        str(hit.snippet)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_cli_never_prints_a_traceback(engine: SearchEngine, query: str) -> None:
    result = CliRunner().invoke(main, ["search", "--index", engine.path, "--json", "--", query])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_a_10000_character_query_is_searched_by_its_first_words(engine: SearchEngine) -> None:
    query = ("công đoàn cơ sở " * 700)[:10_000]
    assert len(parse(query).words) <= MAX_WORDS
    assert len([w for g in parse(query).groups for c in g for w in c.words]) == MAX_WORDS
    assert engine.search(query).hits[0].id == "union"
    no_spaces = "công" * 2500
    engine.search(no_spaces)
    engine.search('"' * 10_000)
    engine.search("-" * 10_000)

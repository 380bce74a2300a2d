"""The Python API, as an app embeds it."""

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import SEEDS, ids
from searcher import IndexNotFoundError, IndexVersionError, RequestError, SearchEngine, Skipped
from searcher import engine as engine_module
from searcher.models import Term


def test_add_paths_reports_and_skips_unchanged(engine: SearchEngine, tmp_path: Path) -> None:
    report = engine.add_paths([SEEDS])
    assert (report.added, report.updated, report.unchanged, report.skipped) == (5, 0, 0, ())
    again = engine.add_paths([SEEDS])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert engine.info().documents == 5


def test_changed_file_is_updated_in_place(engine: SearchEngine, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    page = folder / "bai.txt"
    page.write_text("Bão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh ở Hạ Long.", encoding="utf-8")
    engine.add_paths([folder])
    page.write_text("Bão số 3 đổ bộ vào Quảng Ninh\nMưa lớn ở Cẩm Phả.", encoding="utf-8")
    report = engine.add_paths([folder])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    assert engine.info().documents == 1
    assert ids(engine.search("cam pha")) == ["bai.txt"]
    assert ids(engine.search("ha long")) == []


def test_add_documents_same_id_replaces(engine: SearchEngine) -> None:
    engine.add_documents([{"id": "a1", "title": "Giá vàng tăng", "text": "Giá vàng hôm nay tăng mạnh."}])
    report = engine.add_documents([{"id": "a1", "title": "Giá vàng giảm", "text": "Giá vàng hôm nay giảm sâu."}])
    assert (report.added, report.updated) == (0, 1)
    results = engine.search("gia vang")
    assert results.total == 1
    hit = results.hits[0]
    assert (hit.id, hit.title, hit.date, hit.path) == ("a1", "Giá vàng giảm", None, None)
    assert str(hit.snippet) == "<b>Giá vàng</b> hôm nay giảm sâu."


def test_add_documents_reports_bad_records(engine: SearchEngine) -> None:
    report = engine.add_documents([{"id": "ok", "text": "Có nội dung"}, {"id": "empty", "title": "Không"}, {"text": "x"}])
    assert report.added == 1
    assert report.skipped == (
        Skipped("empty", "no text (expected a 'text', 'body' or 'content' string)"),
        Skipped("record 3", "no 'id'"),
    )


def test_hit_fields(engine: SearchEngine) -> None:
    engine.add_documents([{"id": "u1", "title": "Tin bóng đá", "text": "Việt Nam thắng.", "date": "2021-05-01",
                           "url": "https://thethao.vn/u1.htm"}])
    hit = engine.search("viet nam").hits[0]
    assert (hit.id, hit.title, hit.date, hit.path, hit.source) == (
        "u1", "Tin bóng đá", dt.date(2021, 5, 1), "https://thethao.vn/u1.htm", "thethao.vn")
    assert hit.score > 0


def test_delete(corpus_engine: SearchEngine) -> None:
    assert corpus_engine.delete("table")
    assert not corpus_engine.delete("table")
    assert "table" not in ids(corpus_engine.search("ban"))


def test_search_before_any_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError) as error:
        SearchEngine(tmp_path / "none").search("x")
    assert str(error.value) == f"no index at {tmp_path / 'none'}: run `vnsearch index PATH` to create one"


def test_rebuild_rereads_sources_and_keeps_api_documents(engine: SearchEngine, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Bão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh ở Hạ Long.", encoding="utf-8")
    engine.add_paths([folder])
    engine.add_documents([{"id": "api-1", "title": "Tin nhập tay", "text": "Nội dung nhập qua API."}])
    (folder / "b.txt").write_text("Lũ quét ở Lào Cai\nMưa lớn kéo dài.", encoding="utf-8")
    report = engine.rebuild()
    assert report.added == 3
    assert sorted(ids(engine.search("-xyz", limit=10))) == ["a.txt", "api-1", "b.txt"]


def test_incompatible_index_is_refused_until_rebuilt(engine: SearchEngine) -> None:
    engine.add_paths([SEEDS])
    meta_file = Path(engine.path) / "vnsearch.json"
    meta = json.loads(meta_file.read_text())
    meta["analyzer_version"] = 0
    meta_file.write_text(json.dumps(meta))
    stale = SearchEngine(engine.path)
    with pytest.raises(IndexVersionError, match=r"run `vnsearch rebuild`$"):
        stale.search("cong doan")
    stale.rebuild()
    assert stale.search("cong doan").total == 5


def test_analyze_shows_every_field(engine: SearchEngine) -> None:
    analyzed = engine.analyze("Công đoàn Hoà")
    assert list(analyzed) == ["title", "body"]
    assert analyzed["body"] == [
        Term("công", "cong", 0, 0, 4), Term("đoàn", "doan", 1, 5, 9), Term("hòa", "hoa", 4, 10, 13)]


def test_parallel_indexing_gives_the_same_results(tmp_path: Path, segmenter, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import CORPUS
    from searcher import indexer

    def build(name: str, workers: int) -> SearchEngine:
        monkeypatch.setattr(indexer, "WORKERS", workers)
        monkeypatch.setattr(indexer, "PARALLEL_BATCH", 2)
        engine = SearchEngine(tmp_path / name, segmenter=segmenter)
        engine.add_documents(CORPUS + [dict(r, id=r["id"] + "-copy") for r in CORPUS])  # ties to break
        engine.add_paths([SEEDS])
        return engine

    serial, parallel = build("serial", 1), build("parallel", 2)
    assert len(parallel._index.whoosh.reader().leaf_readers()) > 1  # really written by several processes
    for query in ["ban", "bàn", "cong doan", '"doan co so"', "thuy dien -hoa", "lang son OR malaysia", "xyzzy ban"]:
        a, b = serial.search(query, limit=20), parallel.search(query, limit=20)
        assert (a.total, [(h.id, h.score) for h in a.hits]) == (b.total, [(h.id, h.score) for h in b.hits]), query


def test_an_index_created_but_still_empty_can_be_searched(engine: SearchEngine) -> None:
    engine.add_documents([])
    assert engine.exists()
    results = engine.search("cong doan")
    assert (results.total, results.hits) == (0, ())


def test_a_title_made_from_the_lead_is_shown_not_searched_as_a_title(engine: SearchEngine) -> None:
    engine.add_documents([{"id": "x", "title": "", "text": "Giá vàng tăng mạnh. Thị trường sôi động."}])
    hit = engine.search("gia vang").hits[0]
    assert hit.title == "Giá vàng tăng mạnh"
    assert engine.search("title:vang").total == 0
    assert engine.document("x").headline is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"limit": 0}, "limit must be from 1 to 100 (got 0)"),
        ({"limit": 101}, "limit must be from 1 to 100 (got 101)"),
        ({"offset": 10_001}, "offset must be from 0 to 10000 (got 10001): ask for an earlier page"),
        ({"sort": "newest"}, "unknown sort 'newest': use one of relevance, date"),
    ],
)
def test_out_of_range_requests_are_refused_in_one_line(corpus_engine: SearchEngine, options: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RequestError) as error:
        corpus_engine.search("cong doan", **options)
    assert str(error.value) == message


def test_a_bug_is_not_reported_as_a_damaged_index(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a bug")

    monkeypatch.setattr(engine_module, "rank", broken)
    with pytest.raises(TypeError, match="a bug"):
        corpus_engine.search("cong doan")

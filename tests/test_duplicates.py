"""The same story republished by several sites: one hit, "and N similar"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchEngine
from searcher.cli import main
from searcher.duplicates import Grouping, collapse, signature, similarity

STORY = (
    "Sáng 14/1, Liên đoàn Lao động tỉnh Lạng Sơn tổ chức hội nghị tổng kết công tác công đoàn năm 2020, "
    "triển khai nhiệm vụ năm 2021. Năm qua, các cấp công đoàn trong tỉnh đã chăm lo đời sống cho hơn 40.000 "
    "đoàn viên, người lao động, tổ chức nhiều hoạt động thiết thực nhân dịp Tết Nguyên đán. Hội nghị cũng "
    "khen thưởng 25 tập thể và 40 cá nhân có thành tích xuất sắc trong phong trào thi đua."
)
# As three sites published it: one adds its agency and a byline, one a closing sentence.
REPUBLISHED = [
    {"id": "laodong-1", "title": "Lạng Sơn: Tổng kết công tác công đoàn năm 2020", "text": STORY,
     "url": "https://laodong.example.vn/a-1.html", "date": "2021-01-14"},
    {"id": "baolangson-7", "title": "Hội nghị tổng kết công tác công đoàn năm 2020", "text": "LSO - " + STORY + " Tin, ảnh: Lý Lê",
     "url": "https://baolangson.example.vn/b-7.html", "date": "2021-01-14"},
    {"id": "congdoan-3", "title": "Công đoàn Lạng Sơn tổng kết năm 2020",
     "text": STORY + " Hội nghị đề ra 5 chỉ tiêu thi đua cho năm 2021.", "url": "https://congdoan.example.vn/c-3.html",
     "date": "2021-01-15"},
]
OTHER = {"id": "other", "title": "Công đoàn tỉnh Cao Bằng tổng kết năm 2020", "date": "2021-01-20", "text": (
    "Ngày 20/1, Liên đoàn Lao động tỉnh Cao Bằng tổng kết công tác công đoàn năm 2020. Trong năm, công đoàn "
    "các cấp phát triển mới 3.000 đoàn viên, thành lập 12 công đoàn cơ sở, tổ chức đối thoại tại 150 doanh "
    "nghiệp và hỗ trợ 500 đoàn viên có hoàn cảnh khó khăn do ảnh hưởng của dịch bệnh.")}


def test_signatures_of_the_same_story_are_similar_and_of_others_not() -> None:
    same = [signature(r["text"]) for r in REPUBLISHED]
    assert similarity(same[0], same[1]) >= 0.6
    assert similarity(same[0], same[2]) >= 0.6
    assert similarity(same[0], signature(OTHER["text"])) < 0.2


def test_short_texts_are_never_grouped() -> None:
    assert not signature("Giá vàng hôm nay tăng mạnh.").any()
    grouping = Grouping()
    assert grouping.add("a", signature("Giá vàng tăng.")) != grouping.add("b", signature("Giá vàng tăng."))


def test_grouping_gives_the_first_articles_group_to_its_republications() -> None:
    grouping = Grouping()
    keys = [grouping.add(r["id"], signature(r["text"])) for r in [*REPUBLISHED, OTHER]]
    assert keys[0] == keys[1] == keys[2] != keys[3]


def test_collapse_keeps_the_best_ranked_of_each_group() -> None:
    assert collapse([7, 3, 9, 4, 8], [1, 2, 1, 5, 1]) == [(7, [9, 8]), (3, []), (4, [])]


@pytest.fixture
def news(engine: SearchEngine) -> SearchEngine:
    engine.add_documents([*REPUBLISHED, OTHER])
    return engine


def test_search_collapses_near_duplicates_by_default(news: SearchEngine) -> None:
    results = news.search("tong ket cong doan nam 2020")
    assert results.total == 2  # groups
    story = {"laodong-1", "baolangson-7", "congdoan-3"}
    hits = {h.id: sorted(h.similar) for h in results.hits}
    (kept,) = set(hits) & story  # the best-ranked of the three
    assert hits == {kept: sorted(story - {kept}), "other": []}


def test_search_without_collapsing(news: SearchEngine) -> None:
    results = news.search("tong ket cong doan nam 2020", collapse=False)
    assert results.total == 4
    assert sorted(h.id for h in results.hits) == ["baolangson-7", "congdoan-3", "laodong-1", "other"]
    assert all(h.similar == () for h in results.hits)


def test_pages_count_groups(news: SearchEngine) -> None:
    first, second = (news.search("tong ket cong doan", limit=1, offset=n).hits for n in (0, 1))
    assert len(first) == len(second) == 1
    assert {first[0].id, second[0].id} & {"other"} and len(first[0].similar) + len(second[0].similar) == 2
    assert news.search("tong ket cong doan", limit=1, offset=2).hits == ()


def test_groups_are_kept_across_indexing_runs(news: SearchEngine) -> None:
    news.add_documents([{"id": "tienphong-9", "title": "Lạng Sơn tổng kết công đoàn", "text": STORY + " (Theo Lao Động)"}])
    results = news.search("tong ket cong doan nam 2020")
    assert results.total == 2
    assert sorted(len(h.similar) for h in results.hits) == [0, 3]


def test_cli_json_and_all(news: SearchEngine) -> None:
    run = CliRunner().invoke
    data = json.loads(run(main, ["search", "tong ket cong doan", "--json", "--index", news.path]).stdout)
    assert (data["total"], sorted(len(h["similar"]) for h in data["hits"])) == (2, [0, 2])
    every = json.loads(run(main, ["search", "tong ket cong doan", "--json", "--all", "--index", news.path]).stdout)
    assert (every["total"], len(every["hits"])) == (4, 4)
    text = run(main, ["search", "tong ket cong doan", "--index", news.path]).stdout
    assert "and 2 similar: " in text and "(--all lists them)" in text


def test_api_and_page(news: SearchEngine, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from searcher.server import create_app

    client = TestClient(create_app(news))
    assert client.get("/api/search", params={"q": "tong ket cong doan"}).json()["total"] == 2
    assert client.get("/api/search", params={"q": "tong ket cong doan", "collapse": "false"}).json()["total"] == 4
    page = client.get("/", params={"q": "tong ket cong doan"}).text
    assert "và 2 bài tương tự" in page
    assert 'href="/?q=tong+ket+cong+doan&amp;collapse=false"' in page
    assert "và 2 bài tương tự" not in client.get("/", params={"q": "tong ket cong doan", "collapse": "false"}).text

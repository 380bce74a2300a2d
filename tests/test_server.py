"""The HTTP API and the search page, through FastAPI's test client."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import CORPUS
from searcher import SearchEngine
from searcher.models import SearchRequest
from searcher.server import POLICY, create_app

HOSTILE = [
    '"', '(((', "title:", "-", "OR OR", "\x00\x1b[31m", "a\u0301\u0300\u0323", "<script>alert(1)</script>",
    "' OR 1=1 --", "%00%2F..%2F", "🙂" * 50, "công " * 2000,
]
EVIL = {
    "id": "evil/1", "title": "<script>alert('tiêu đề')</script> Bão <b>lớn</b>",
    "text": "Bão lớn <img src=x onerror=alert(1)> & mưa to", "date": "2021-05-05",
    "url": "javascript:alert(1)",
}

SOURCED = [
    {"id": "vne-1", "title": "Bão số 9 đổ bộ", "text": "Bão số 9 gây mưa lớn ở miền Trung.", "source": "vnexpress.net"},
    {"id": "tt-1", "title": "Lũ lớn, bão chồng bão", "text": "Miền Trung ngập sâu sau bão.", "source": "tuoitre.vn"},
    {"id": "vne-2", "title": "Bão tan nhanh", "text": "Cơn bão tan trên đất liền.", "source": "vnexpress.net"},
]


@pytest.fixture
def client(corpus_engine: SearchEngine) -> TestClient:
    corpus_engine.add_documents([EVIL])
    return TestClient(create_app(corpus_engine))


def test_search_json_shape(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "cong doan", "limit": 2})
    assert response.status_code == 200
    data = response.json()
    assert list(data) == [
        "query", "total", "took_ms", "page", "limit", "partial", "suggestion", "showing", "relaxed", "unavailable", "facets", "hits",
    ]
    assert (data["query"], data["total"], data["page"], data["limit"]) == ("cong doan", 3, 1, 2)
    assert data["suggestion"] == "công đoàn"
    assert data["facets"] == {
        "year": [{"value": "2021", "count": 1}, {"value": "2020", "count": 1}, {"value": "2019", "count": 1}],
        "source": [],
    }
    assert [hit["id"] for hit in data["hits"]] == ["union", "success"]
    assert list(data["hits"][0]) == ["id", "title", "date", "score", "snippet", "path", "url", "source", "metadata", "similar"]
    assert data["hits"][0]["date"] == "2021-03-18"


def test_a_phrase_no_article_has_is_searched_as_its_words_and_said_so(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": '"công đoàn tổ chức hội nghị"'}).json()
    assert data["hits"][0]["id"] == "union"
    assert data["relaxed"] == [{
        "phrase": "công đoàn tổ chức hội nghị",
        "notice": "No article has the exact phrase “công đoàn tổ chức hội nghị”; showing articles with its words.",
    }]
    assert client.get("/api/search", params={"q": '"tổ chức hội nghị"'}).json()["relaxed"] == []
    page = client.get("/", params={"q": '"công đoàn tổ chức hội nghị"'}).text
    assert '<p class="stats relaxed">Không bài nào có đúng cụm từ “công đoàn tổ chức hội nghị”; đây là các bài có các từ của nó.</p>' in page
    assert "cụm từ" not in client.get("/", params={"q": '"tổ chức hội nghị"'}).text


def test_search_pages_filters_and_sort(client: TestClient) -> None:
    page2 = client.get("/api/search", params={"q": "cong doan", "limit": 2, "page": 2}).json()
    assert [h["id"] for h in page2["hits"]] == ["scattered"]
    newest = client.get("/api/search", params={"q": "cong doan", "sort": "date"}).json()
    assert [h["id"] for h in newest["hits"]] == ["union", "success", "scattered"]
    in_2020 = client.get("/api/search", params={"q": "cong doan", "year": 2020}).json()
    assert [h["id"] for h in in_2020["hits"]] == ["success"]
    since = client.get("/api/search", params={"q": "cong doan", "since": "2020-01-01", "until": "2020-12-31"}).json()
    assert [h["id"] for h in since["hits"]] == ["success"]


def test_search_keeps_only_the_source_asked_for(corpus_engine: SearchEngine) -> None:
    corpus_engine.add_documents(SOURCED)
    client = TestClient(create_app(corpus_engine))
    assert client.get("/api/search", params={"q": "bao"}).json()["total"] == 3
    data = client.get("/api/search", params={"q": "bao", "source": "vnexpress.net"}).json()
    assert sorted(h["id"] for h in data["hits"]) == ["vne-1", "vne-2"]
    assert {h["source"] for h in data["hits"]} == {"vnexpress.net"}
    assert data["facets"]["source"] == [{"value": "vnexpress.net", "count": 2}]
    assert client.get("/api/search", params={"q": "bao", "source": "nowhere.vn"}).json()["total"] == 0
    html = client.get("/", params={"q": "bao", "source": "tuoitre.vn"}).text
    assert "1 kết quả" in html and "Lũ lớn, bão chồng bão" in html and "Bão số 9 đổ bộ" not in html
    assert '<li><a href="/?q=bao">« Mọi nguồn</a></li>' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"page": 0}, "page"), ({"sort": "newest"}, "sort"),
     ({"since": "yesterday"}, "since"), ({"year": "MMXX"}, "year"), ({"until": "0"}, "until"),
     ({"until": "20210101"}, "until"), ({"since": "2021-02-30"}, "since"), ({"since": "2021-1-5"}, "since")],
)
def test_bad_parameters_are_422_naming_the_parameter(client: TestClient, params: dict, field: str) -> None:  # type: ignore[type-arg]
    response = client.get("/api/search", params={"q": "bao", **params})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client: TestClient, query: str) -> None:
    assert client.get("/api/search", params={"q": query}).status_code == 200
    page = client.get("/", params={"q": query})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text


def test_document_and_404(client: TestClient) -> None:
    data = client.get("/api/docs/union").json()
    assert data == {
        "id": "union", "title": "Hội nghị công đoàn cơ sở năm 2021", "date": "2021-03-18", "source": None,
        "url": None, "file": None, "metadata": {}, "text": CORPUS[0]["text"],
    }
    assert client.get("/api/docs/evil%2F1").json()["id"] == "evil/1"
    missing = client.get("/api/docs/nope")
    assert (missing.status_code, missing.json()) == (404, {"detail": "no article with id 'nope'"})


def test_healthz_and_openapi(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert {k: health[k] for k in ("status", "documents", "workers")} == {"status": "ok", "documents": 8, "workers": 1}
    assert health["cache"]["budget_mb"] == 512 and 0 <= health["cache"]["used_mb"] < 512
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/api/search", "/api/docs/{doc_id}", "/api/complete", "/healthz"}
    statuses = {path: set(operation["get"]["responses"]) for path, operation in paths.items()}
    assert statuses == {"/api/search": {"200", "422", "503"}, "/api/docs/{doc_id}": {"200", "404", "422", "503"},
                        "/api/complete": {"200", "422", "503"}, "/healthz": {"200", "503"}}


def test_no_index_is_503_with_the_reason(tmp_path: Path) -> None:
    client = TestClient(create_app(SearchEngine(tmp_path / "none")))
    response = client.get("/api/search", params={"q": "bao"})
    assert response.status_code == 503
    assert response.json() == {"detail": f"no index at {tmp_path / 'none'}: run `vnsearch index PATH` to create one"}


def test_a_bug_is_a_500_not_an_unavailable_index(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a bug")

    monkeypatch.setattr(corpus_engine, "search", broken)
    response = TestClient(create_app(corpus_engine), raise_server_exceptions=False).get("/api/search", params={"q": "bao"})
    assert response.status_code == 500


def test_an_out_of_range_page_is_a_422_naming_the_limit(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "bao", "limit": 100, "page": 102})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["query", "page"], "msg": "page must be from 1 to 101 with 100 results a page (got 102)",
                                           "type": "value_error"}]}


def test_page_shows_results_suggestion_facets_and_pages(client: TestClient) -> None:
    html = client.get("/", params={"q": "cong doan"}).text
    assert '<p class="suggestion" id="suggestion">Ý bạn là: <a href="/?q=c%C3%B4ng+%C4%91o%C3%A0n">công đoàn</a></p>' in html
    assert '<h2><a href="/articles/union">Hội nghị công đoàn cơ sở năm 2021</a></h2>' in html
    assert "<b>Công đoàn</b> cơ sở" in html
    assert '<a  href="/?q=cong+doan&amp;year=2021">2021</a>' in html
    assert '<a href="/?q=cong+doan&amp;sort=date">mới nhất</a>' in html
    assert "Trang sau" not in html  # one page only


def test_page_links_to_other_pages(corpus_engine: SearchEngine) -> None:
    corpus_engine.add_documents({"id": f"n{n:02}", "title": f"Tin bão số {n}", "text": "Bão."} for n in range(25))
    client = TestClient(create_app(corpus_engine))
    first = client.get("/", params={"q": "bao"}).text
    assert '<a href="/?q=bao&amp;page=2" rel="next">Trang sau ›</a>' in first
    assert "Trang trước" not in first
    last = client.get("/", params={"q": "bao", "page": 3}).text
    assert '<a href="/?q=bao&amp;page=2" rel="prev">‹ Trang trước</a>' in last
    assert '<span class="current">3</span>' in last and "Trang sau" not in last


def test_page_escapes_everything_it_shows(client: TestClient) -> None:
    html = client.get("/", params={"q": "bao lon"}).text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;tiêu đề&#39;)&lt;/script&gt; Bão &lt;b&gt;lớn&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html  # an unsafe link is replaced by the article's page here
    assert 'href="/articles/evil%2F1"' in html
    typed = client.get("/", params={"q": '"><script>x</script>'}).text
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in typed


def test_article_page(client: TestClient) -> None:
    html = client.get("/articles/union").text
    assert "<h1>Hội nghị công đoàn cơ sở năm 2021</h1>" in html
    assert "<p>Công đoàn cơ sở tổ chức hội nghị tổng kết." in html
    assert client.get("/articles/nope").status_code == 404


def test_page_reads_bad_parameters_leniently(client: TestClient) -> None:
    response = client.get("/", params={"q": "cong doan", "page": "x", "year": "abc", "sort": "?"})
    assert response.status_code == 200
    assert "3 kết quả" in response.text


def test_dates_are_dates_only_as_yyyy_mm_dd(client: TestClient) -> None:
    # pydantic alone reads 0 as 1970-01-01 (found by schemathesis)
    response = client.get("/api/search", params={"q": "bao", "until": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "until"]
    assert "a date is written YYYY-MM-DD" in response.json()["detail"][0]["msg"]


def test_a_query_longer_than_the_limit_is_cut_to_its_first_words(client: TestClient) -> None:
    typed = "công đoàn cơ sở " * 200  # 3,200 characters
    data = client.get("/api/search", params={"q": typed}).json()
    assert data["query"] == SearchRequest.shorten(typed)
    assert len(data["query"]) == 996 and data["query"].endswith(" sở công") and data["total"] > 0
    html = client.get("/", params={"q": typed}).text
    assert f'value="{data["query"]}"' in html and typed.strip() not in html
    described = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"][0]
    assert described["name"] == "q" and "at most 1,000 characters are read" in described["description"]


@pytest.mark.parametrize("path", ["/", "/?q=cong+doan", "/articles/union", "/articles/nope", "/api/search?q=bao",
                                  "/api/search?limit=0", "/api/docs/nope", "/healthz", "/style.css", "/openapi.json"])
def test_every_answer_has_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == POLICY.decode()
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "server" not in headers


def test_the_api_docs_may_load_swagger_ui_but_not_be_framed(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'unsafe-inline' https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy


def test_the_openapi_description_names_every_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    document = paths["/api/docs/{doc_id}"]["get"]["responses"]
    assert document["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Message"}
    assert document["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/HTTPValidationError"}
    search = paths["/api/search"]["get"]
    assert search["responses"]["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Message"}
    until = next(p for p in search["parameters"] if p["name"] == "until")
    assert until["schema"]["anyOf"][0] == {"type": "string", "format": "date"}


def test_the_page_and_healthz_do_not_reopen_the_index(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(create_app(corpus_engine))
    corpus_engine.follow(interval=3600)  # as the server runs it: commits picked up by its thread only
    try:
        assert client.get("/", params={"q": "cong doan"}).status_code == 200
        monkeypatch.setattr(type(corpus_engine._index), "info", lambda self: pytest.fail("read the index's directory"))
        monkeypatch.setattr(corpus_engine, "_open", lambda warm: pytest.fail("opened the index"))
        for _ in range(3):
            assert "Tìm trong 7 bài báo." in client.get("/").text
            assert client.get("/", params={"q": "bao"}).status_code == 200
            assert client.get("/healthz").json()["documents"] == 7
    finally:
        corpus_engine.close()


# -- searches waiting their turn ----------------------------------------------------------


class HeldSearches:
    """``engine.search`` held until :meth:`release`, counting the searches that started."""

    def __init__(self, engine: SearchEngine, monkeypatch: pytest.MonkeyPatch):
        self.started = 0
        self._lock, self._gate = threading.Lock(), threading.Event()
        search = engine.search

        def held(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.started += 1
            self._gate.wait(10)
            return search(*args, **kwargs)

        monkeypatch.setattr(engine, "search", held)

    def release(self) -> None:
        self._gate.set()


@dataclass
class Client:
    """One request to the app, as uvicorn hands it over (plain ASGI: the test client never hangs up)."""

    gone: bool = False  # hung up
    status: int | None = None

    async def get(self, app: FastAPI, path: str, query: str) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        await app(scope, self.receive, self.send)

    async def receive(self) -> dict[str, Any]:
        if not self.gone:
            await anyio.sleep_forever()  # a client still there sends nothing more (the app does not wait for it)
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]


@dataclass
class Asked:
    clients: list[Client]
    at_once: int  # searches handed a thread while two were held
    searched: int  # searches that ran in all


def three_searches(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, *, third_hangs_up: bool) -> Asked:
    """Three searches asked at once of one worker while its searches are held; the client of
    the third (the one that has to wait its turn) hangs up, or not, before they are let go."""
    app = create_app(engine, follow=False)
    held = HeldSearches(engine, monkeypatch)
    clients = [Client() for _ in range(3)]
    handed: list[object] = []  # the work handed to a search thread, counted in the event loop as it is handed
    run_sync = anyio.to_thread.run_sync

    async def handing(work: Any, *args: Any, **kwargs: Any) -> Any:
        handed.append(work)
        return await run_sync(work, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", handing)
    at_once = 0

    async def scenario() -> None:
        nonlocal at_once
        with anyio.fail_after(20):
            async with anyio.create_task_group() as requests:
                for client in clients:
                    requests.start_soon(client.get, app, "/api/search", "q=cong+doan")
                try:
                    while held.started < 2:
                        await anyio.sleep(0.01)
                    await anyio.wait_all_tasks_blocked()  # every request has gone as far as it can
                    at_once = len(handed)
                    clients[2].gone = third_hangs_up  # (the third asked waits: the limiter is first come, first served)
                finally:
                    held.release()

    anyio.run(scenario)
    return Asked(clients, at_once, held.started)


def test_at_most_two_searches_run_at_once_in_a_worker(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = three_searches(corpus_engine, monkeypatch, third_hangs_up=False)
    assert asked.at_once == 2
    assert [c.status for c in asked.clients] == [200, 200, 200]
    assert asked.searched == 3  # the third, once one of the two was done


def test_a_client_gone_before_its_search_started_is_answered_499_unsearched(
    corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = three_searches(corpus_engine, monkeypatch, third_hangs_up=True)
    assert [c.status for c in asked.clients] == [200, 200, 499]
    assert asked.searched == 2  # the third was never searched

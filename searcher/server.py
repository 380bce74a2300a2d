"""``vnsearch serve``: the search page and the HTTP API over one index.

    GET /                   the search page: server-rendered HTML, works without JavaScript
    GET /articles/{id}      one article, as a page
    GET /api/search         results as JSON, the shape of ``vnsearch search --json``
    GET /api/docs/{id}      one stored article as JSON (404 for an unknown id)
    GET /api/complete       completions of a query being typed (search as you type)
    GET /healthz            what this worker serves: documents, commit, cache (the index is not read)
    GET /docs, /openapi.json   the API's description (FastAPI's)

A thin adapter: it calls :class:`SearchEngine` and renders what it returns. Needs the
``server`` extra (FastAPI, uvicorn, Jinja2). Searches run on :data:`SEARCH_THREADS` threads
(the engine is safe for several at once; more would only wait for Python's lock), and a
request whose client hung up before its turn is dropped unanswered. With ``follow`` (as
:mod:`searcher.serving` runs it), the engine picks up other processes' commits in the
background, warmed before they serve, so no search waits for one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote, urlencode

import anyio
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from . import __version__
from .api import ArticleResponse, CompletionsResponse, HealthResponse, Message, SearchResponse
from .completion import MOST
from .engine import SearchEngine
from .errors import RequestError, SearcherError
from .models import Hit, SearchRequest, SearchResults

__all__ = ["create_app"]

T = TypeVar("T")
PAGE_SIZE = 10
MAX_PAGE = SearchRequest.MAX_OFFSET // PAGE_SIZE + 1  # on the page; the API checks its own with the limit
SEARCH_THREADS = 2  # searches running at once in one worker process
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STYLE = (Path(__file__).parent / "templates" / "style.css").read_bytes()
TYPEAHEAD = (Path(__file__).parent / "static" / "typeahead.js").read_bytes()

# Every response: no sniffing, no framing, no query in the Referer sent to news sites.
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The page loads nothing but its style sheet and its script (which asks /api/*); /docs loads Swagger UI from its CDN.
POLICY = (b"default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; "
          b"base-uri 'none'; frame-ancestors 'none'")
DOCS_POLICY = (b"default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; style-src https://cdn.jsdelivr.net; "
               b"img-src https://fastapi.tiangolo.com data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")

UNAVAILABLE: dict[int | str, dict[str, Any]] = {503: {"model": Message, "description": "The index is missing or cannot be read: `detail` says why"}}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD is a date here (pydantic alone would also read ``0`` as 1970-01-01)."""
    if isinstance(value, str) and not DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_date)]


class ClientGone(Exception):
    """The client hung up before its search started."""


def create_app(engine: SearchEngine, *, follow: bool = True, workers: int = 1) -> FastAPI:
    """The web application for ``engine``'s index. With ``follow``, its lifespan opens and
    warms the index, then follows its commits (see :meth:`SearchEngine.follow`);
    ``workers`` is how many processes serve it (shown by ``/healthz``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if follow:
            await anyio.to_thread.run_sync(_start, engine)
        try:
            yield
        finally:
            engine.close()

    app = FastAPI(title="vnsearch", version=__version__, description="Full-text search for Vietnamese news.",
                  lifespan=lifespan, redoc_url=None)
    app.add_middleware(SecurityHeaders)
    searching = anyio.CapacityLimiter(SEARCH_THREADS)

    async def in_turn(request: Request, work: Callable[[], T]) -> T:
        """``work`` on one of the search threads, unless the client has gone by its turn."""
        async with searching:
            if await request.is_disconnected():
                raise ClientGone()
            return await anyio.to_thread.run_sync(work)

    def search(q: str, limit: int, page: int, **filters: Any) -> SearchResults:
        return engine.search(SearchRequest.for_page(q, page, limit, suggest=True, **filters))

    @app.exception_handler(ClientGone)
    def client_gone(request: Request, error: ClientGone) -> Response:
        return Response(status_code=499)  # (nginx's code for it; nobody reads it)

    @app.exception_handler(RequestError)
    def bad_request(request: Request, error: RequestError) -> JSONResponse:
        # The shape of FastAPI's own 422s: the parameter in ``loc``.
        detail = [{"loc": ["query", error.parameter or "q"], "msg": str(error), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(SearcherError)
    def index_unavailable(request: Request, error: SearcherError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.get("/api/search", summary="Search articles", response_model=SearchResponse, responses=UNAVAILABLE)
    async def api_search(
        request: Request,
        q: Annotated[str, Query(description='Any text: words with or without diacritics, "phrases", -excluded, a OR b, '
                                            f"title:word; at most {SearchRequest.MAX_QUERY_CHARS:,} characters are read "
                                            "(a longer query is cut to its first words)")] = "",
        limit: Annotated[int, Query(ge=1, le=SearchRequest.MAX_LIMIT)] = PAGE_SIZE,
        page: Annotated[int, Query(ge=1, description=f"From 1; at most {SearchRequest.MAX_OFFSET:,} results are skipped "
                                                     "(a deeper page is a 422)")] = 1,
        since: Annotated[Day | None, Query(description="Published on or after (YYYY-MM-DD)")] = None,
        until: Annotated[Day | None, Query(description="Published on or before (YYYY-MM-DD)")] = None,
        sort: Literal["relevance", "date"] = "relevance",
        year: Annotated[int | None, Query(ge=1, le=9999, description="Only this year of publication (see facets.year)")] = None,
        source: Annotated[str | None, Query(description="Only this source (see facets.source)")] = None,
        collapse: Annotated[bool, Query(description="Near-duplicates (the same story from several sites) as one hit, "
                                                    "the others in its `similar`; false lists them all")] = True,
        as_typed: Annotated[bool, Query(description="Search Telex/VNI/VIQR keystrokes as typed, not converted (see `showing`)")] = False,
    ) -> JSONResponse:
        def answer() -> JSONResponse:
            results = search(q, limit, page, since=since, until=until, sort=sort, year=year, source=source, collapse=collapse,
                             as_typed=as_typed)
            return JSONResponse(results.as_json())

        return await in_turn(request, answer)

    @app.get("/api/complete", summary="Complete a query being typed", response_model=CompletionsResponse, responses=UNAVAILABLE)
    async def api_complete(
        request: Request,
        q: Annotated[str, Query(description="The query so far; its last word is completed (without diacritics: `cong do`)")] = "",
        limit: Annotated[int, Query(ge=1, le=20)] = MOST,
    ) -> JSONResponse:
        text = SearchRequest.shorten(q)
        return await in_turn(request, lambda: JSONResponse(engine.complete(text, limit).as_json()))

    @app.get("/api/docs/{doc_id:path}", summary="One stored article", response_model=ArticleResponse,
             responses={404: {"model": Message, "description": "No article has this id"}, **UNAVAILABLE})
    async def api_document(request: Request, doc_id: Annotated[str, PathParameter(description="The article's id")]) -> JSONResponse:
        def answer() -> JSONResponse:
            article = engine.document(doc_id)
            if article is None:
                raise HTTPException(status_code=404, detail=f"no article with id {doc_id!r}")
            return JSONResponse(article.as_json())

        return await in_turn(request, answer)

    @app.get("/healthz", summary="What this worker serves", response_model=HealthResponse, responses=UNAVAILABLE)
    async def healthz() -> JSONResponse:
        # Answered here, not on a search thread: it never waits behind a search.
        health = engine.health()
        mb = 2**20
        return JSONResponse({
            "status": "ok", "documents": health.documents, "generation": health.generation,
            "serving_since": health.serving_since, "worker": os.getpid(), "workers": workers,
            "cache": {"used_mb": round(health.cache_bytes / mb, 1), "budget_mb": round(health.cache_budget / mb, 1),
                      "server_budget_mb": round(health.cache_budget * workers / mb, 1)},
        }, headers={"cache-control": "no-store"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        # The page reads its parameters leniently: a hand-edited address still shows a page.
        params = request.query_params
        q = SearchRequest.shorten(params.get("q", "").strip())
        form: dict[str, Any] = {
            "q": q,
            "sort": "date" if params.get("sort") == "date" else "relevance",
            "year": _number(params.get("year"), None, 1, 9999),
            "source": params.get("source") or None,
            "page": _number(params.get("page"), 1, 1, MAX_PAGE),
            "collapse": "false" if params.get("collapse") == "false" else None,
            "as_typed": "true" if params.get("as_typed") == "true" else None,
        }

        def link(**changes: Any) -> str:
            """This page's address with some parameters changed (None drops one)."""
            merged = {**form, "page": None, **changes}
            defaults = {"page": 1, "sort": "relevance"}
            return "/?" + urlencode({k: v for k, v in merged.items() if v not in (None, "", defaults.get(k))})

        def answer() -> HTMLResponse:
            results = None
            if q:
                results = search(q, PAGE_SIZE, form["page"], sort=form["sort"], year=form["year"], source=form["source"],
                                 collapse=form["collapse"] is None, as_typed=form["as_typed"] is not None)
            return TEMPLATES.TemplateResponse(
                request, "page.html", {"form": form, "results": results, "link": link, "documents": engine.health().documents}
            )

        return await in_turn(request, answer)

    @app.get("/articles/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, doc_id: str) -> HTMLResponse:
        def answer() -> HTMLResponse:
            article = engine.document(doc_id)
            if article is None:
                raise HTTPException(status_code=404, detail=f"no article with id {doc_id!r}")
            return TEMPLATES.TemplateResponse(request, "article.html", {"article": article, "form": {"q": ""}})

        return await in_turn(request, answer)

    @app.get("/style.css", include_in_schema=False)
    async def style() -> Response:
        return Response(STYLE, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    @app.get("/typeahead.js", include_in_schema=False)
    async def typeahead() -> Response:
        return Response(TYPEAHEAD, media_type="text/javascript", headers={"cache-control": "public, max-age=3600"})

    return app


def _start(engine: SearchEngine) -> None:
    """Open and warm the index, then follow its commits; without an index yet, follow until one appears."""
    try:
        engine.refresh()
    except SearcherError:
        pass  # searches answer 503, with the reason, until then
    engine.follow()


class SecurityHeaders:
    """Adds :data:`HEADERS` and a Content-Security-Policy to every response (plain ASGI: cheap)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"].startswith("/docs") else POLICY

        async def sending(message: ASGIMessage) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *HEADERS, (b"content-security-policy", policy)]
            await send(message)

        await self.app(scope, receive, sending)


def _number(text: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if low <= value <= high else default


def web_link(url: str | None) -> str | None:
    """``url`` if it is a web address that is safe to link to."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def article_link(hit: Hit) -> str:
    """Where a result's title leads: the article on its site, else its page here."""
    return web_link(hit.url) or "/articles/" + quote(hit.id, safe="")


TEMPLATES.env.filters["web_link"] = web_link
TEMPLATES.env.filters["article_link"] = article_link

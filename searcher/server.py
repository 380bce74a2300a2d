"""``vnsearch serve``: the search page and the HTTP API over one index.

    GET /                   the search page: server-rendered HTML, works without JavaScript
    GET /articles/{id}      one article, as a page
    GET /api/search         results as JSON, the shape of ``vnsearch search --json``
    GET /api/docs/{id}      one stored article as JSON (404 for an unknown id)
    GET /api/complete       completions of a query being typed (search as you type)
    GET /healthz            {"status": "ok", "documents": N}
    GET /docs, /openapi.json   the API's description (FastAPI's)

A thin adapter: it calls :class:`SearchEngine` and renders what it returns. Needs the
``server`` extra (FastAPI, uvicorn, Jinja2).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from . import __version__
from .completion import MOST
from .engine import SearchEngine
from .errors import RequestError, SearcherError
from .models import Hit, SearchRequest, SearchResults

__all__ = ["create_app", "run"]

PAGE_SIZE = 10
MAX_PAGE = SearchRequest.MAX_OFFSET // PAGE_SIZE + 1  # on the page; the API checks its own with the limit
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"


def create_app(engine: SearchEngine) -> FastAPI:
    """The web application for ``engine``'s index."""
    app = FastAPI(title="vnsearch", version=__version__, description="Full-text search for Vietnamese news.")
    lock = threading.Lock()  # requests run in threads; an engine's caches are for one at a time

    def search(q: str, limit: int, page: int, **filters: Any) -> SearchResults:
        request = SearchRequest.for_page(q, page, limit, suggest=True, **filters)
        with lock:
            return engine.search(request)

    @app.exception_handler(RequestError)
    def bad_request(request: Request, error: RequestError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(SearcherError)
    def index_unavailable(request: Request, error: SearcherError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.get("/api/search", summary="Search articles")
    def api_search(
        q: str = Query("", description='Any text: words with or without diacritics, "phrases", -excluded, a OR b, title:word'),
        limit: int = Query(PAGE_SIZE, ge=1, le=SearchRequest.MAX_LIMIT),
        page: int = Query(1, ge=1, description=f"From 1; at most {SearchRequest.MAX_OFFSET} results are skipped"),
        since: dt.date | None = Query(None, description="Published on or after (YYYY-MM-DD)"),
        until: dt.date | None = Query(None, description="Published on or before (YYYY-MM-DD)"),
        sort: Literal["relevance", "date"] = "relevance",
        year: int | None = Query(None, description="Only this year of publication (see facets.year)"),
        source: str | None = Query(None, description="Only this source (see facets.source)"),
        collapse: bool = Query(True, description="Near-duplicates (the same story from several sites) as one hit, "
                                                 "the others in its `similar`; false lists them all"),
        as_typed: bool = Query(False, description="Search Telex/VNI/VIQR keystrokes as typed, not converted (see `showing`)"),
    ) -> dict[str, Any]:
        return search(q, limit, page, since=since, until=until, sort=sort, year=year, source=source,
                      collapse=collapse, as_typed=as_typed).as_json()

    @app.get("/api/complete", summary="Complete a query being typed")
    def api_complete(
        q: str = Query("", description="The query so far; its last word is completed (without diacritics: `cong do`)"),
        limit: int = Query(MOST, ge=1, le=20),
    ) -> dict[str, Any]:
        with lock:
            return engine.complete(q, limit).as_json()

    @app.get("/typeahead.js", include_in_schema=False)
    def typeahead() -> FileResponse:
        return FileResponse(STATIC / "typeahead.js", media_type="text/javascript")

    @app.get("/api/docs/{doc_id:path}", summary="One stored article")
    def api_document(doc_id: str) -> dict[str, Any]:
        with lock:
            article = engine.document(doc_id)
        if article is None:
            raise HTTPException(status_code=404, detail=f"no article with id {doc_id!r}")
        return article.as_json()

    @app.get("/healthz", summary="Liveness")
    def healthz() -> dict[str, Any]:
        with lock:
            return {"status": "ok", "documents": engine.info().documents}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        # The page reads its parameters leniently: a hand-edited address still shows a page.
        params = request.query_params
        q = params.get("q", "").strip()
        form: dict[str, Any] = {
            "q": q,
            "sort": "date" if params.get("sort") == "date" else "relevance",
            "year": _number(params.get("year"), None, 1, 9999),
            "source": params.get("source") or None,
            "page": _number(params.get("page"), 1, 1, MAX_PAGE),
            "collapse": "false" if params.get("collapse") == "false" else None,
            "as_typed": "true" if params.get("as_typed") == "true" else None,
        }
        results = None
        if q:
            results = search(q, PAGE_SIZE, form["page"], sort=form["sort"], year=form["year"], source=form["source"],
                             collapse=form["collapse"] is None, as_typed=form["as_typed"] is not None)

        def link(**changes: Any) -> str:
            """This page's address with some parameters changed (None drops one)."""
            merged = {**form, "page": None, **changes}
            defaults = {"page": 1, "sort": "relevance"}
            return "/?" + urlencode({k: v for k, v in merged.items() if v not in (None, "", defaults.get(k))})

        return TEMPLATES.TemplateResponse(
            request, "page.html", {"form": form, "results": results, "link": link, "documents": _count(engine, lock)}
        )

    @app.get("/articles/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, doc_id: str) -> HTMLResponse:
        with lock:
            article = engine.document(doc_id)
        if article is None:
            raise HTTPException(status_code=404, detail=f"no article with id {doc_id!r}")
        return TEMPLATES.TemplateResponse(request, "article.html", {"article": article, "form": {"q": ""}})

    return app


def run(engine: SearchEngine, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``engine`` until interrupted."""
    import uvicorn

    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


def _number(text: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if low <= value <= high else default


def _count(engine: SearchEngine, lock: threading.Lock) -> int:
    with lock:
        return engine.info().documents


def web_link(url: str | None) -> str | None:
    """``url`` if it is a web address that is safe to link to."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def article_link(hit: Hit) -> str:
    """Where a result's title leads: the article on its site, else its page here."""
    return web_link(hit.url) or "/articles/" + quote(hit.id, safe="")


TEMPLATES.env.filters["web_link"] = web_link
TEMPLATES.env.filters["article_link"] = article_link

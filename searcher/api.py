"""The shapes the HTTP API answers with, for its OpenAPI description (``/openapi.json``).

The answers themselves are built by ``SearchResults.as_json()`` and ``Article.as_json()``,
not validated again on each request; schemathesis, in the test suite
(``tests/test_openapi_schemathesis.py``), checks that they agree with these shapes, for every
status each endpoint returns.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["ArticleResponse", "CompletionsResponse", "HealthResponse", "Message", "SearchResponse"]


class FacetValue(BaseModel):
    value: str = Field(description="A year (YYYY) or a source")
    count: int = Field(description="Matches with this value")


class FacetCounts(BaseModel):
    year: list[FacetValue] = Field(description="Matches by year of publication, newest first (undated ones are not counted)")
    source: list[FacetValue] = Field(description="Matches by source, most first (the top 20)")


class HitResponse(BaseModel):
    id: str
    title: str
    date: dt.date | None = Field(description="Published on (YYYY-MM-DD), when known")
    score: float
    snippet: str = Field(description="HTML: the article's text escaped, the matched words in <b>")
    path: str | None = Field(description="Where the article can be read: its URL, else its file")
    url: str | None
    source: str | None
    metadata: dict[str, str] = Field(description="What else the source said: author, category …")
    similar: list[str] = Field(description="Ids of near-duplicates that also match, collapsed into this hit")


class RelaxedPhrase(BaseModel):
    phrase: str = Field(description="A quoted phrase no article has (among those the filters allow)")
    notice: str = Field(description="What to tell the user: “No article has the exact phrase “…”; showing articles with its words.”")


class SearchResponse(BaseModel):
    query: str = Field(description="The query searched (a query longer than the limit is cut to its first words)")
    total: int = Field(description="Matches over all pages (near-duplicates collapsed count once)")
    took_ms: float
    page: int
    limit: int
    partial: bool = Field(description="No article has every word: these have most of them")
    suggestion: str | None = Field(description="The query with diacritics, when it was typed without")
    unavailable: list[str] = Field(default=[], description="Over a cluster: the nodes that did not answer, whose articles are "
                                   "missing from these results (`partial` is then true)")
    showing: str | None = Field(description="What was searched instead of `query`: its Telex/VNI/VIQR keystrokes converted "
                                            "(search again with as_typed=true for the query as typed)")
    relaxed: list[RelaxedPhrase] = Field(description="Quoted phrases no article has, searched as their words instead")
    facets: FacetCounts
    hits: list[HitResponse]


class CompletionsResponse(BaseModel):
    query: str = Field(description="The query so far")
    completions: list[str] = Field(description="The query with its last word completed, likeliest first")
    took_ms: float


class ArticleResponse(BaseModel):
    id: str
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    file: str | None = Field(description="The file it was read from, when it was")
    metadata: dict[str, str]
    text: str


class CacheResponse(BaseModel):
    used_mb: float = Field(description="What this worker's cache holds")
    budget_mb: float = Field(description="What this worker's cache may hold (the server's budget divided among its workers)")
    server_budget_mb: float = Field(description="The budget of all the workers together (vnsearch serve --cache-mb)")


class HealthResponse(BaseModel):
    status: Literal["ok"]
    documents: int = Field(description="Articles in the commit served")
    generation: int = Field(description="That commit's number (it grows with each commit)")
    serving_since: str = Field(description="When this worker started serving that commit (ISO 8601)")
    worker: int = Field(description="The process id of the worker that answered")
    workers: int = Field(description="Worker processes of the server")
    cache: CacheResponse


class Message(BaseModel):
    detail: str = Field(description="What went wrong, in one line")

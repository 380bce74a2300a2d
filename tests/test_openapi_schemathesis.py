"""schemathesis over the API's OpenAPI description: every generated request, valid or not, is
answered with a status the description lists, in the shape it describes, and never a 500
(all of schemathesis's checks, in both of its modes).

Each operation's cases are drawn from its hypothesis strategy here, rather than through
``schemathesis.pytest.from_fixture``, whose pytest plugin fails on pytest 9 (it reads
``request.node._nodeid``, which pytest no longer has).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from searcher import SearchEngine
from searcher.models import SearchRequest
from searcher.server import create_app

EXAMPLES = 30  # per operation and mode: bounded, so the suite stays quick
# Operations and the modes that can generate cases for them (/healthz has no parameter to get
# wrong; any string is an id, so /api/docs/{id} has no invalid one).
CHECKED = [("/api/search", "positive"), ("/api/search", "negative"), ("/api/docs/{doc_id}", "positive"),
           ("/api/complete", "positive"), ("/api/complete", "negative"), ("/healthz", "positive")]


def api(engine: SearchEngine) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(engine, follow=False))


def within_the_deepest_page(case: schemathesis.Case) -> bool:
    """Whether ``page`` and ``limit`` together stay within SearchRequest.MAX_OFFSET: a rule
    across two parameters that OpenAPI cannot state (its description says a deeper page is a 422)."""
    query = case.query or {}
    page, limit = query.get("page", 1), query.get("limit", 10)
    return not (isinstance(page, int) and isinstance(limit, int) and (page - 1) * limit > SearchRequest.MAX_OFFSET)


def test_the_operations_checked_are_all_the_api_has(corpus_engine: SearchEngine) -> None:
    operations = sorted(result.ok().path for result in api(corpus_engine).get_all_operations())
    assert operations == sorted({path for path, _ in CHECKED})


def test_a_page_deeper_than_the_limit_is_a_422_naming_it(corpus_engine: SearchEngine) -> None:
    from fastapi.testclient import TestClient

    response = TestClient(create_app(corpus_engine, follow=False)).get("/api/search", params={"q": "a", "page": 9999, "limit": 55})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "page must be from 1 to 182 with 55 results a page (got 9999)"


def test_the_description_names_every_field_a_search_answers(corpus_engine: SearchEngine) -> None:
    # (schemathesis lets an answer carry fields the description lacks)
    from fastapi.testclient import TestClient

    client = TestClient(create_app(corpus_engine, follow=False))
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    data = client.get("/api/search", params={"q": '"công đoàn tổ chức hội nghị"'}).json()
    assert set(schemas["SearchResponse"]["properties"]) == set(data)
    assert set(schemas["RelaxedPhrase"]["properties"]) == set(data["relaxed"][0]) == {"phrase", "notice"}
    assert set(schemas["HitResponse"]["properties"]) == set(data["hits"][0])


@pytest.mark.parametrize(("path", "mode"), CHECKED)
def test_every_answer_agrees_with_the_openapi_description(corpus_engine: SearchEngine, path: str, mode: str) -> None:
    strategy = api(corpus_engine)[path]["GET"].as_strategy(generation_mode=schemathesis.GenerationMode(mode))
    if mode == "positive":
        strategy = strategy.filter(within_the_deepest_page)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate()

    check()

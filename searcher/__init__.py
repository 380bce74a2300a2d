"""vnsearch: full-text search for Vietnamese news.

    from searcher import SearchEngine
    engine = SearchEngine("index")
    engine.add_paths(["seeds/"])
    for hit in engine.search("cong doan").hits:
        print(hit.title, hit.date, hit.snippet)
"""

from .engine import SearchEngine
from .errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    RequestError,
    SearcherError,
    SourceError,
)
from .models import Article, Completions, Facet, Facets, Hit, IndexInfo, IndexReport, SearchRequest, SearchResults, Skipped, Snippet

__all__ = [
    "Article",
    "Completions",
    "Facet",
    "Facets",
    "Hit",
    "IndexDamagedError",
    "IndexInfo",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "IndexVersionError",
    "RequestError",
    "SearchEngine",
    "SearchRequest",
    "SearchResults",
    "SearcherError",
    "Skipped",
    "Snippet",
    "SourceError",
]
__version__ = "0.1.0"

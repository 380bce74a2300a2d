"""The errors vnsearch raises on purpose; each message is one line a user can act on."""

from __future__ import annotations

__all__ = [
    "IndexNotFoundError",
    "IndexVersionError",
    "SearcherError",
    "SourceError",
]


class SearcherError(Exception):
    """Base class: something the user can fix, explained in one line."""


class IndexNotFoundError(SearcherError):
    """There is no index at the given location yet."""


class IndexVersionError(SearcherError):
    """The index was written by an incompatible schema or analyzer; it needs a rebuild."""


class SourceError(SearcherError):
    """A path to index does not exist or cannot be read."""

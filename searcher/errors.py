"""The errors vnsearch raises on purpose; each message is one line a user can act on."""

from __future__ import annotations

__all__ = [
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexVersionError",
    "RequestError",
    "SearcherError",
    "SourceError",
]


class SearcherError(Exception):
    """Base class: something the user can fix, explained in one line."""


class IndexNotFoundError(SearcherError):
    """There is no index at the given location yet."""


class IndexVersionError(SearcherError):
    """The index was written by an incompatible schema or analyzer; it needs a rebuild."""


class IndexDamagedError(SearcherError):
    """The index's files cannot be read; it needs a rebuild."""


class IndexLockedError(SearcherError):
    """Another process is writing to the index."""


class SourceError(SearcherError):
    """A path to index does not exist or cannot be read."""


class RequestError(SearcherError, ValueError):
    """A search asked for something out of range (a page size, a page, a sort)."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter  # the option out of range: "limit", "page" …

"""The Whoosh schema: which fields an article becomes, and the version that guards them.

Bump ``ANALYZER_VERSION`` whenever analysis changes the terms it produces, and
``SCHEMA_VERSION`` whenever fields change: an index written by another version is refused
with a message that names ``vnsearch rebuild``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import columns
from whoosh.analysis import CompositeAnalyzer
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema

from .analysis import VietnameseTokenizer, analyzer, term_positions
from .duplicates import PERMUTATIONS
from .segment import Segmenter

__all__ = ["ANALYZER_VERSION", "SCHEMA_VERSION", "build_schema"]

SCHEMA_VERSION = 5  # 5: title and body indexed by VietnameseText (same terms, written without token objects)
ANALYZER_VERSION = 6  # 6: letters and digits split (windows10 -> windows 10), invisible characters between syllables a boundary

ID_FIELD = "id"
TITLE = "title"  # normalized syllables at word-aware positions; stored
BODY = "body"
DATE = "date"
URL = "url"
FILE = "file"
SOURCE = "source"
METADATA = "metadata"  # what else the source said: (key, value) pairs
HEADLINE = "headline"  # False when the title was made from the lead: stored for display, not indexed
FINGERPRINT = "fingerprint"  # hash of the stored fields: unchanged articles are skipped
SIGNATURE = "minhash"  # the text's MinHash (duplicates.py): 64 uint32
GROUP = "similar"  # the key of its group of near-duplicates (a number; its own when it has none)

ANALYZED = (TITLE, BODY)


class VietnameseText(TEXT):
    """A TEXT field indexed through :func:`searcher.analysis.term_positions`: the terms and
    positions of its analyzer, grouped without Whoosh's token objects (most of the time
    analysis took besides segmentation)."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        tokenizer = self.analyzer[0] if isinstance(self.analyzer, CompositeAnalyzer) else None
        if not isinstance(value, str) or not isinstance(tokenizer, VietnameseTokenizer) or kwargs:
            yield from super().index(value, **kwargs)
            return
        for term, places in term_positions(value, tokenizer.segmenter).items():
            yield term.encode("utf-8"), len(places), float(len(places)), self.format.encode(places)


def build_schema(segmenter: Segmenter | None = None) -> Schema:
    """The schema for a new index; ``segmenter`` defaults to pyvi."""
    text = analyzer(segmenter)
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True, sortable=True),
            TITLE: VietnameseText(analyzer=text, stored=True),
            BODY: VietnameseText(analyzer=text, stored=True),
            DATE: DATETIME(stored=True, sortable=True),
            URL: STORED(),
            FILE: STORED(),
            SOURCE: ID(stored=True),
            METADATA: STORED(),
            HEADLINE: STORED(),
            FINGERPRINT: ID(sortable=True),
            SIGNATURE: COLUMN(columns.FixedBytesColumn(4 * PERMUTATIONS, default=bytes(4 * PERMUTATIONS))),
            GROUP: COLUMN(columns.NumericColumn("Q", default=0)),
        }
    )

"""The Whoosh schema: which fields an article becomes, and the version that guards them.

Bump ``ANALYZER_VERSION`` whenever analysis changes the terms it produces, and
``SCHEMA_VERSION`` whenever fields change: an index written by another version is refused
with a message that names ``vnsearch rebuild``.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema

from .analysis import analyzer
from .duplicates import PERMUTATIONS
from .segment import Segmenter

__all__ = ["ANALYZER_VERSION", "SCHEMA_VERSION", "build_schema"]

SCHEMA_VERSION = 4
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


def build_schema(segmenter: Segmenter | None = None) -> Schema:
    """The schema for a new index; ``segmenter`` defaults to pyvi."""
    text = analyzer(segmenter)
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True, sortable=True),
            TITLE: TEXT(analyzer=text, stored=True),
            BODY: TEXT(analyzer=text, stored=True),
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

"""The Whoosh schema: which fields an article becomes, and the version that guards them.

Bump ``ANALYZER_VERSION`` whenever analysis changes the terms it produces, and
``SCHEMA_VERSION`` whenever fields change: an index written by another version is refused
with a message that names ``vnsearch rebuild``.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from .analysis import compound_analyzer, syllable_analyzer
from .segment import Segmenter

__all__ = ["ANALYZER_VERSION", "SCHEMA_VERSION", "build_schema"]

SCHEMA_VERSION = 2
ANALYZER_VERSION = 3

ID_FIELD = "id"
TITLE = "title"  # normalized syllables with positions; stored
TITLE_COMPOUNDS = "title_compounds"  # folded compounds, frequencies only
BODY = "body"
BODY_COMPOUNDS = "body_compounds"
DATE = "date"
URL = "url"
FILE = "file"
SOURCE = "source"
FINGERPRINT = "fingerprint"  # hash of the stored fields: unchanged articles are skipped

# The compounds field of each text field.
COMPOUNDS_OF = {TITLE: TITLE_COMPOUNDS, BODY: BODY_COMPOUNDS}
ANALYZED = (TITLE, TITLE_COMPOUNDS, BODY, BODY_COMPOUNDS)


def build_schema(segmenter: Segmenter | None = None) -> Schema:
    """The schema for a new index; ``segmenter`` defaults to pyvi."""
    syllables, compounds = syllable_analyzer(), compound_analyzer(segmenter)
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True, sortable=True),
            TITLE: TEXT(analyzer=syllables, stored=True),
            TITLE_COMPOUNDS: TEXT(analyzer=compounds, phrase=False),
            BODY: TEXT(analyzer=syllables, stored=True),
            BODY_COMPOUNDS: TEXT(analyzer=compounds, phrase=False),
            DATE: DATETIME(stored=True, sortable=True),
            URL: STORED(),
            FILE: STORED(),
            SOURCE: ID(stored=True),
            FINGERPRINT: ID(sortable=True),
        }
    )

"""The Whoosh schema: which fields an article becomes, and the version that guards them.

Bump ``ANALYZER_VERSION`` whenever analysis changes the terms it produces, and
``SCHEMA_VERSION`` whenever fields change: an index written by another version is refused
with a message that names ``vnsearch rebuild``.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from .analysis import syllable_analyzer, word_analyzer
from .segment import Segmenter

__all__ = ["ANALYZER_VERSION", "SCHEMA_VERSION", "build_schema"]

SCHEMA_VERSION = 1
ANALYZER_VERSION = 2

ID_FIELD = "id"
TITLE = "title"  # folded syllables, positions; stored
TITLE_WORDS = "title_words"  # accented syllables and folded compounds, frequencies only
BODY = "body"
BODY_WORDS = "body_words"
DATE = "date"
URL = "url"
FILE = "file"
SOURCE = "source"
FINGERPRINT = "fingerprint"  # hash of the stored fields: unchanged articles are skipped

# The fields a field's text is analyzed into.
WORDS_OF = {TITLE: TITLE_WORDS, BODY: BODY_WORDS}
ANALYZED = (TITLE, TITLE_WORDS, BODY, BODY_WORDS)


def build_schema(segmenter: Segmenter | None = None) -> Schema:
    """The schema for a new index; ``segmenter`` defaults to pyvi."""
    syllables, words = syllable_analyzer(), word_analyzer(segmenter)
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True, sortable=True),
            TITLE: TEXT(analyzer=syllables, stored=True),
            TITLE_WORDS: TEXT(analyzer=words, phrase=False),
            BODY: TEXT(analyzer=syllables, stored=True),
            BODY_WORDS: TEXT(analyzer=words, phrase=False),
            DATE: DATETIME(stored=True, sortable=True),
            URL: STORED(),
            FILE: STORED(),
            SOURCE: ID(stored=True),
            FINGERPRINT: ID(sortable=True),
        }
    )

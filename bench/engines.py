"""The engines the benchmark compares, behind one small interface.

Each engine indexes the same records (``{"id", "title", "text"}``) into a directory and
answers a query with the ids of its top hits. Baselines are set up as a user would set them
up from their documentation:

* stock Whoosh: ``StandardAnalyzer`` on title and body, ``MultifieldParser`` (AND);
* Tantivy: simple tokenizer + lowercase + ascii_fold on title and body, lenient parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

Record = dict[str, str]


class Engine(Protocol):
    name: str

    def build(self, records: Sequence[Record], path: Path) -> None: ...

    def open(self, path: Path) -> None: ...

    def search(self, query: str, k: int = 10) -> list[str]: ...


class Vnsearch:
    name = "vnsearch"

    def build(self, records: Sequence[Record], path: Path) -> None:
        from searcher import SearchEngine

        report = SearchEngine(path).add_documents(records)
        assert report.added == len(records), report.skipped[:3]

    def open(self, path: Path) -> None:
        from searcher import SearchEngine

        self.engine = SearchEngine(path)

    def search(self, query: str, k: int = 10) -> list[str]:
        return [hit.id for hit in self.engine.search(query, limit=k).hits]


class StockWhoosh:
    name = "whoosh"

    def build(self, records: Sequence[Record], path: Path) -> None:
        from whoosh import index
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        analyzer = StandardAnalyzer()
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                        body=TEXT(analyzer=analyzer, stored=True))
        path.mkdir(parents=True)
        writer = index.create_in(str(path), schema).writer(limitmb=256)
        for record in records:
            writer.add_document(id=record["id"], title=record["title"], body=record["text"])
        writer.commit()

    def open(self, path: Path) -> None:
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        ix = index.open_dir(str(path))
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(["title", "body"], ix.schema)

    def search(self, query: str, k: int = 10) -> list[str]:
        return [hit["id"] for hit in self.searcher.search(self.parser.parse(query), limit=k)]


class Tantivy:
    name = "tantivy"

    def _schema(self):  # type: ignore[no-untyped-def]
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="vi_fold")
        builder.add_text_field("body", stored=True, tokenizer_name="vi_fold")
        return builder.build()

    def _index(self, path: Path):  # type: ignore[no-untyped-def]
        import tantivy

        ix = tantivy.Index(self._schema(), path=str(path))
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        ix.register_tokenizer("vi_fold", analyzer)
        return ix

    def build(self, records: Sequence[Record], path: Path) -> None:
        import tantivy

        path.mkdir(parents=True)
        writer = self._index(path).writer(heap_size=256 * 1024 * 1024)
        for record in records:
            writer.add_document(tantivy.Document(id=record["id"], title=record["title"], body=record["text"]))
        writer.commit()
        writer.wait_merging_threads()

    def open(self, path: Path) -> None:
        self.index = self._index(path)
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        parsed, _errors = self.index.parse_query_lenient(query, ["title", "body"])
        hits = self.searcher.search(parsed, k).hits
        return [self.searcher.doc(address)["id"][0] for _score, address in hits]


ENGINES: dict[str, type] = {e.name: e for e in (Vnsearch, StockWhoosh, Tantivy)}

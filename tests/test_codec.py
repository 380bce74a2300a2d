"""The only module that reads Whoosh's private structures, checked against Whoosh's own API."""

from __future__ import annotations

import datetime as dt

import numpy as np

from searcher import SearchEngine, codec
from searcher.reader import Reader


def whoosh_reader(engine: SearchEngine):  # type: ignore[no-untyped-def]
    return engine._index.whoosh.reader()


def test_postings_and_positions_are_whooshs_own(corpus_engine: SearchEngine) -> None:
    """Blocks read whole, with a deleted document and postings longer than one block."""
    corpus_engine.add_documents({"id": f"n{n:03}", "title": "Bão", "text": "bão " * (n % 5 + 1)} for n in range(300))
    corpus_engine.delete("n007")
    reader = whoosh_reader(corpus_engine)
    longest = 0
    for field, term in [("title", "bão"), ("body", "công"), ("body", "đoàn"), ("body", "bão")]:
        raw = term.encode("utf-8")
        for leaf, _ in reader.leaf_readers():
            docs, weights, keys, places = [], [], [], []
            if (field, raw) in leaf:
                matcher = leaf.postings(field, raw).child if leaf.has_deletions() else leaf.postings(field, raw)
                while matcher.is_active():  # Whoosh's own, one posting at a time (deleted ones too)
                    docs.append(matcher.id())
                    weights.append(matcher.weight())
                    keys += [(matcher.id() << 32) | p for p in matcher.value_as("positions")]
                    places += matcher.value_as("positions")
                    matcher.next()
            read_docs, read_weights = codec.postings(leaf, field, term)
            assert (read_docs.tolist(), read_weights.tolist()) == (docs, weights)
            assert codec.doc_frequency(leaf, field, term) == len(docs)  # deleted documents counted, as in BM25
            assert codec.positions(leaf, field, term).tolist() == sorted(keys)
            among = np.array(docs[::7], dtype=np.int64)
            expected = [k for k in sorted(keys) if (k >> 32) in set(among.tolist())]
            assert codec.positions(leaf, field, term, among).tolist() == expected
            # The whole field in one pass, as a store is made (a term's blocks read from its extent at once).
            every = {t: (d.tolist(), f.tolist(), p.tolist(), df) for t, df, d, f, p in codec.every_posting(leaf, field, True)}
            assert every.get(term, ([], [], [], 0)) == (docs, weights, places, len(docs))
            longest = max(longest, len(docs))
        assert any(codec.deleted(leaf).size for leaf, _ in reader.leaf_readers())
    assert longest > 128  # postings that fill more than one block


def test_columns_are_whooshs_own(engine: SearchEngine) -> None:
    engine.add_documents([
        {"id": "a", "title": "Giá vàng", "text": "Giá vàng hôm nay tăng mạnh.", "date": "2021-05-01"},
        {"id": "b", "title": "Bão", "text": "Bão số 9 " * 40},
    ])
    reader = whoosh_reader(engine)
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        lengths = codec.field_lengths(leaf, "body")
        assert lengths.tolist() == [leaf.doc_field_length(d, "body") for d in range(count)]
        days = codec.day_numbers(leaf, "date")
        stored = [leaf.stored_fields(d).get("date") for d in range(count)]
        assert days.tolist() == [d.date().toordinal() if d else 0 for d in stored]
    assert dt.date.fromordinal(int(Reader(reader).dates().max())) == dt.date(2021, 5, 1)

"""The search store (searcher/store.py): the same postings, frequencies and positions as
Whoosh's own files, across segments, deletions and updates; and what happens when a store is
missing, outdated, truncated, damaged, half written by a killed process, or cannot be written."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import CORPUS, ROOT, ids
from searcher import SearchEngine, codec, store
from searcher import schema as s
from searcher.cli import main
from searcher.reader import Reader

WARNING = "vnsearch: preparing {n} segment(s) of the index for search ({docs} articles; {why}), once"


def several_segments(engine: SearchEngine) -> SearchEngine:
    """The corpus in three commits (three segments), with updates and a deletion."""
    engine.add_documents(CORPUS)
    engine.add_documents({"id": f"n{n:03}", "title": f"Bão số {n % 7}", "text": "bão lũ miền trung " * (n % 5 + 1) + "công đoàn"}
                         for n in range(300))
    engine.add_documents([{"id": "union", "title": "Công đoàn cơ sở", "text": "Hội nghị công đoàn, sửa lại."},
                          {"id": "n010", "title": "Bão mạnh", "text": "bão"}])
    engine.delete("n007")
    engine.search("cong doan")  # (opens the last commit: what the tests below damage is read by new engines only)
    return engine


def damage(path: Path, data: bytes) -> None:
    """Give a store file new contents as a new file: one written in place would pull the pages from under
    the processes that map it (they get SIGBUS), as with any memory-mapped file; vnsearch never does that."""
    temporary = path.with_name(path.name + ".damaged")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def stores(engine: SearchEngine) -> list[Path]:
    """The index's store files, in the order of their segments."""
    order = [seg.id for seg in codec.segments(engine._index.whoosh.reader())]
    found = Path(engine.path).glob("whoosh-*/vnstore/*.store")
    return sorted(found, key=lambda path: order.index(path.stem) if path.stem in order else len(order))


def whoosh_keys(reader: Reader, field: str, term: str, among: np.ndarray | None = None) -> list[int]:
    """Positions as Whoosh's own block format gives them (searcher.codec, checked against Whoosh in test_codec)."""
    keys = []
    for seg in reader.segments:
        local = None if among is None else among[(among >= seg.offset) & (among < seg.offset + seg.size)] - seg.offset
        keys += (codec.positions(seg.leaf, field, term, local) + (seg.offset << 32)).tolist()
    return keys


def test_the_store_gives_whooshs_postings_positions_and_columns(engine: SearchEngine) -> None:
    several_segments(engine)
    reader = engine._current_reader()
    assert len(reader.segments) >= 3 and len(stores(engine)) == len(reader.segments)
    assert any(seg.deletions for seg in reader.segments)
    rng = random.Random(7)
    for field in (s.TITLE, s.BODY):
        vocabulary = reader.vocabulary(field)
        for term in rng.sample(vocabulary, 25) + ["bão", "công", "đoàn"]:
            postings = reader.postings(field, term)
            docs, frequencies = [], []
            for seg in reader.segments:
                d, f = codec.postings(seg.leaf, field, term)
                docs += (d + seg.offset).tolist()
                frequencies += f.tolist()
            assert (postings.docs.tolist(), postings.frequencies.tolist()) == (docs, frequencies), term
            assert reader.doc_frequency(field, term) == sum(codec.doc_frequency(seg.leaf, field, term) for seg in reader.segments)
            assert reader.positions(field, term).tolist() == whoosh_keys(reader, field, term)
            among = np.array(sorted(rng.sample(range(reader.size), 40)), dtype=np.int64)
            assert reader.positions(field, term, among).tolist() == whoosh_keys(reader, field, term, among)
        # Many terms' positions read together (as a query's spellings are), among documents that have them.
        terms = rng.sample(vocabulary, 30) + ["chưa-có", "bão", "công", "đoàn"]
        among = np.unique(np.concatenate([reader.postings(field, t).docs for t in terms[-3:]] + [np.arange(0, reader.size, 3)]))
        together = reader.positions_of(field, terms, among)
        assert [keys.tolist() for keys in together] == [whoosh_keys(reader, field, term, among) for term in terms]
        assert sum(keys.size for keys in together) > 100 and together[-4].size == 0
    assert reader.doc_frequency(s.BODY, "chưa-có") == 0 and reader.postings(s.BODY, "chưa-có").size == 0
    for seg, part in zip(reader.segments, np.split(reader.lengths(s.BODY), [seg.offset for seg in reader.segments[1:]])):
        assert part.tolist() == codec.field_lengths(seg.leaf, s.BODY).tolist()
    assert reader.dates().tolist() == np.concatenate([codec.day_numbers(seg.leaf, s.DATE) for seg in reader.segments]).tolist()
    everyone = np.arange(reader.size, dtype=np.int64)
    assert reader.ids(everyone) == [value for seg in reader.segments for value in codec.id_values(seg.leaf, s.ID_FIELD)]
    assert engine.document("n010").title == "Bão mạnh" and engine.document("n007") is None


def test_every_commit_writes_the_store_of_its_new_segments_and_drops_the_merged_ones(engine: SearchEngine) -> None:
    several_segments(engine)
    segment_ids = {seg.id for seg in engine._current_reader().segments}
    assert {path.stem for path in stores(engine)} == segment_ids
    SearchEngine(engine.path).rebuild()  # a new generation: every segment new, the old folder gone
    fresh = SearchEngine(engine.path)
    assert {path.stem for path in stores(fresh)} == {seg.id for seg in fresh._current_reader().segments}


QUERIES = ("cong doan", "bão lũ", '"công đoàn"', "mien trung -bao")


def size_of(engine: SearchEngine, segments: list[Path]) -> int:
    """The documents of the segments whose store files are ``segments``."""
    names = {path.stem for path in segments}
    return sum(seg.size for seg in engine._current_reader().segments if seg.id in names)


def rebuilt_once(engine: SearchEngine, caplog: pytest.LogCaptureFixture, why: str, rebuilt: list[Path]) -> SearchEngine:
    """A new engine on the index serves what the first one did, saying once which stores it rebuilds and why."""
    expected = [(query, ids(engine.search(query))) for query in QUERIES]
    documents = size_of(engine, rebuilt)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="vnsearch"):
        again = SearchEngine(engine.path)
        assert [(query, ids(again.search(query))) for query in QUERIES] == expected
    assert [r.getMessage() for r in caplog.records] == [WARNING.format(n=len(rebuilt), docs=f"{documents:,}", why=why)]
    return again


def test_an_index_from_before_the_store_builds_it_once_with_progress(engine: SearchEngine, caplog: pytest.LogCaptureFixture) -> None:
    several_segments(engine)
    expected = ids(engine.search("cong doan"))
    missing = stores(engine)
    for path in missing:
        path.unlink()
    progress: list[tuple[int, int]] = []
    with caplog.at_level(logging.WARNING, logger="vnsearch"):
        fresh = SearchEngine(engine.path, progress=lambda done, total: progress.append((done, total)))
        assert ids(fresh.search("cong doan")) == expected
    total = sum(seg.size for seg in fresh._current_reader().segments)
    assert [r.getMessage() for r in caplog.records] == [
        WARNING.format(n=len(missing), docs=f"{total:,}", why=f"{missing[0].name} is missing")
    ]
    assert len(progress) == len(missing) and progress[-1] == (total, total)
    assert stores(fresh) == missing  # written, so the next process does not build them again
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="vnsearch"):
        assert ids(SearchEngine(engine.path).search("cong doan")) == expected
    assert caplog.records == []


def test_a_truncated_store_is_rebuilt_not_reported_as_damage(engine: SearchEngine, caplog: pytest.LogCaptureFixture) -> None:
    several_segments(engine)
    victim = stores(engine)[1]
    whole = victim.stat().st_size
    damage(victim, victim.read_bytes()[: whole // 2])
    rebuilt_once(engine, caplog, f"{victim.name} is truncated or damaged", [victim])
    assert victim.stat().st_size == whole


def test_a_store_damaged_inside_is_found_by_its_checksum(engine: SearchEngine, caplog: pytest.LogCaptureFixture) -> None:
    several_segments(engine)
    victim = stores(engine)[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one flipped byte among the postings: same size, same header
    damage(victim, bytes(data))
    rebuilt_once(engine, caplog, f"{victim.name} is damaged (checksum)", [victim])


def test_a_store_of_another_version_is_rebuilt(engine: SearchEngine, caplog: pytest.LogCaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    several_segments(engine)
    monkeypatch.setattr(store, "VERSION", store.VERSION + 1)
    rebuilt_once(engine, caplog, f"{stores(engine)[0].name} was written by another version", stores(engine))


def test_a_store_that_cannot_be_written_is_kept_in_memory(engine: SearchEngine, caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    several_segments(engine)
    missing = stores(engine)
    for path in missing:
        path.unlink()

    def refuse(*args: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store, "write", refuse)
    rebuilt_once(engine, caplog, f"{missing[0].name} is missing", missing)
    assert stores(engine) == []


KILLED_WHILE_WRITING = """
import sys, time
from searcher import SearchEngine, store
write = store.write
def slow(folder, segment, size, arrays):
    half = dict(list(arrays.items())[: len(arrays) // 2])
    path = store.path_of(folder, segment)
    path.parent.mkdir(exist_ok=True)
    with open(path.with_name(f".{segment}.{__import__('os').getpid()}.tmp"), "wb") as out:
        out.write(b"".join(a.tobytes() for a in half.values()))
        out.flush()
    print("writing", flush=True)
    time.sleep(60)
store.write = slow
SearchEngine(sys.argv[1]).search("cong doan")
"""


def test_killed_while_writing_a_store_the_next_open_serves_and_says_so(engine: SearchEngine,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    several_segments(engine)
    expected = ids(engine.search("cong doan"))
    for path in stores(engine):
        path.unlink()
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KILLED_WHILE_WRITING), engine.path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    half_written = list(Path(engine.path).glob("whoosh-*/vnstore/.*.tmp"))
    assert half_written and stores(engine) == []
    with caplog.at_level(logging.WARNING, logger="vnsearch"):
        assert ids(SearchEngine(engine.path).search("cong doan")) == expected
    assert len(caplog.records) == 1 and "is missing" in caplog.records[0].getMessage()
    assert len(stores(engine)) == len(engine._current_reader().segments)
    engine.add_documents([{"id": "late", "text": "công đoàn"}])  # the next commit clears what the killed process left
    assert list(Path(engine.path).glob("whoosh-*/vnstore/.*.tmp")) == []


def test_the_cli_says_once_that_it_prepares_the_index(engine: SearchEngine) -> None:
    several_segments(engine)
    for path in stores(engine):
        path.unlink()
    first = CliRunner().invoke(main, ["search", "cong doan", "--json", "--index", engine.path])
    assert first.exit_code == 0, first.output
    lines = [line for line in first.stderr.splitlines() if line.startswith("vnsearch: preparing")]
    assert len(lines) == 1 and f"{len(engine._current_reader().segments)} segment(s)" in lines[0]
    second = CliRunner().invoke(main, ["search", "cong doan", "--json", "--index", engine.path])
    assert second.exit_code == 0 and second.stderr == ""
    assert json.loads(first.stdout)["hits"] == json.loads(second.stdout)["hits"] != []


def test_the_store_is_written_before_the_commit_names_the_segment(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process following commits never finds a new segment without its store."""
    engine.add_documents(CORPUS[:3])
    seen: list[bool] = []
    write_missing = store.write_missing

    def checking(folder: str, schema: object, segments: list, processes: int = 1, unfinished: frozenset[str] = frozenset()) -> None:  # type: ignore[type-arg]
        write_missing(folder, schema, segments, processes, unfinished)
        seen.append(all(store.path_of(folder, seg.segment_id()).is_file() for seg in segments))
        toc = sorted(Path(folder).glob("*.toc"))
        seen.append(len(toc) == 1)  # the new table of contents is not written yet

    monkeypatch.setattr(store, "write_missing", checking)
    start = time.monotonic()
    engine.add_documents(CORPUS[3:])
    assert seen == [True, True] and time.monotonic() - start < 60


def whoosh_contents(engine: SearchEngine) -> dict[tuple[str, ...], object]:
    """Everything Whoosh's own reader gives of the live documents, by article id: stored
    fields, field lengths, and each term's frequency and positions."""
    contents: dict[tuple[str, ...], object] = {}
    with engine._index.whoosh.reader() as reader:
        ids = {}
        for docnum, stored in reader.iter_docs():
            ids[docnum] = stored[s.ID_FIELD]
            contents[("stored", ids[docnum])] = stored
            contents[("lengths", ids[docnum])] = [reader.doc_field_length(docnum, f) for f in (s.TITLE, s.BODY)]
        for field in (s.TITLE, s.BODY):
            for term in reader.field_terms(field):
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    contents[(field, term, ids[matcher.id()])] = (matcher.weight(), matcher.value_as("positions"))
                    matcher.next()
    return contents


@pytest.mark.parametrize("run", [store.MERGE_POSTINGS, 3], ids=["in-one-run", "three-postings-at-a-time"])
def test_a_merge_keeps_every_live_document_as_it_was(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, run: int) -> None:
    monkeypatch.setattr(store, "MERGE_POSTINGS", run)  # (a large merge's store is made a run of terms at a time)
    for batch in range(9):
        engine.add_documents({"id": f"b{batch}-{n}", "title": f"Bão số {batch}", "text": f"công đoàn đợt {batch} số {n}, bão {n}"}
                             for n in range(3))
    engine.delete("b3-1")
    engine.add_documents([{"id": "b5-2", "title": "Sửa lại", "text": "công đoàn sửa lại"}])  # replaces one, in a 10th segment
    assert [seg.size for seg in codec.segments(engine._index.whoosh.reader())] == [3] * 9 + [1]
    before = whoosh_contents(engine)
    engine.delete("b5-0")  # this commit merges the ten segments of under ten articles into one
    after = whoosh_contents(engine)
    assert [seg.size for seg in codec.segments(engine._index.whoosh.reader())] == [25]
    assert after == {key: value for key, value in before.items() if "b5-0" not in key}
    assert ("stored", "b3-1") not in after and after[(s.TITLE, "sửa", "b5-2")] == (1.0, [0])
    # The merged segment's store, written from the ten stores, is the one its Whoosh files give.
    (segment,) = engine._index.whoosh._segments()
    folder = engine._index.whoosh.storage.folder
    written = store.open_store(folder, segment.segment_id(), segment.doc_count_all())._arrays
    leaf = codec.open_segment(folder, engine._index.whoosh.schema, segment)
    expected = store.build(leaf)
    leaf.close()
    assert sorted(written) == sorted(expected)
    assert all(written[name].dtype == expected[name].dtype and np.array_equal(written[name], expected[name]) for name in expected)


def test_ten_segments_of_a_size_are_merged_into_one_with_its_store(engine: SearchEngine) -> None:
    """Merges keep the segments a search reads few, without merging the whole index each time."""
    for batch in range(11):
        engine.add_documents({"id": f"b{batch}-{n}", "text": f"công đoàn đợt {batch} số {n}"} for n in range(3))
    segments = codec.segments(engine._index.whoosh.reader())
    assert [seg.size for seg in segments] == [30, 3]  # ten of 3 merged into one at the 11th commit, then its own 3
    assert [path.stem for path in stores(engine)] == [seg.id for seg in segments]
    assert SearchEngine(engine.path).search("cong doan", limit=50).total == 33
    for batch in range(5):
        engine.add_documents({"id": f"c{batch}-{n}", "text": f"công đoàn lần {batch}"} for n in range(3))
    engine.delete("b0-0")  # a deletion merges nothing more (Whoosh's own policy would merge the small ones)
    assert [seg.size for seg in codec.segments(engine._index.whoosh.reader())] == [30, 3, 3, 3, 3, 3, 3]
    assert SearchEngine(engine.path).search("cong doan", limit=50).total == 47

"""Serving while another process commits: commits read only their new segments, are warmed
before they serve, and searches from many threads never see a half-open state."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from whoosh.reading import SegmentReader

from conftest import CORPUS, WORDS, ids
from searcher import SearchEngine, store
from searcher import schema as s
from searcher.analysis import fold_term
from searcher.models import SearchRequest
from searcher.reader import Cache, Reader
from searcher.segment import DictionarySegmenter

MORE = [{"id": f"more{n}", "title": f"Công đoàn cơ sở số {n}", "text": f"Hội nghị công đoàn lần {n}, đoàn viên tham dự."}
        for n in range(5)]


def writer(engine: SearchEngine) -> SearchEngine:
    """Another engine on the same index: what another process indexing does."""
    return SearchEngine(engine.path, segmenter=DictionarySegmenter(WORDS))


def read_segments(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The segments whose search stores are opened from disk from now on."""
    read: list[str] = []
    open_store = store.open_store

    def counting(folder: str, segment: str, size: int) -> store.SegmentStore:
        read.append(segment)
        return open_store(folder, segment, size)

    monkeypatch.setattr(store, "open_store", counting)
    return read


def test_a_commit_reads_only_its_new_segments(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    before = corpus_engine.search("cong doan")
    old = {seg.id for seg in corpus_engine._current_reader().segments}
    writer(corpus_engine).add_documents(MORE)
    read = read_segments(monkeypatch)
    assert corpus_engine.refresh()  # warms with the recent searches, then serves
    assert read and not set(read) & old
    after = corpus_engine.search("cong doan")
    assert after.total == before.total + len(MORE)
    assert ids(after) == ids(SearchEngine(corpus_engine.path).search("cong doan"))  # as a fresh engine ranks
    assert not corpus_engine.refresh()  # nothing new


def merge_first_segment(engine: SearchEngine) -> None:
    """Merge the index's first segment away: its documents move to a new last segment."""
    ix = engine._index.whoosh

    def merge_first(writer: Any, segments: list[Any]) -> list[Any]:
        writer.add_reader(SegmentReader(ix.storage, ix.schema, segments[0]))
        return segments[1:]

    ix.writer().commit(mergetype=merge_first)


def read_everything(reader: Reader) -> None:
    for field in (s.TITLE, s.BODY):
        for term in reader.vocabulary(field):
            reader.postings(field, term)
            reader.spellings(field, fold_term(term))


def assert_same(derived: Reader, fresh: Reader) -> None:
    for field in (s.TITLE, s.BODY):
        assert derived.vocabulary(field) == fresh.vocabulary(field)
        for term in fresh.vocabulary(field):
            a, b = derived.postings(field, term), fresh.postings(field, term)
            assert a.docs.tolist() == b.docs.tolist() and a.frequencies.tolist() == b.frequencies.tolist(), (field, term)
            assert sorted(derived.spellings(field, fold_term(term))) == sorted(fresh.spellings(field, fold_term(term)))
    assert derived.live.tolist() == fresh.live.tolist()


def test_spellings_are_the_same_looked_up_per_segment_and_in_the_merged_vocabulary(corpus_engine: SearchEngine) -> None:
    writer(corpus_engine).add_documents(MORE)  # a second segment
    words = {fold_term(t) for field in (s.TITLE, s.BODY) for t in Reader(corpus_engine._index.whoosh.reader()).vocabulary(field)}
    per_segment = Reader(corpus_engine._index.whoosh.reader(), Cache())
    assert len(per_segment.segments) > 1
    before = {(field, w): per_segment.spellings(field, w) for field in (s.TITLE, s.BODY) for w in words}
    assert per_segment.cache.peek((per_segment.token, "t", s.BODY)) is None  # (no merged vocabulary was made)
    merged = Reader(corpus_engine._index.whoosh.reader(), Cache())
    merged.prepare()  # the merged vocabularies, as a server warming a commit makes them
    assert {(field, w): merged.spellings(field, w) for field, w in before} == before
    assert before[s.BODY, "du"] == ("du", "dự", "đủ")


def test_documents_with_every_word_are_the_live_ones_having_a_spelling_of_each(corpus_engine: SearchEngine) -> None:
    words = [("công", "cống"), ("đoàn",)]  # (what decides whether typed keystrokes are converted)
    assert corpus_engine._current_reader().documents_with(words) == 3  # union, success, scattered
    corpus_engine.delete("success")
    reader = corpus_engine._current_reader()
    assert reader.documents_with(words) == 2
    assert reader.documents_with([*words, ("bàn",)]) == 0
    assert reader.documents_with([]) == 0


def test_derived_postings_and_vocabulary_equal_those_read_afresh(corpus_engine: SearchEngine) -> None:
    cache = Cache()
    first = Reader(corpus_engine._index.whoosh.reader(), cache)
    read_everything(first)
    other = writer(corpus_engine)
    other.add_documents(MORE)  # a new segment
    other.delete("success")  # deletions in an old one
    other.add_documents([{"id": "union", "title": "Hội nghị công đoàn", "text": "Thay bài cũ."}])  # an update
    derived = Reader(corpus_engine._index.whoosh.reader(), cache, previous=first)
    assert derived.segments[0].id == first.segments[0].id  # (the old segment is still there)
    assert_same(derived, Reader(corpus_engine._index.whoosh.reader()))
    read_everything(derived)

    other.delete("table")  # only deletions: the same segments where they were
    again = Reader(corpus_engine._index.whoosh.reader(), cache, previous=derived)
    assert [seg.id for seg in again.segments] == [seg.id for seg in derived.segments]
    assert_same(again, Reader(corpus_engine._index.whoosh.reader()))
    read_everything(again)

    merge_first_segment(other)  # the segments after it move
    moved = Reader(corpus_engine._index.whoosh.reader(), cache, previous=again)
    assert moved.segments[0].id == again.segments[1].id and moved.segments[0].offset == 0
    assert_same(moved, Reader(corpus_engine._index.whoosh.reader()))


def test_a_new_commit_is_warmed_before_it_serves(corpus_engine: SearchEngine) -> None:
    for query in ("cong doan", "bong da", "gia ban"):
        corpus_engine.search(query)
    writer(corpus_engine).add_documents(MORE)
    corpus_engine.refresh()
    reader = corpus_engine._current_reader()
    for query in ("cong doan", "bong da", "gia ban"):
        assert reader.cache.peek((reader.token, "results", SearchRequest(query))) is not None


def test_a_following_engine_serves_new_commits_without_checking_on_each_search(
    corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus_engine.follow(interval=0.05)
    try:
        total = corpus_engine.search("cong doan").total
        checks = []
        up_to_date = SearchEngine._up_to_date

        def checking(self: SearchEngine) -> bool:
            checks.append(threading.current_thread().name)
            return up_to_date(self)

        monkeypatch.setattr(SearchEngine, "_up_to_date", checking)
        writer(corpus_engine).add_documents(MORE)
        deadline = time.monotonic() + 10
        while corpus_engine.search("cong doan").total == total and time.monotonic() < deadline:
            time.sleep(0.01)
        assert corpus_engine.search("cong doan").total == total + len(MORE)
        assert set(checks) == {"vnsearch-follow"}  # searches never look for a new commit themselves
    finally:
        corpus_engine.close()


def test_health_does_not_read_the_index(corpus_engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus_engine.search("cong doan")
    monkeypatch.setattr(type(corpus_engine._index), "info", lambda self: pytest.fail("read the index"))
    health = corpus_engine.health()
    assert health.documents == len(CORPUS)
    assert health.generation >= 1
    assert 0 < health.cache_bytes <= health.cache_budget


def test_health_opens_an_index_no_search_opened(tmp_path: Path, corpus_engine: SearchEngine) -> None:
    assert SearchEngine(corpus_engine.path).health().documents == len(CORPUS)


def test_a_following_engine_serves_what_another_process_commits(corpus_engine: SearchEngine, tmp_path: Path) -> None:
    # What `vnsearch serve` sees while a user runs `vnsearch index` beside it.
    (tmp_path / "more.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in MORE), encoding="utf-8")
    football = ids(corpus_engine.search("bong da"))
    corpus_engine.follow(interval=0.05)
    try:
        total = corpus_engine.search("cong doan").total
        indexing = subprocess.Popen([sys.executable, "-m", "searcher", "index", str(tmp_path / "more.jsonl"), "--index", corpus_engine.path],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while indexing.poll() is None:  # searches go on meanwhile
            assert ids(corpus_engine.search("bong da")) == football
            time.sleep(0.01)
        out, err = indexing.communicate()
        assert (indexing.returncode, err) == (0, "")
        assert out == f"5 added, 0 updated, 0 unchanged, 0 skipped; {len(CORPUS) + 5} documents in {corpus_engine.path}\n"
        deadline = time.monotonic() + 10
        while corpus_engine.search("cong doan").total == total and time.monotonic() < deadline:
            time.sleep(0.02)
        found = corpus_engine.search("cong doan", limit=20)
        assert found.total == total + len(MORE)
        assert {f"more{n}" for n in range(5)} <= set(ids(found))
        assert corpus_engine.health().documents == len(CORPUS) + len(MORE)
    finally:
        corpus_engine.close()


def test_many_threads_search_while_another_engine_commits(corpus_engine: SearchEngine) -> None:
    # (The other engine is in this process: its commits land while six threads search.)
    queries = ["cong doan", "bong da", "gia ban", "thuy dien hoa binh", '"công đoàn cơ sở"', "ban -thang"]
    expected = {q: ids(SearchEngine(corpus_engine.path).search(q)) for q in queries}
    corpus_engine.follow(interval=0.01)
    failures: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                for query in queries:
                    found = ids(corpus_engine.search(query))
                    if query != "cong doan" and "more" not in " ".join(found):
                        assert found == expected[query], query
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=search) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        other = writer(corpus_engine)
        for record in MORE:
            other.add_documents([record])
            time.sleep(0.05)
    finally:
        done.set()
        for thread in threads:
            thread.join()
        corpus_engine.close()
    assert not failures, failures[0]


def test_the_cache_stays_within_its_budget_and_answers_do_not_change(corpus_engine: SearchEngine) -> None:
    queries = ["cong doan", "bong da", "gia ban", "thuy dien hoa binh", '"công đoàn cơ sở"', "ban -thang", "hoi nghi",
               "doan vien", "title:bão", "co so"]
    unbounded = {q: ids(corpus_engine.search(q)) for q in queries}
    budget = 20_000
    assert corpus_engine.health().cache_bytes > 2 * budget  # so the small cache has to let go of values
    small = SearchEngine(corpus_engine.path, segmenter=DictionarySegmenter(WORDS), cache_bytes=budget)
    try:
        for _ in range(3):
            for query in queries:
                assert ids(small.search(query)) == unbounded[query], query
                health = small.health()
                assert health.cache_budget == budget and 0 < health.cache_bytes <= budget
    finally:
        small.close()

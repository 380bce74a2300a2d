"""Interrupted runs, concurrent use and damaged indexes: nothing lost, everything explained."""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, WORDS
from searcher import IndexDamagedError, IndexLockedError, SearchEngine, indexer
from searcher.cli import main
from searcher.segment import DictionarySegmenter

COUNT = 400

# Indexes a source in a child process, slowly (a pause every 50 articles), committing every
# 50 articles; with PARALLEL, through several writer processes.
WRITER = """
import sys, time
sys.path.insert(0, {tests!r})
from searcher import SearchEngine, indexer, sources
from searcher.segment import DictionarySegmenter
from conftest import WORDS, SlowSegmenter
indexer.BATCH_SIZE = 50
indexer.PARALLEL_BATCH = 10 if {parallel} else 10**9
reading = sources.read_paths
def slow(paths):
    r = reading(paths)
    class Slow:
        total_bytes = r.total_bytes
        done_bytes = 0
        def __iter__(self):
            for n, item in enumerate(r, 1):
                if n % 50 == 0:
                    time.sleep({pause})
                yield item
    return Slow()
indexer.read_paths = slow
SearchEngine({index!r}, segmenter={segmenter}(WORDS)).add_paths([{source!r}])
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(COUNT):
            text = f"Bài số {n}: công đoàn cơ sở tổ chức hội nghị lần thứ {n}. " * 20
            out.write(json.dumps({"id": f"n{n}", "title": f"Tin công đoàn số {n}", "text": text}, ensure_ascii=False) + "\n")
    return path


def start_writer(
    index: Path, source: Path, *, parallel: bool = False, pause: float = 0.3, segmenter: str = "DictionarySegmenter"
) -> subprocess.Popen:  # type: ignore[type-arg]
    code = WRITER.format(
        tests=str(ROOT / "tests"), parallel=parallel, pause=pause, index=str(index), source=str(source), segmenter=segmenter
    )
    return subprocess.Popen([sys.executable, "-c", code])


def documents(index: Path) -> int:
    try:
        return SearchEngine(index).info().documents
    except Exception:
        return 0


def wait_for(condition, timeout: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "several processes"])
def test_killed_run_keeps_its_commits_and_a_rerun_completes_it(tmp_path: Path, source: Path, parallel: bool) -> None:
    index = tmp_path / "index"
    writer = start_writer(index, source, parallel=parallel)
    wait_for(lambda: documents(index) >= 100)
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    engine = SearchEngine(index)
    kept = engine.info().documents
    assert 100 <= kept < COUNT  # killed mid-run, after some commits
    assert engine.search("cong doan").total == kept  # opens at its last commit, searches work

    # The lock died with the process (and its workers): the same command picks up where it stopped.
    report = SearchEngine(index, segmenter=DictionarySegmenter(WORDS)).add_paths([source])
    assert (report.added, report.unchanged, report.skipped) == (COUNT - kept, kept, ())
    again = SearchEngine(index)
    assert again.info().documents == COUNT
    assert again.search("cong doan").total == COUNT
    pages = [again.search("cong doan", limit=100, offset=start).hits for start in range(0, COUNT, 100)]
    assert len({hit.id for page in pages for hit in page}) == COUNT  # none doubled


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_writer_processes_die_with_a_killed_run(tmp_path: Path, source: Path) -> None:
    index = tmp_path / "index"
    writer = start_writer(index, source, parallel=True, pause=0, segmenter="SlowSegmenter")
    workers: list[int] = []

    def working() -> bool:
        workers[:] = children(writer.pid)
        return len(workers) >= 1

    wait_for(working)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)  # they shared its lock
    report = SearchEngine(index).add_documents([{"id": "after", "text": "Nội dung sau"}])
    assert report.added == 1


def test_a_batch_that_fails_while_read_leaves_the_index_as_it_was_and_no_writer_process(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "WORKERS", 2)  # (on any machine: the articles go to worker processes as read)
    engine.add_documents([{"id": "kept", "title": "Công đoàn", "text": "Nội dung đã có"}])

    def articles() -> Iterator[dict[str, str]]:
        yield from ({"id": f"n{n}", "text": f"công đoàn số {n}"} for n in range(2 * indexer.PARALLEL_BATCH))
        raise OSError("the source went away")

    with pytest.raises(OSError, match="the source went away"):
        engine.add_documents(articles())
    assert multiprocessing.active_children() == []
    assert [hit.id for hit in engine.search("cong doan").hits] == ["kept"]
    assert engine.add_documents([{"id": "after", "text": "Nội dung sau"}]).added == 1


def test_searches_see_each_commit_while_another_process_indexes(tmp_path: Path, source: Path) -> None:
    index = tmp_path / "index"
    writer = start_writer(index, source, pause=0.1)
    wait_for(lambda: (index / "vnsearch.json").exists())
    engine = SearchEngine(index)
    seen = []
    while writer.poll() is None:
        seen.append(engine.search("cong doan").total)
        time.sleep(0.02)
    assert writer.returncode == 0
    seen.append(engine.search("cong doan").total)
    assert seen == sorted(seen)  # never goes back
    assert seen[-1] == COUNT
    assert len(set(seen)) > 2  # saw the run in progress


def test_a_second_writer_is_told_who_holds_the_index(tmp_path: Path, source: Path) -> None:
    index = tmp_path / "index"
    writer = start_writer(index, source, pause=1.0)
    try:
        wait_for(lambda: documents(index) >= 50)
        with pytest.raises(IndexLockedError) as error:
            SearchEngine(index).add_documents([{"id": "x", "text": "Nội dung"}])
        assert str(error.value) == (
            f"another process (pid {writer.pid}) is writing to the index at {index}: "
            "wait for it to finish, or stop it, and try again"
        )
        result = CliRunner().invoke(main, ["index", str(source), "--index", str(index)])
        assert (result.exit_code, result.stderr) == (1, f"Error: {error.value}\n")
        assert SearchEngine(index).search("cong doan").total >= 50  # reading is never blocked
    finally:
        writer.kill()
        writer.wait()


@pytest.fixture
def built(tmp_path: Path, segmenter: DictionarySegmenter) -> SearchEngine:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(5):
        (src / f"{n}.txt").write_text(f"Hội nghị công đoàn số {n}\nCông đoàn cơ sở họp lần {n}.\n", encoding="utf-8")
    engine = SearchEngine(tmp_path / "index", segmenter=segmenter)
    engine.add_paths([src])
    return engine


def whoosh_files(engine: SearchEngine, suffix: str) -> list[Path]:
    return sorted(Path(engine.path).glob(f"whoosh-*/*{suffix}"))


def test_damaged_postings_name_rebuild_and_rebuild_recovers(built: SearchEngine) -> None:
    for path in whoosh_files(built, ".pst"):
        path.write_bytes(b"\x00garbage" * 100)
    for path in Path(built.path).glob("whoosh-*/vnstore/*.store"):  # searches read Whoosh's postings to build it again
        path.unlink()
    damaged = SearchEngine(built.path)
    with pytest.raises(IndexDamagedError, match=r"^the index at .* could not be read \(.*\): run `vnsearch rebuild`$"):
        damaged.search("cong doan")
    result = CliRunner().invoke(main, ["search", "cong doan", "--index", built.path])
    assert result.exit_code == 1
    notice, error = result.stderr.splitlines()  # what it was doing, then why it could not
    assert notice.startswith("vnsearch: preparing 1 segment(s) of the index for search (5 articles; ")
    assert error.startswith(f"Error: the index at {built.path} could not be read (")
    report = damaged.rebuild()
    assert report.added == 5
    assert SearchEngine(built.path).search("cong doan").total == 5


def test_damaged_table_of_contents(built: SearchEngine) -> None:
    for path in whoosh_files(built, ".toc"):
        path.write_bytes(b"not a toc")
    with pytest.raises(IndexDamagedError, match=r"^the index at .* cannot be opened \(.*\): run `vnsearch rebuild`$"):
        SearchEngine(built.path).search("cong doan")
    SearchEngine(built.path).rebuild()
    assert SearchEngine(built.path).search("cong doan").total == 5

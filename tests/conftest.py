"""Shared fixtures: a fast dictionary segmenter, a tmp-path index, and a small news corpus."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from searcher import SearchEngine
from searcher.segment import DictionarySegmenter

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
HTML_TESTS = "VNSEARCH_HTML_TESTS"  # =required (as in CI): the HTML tests fail without the shared pages or the extras


def needed(present: bool, lack: str, how: str) -> None:
    """Skip this test module unless what it needs is ``present``; where VNSEARCH_HTML_TESTS=required, fail it instead."""
    if present:
        return
    if os.environ.get(HTML_TESTS) == "required":
        pytest.fail(f"{HTML_TESTS}=required but {lack}: {how}", pytrace=False)
    pytest.skip(f"{lack}: {how}", allow_module_level=True)


def import_needed(module: str, extra: str) -> ModuleType | None:
    """``module``, which the ``extra`` brings; without it, as :func:`needed` says."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    needed(False, f"{module} is not installed", f"pip install -e '.[{extra}]'")
    return None


# Compounds the fake segmenter knows; enough for the fixture corpus below.
WORDS = [
    "công đoàn", "cơ sở", "hội nghị", "viên chức", "lao động", "thành công", "đoàn kết",
    "bóng đá", "việt nam", "hà nội", "bàn thắng", "giá bán", "cái bàn", "kĩ thuật", "khắc phục",
    "thử nghiệm", "đội tuyển", "thủy điện", "hòa bình", "sức khỏe",
]

# A small corpus with the traps a Vietnamese search engine must get right.
CORPUS = [
    {"id": "union", "title": "Hội nghị công đoàn cơ sở năm 2021", "date": "2021-03-18",
     "text": "Công đoàn cơ sở tổ chức hội nghị tổng kết. Đoàn viên công đoàn tham dự đông đủ."},
    {"id": "success", "title": "Đội tuyển thành công", "date": "2020-05-02",
     "text": "Sau trận đấu thành công đoàn kết là chìa khóa, huấn luyện viên nói."},
    {"id": "scattered", "title": "Tin tổng hợp", "date": "2019-12-30",
     "text": "Người lao động làm công nhật. Đến chiều, đoàn khách du lịch ghé thăm nhà máy."},
    {"id": "table", "title": "Chọn cái bàn cho phòng khách", "date": "2022-01-10",
     "text": "Một cái bàn gỗ tốt giúp phòng khách ấm cúng."},
    {"id": "sale", "title": "Giá bán nhà tăng", "date": "2022-02-11",
     "text": "Giá bán căn hộ tăng. Người bán nói giá bán sẽ còn tăng, bán nhanh thì lời, bán chậm thì lỗ."},
    {"id": "football", "title": "U23 Việt Nam - U23 Malaysia: Thử nghiệm và khắc phục", "date": "2018-01-20",
     "text": "Đội tuyển U23 Việt Nam thắng U23 Malaysia với hai bàn thắng trong trận giao hữu (bóng đá)."},
    {"id": "hydro", "title": "Thuỷ điện Hoà Bình xả lũ", "date": "2017-07-21",
     "text": "Nhà máy thuỷ điện Hoà Bình mở cửa xả đáy. Kỹ thuật viên theo dõi sức khoẻ đập."},
]


@pytest.fixture
def segmenter() -> DictionarySegmenter:
    return DictionarySegmenter(WORDS)


@pytest.fixture
def engine(tmp_path: Path, segmenter: DictionarySegmenter) -> SearchEngine:
    """An empty engine on a tmp-path index, with the fast segmenter."""
    return SearchEngine(tmp_path / "index", segmenter=segmenter)


@pytest.fixture
def corpus_engine(engine: SearchEngine) -> SearchEngine:
    engine.add_documents(CORPUS)
    return engine


@pytest.fixture(scope="session")
def seeds_engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    """The five seeds indexed with the real pyvi segmenter (built once per session)."""
    engine = SearchEngine(tmp_path_factory.mktemp("seeds") / "index")
    engine.add_paths([SEEDS])
    return engine


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh checkout-like directory with seeds/ and an empty index/, as the cwd."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "README.md").write_text("default index location\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VNSEARCH_INDEX", raising=False)
    return tmp_path


def ids(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.id for hit in results.hits]


class SlowSegmenter(DictionarySegmenter):
    """A segmenter that takes its time, so a test can catch an index run in the middle."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        import time

        time.sleep(0.02)
        return super().__call__(tokens)

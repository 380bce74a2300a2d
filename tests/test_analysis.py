import pickle
import subprocess
import sys

import pytest

from searcher.analysis import compound_analyzer, syllable_analyzer, tokens
from searcher.schema import ANALYZED, BODY, BODY_COMPOUNDS, build_schema
from searcher.segment import DictionarySegmenter, pyvi_segment


def terms(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.text for t in analyzer(text)]


def test_syllables_are_normalized_with_positions_and_offsets() -> None:
    text = "Hoà  Bình, TP. Hồ Chí Minh"
    found = [(t.text, t.pos, t.startchar, t.endchar) for t in syllable_analyzer()(text, positions=True, chars=True)]
    assert found == [
        ("hòa", 0, 0, 3), ("bình", 1, 5, 9), ("tp", 2, 11, 14), ("hồ", 3, 15, 17), ("chí", 4, 18, 21),
        ("minh", 5, 22, 26),
    ]


def test_compounds_are_folded(segmenter: DictionarySegmenter) -> None:
    assert terms(compound_analyzer(segmenter), "Hội nghị Công đoàn cơ sở tỉnh Hoà Bình") == [
        "hoi_nghi", "cong_doan", "co_so", "hoa_binh",
    ]


def test_numbers_and_punctuation() -> None:
    assert terms(syllable_analyzer(), "23.155 suất quà; Covid-19 (2021)") == ["23.155", "suất", "quà", "covid", "19", "2021"]


def test_pyvi_compounds_of_a_seed_title() -> None:
    text = "Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm"
    assert terms(compound_analyzer(), text) == [
        "cong_doan_vien_chuc", "cong_doan", "doan_vien", "vien_chuc",  # pyvi's word and the pairs in it
        "so_ket", "hoat_dong", "cong_doan",
    ]


def test_pyvi_segment_matches_pyvi_itself() -> None:
    from pyvi import ViTokenizer

    text = "Liên đoàn lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua trong cán bộ công đoàn chuyên trách."
    found = [t for t, _, _ in tokens(text)]
    ours, at = [], 0
    for length in pyvi_segment(found):
        ours.append("_".join(found[at : at + length]))
        at += length
    assert ours == ViTokenizer.tokenize(text).split()


def test_segmenting_does_not_import_scikit_learn() -> None:
    code = (
        "import sys; from searcher.segment import pyvi_segment; pyvi_segment(['công', 'đoàn']); "
        "print(any(m.startswith(('sklearn', 'pyvi')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_schema_survives_pickling(segmenter: DictionarySegmenter) -> None:
    schema = build_schema(segmenter)
    restored = pickle.loads(pickle.dumps(schema))
    assert restored.names() == schema.names()
    assert all(restored[name].analyzer == schema[name].analyzer for name in ANALYZED)
    assert terms(restored[BODY].analyzer, "Công đoàn") == ["công", "đoàn"]
    assert terms(restored[BODY_COMPOUNDS].analyzer, "Công đoàn") == ["cong_doan"]


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ---", "\u0301\u0300"])
def test_text_without_words_has_no_terms(text: str) -> None:
    assert terms(syllable_analyzer(), text) == []
    assert terms(compound_analyzer(DictionarySegmenter([])), text) == []

import pickle
import subprocess
import sys

import pytest

from searcher.analysis import syllable_analyzer, tokens, word_analyzer
from searcher.schema import ANALYZED, BODY, BODY_WORDS, build_schema
from searcher.segment import DictionarySegmenter, pyvi_segment


def terms(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.text for t in analyzer(text)]


def test_syllables_are_folded_with_positions_and_offsets() -> None:
    text = "Hoà  Bình, TP. Hồ Chí Minh"
    found = [(t.text, t.pos, t.startchar, t.endchar) for t in syllable_analyzer()(text, positions=True, chars=True)]
    assert found == [
        ("hoa", 0, 0, 3), ("binh", 1, 5, 9), ("tp", 2, 11, 14), ("ho", 3, 15, 17), ("chi", 4, 18, 21),
        ("minh", 5, 22, 26),
    ]


def test_words_are_accented_syllables_and_folded_compounds(segmenter: DictionarySegmenter) -> None:
    assert terms(word_analyzer(segmenter), "Hội nghị Công đoàn cơ sở Hoà Bình tinh") == [
        "hội", "nghị", "hoi_nghi",
        "công", "đoàn", "cong_doan",
        "cơ", "sở", "co_so",
        "hòa", "bình", "hoa_binh",
    ]  # a plain "tinh" is already in the syllable field


def test_numbers_and_punctuation() -> None:
    assert terms(syllable_analyzer(), "23.155 suất quà; Covid-19 (2021)") == ["23.155", "suat", "qua", "covid", "19", "2021"]


def test_pyvi_words_of_a_seed_title() -> None:
    text = "Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm"
    assert terms(word_analyzer(), text) == [
        "công", "đoàn", "viên", "chức",
        "cong_doan_vien_chuc", "cong_doan", "doan_vien", "vien_chuc",  # pyvi's word and the pairs in it
        "tỉnh", "sơ", "kết", "so_ket", "hoạt", "động", "hoat_dong",
        "công", "đoàn", "cong_doan", "tháng", "đầu", "năm",
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
    assert terms(restored[BODY].analyzer, "Công đoàn") == ["cong", "doan"]
    assert terms(restored[BODY_WORDS].analyzer, "Công đoàn") == ["công", "đoàn", "cong_doan"]


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ---", "\u0301\u0300"])
def test_text_without_words_has_no_terms(text: str) -> None:
    assert terms(syllable_analyzer(), text) == []
    assert terms(word_analyzer(DictionarySegmenter([])), text) == []

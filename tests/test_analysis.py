import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS
from searcher.analysis import analyzer, tokens
from searcher.schema import ANALYZED, BODY, build_schema
from searcher.segment import DictionarySegmenter, pyvi_segment


def terms(analyze, text: str) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """(term, position) pairs."""
    return [(t.text, t.pos) for t in analyze(text, positions=True)]


def test_syllables_are_normalized_with_offsets(segmenter: DictionarySegmenter) -> None:
    text = "Hoà  Bình, TP. Hồ Chí Minh"
    found = [(t.text, t.startchar, t.endchar) for t in analyzer(segmenter)(text, chars=True)]
    assert found == [("hòa", 0, 3), ("bình", 5, 9), ("tp", 11, 14), ("hồ", 15, 17), ("chí", 18, 21), ("minh", 22, 26)]


def test_positions_keep_words_together(segmenter: DictionarySegmenter) -> None:
    # Syllables of one word are consecutive; each new word starts 3 positions further.
    assert terms(analyzer(segmenter), "Hội nghị Công đoàn cơ sở tỉnh Hoà Bình") == [
        ("hội", 0), ("nghị", 1), ("công", 4), ("đoàn", 5), ("cơ", 8), ("sở", 9), ("tỉnh", 12), ("hòa", 15), ("bình", 16),
    ]


def test_numbers_and_punctuation(segmenter: DictionarySegmenter) -> None:
    assert [t for t, _ in terms(analyzer(segmenter), "23.155 suất quà; Covid-19 (2021)")] == [
        "23.155", "suất", "quà", "covid", "19", "2021"]


def test_pyvi_words_of_a_seed_title() -> None:
    text = "Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm"
    assert terms(analyzer(), text) == [
        ("công", 0), ("đoàn", 1), ("viên", 2), ("chức", 3),  # pyvi: Công_đoàn_viên_chức
        ("tỉnh", 6), ("sơ", 9), ("kết", 10), ("hoạt", 13), ("động", 14), ("công", 17), ("đoàn", 18),
        ("6", 21), ("tháng", 24), ("đầu", 27), ("năm", 30),
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


def test_the_crf_is_decoded_to_the_labels_of_crfsuites_own_tagger(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our decoding of pyvi's model (weights read from its file, Viterbi in Python) against
    CRFsuite's tagger given pyvi's own features, on every token of the seeds and of three
    sentences whose words turn on a dictionary feature of the next tokens or the two before:
    the same labels. (With pyvi's dictionary, looked up as pyvi does.)"""
    import pycrfsuite
    from pyvi import ViTokenizer as module
    from pyvi.ViTokenizer import ViTokenizer

    from searcher import segment
    from searcher.segment import _crf_model_bytes, _pyvi_model, _PyviModel

    assert _pyvi_model().inside(["Công", "đoàn", "cấp", "ủy"]) == [False, True, False, True]  # cấp uỷ in pyvi's dictionary
    package = Path(module.__file__).parent
    model = _PyviModel(package)  # (a token cache of its own: the one searches use is not touched)
    model.bigrams, model.trigrams = ViTokenizer.bi_grams, ViTokenizer.tri_grams
    monkeypatch.setattr(segment, "_spelling", lambda token: token)  # (ours also looks words up respelled; pyvi does not)
    crf = _crf_model_bytes(package / "models" / "pyvi3.pkl")  # (the tagger reads it for as long as it lives)
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(crf)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.iterdir())] + [
        "Xe cũng dễ dàng nhập vào làn đường cao tốc hoặc tách khỏi đường",  # +2:word.tri_gram()
        "Việc triệu hồi chính thức bắt đầu từ ngày 3/2/2017",  # -2:word.tri_gram()
        "Phantom thế hệ IV là khởi đầu mới cho nhà sản xuất nước Anh",  # +1:word.bi_gram()
    ]
    for text in texts:
        found = [t for t, _, _ in tokens(text)]
        expected = [label == "I_W" for label in tagger.tag(ViTokenizer.sent2features(found, False))]
        assert model.inside(found) == expected, text[:40]
    assert sum(len(tokens(text)) for text in texts) > 3000


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
    assert terms(restored[BODY].analyzer, "Công đoàn Hoà") == [("công", 0), ("đoàn", 1), ("hòa", 4)]


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ---", "\u0301\u0300"])
def test_text_without_words_has_no_terms(text: str) -> None:
    assert terms(analyzer(DictionarySegmenter([])), text) == []


@pytest.mark.parametrize("text", [
    "Hội nghị Công đoàn cơ sở tỉnh Hoà Bình, TP. Hồ Chí Minh; công đoàn!",
    "Windows10 và GalaxyS8, U23 Việt Nam: 23.155 suất quà (Covid-19) — e-mail a.b@c.vn http://x.vn/a?b=1",
    "",
])
def test_the_indexing_path_gives_the_analyzers_terms_and_positions(segmenter: DictionarySegmenter, text: str) -> None:
    """Title and body are indexed by VietnameseText without token objects: the same terms at the same positions."""
    grouped: dict[str, list[int]] = {}
    for term, position in terms(analyzer(segmenter), text):
        grouped.setdefault(term, []).append(position)
    field = build_schema(segmenter)[BODY]
    indexed = {term.decode(): (frequency, weight, field.format.decode_positions(value))
               for term, frequency, weight, value in field.index(text)}
    assert indexed == {term: (len(places), float(len(places)), places) for term, places in grouped.items()}
    assert set(indexed) >= ({"công", "đoàn", "hòa"} if text.startswith("Hội") else {"windows", "10", "u", "23"} if text else set())

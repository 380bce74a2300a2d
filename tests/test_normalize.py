import unicodedata

import pytest

from searcher.normalize import accented_forms, canonical, fold, nfc, normalize, skeleton


@pytest.mark.parametrize(
    "written, expected",
    [
        ("hoà", "hòa"), ("Hoá", "Hóa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("loè", "lòe"),
        ("ngòai", "ngoài"), ("hòang", "hoàng"), ("tòan", "toàn"), ("khuỷu", "khuỷu"),
        ("gìa", "già"), ("quốc", "quốc"), ("người", "người"), ("rượu", "rượu"), ("nguyễn", "nguyễn"),
        ("mùa", "mùa"), ("của", "của"), ("giữa", "giữa"),
    ],
)
def test_one_tone_placement(written: str, expected: str) -> None:
    assert canonical(written) == expected


@pytest.mark.parametrize(
    "a, b",
    [("kĩ", "kỹ"), ("lí", "lý"), ("mĩ", "mỹ"), ("quí", "quý"), ("sĩ", "sỹ"), ("tỉ", "tỷ"), ("kì", "kỳ"),
     ("qui định", "quy định"), ("Mĩ", "MỸ")],
)
def test_i_y_spellings_are_one_word(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("word", ["y tế", "ý kiến", "yêu", "quyết", "khuya", "huyền"])
def test_y_that_is_not_a_variant_stays(word: str) -> None:
    assert normalize(word) == word


def test_decomposed_text_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Công đoàn Hoà Bình")
    assert decomposed != "Công đoàn Hoà Bình"
    assert nfc(decomposed) == "Công đoàn Hoà Bình"
    assert normalize(decomposed) == "công đoàn hòa bình"


def test_case_folding_includes_d_with_stroke() -> None:
    assert normalize("ĐÀ NẴNG Đồng") == "đà nẵng đồng"


def test_fold_removes_diacritics_and_d_stroke() -> None:
    assert fold(normalize("Công Đoàn Hoà Bình Thuỷ Điện")) == "cong doan hoa binh thuy dien"
    assert fold(normalize("Kỹ thuật")) == fold(normalize("kĩ thuật")) == "ki thuat"


@pytest.mark.parametrize("word", ["café", "José", "Pokémon", "Zürich", "U23", "COVID-19"])
def test_foreign_words_are_not_rewritten(word: str) -> None:
    assert canonical(word) == word


def test_accented_forms_of_each_letter() -> None:
    assert accented_forms("d") == "dđ"
    assert accented_forms("a") == "aàáảãạăằắẳẵặâầấẩẫậ"
    assert accented_forms("b") == "b"


def test_skeleton_keeps_length_and_merges_i_y() -> None:
    text = "Kỹ sư ĐOÀN Hoà, 北京 😀"
    assert skeleton(text) == "ki su doan hoa, 北京 😀"
    assert len(skeleton(text)) == len(text)


def test_every_format_character_is_cleaned() -> None:
    """The invisible characters that clean() handles are found in three planes only, for a fast import: all of them."""
    import sys
    import unicodedata

    from searcher import normalize

    everywhere = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert set(normalize._FORMAT) == everywhere and len(everywhere) > 150

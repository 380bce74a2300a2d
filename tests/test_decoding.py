"""Text files in every encoding Vietnamese news was saved in come out as the same text."""

import codecs
import unicodedata

import pytest

from searcher.decoding import DecodingError, decode

TEXT = "Liên đoàn Lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua năm 2021."
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """As Windows-1258 writes Vietnamese: base letter (with â, ơ, ư …) then a combining tone mark."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + "".join(c for c in decomposed if c in TONE_MARKS))
    return "".join(out).encode("cp1258")


# TCVN3 ("ABC", the .VnTime fonts), as the bytes of a few lower-case letters.
TCVN3 = {"ê": 0xAA, "đ": 0xAE, "à": 0xB5, "ộ": 0xE9, "ỉ": 0xD8, "ổ": 0xE6, "ứ": 0xF8, "ư": 0xAD, "ã": 0xB7,
         "ị": 0xDE, "ế": 0xD5, "á": 0xB8, "ă": 0xA8, "ạ": 0xB9, "ơ": 0xAC}


def tcvn3(text: str) -> bytes:
    return bytes(TCVN3[c] if c in TCVN3 else ord(c) for c in text)


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        (windows_1258(TEXT), "windows-1258"),
        (unicodedata.normalize("NFD", TEXT).encode("utf-8"), "utf-8"),  # decomposed: composed again
    ],
)
def test_every_encoding_gives_the_same_text(data: bytes, encoding: str) -> None:
    assert decode(data)[:2] == (TEXT, encoding)


def test_windows_1258_really_uses_combining_tone_marks() -> None:
    assert "\u0323".encode("cp1258") in windows_1258("hội")  # the bytes are not precomposed


def test_tcvn3_is_converted() -> None:
    text = "liên đoàn lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua năm 2021."
    assert decode(tcvn3(text))[:2] == (text, "tcvn3")
    assert decode(b"B\xb6o Th\xbeng, M\xad\xeang Kh\xad\xacng")[:2] == ("Bảo Thắng, Mường Khương", "tcvn3")


VNI_NOTE = "VNI encoding (the VNI-Times fonts): converted to Unicode"


def test_vni_is_converted_and_says_so() -> None:
    vni = "Lieân ñoaøn lao ñoäng tænh toå chöùc hoäi nghò toång keát phong traøo thi ñua".encode("cp1252")
    assert decode(vni) == ("Liên đoàn lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua", "vni", VNI_NOTE)
    capitals = "ÑAÏI HOÄI COÂNG ÑOAØN THAØNH PHOÁ ÑAØ NAÜNG laàn thöù XII. Ngöôøi lao ñoäng höôûng öùng.".encode("cp1252")
    assert decode(capitals).text == "ĐẠI HỘI CÔNG ĐOÀN THÀNH PHỐ ĐÀ NẴNG lần thứ XII. Người lao động hưởng ứng."
    # every letter of the VNI table: i and y with their own bytes, ơ and ư with their tones
    letters = "yù kieán, Myõ, tyû, quyø, ñòa, chæ, nghó, kyø, ôû, ñöôïc, löõa, öôùc, Vieät, Ñaêk Laêk, aên, aéc, aèm, aún, aüm, aët".encode("cp1252")
    assert decode(letters).text == "ý kiến, Mỹ, tỷ, quỳ, địa, chỉ, nghĩ, kỳ, ở, được, lữa, ước, Việt, Đăk Lăk, ăn, ắc, ằm, ẳn, ẵm, ặt"


def test_a_one_line_vni_file_is_read_right() -> None:
    assert decode("Haø Noäi möa to.".encode("cp1252")) == ("Hà Nội mưa to.", "vni", VNI_NOTE)
    assert decode("Baõo soá 3 ñoå boä vaøo Quaûng Ninh".encode("cp1252")).text == "Bão số 3 đổ bộ vào Quảng Ninh"


def test_tcvn3_and_viscii_are_reported_as_converted() -> None:
    assert decode(b"B\xb6o Th\xbeng, M\xad\xeang Kh\xad\xacng").repaired == "TCVN3 encoding (the .VnTime fonts): converted to Unicode"


def test_other_8_bit_text_is_still_read() -> None:
    assert decode("Café crème à Paris, très été.".encode("cp1252"))[:2] == ("Café crème à Paris, très été.", "windows-1258")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.4\n%\xe2\xe3", "binary file (a PDF document), not text"),
        (b"PK\x03\x04\x14\x00", "binary file (a ZIP archive or Office document), not text"),
        (b"\x89PNG\r\n\x1a\n", "binary file (a PNG image), not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (a JPEG image), not text"),
        (b"abc\x00\x01\x02def", "binary file, not text"),
    ],
)
def test_binary_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(DecodingError) as error:
        decode(data)
    assert str(error.value) == message


# -- broken and legacy bytes (issue 11) ------------------------------------------------------

NEWS = "Hội nghị tổng kết công tác công đoàn năm 2020, triển khai nhiệm vụ năm 2021."
# The full TCVN3 table (VN1, capitals included) and VISCII, as glibc's iconv writes them.
TCVN3_VN1 = bytes.fromhex("48 97 49 20 4e 47 48 91 20 54 e0 4e 47 20 4b da 54".replace(" ", ""))  # HỘI NGHỊ TỔNG KẾT


def test_utf8_with_a_character_cut_in_two_is_read_as_utf8_and_says_so() -> None:
    cut = NEWS.encode("utf-8").replace("kết".encode(), "kết".encode()[:2], 1)  # "ế" without its last byte
    decoded = decode(cut)
    assert decoded.text == NEWS.replace("kết", "k\ufffd", 1)
    assert (decoded.encoding, decoded.repaired) == ("utf-8", "not valid UTF-8 in 1 place: read as UTF-8, with \ufffd for the bad bytes")


def test_utf8_with_a_stray_byte() -> None:
    decoded = decode(NEWS.encode("utf-8").replace(b" ", b" \x93", 1))
    assert decoded.text == NEWS.replace(" ", " \ufffd", 1)
    assert decoded.repaired == "not valid UTF-8 in 1 place: read as UTF-8, with \ufffd for the bad bytes"


def test_double_encoded_utf8_is_repaired() -> None:
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252": Windows-1252 as Windows decodes it)

    text = "Tại sao giá vàng lại tăng mạnh như vậy? Nhiều người hỏi về điều này."
    mojibake = text.encode("utf-8").decode("sloppy-windows-1252")
    assert mojibake.startswith("Táº¡i sao giÃ¡")
    decoded = decode(mojibake.encode("utf-8"))
    assert decoded.text == text
    assert decoded.repaired == "UTF-8 encoded twice (Táº¡i for Tại): repaired"


def test_real_text_is_not_repaired() -> None:
    assert decode("Giá vàng « SJC » tăng; Café crème.".encode()).repaired is None


def test_tcvn3_capitals_from_the_full_table() -> None:
    assert decode(TCVN3_VN1 + tcvn3(" tổng kết phong trào thi đua năm 2021"))[:2] == (
        "HỘI NGHỊ TỔNG KẾT tổng kết phong trào thi đua năm 2021", "tcvn3")


VISCII_BYTES = {"à": 0xE0, "ộ": 0xB5, "ủ": 0xFC, "ị": 0xB8, "ư": 0xDF, "ớ": 0xBE, "ế": 0xAA, "đ": 0xF0, "ạ": 0xD5,
                "ể": 0xAC, "ờ": 0xB6, "ó": 0xF3, "ô": 0xF4, "ậ": 0xA7, "ệ": 0xAE, "ố": 0xAF, "ề": 0xAB, "á": 0xE1,
                "ợ": 0xFE}


def viscii(text: str) -> bytes:
    return bytes(VISCII_BYTES[c] if c in VISCII_BYTES else ord(c) for c in text)


def test_viscii_is_converted_not_read_as_tcvn3() -> None:
    text = "Hà Nội: chủ tịch nước tiếp đoàn đại biểu người có công, đề nghị tăng cường hỗ trợ"
    text = text.replace("ỗ", "ố").replace("ă", "a")  # letters of the small table above
    assert decode(viscii(text))[:2] == (text, "viscii")


@pytest.mark.parametrize(
    "data, reason",
    [
        # "Hà Nội mưa to." in VISCII reads as Vietnamese in TCVN3 too ("HỔ Nài mòa to."): not guessed
        (viscii("Hà Nội mưa to."), "too little text to tell its encoding (TCVN3 or VISCII): convert it to Unicode first"),
        # TCVN3 read in the wrong table would be garbage ("B¶o"): nothing reads as Vietnamese
        (b"\xb6\xb6\xb6 \xbe\xbe x\xb6\xbe", ("not readable as Vietnamese in any encoding vnsearch knows "
                                            "(UTF-8, Windows-1258, TCVN3, VISCII, VNI): convert it to Unicode first")),
    ],
)
def test_short_legacy_text_that_would_read_as_garbage_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(DecodingError) as error:
        decode(data)
    assert str(error.value) == reason

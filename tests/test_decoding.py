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


def test_vni_is_recognised_and_refused() -> None:
    vni = "Lieân ñoaøn lao ñoäng tænh toå chöùc hoäi nghò toång keát phong traøo thi ñua".encode("cp1252")
    with pytest.raises(DecodingError, match=r"^text in the VNI encoding \(VNI-Times fonts\): convert it to Unicode first$"):
        decode(vni)


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

"""Bytes of a text file -> NFC text, whatever Vietnamese encoding it came in.

* a byte-order mark decides: UTF-8, UTF-16 or UTF-32;
* known binary formats (PDF, ZIP, images …) and NUL bytes are refused, not decoded;
* UTF-8 without a mark;
* else the 8-bit encodings Vietnamese text was written in before Unicode. Each is tried and
  the one whose result looks most like Vietnamese wins: Windows-1258 (tone marks as combining
  characters: ``Ca\\u0301`` -> ``Cá``) and TCVN3/ABC (the ``.VnTime`` fonts: ``B¶o`` -> ``Bảo``).
  Text in VNI (the ``VNI-Times`` fonts: ``chaøo`` for ``chào``) is recognised and refused with
  a message rather than indexed as garbage.

    >>> decode("Công đoàn".encode("cp1258"))
    ('Công đoàn', 'windows-1258')
"""

from __future__ import annotations

import codecs
import re

from .normalize import is_syllable, nfc

__all__ = ["DecodingError", "decode"]


class DecodingError(ValueError):
    """The bytes are not text this module can read; the message says what they are."""


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a media file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "a program"),
]

# TCVN3 (TCVN 5712:1993, "ABC"), byte -> letter. Its fonts draw capitals with the same
# codes in a separate font, so apart from these seven the letters come out in lower case.
_TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
# VNI writes a vowel and then a byte for its marks: "aø" is "à", "oâ" is "ô", "ñ" is "đ".
_VNI_MARKS = re.compile(r"[aAeEiIoOuUyY][øùûõïâêàáåãäèéúüëØÙÛÕÏÂÊÀÁÅÃÄÈÉÚÜË]")
_WORD = re.compile(r"[^\W\d_]+")


def decode(data: bytes) -> tuple[str, str]:
    """The text in ``data`` (NFC) and the encoding it was in; :class:`DecodingError` if none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return nfc(data.decode(encoding, errors="replace")), encoding.removesuffix("-sig")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise DecodingError(f"binary file ({kind}), not text")
    if b"\0" in data[:8192]:
        raise DecodingError("binary file, not text")
    try:
        return nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    latin = data.decode("cp1252", errors="replace")
    candidates = [(nfc(data.decode("cp1258", errors="replace")), "windows-1258"), (_tcvn3(data), "tcvn3")]
    best, encoding = max(candidates, key=lambda c: _vietnamese(c[0]))
    if len(_VNI_MARKS.findall(latin)) > max(3, _vietnamese(best)):
        raise DecodingError("text in the VNI encoding (VNI-Times fonts): convert it to Unicode first")
    return best, encoding


_CP1258 = [bytes([b]).decode("cp1258", errors="replace") for b in range(256)]


def _tcvn3(data: bytes) -> str:
    return "".join(_TCVN3.get(b) or _CP1258[b] for b in data)


def _vietnamese(text: str) -> int:
    """How Vietnamese a text looks: syllables with diacritics, less words that cannot be."""
    score = 0
    for word in _WORD.findall(text[:20000]):
        if not word.isascii():
            score += 1 if is_syllable(word) else -2
    return score

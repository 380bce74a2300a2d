"""Bytes of a text file -> NFC text, whatever Vietnamese encoding it came in.

* a byte-order mark decides: UTF-8, UTF-16 or UTF-32;
* known binary formats (PDF, ZIP, images …) and NUL bytes are refused, not decoded;
* UTF-8 without a mark; UTF-8 with a few bad bytes (a character cut in two, a stray byte)
  is read as UTF-8 with U+FFFD for them, and says so;
* else the 8-bit encodings Vietnamese text was written in before Unicode. Each is tried and
  the one whose result looks most like Vietnamese wins: Windows-1258 (tone marks as combining
  characters: ``Ca\\u0301`` -> ``Cá``), TCVN3/ABC (the ``.VnTime`` fonts: ``B¶o`` -> ``Bảo``,
  capitals included) and VISCII. Text in VNI (the ``VNI-Times`` fonts: ``chaøo`` for
  ``chào``), and text that reads as garbage in all of them, is refused with the reason
  rather than indexed as garbage.
* UTF-8 encoded twice (``Táº¡i sao giÃ¡`` for ``Tại sao giá``) is repaired with ftfy.

    >>> decode("Công đoàn".encode("cp1258"))
    Decoded(text='Công đoàn', encoding='windows-1258', repaired=None)
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import NamedTuple

from .normalize import is_syllable, nfc

__all__ = ["Decoded", "DecodingError", "decode", "repair_mojibake"]


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

def _table(codes: bytes, letters: str) -> list[str]:
    """A byte -> character table: ``codes[i]`` is ``letters[i]``, other bytes are Latin-1."""
    table = [chr(b) for b in range(256)]
    for code, letter in zip(codes, letters, strict=True):
        table[code] = letter
    return table


# TCVN3 (TCVN 5712:1993, "ABC", the .VnTime fonts), byte -> letter: the full table (VN1),
# whose capitals are in the control and 0x80-0x9F ranges; files written with the
# lower-case-only table (VN3, capitals drawn by a separate font) use a part of it.
# VISCII (RFC 1456) puts every letter in a byte of its own, six of them among the controls.
# Both from glibc's iconv tables (TCVN5712-1, VISCII).
_VISCII = _table(
    bytes.fromhex("02050614191e808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc4c5c6c7cbcecfd0d1d5d6d7d8dbdcdedfe4e5e6e7ebeeeff0f1f6f7f8fbfcfeff"),
    'ẲẴẪỶỸỴẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯẢĂẳẵẺĨỳĐứạỷừửỹỵỡưảăữẫẻĩỉđựỏọụũủợỮ',
)
_TCVN3 = _table(
    bytes.fromhex("010204050611121314151617808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfeff"),
    'ÚỤỪỬỮỨỰỲỶỸÝỴÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨĂÂÊÔƠƯĐăâêôơưđẶ̀̀̉̃́àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹỵỐ',
)

_WORD = re.compile(r"[^\W\d_]+")


class Decoded(NamedTuple):
    """A file's text (NFC), the encoding it was in, and what had to be repaired, if anything."""

    text: str
    encoding: str
    repaired: str | None = None


def decode(data: bytes) -> Decoded:
    """The text in ``data``; :class:`DecodingError` says why there is none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _repaired(Decoded(nfc(data.decode(encoding, errors="replace")), encoding.removesuffix("-sig")))
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise DecodingError(f"binary file ({kind}), not text")
    if b"\0" in data[:8192]:
        raise DecodingError("binary file, not text")
    try:
        return _repaired(Decoded(nfc(data.decode("utf-8")), "utf-8"))
    except UnicodeDecodeError:
        pass
    # A few bad bytes in UTF-8 text (a character cut in two, a stray byte): the rest is
    # UTF-8 all the same, where 8-bit text almost never makes a valid UTF-8 sequence.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for c in text if c > "\x7f") - bad
    if valid >= max(3 * bad, 3):
        places = "1 place" if bad == 1 else f"{bad} places"
        return _repaired(Decoded(nfc(text), "utf-8", f"not valid UTF-8 in {places}: read as UTF-8, with \ufffd for the bad bytes"))
    return _legacy(data)


def _legacy(data: bytes) -> Decoded:
    """Text in one of the 8-bit encodings Vietnamese was written in before Unicode."""
    candidates = [
        Decoded(nfc(data.decode("cp1258", errors="replace")), "windows-1258"),
        Decoded(_by_table(data, _TCVN3), "tcvn3"),
        Decoded(_by_table(data, _VISCII), "viscii"),
    ]
    scored = sorted(((_vietnamese(c.text), c) for c in candidates), key=lambda sc: -sc[0])
    score, best = scored[0]
    like, marks = _vni_marks(data)
    if like >= 2 and like >= 0.6 * marks:
        raise DecodingError("text in the VNI encoding (VNI-Times fonts): convert it to Unicode first")
    if score <= 0 and (_SYMBOL_IN_WORD.search(best.text) or like >= 2):
        raise DecodingError(
            "not readable as Vietnamese in any encoding vnsearch knows (UTF-8, Windows-1258, TCVN3, VISCII): "
            "convert it to Unicode first"
        )
    tied = [c.encoding for sc, c in scored[1:] if sc == score and c.text != best.text]
    if tied and score > 0:  # a sentence or two can read as Vietnamese in two tables, one of them garbage
        names = " or ".join(_NAMES[e] for e in [best.encoding, *tied])
        raise DecodingError(f"too little text to tell its encoding ({names}): convert it to Unicode first")
    return best


_NAMES = {"windows-1258": "Windows-1258", "tcvn3": "TCVN3", "viscii": "VISCII"}
# VNI writes a vowel, then a byte for its shape and tone: "aø" is "à", "oâ" is "ô", "ôù" is
# "ớ"; "ñ" is "đ". In the other tables those bytes are letters of their own.
_VNI_AFTER_VOWEL = frozenset(b"\xf8\xf9\xfb\xf5\xef\xe2\xea\xe0\xe1\xe5\xe3\xe4\xe8\xe9\xfa\xfc\xeb"
                             b"\xd8\xd9\xdb\xd5\xcf\xc2\xca\xc0\xc1\xc5\xc3\xc4\xc8\xc9\xda\xdc\xcb")
_VNI_TONES = frozenset(b"\xf8\xf9\xfb\xf5\xef\xd8\xd9\xdb\xd5\xcf")
_VNI_HORNS = frozenset(b"\xf4\xf6\xd4\xd6")  # ơ ư in VNI, ô ö elsewhere: they tell nothing
_ASCII_VOWELS = frozenset(b"aeiouyAEIOUY")


def _vni_marks(data: bytes) -> tuple[int, int]:
    """(bytes that read as VNI marks where they are, bytes above 0x7F that could tell)."""
    like = total = 0
    previous = 0
    for byte in data[:20000]:
        if byte >= 0x80 and byte not in _VNI_HORNS:
            total += 1
            like += (
                byte in (0xF1, 0xD1)
                or (previous in _ASCII_VOWELS and byte in _VNI_AFTER_VOWEL)
                or (previous in _VNI_HORNS and byte in _VNI_TONES)
            )
        previous = byte
    return like, total


def _by_table(data: bytes, table: list[str]) -> str:
    return nfc("".join(table[b] for b in data))


# UTF-8 read as Windows-1252 or Latin-1 and saved as UTF-8 again: "Táº¡i sao giÃ¡".
_MOJIBAKE = re.compile("[\u00c2-\u00c6\u00e1][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _repaired(decoded: Decoded) -> Decoded:
    """Double-encoded UTF-8 repaired (by ftfy), when that makes it read as Vietnamese."""
    if len(_MOJIBAKE.findall(decoded.text, 0, 20000)) < 2:
        return decoded
    text = repair_mojibake(decoded.text)
    if text == decoded.text:
        return decoded
    note = "UTF-8 encoded twice (Táº¡i for Tại): repaired"
    return Decoded(text, decoded.encoding, f"{decoded.repaired}; {note}" if decoded.repaired else note)


def repair_mojibake(text: str) -> str:
    """``text`` with double-encoded UTF-8 undone when that gives more Vietnamese; else as it is.

    >>> repair_mojibake("GiÃ¡ xÄƒng tÄƒng máº¡nh")
    'Giá xăng tăng mạnh'
    """
    if not _MOJIBAKE.search(text):
        return text
    import ftfy  # a core dependency, imported only for the few texts that need it

    fixed = nfc(ftfy.fix_encoding(text))
    return fixed if _vietnamese(fixed) > _vietnamese(text) else text


# Symbols inside a word: what a Vietnamese letter becomes when read in the wrong 8-bit table.
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][\u00a1-\u00bf\u2013-\u203a\u02c6\u02dc\u0192\u2122\ufffd]|[\u00a1-\u00bf\u2013-\u203a\ufffd][^\W\d_]")


def _vietnamese(text: str) -> int:
    """How Vietnamese a text looks: syllables with diacritics, less words that cannot be."""
    score = 0
    for word in _WORD.findall(text[:20000]):
        if not word.isascii():
            score += 1 if _plausible(word) else -2
    return score


_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
# The vowel groups a syllable can have, without tone marks ("uyê" in "khuyến").
_NUCLEI_TEXT = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
)
_NUCLEI = frozenset(_NUCLEI_TEXT.split())
_VOWEL_RUN = re.compile("[aăâeêioôơuưy]+")


def _plausible(word: str) -> bool:
    """A Vietnamese syllable, as a wrong 8-bit table seldom makes one: one case pattern
    (``Nội``, ``NỘI``, not ``vỔng``), a vowel group that exists, and after ``p t c ch``
    only the sắc or nặng tone."""
    if not (word.islower() or word.isupper() or word.istitle()) or not is_syllable(word):
        return False
    lower = word.lower()
    tones = [_TONES[c] for c in unicodedata.normalize("NFD", lower) if c in _TONES]
    bare = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", lower) if c not in _TONES))
    if bare.startswith(("qu", "gi")) and len(bare) > 2 and bare[2] in "aăâeêioôơuưy":
        bare = bare[2:] if bare[0] == "q" else bare[1:]  # "qu", "gi" are onsets: quý, giữa
    vowels = _VOWEL_RUN.search(bare)
    if vowels is None or vowels.group() not in _NUCLEI:
        return False
    coda = bare[vowels.end() :]
    return not (coda in ("p", "t", "c", "ch") and tones and tones[0] not in ("sắc", "nặng"))

"""Bytes of a text file -> NFC text, whatever Vietnamese encoding it came in.

* a byte-order mark decides: UTF-8, UTF-16 or UTF-32;
* known binary formats (PDF, ZIP, images …) and NUL bytes are refused, not decoded;
* UTF-8 without a mark; UTF-8 with a few bad bytes (a character cut in two, a stray byte)
  is read as UTF-8 with U+FFFD for them, and says so;
* else the 8-bit encodings Vietnamese text was written in before Unicode (:mod:`.legacy`).
  Each is tried and the one whose result looks most like Vietnamese wins: Windows-1258
  (tone marks as combining characters: ``Ca\\u0301`` -> ``Cá``), TCVN3/ABC (the ``.VnTime``
  fonts: ``B¶o`` -> ``Bảo``, capitals included), VISCII, and VNI (the ``VNI-Times`` fonts:
  ``chaøo`` -> ``chào``); the font encodings are reported as converted. Text that reads as
  garbage in all of them, or too short to tell two of them apart, is refused with the
  reason rather than indexed as garbage.
* Unicode text that needs repair (:func:`repair_for`, also used for JSON records and HTML
  pages): UTF-8 encoded twice (``Táº¡i sao giÃ¡`` for ``Tại sao giá``) is repaired with ftfy;
  the letters of a VNI or TCVN3 font read as Windows-1252 (``Coâng ñoaøn``, ``C«ng ®oµn``
  for ``Công đoàn``) and VIQR (``Co^ng ddoa`n``) are converted.

    >>> decode("Công đoàn".encode("cp1258"))
    Decoded(text='Công đoàn', encoding='windows-1258', repaired=None)
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import NamedTuple

from . import legacy
from .normalize import nfc

__all__ = ["Decoded", "DecodingError", "Repair", "decode", "repair_for", "repair_mojibake"]


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
    view = data.decode("latin-1")
    candidates = [
        Decoded(nfc(data.decode("cp1258", errors="replace")), "windows-1258"),
        Decoded(legacy.from_tcvn3(view), "tcvn3", _CONVERTED["tcvn3"]),
        Decoded(legacy.from_viscii(view), "viscii", _CONVERTED["viscii"]),
        Decoded(legacy.from_vni(view), "vni", _CONVERTED["vni"]),
    ]
    scored = sorted(((legacy.vietnamese(c.text), c) for c in candidates), key=lambda sc: -sc[0])
    score, best = scored[0]
    if score <= 0 and _SYMBOL_IN_WORD.search(best.text):
        raise DecodingError(
            "not readable as Vietnamese in any encoding vnsearch knows (UTF-8, Windows-1258, TCVN3, VISCII, VNI): "
            "convert it to Unicode first"
        )
    top = [c for sc, c in scored if sc == score]
    if len(top) > 1 and any(c.encoding == "vni" for c in top):  # VNI's marks stand after vowels only
        vni = legacy.vni_placed(view)
        top = [c for c in top if (c.encoding == "vni") == vni] or top
    tied = [c.encoding for c in top[1:] if c.text != top[0].text]
    if tied and score > 0:  # a sentence or two can read as Vietnamese in two tables, one of them garbage
        names = " or ".join(_NAMES[e] for e in [top[0].encoding, *tied])
        raise DecodingError(f"too little text to tell its encoding ({names}): convert it to Unicode first")
    return top[0]


_NAMES = {"windows-1258": "Windows-1258", "tcvn3": "TCVN3", "viscii": "VISCII", "vni": "VNI"}
_CONVERTED = {
    "tcvn3": "TCVN3 encoding (the .VnTime fonts): converted to Unicode",
    "viscii": "VISCII encoding: converted to Unicode",
    "vni": "VNI encoding (the VNI-Times fonts): converted to Unicode",
}


# -- Unicode text that needs repair ------------------------------------------------------------


class Repair(NamedTuple):
    """What a text needs to read as Vietnamese: a conversion, and the note that says so."""

    note: str
    apply: Callable[[str], str]


def repair_for(text: str) -> Repair | None:
    """The repair ``text`` needs, judged on its first 20,000 characters; None for text that
    reads as it should. One of: UTF-8 encoded twice (``Táº¡i``), the letters of a VNI or
    TCVN3 font read as Windows-1252 (``Coâng ñoaøn``, ``C«ng ®oµn``), or VIQR (``Co^ng
    ddoa`n``); each only when most words it changes become Vietnamese syllables.

        >>> repair_for("Coâng ñoaøn tænh").apply("Coâng ñoaøn tænh")
        'Công đoàn tỉnh'
        >>> repair_for("Công đoàn tỉnh") is None, repair_for("Café crème à Paris, où l'été.") is None
        (True, True)
    """
    sample, start = text[:20000], text[:3000]  # (the start tells whether to look closer)
    if len(_MOJIBAKE.findall(sample)) >= 2 and repair_mojibake(sample) != sample:
        return Repair("UTF-8 encoded twice (Táº¡i for Tại): repaired", repair_mojibake)
    latin, viet = len(_LATIN1_OR_CP1252.findall(start)), len(_VIETNAMESE_LETTER.findall(start))
    if latin >= 2 and 4 * viet <= latin:  # Latin-1 letters, hardly a Vietnamese one: font glyphs?
        readings = [(convert(sample), name, example, convert) for name, example, convert in _GLYPHS]
        converted, name, example, convert = max(readings, key=lambda r: legacy.vietnamese(r[0]))
        if _converts(sample, converted):
            return Repair(f"{name} font glyphs ({example}): converted from {name}", convert)
    ascii_only = 100 * (latin + viet) <= len(start)
    if ascii_only and _VIQR_STRONG.search(start) and _converts(sample, legacy.from_viqr(sample), _VIQR_STRONG):
        return Repair("VIQR (Co^ng ddoa`n for Công đoàn): converted", legacy.from_viqr)
    return None


def _vni_glyphs(text: str) -> str:
    return legacy.from_vni(legacy.byte_view(text))


def _tcvn3_glyphs(text: str) -> str:
    return legacy.from_tcvn3(legacy.byte_view(text))


_GLYPHS = [("VNI", "Coâng ñoaøn for Công đoàn", _vni_glyphs), ("TCVN3", "C«ng ®oµn for Công đoàn", _tcvn3_glyphs)]
_LATIN1_OR_CP1252 = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
_VIETNAMESE_LETTER = re.compile("[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")  # the letters outside Latin-1
# A VIQR mark no other writing puts after a vowel, or dd/d9 for đ at a word's start.
_VIQR_STRONG = re.compile(r"[aeiouyAEIOUY][\^(+`~]|\b[dD][dD9][aeiouyAEIOUY]")


def _converts(text: str, converted: str, sign: re.Pattern[str] | None = None) -> bool:
    """Whether ``converted`` reads as Vietnamese where ``text`` did not: at least a quarter
    of the words change; of those that change, nine in ten become syllables with
    diacritics, and at least half were none before (with ``sign`` in one, when given)."""
    before, after = text.split(), converted.split()
    if len(before) != len(after):
        return False
    changed = [(a, b) for a, b in zip(before, after) if a != b and legacy.reads(b) is not None]
    good = [a for a, b in changed if legacy.reads(b) is True]
    were_not = sum(1 for a, _ in changed if legacy.reads(a) is not True)
    words = sum(1 for token in before if _WORD.search(token))
    return (
        bool(changed)
        and len(good) >= 0.9 * len(changed)
        and were_not >= 0.5 * len(changed)
        and len(changed) >= 0.25 * words
        and (sign is None or any(sign.search(a) for a in good))
    )


# UTF-8 read as Windows-1252 or Latin-1 and saved as UTF-8 again: "Táº¡i sao giÃ¡".
_MOJIBAKE = re.compile("[\u00c2-\u00c6\u00e1][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _repaired(decoded: Decoded) -> Decoded:
    """The text with the repair it needs (:func:`repair_for`), and the note that says so."""
    repair = repair_for(decoded.text)
    if repair is None:
        return decoded
    note = f"{decoded.repaired}; {repair.note}" if decoded.repaired else repair.note
    return Decoded(repair.apply(decoded.text), decoded.encoding, note)


def repair_mojibake(text: str) -> str:
    """``text`` with double-encoded UTF-8 undone when that gives more Vietnamese; else as it is.

    >>> repair_mojibake("GiÃ¡ xÄƒng tÄƒng máº¡nh")
    'Giá xăng tăng mạnh'
    """
    if not _MOJIBAKE.search(text):
        return text
    import ftfy  # a core dependency, imported only for the few texts that need it

    fixed = nfc(ftfy.fix_encoding(text))
    return fixed if legacy.vietnamese(fixed) > legacy.vietnamese(text) else text


# Symbols inside a word: what a Vietnamese letter becomes when read in the wrong 8-bit table.
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][\u00a1-\u00bf\u2013-\u203a\u02c6\u02dc\u0192\u2122\ufffd]|[\u00a1-\u00bf\u2013-\u203a\ufffd][^\W\d_]")

"""Vietnamese as it was written before Unicode, and how Vietnamese a text reads.

The 8-bit font encodings, as text: TCVN3/ABC (the ``.VnTime`` fonts) and VISCII put each
letter in a byte of its own; VNI (the ``VNI-Times`` fonts) writes a base letter and then a
byte for its shape and tone (``oâ`` is ``ô``, ``aø`` is ``à``, ``ôù`` is ``ớ``, ``ñ`` is
``đ``). Each converter reads a *byte view*: a string whose characters below U+0100 stand
for bytes (what Latin-1 makes of 8-bit data, or of a Unicode text whose letters are the
fonts' glyphs, see :func:`byte_view`); characters above pass through.

    >>> from_vni(byte_view("Coâng ñoaøn Vieät Nam"))
    'Công đoàn Việt Nam'
    >>> from_tcvn3(byte_view("C«ng ®oµn ViÖt Nam"))
    'Công đoàn Việt Nam'

VIQR (RFC 1456) writes the marks as ASCII after their letter, :func:`from_viqr`:

    >>> from_viqr("Co^ng ddoa`n Vie^.t Nam")
    'Công đoàn Việt Nam'

:func:`vietnamese` scores how Vietnamese a text reads, from its syllables' validity
(:func:`plausible`): what tells a right table from a wrong one.
"""

from __future__ import annotations

import re
import unicodedata

from .normalize import is_syllable, nfc

__all__ = ["byte_view", "from_tcvn3", "from_viqr", "from_viscii", "from_vni", "plausible", "reads", "vietnamese", "vni_placed"]


def _table(codes: bytes, letters: str) -> dict[int, str]:
    """A byte -> character translation: ``codes[i]`` is ``letters[i]``, other bytes stay."""
    return dict(zip(codes, letters, strict=True))


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
    'ÚỤỪỬỮỨỰỲỶỸÝỴÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨĂÂÊÔƠƯĐăâêôơưđẶ̀̀̉̃́àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹỵỐ',
)

# Windows-1252, as VNI fonts and browsers read bytes 0x80-0x9F (undefined ones as Latin-1),
# and its characters above Latin-1 back to their bytes.
_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]
_TO_BYTES = {ord(c): b for b, c in enumerate(_CP1252) if ord(c) > 0xFF}


def byte_view(text: str) -> str:
    """``text`` as the bytes its characters were when it was read as Windows-1252 or
    Latin-1 (``“`` is byte 0x93): what a legacy converter reads."""
    return text.translate(_TO_BYTES)


def from_tcvn3(view: str) -> str:
    return nfc(view.translate(_TCVN3))


def from_viscii(view: str) -> str:
    return nfc(view.translate(_VISCII))


# VNI Windows: letters with a byte of their own, and the bytes after a vowel that give its
# shape and tone (capitals' marks are 0x20 below the small letters'); from the tables of the
# public converters (duydev/vietnamese-conversion), checked against VNI-Times text.
_VNI_LETTERS = {
    0xF1: "đ", 0xD1: "Đ", 0xF4: "ơ", 0xD4: "Ơ", 0xF6: "ư", 0xD6: "Ư", 0xEC: "ì", 0xCC: "Ì", 0xED: "í",
    0xCD: "Í", 0xE6: "ỉ", 0xC6: "Ỉ", 0xF3: "ĩ", 0xD3: "Ĩ", 0xF2: "ị", 0xD2: "Ị", 0xEE: "ỵ", 0xCE: "Ỵ",
}
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_SMALL_MARKS = {
    0xF8: ("", "\u0300"), 0xF9: ("", "\u0301"), 0xFB: ("", "\u0309"), 0xF5: ("", "\u0303"), 0xEF: ("", "\u0323"),
    0xE2: (_CIRCUMFLEX, ""), 0xE0: (_CIRCUMFLEX, "\u0300"), 0xE1: (_CIRCUMFLEX, "\u0301"),
    0xE5: (_CIRCUMFLEX, "\u0309"), 0xE3: (_CIRCUMFLEX, "\u0303"), 0xE4: (_CIRCUMFLEX, "\u0323"),
    0xEA: (_BREVE, ""), 0xE8: (_BREVE, "\u0300"), 0xE9: (_BREVE, "\u0301"),
    0xFA: (_BREVE, "\u0309"), 0xFC: (_BREVE, "\u0303"), 0xEB: (_BREVE, "\u0323"),
}
_VNI_MARKS = _SMALL_MARKS | {code - 0x20: mark for code, mark in _SMALL_MARKS.items()}


def _vni_units() -> dict[str, str]:
    """Every VNI byte, and every vowel followed by a mark it can take, as Unicode."""
    units = {chr(b): _VNI_LETTERS.get(b, _CP1252[b]) for b in range(0x80, 0x100)}
    vowels = {v: v for v in "aeiouyAEIOUY"} | {chr(b): _VNI_LETTERS[b] for b in (0xF4, 0xF6, 0xD4, 0xD6)}
    for written, vowel in vowels.items():
        for code, (shape, tone) in _VNI_MARKS.items():
            fits = {_CIRCUMFLEX: "aeoAEO", _BREVE: "aA", "": vowel}[shape]
            if vowel in fits:
                units[written + chr(code)] = unicodedata.normalize("NFC", vowel + shape + tone)
    return units


_VNI_UNITS = _vni_units()
_VNI_UNIT = re.compile(
    "[aeiouyAEIOUY\u00f4\u00f6\u00d4\u00d6][" + "".join(map(chr, sorted(_VNI_MARKS))) + "]|[\u0080-\u00ff]"
)


_VNI_LETTER_BYTES = "".join(map(chr, _VNI_LETTERS))
_HIGH = re.compile("[\u0080-\u00ff]")
_VNI_PLACED = re.compile(
    "[aeiouyAEIOUY\u00f4\u00f6\u00d4\u00d6]?[" + "".join(map(chr, sorted(_VNI_MARKS))) + "]"
    f"|[{_VNI_LETTER_BYTES}]"
)


def vni_placed(view: str) -> bool:
    """Whether nine in ten bytes above 0x7F stand where VNI puts them: a mark right after
    a vowel, or a letter of its own (``ñ`` for ``đ``). Other tables put a letter's byte
    after consonants too: a sentence that reads as Vietnamese in VNI and in another table
    is told apart so."""
    view = view[:20000]
    high = len(_HIGH.findall(view))
    placed = 0
    for match in _VNI_PLACED.finditer(view):
        unit = match.group()
        if len(unit) == 2 or unit in _VNI_LETTER_BYTES:  # a mark after its vowel, or a letter
            placed += sum(not c.isascii() for c in unit)
    return high > 0 and placed >= 0.9 * high


def from_vni(view: str) -> str:
    return nfc(_VNI_UNIT.sub(_vni_unit, view))


def _vni_unit(match: re.Match[str]) -> str:
    unit = match.group()
    if unit in _VNI_UNITS:
        return _VNI_UNITS[unit]
    return "".join(_VNI_UNITS.get(c, c) for c in unit)  # a mark the vowel cannot take: each as itself


# VIQR (RFC 1456): a letter, then its shape (^ ( +) and its tone (' ` ? ~ .) as written;
# dd (or d9) for đ; a backslash before a mark that is punctuation ("Nam\\.").
_VIQR_RUN = re.compile(r"[A-Za-z](?:[A-Za-z^(+]|(?<=[aeiouyAEIOUY^(+])['`?~.]|(?<=[dD])9)*")
_VIQR_SHAPES = {"^": ("\u0302", "aeoAEO"), "(": ("\u0306", "aA"), "+": ("\u031b", "ouOU")}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_LINE_END = re.compile(r"[ \t]*(?:\n|$)")


def from_viqr(text: str) -> str:
    """Text written in VIQR, every word that spells a Vietnamese syllable converted, the
    marks on the letters they follow. A ``.`` or ``?`` after a vowel is a tone, as the RFC
    says (``ho. ddi`` is ``họ đi``), except the full stop that ends a line or the text, and
    one after a word that already has its tone (``No^.i.``).

        >>> from_viqr("Ho^m nay tro+`i mu+a, ho. ddi ho.c o+? Ha` No^.i.\\nChu+a co' ke^'t lua^.n.")
        'Hôm nay trời mưa, họ đi học ở Hà Nội.\\nChưa có kết luận.'
    """
    pieces, done = [], 0
    for match in _VIQR_RUN.finditer(text):
        run, end = match.group(), match.end()
        quoted = run[-1] == "'" and text[match.start() - 1 : match.start()] == "'"
        if (run[-1] in ".?" and _LINE_END.match(text, end)) or quoted:
            run, end = run[:-1], end - 1  # the full stop of a paragraph, the quote closing 'a quote'
        word = _viqr_syllable(run)
        while word is None and len(run) > 1 and run[-1] in "'.?":
            run, end = run[:-1], end - 1  # punctuation after the word
            word = _viqr_syllable(run)
        if word is not None:
            pieces += [text[done : match.start()], word]
            done = end
    return re.sub(r"\\(?=[.?'`~^(+])", "", "".join(pieces) + text[done:])


def _viqr_syllable(run: str) -> str | None:
    """One VIQR word as the syllable it spells; None when it has no mark or spells none.
    Capitals (an abbreviation: ``CSDDT``, ``UBTU+``) need spell no syllable."""
    letters: list[str] = []
    capitals = run.isupper() and sum(c.isalpha() for c in run) > 1
    if capitals:
        run = run.replace("DD", "Đ")
    elif run[:2].lower() in ("dd", "d9"):
        run = ("Đ" if run[0] == "D" else "đ") + run[2:]
    marked, toned = "Đ" in run or "đ" in run, False
    for char in run:
        base = unicodedata.normalize("NFD", letters[-1]) if letters else ""
        if char in _VIQR_SHAPES:
            mark, takes = _VIQR_SHAPES[char]
            if len(base) != 1 or base not in takes:
                return None
            letters[-1], marked = unicodedata.normalize("NFC", letters[-1] + mark), True
        elif char in _VIQR_TONES:
            if toned or not base or base[0] not in "aeiouyAEIOUY":
                return None
            letters[-1], marked, toned = unicodedata.normalize("NFC", letters[-1] + _VIQR_TONES[char]), True, True
        elif char.isalpha():
            letters.append(char)
        else:
            return None
    word = "".join(letters)
    return word if marked and (capitals or plausible(word)) else None


# -- how Vietnamese a text reads ---------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")


def vietnamese(text: str) -> int:
    """How Vietnamese a text looks: syllables with diacritics, less words that cannot be."""
    score = 0
    for word in _WORD.findall(text[:20000]):
        if not word.isascii():
            score += 1 if plausible(word) else -2
    return score


def reads(token: str) -> bool | None:
    """Whether a token (a word with its punctuation) reads as Vietnamese with diacritics:
    True when its letters outside ASCII are in plausible syllables, False when not, None
    when it has none (``đ`` alone does not count: ``ĐBQH`` is an abbreviation)."""
    words = [w for w in _WORD.findall(token) if not w.replace("Đ", "D").replace("đ", "d").isascii()]
    return all(plausible(w) for w in words) if words else None


_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
# The vowel groups a syllable can have, without tone marks ("uyê" in "khuyến").
_NUCLEI_TEXT = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
)
_NUCLEI = frozenset(_NUCLEI_TEXT.split())
_VOWEL_RUN = re.compile("[aăâeêioôơuưy]+")


def plausible(word: str) -> bool:
    """A Vietnamese syllable, as a wrong 8-bit table seldom makes one: one case pattern
    (``Nội``, ``NỘI``, not ``vỔng``), a vowel group that exists, and after ``p t c ch``
    only the sắc or nặng tone."""
    if not (word.islower() or word.isupper() or word.istitle()) or not is_syllable(word):
        return False
    lower = word.lower()
    tones = [_TONES[c] for c in unicodedata.normalize("NFD", lower) if c in _TONES]
    bare = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", lower) if c not in _TONES))
    if bare.startswith(("qu", "gi")) and len(bare) > 2 and bare[2] in "aăâeêioôơuưy":
        bare = bare[2:]  # "qu", "gi" are onsets: quý, giữa, giải, giờ
    vowels = _VOWEL_RUN.search(bare)
    if vowels is None or vowels.group() not in _NUCLEI:
        return False
    coda = bare[vowels.end() :]
    return not (coda in ("p", "t", "c", "ch") and tones and tones[0] not in ("sắc", "nặng"))

"""Vietnamese text normalization: pure ``str -> str`` functions.

Every text and every query goes through the same steps, so that spellings a reader sees as
the same word become the same term:

    >>> normalize("Hoà bình")                 # one tone-mark placement, case folded
    'hòa bình'
    >>> normalize("KỸ THUẬT") == normalize("kĩ thuật")    # i/y spelling variants
    True
    >>> fold(normalize("Công đoàn Đà Nẵng"))  # diacritics folded, đ -> d
    'cong doan da nang'

Before any of this, :func:`clean` repairs characters that look right but are not the
Vietnamese letters (``Ð`` for ``Đ``, invisible characters inside words, fullwidth digits).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from unidecode import unidecode

__all__ = ["accented_forms", "canonical", "clean", "fold", "is_syllable", "nfc", "normalize", "skeleton"]

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_SHAPED_VOWELS = frozenset("ăâêôơư")
_ONSETS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
) | {""}
_CODAS = frozenset("c ch m n ng nh p t".split()) | {""}
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


def nfc(text: str) -> str:
    """Compose decomposed text (NFD, Windows-1258 style) into NFC."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _character_class(codes: Iterable[int]) -> str:
    """A regular expression's class of the characters, in ranges (one per character is slow)."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges) + "]"


# Look-alikes of đ and Đ (Icelandic eth, African D), common in old web text; format
# characters (zero-width space, soft hyphen, word joiner, BOM, direction marks: category Cf),
# which split a word in two where a page inserted them; fullwidth ASCII (２０２１).
_LOOK_ALIKES = {ord("Ð"): "Đ", ord("ð"): "đ", ord("Ɖ"): "Đ", ord("ɖ"): "đ"}
# Format characters (category Cf) are all in planes 0, 1 and 14: scanning those only keeps the
# import fast (the whole range took a fifth of a second; tests/test_normalize.py checks them).
_FORMAT_PLANES = (range(0x20000), range(0xE0000, 0xF0000))
_FORMAT = {c: None for plane in _FORMAT_PLANES for c in plane if unicodedata.category(chr(c)) == "Cf"}
_FULLWIDTH = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)} | {0x3000: " "}
_CLEAN = _LOOK_ALIKES | _FORMAT | _FULLWIDTH
_ODD = re.compile(_character_class(_CLEAN))
# Tone marks typed as spacing characters after a letter (hoaˊ): the combining marks they stand for.
_SPACING_TONES = {"ˊ": "\u0301", "´": "\u0301", "ˋ": "\u0300", "˜": "\u0303", "ˀ": "\u0309"}
_SPACING_TONE = re.compile(f"(?<=[^\\W\\d_])[{''.join(_SPACING_TONES)}]")
_ANY_SPACING_TONE = re.compile(f"[{''.join(_SPACING_TONES)}]")  # (a lookbehind at every character is slow)


def clean(text: str) -> str:
    """NFC, with the characters that only look like Vietnamese text repaired: ``Ð``/``ð``
    (and ``Ɖ``/``ɖ``) as ``Đ``/``đ``, invisible format characters removed inside a syllable and
    a space between two (:func:`_invisible_joins`), spacing tone marks combined with their
    vowel, fullwidth forms as ASCII. Text is stored and searched so.

        >>> clean("Ðoàn công đo\u200bàn hoaˊ ２０２１ công\u200bđoàn")
        'Đoàn công đoàn hoá 2021 công đoàn'
    """
    if _ODD.search(text):
        if _INVISIBLE_IN_WORD.search(text):
            text = _INVISIBLE_IN_WORD.sub(_invisible_joins, nfc(text))
        text = text.translate(_CLEAN)
    if _ANY_SPACING_TONE.search(text):
        text = _SPACING_TONE.sub(lambda m: _SPACING_TONES[m.group()], text)
    return nfc(text)


# Letter runs with invisible format characters between them: công\u200bđoàn, đo\u00adàn.
_FORMAT_CLASS = _character_class(_FORMAT)
_INVISIBLE_IN_WORD = re.compile(f"[^\\W\\d_]+(?:{_FORMAT_CLASS}+[^\\W\\d_]+)+")
_INVISIBLE_RUN = re.compile(f"{_FORMAT_CLASS}+")


def _invisible_joins(match: re.Match[str]) -> str:
    """Letters split by invisible characters, read left to right: a boundary (a space) where
    the letters so far and the next run are two whole syllables that make no syllable
    together (``công|đoàn``), or where a capital follows a small letter (``Samsung|Galaxy``);
    else one word (``đo|àn`` is ``đoàn``, ``ng|ười`` is ``người``)."""
    runs = _INVISIBLE_RUN.split(match.group())
    result, current = [runs[0]], runs[0]
    for run in runs[1:]:
        apart = (is_syllable(current) and is_syllable(run) and not is_syllable(current + run)) or (
            current[-1].islower() and run[0].isupper()
        )
        result.append(" " if apart else "")
        result.append(run)
        current = run if apart else current + run
    return "".join(result)


def canonical(text: str) -> str:
    """Put each syllable's tone mark in one canonical place and unify i/y spellings.

    Case is kept; words that are not Vietnamese syllables (``café``) are left alone.

        >>> canonical("Hoà thuỷ khoẻ")
        'Hòa thủy khỏe'
        >>> canonical("Kỹ sư Mỹ quý")
        'Kĩ sư Mĩ quí'
    """
    return _LETTER_RUN.sub(lambda m: canonical_syllable(m.group()), nfc(text))


def normalize(text: str) -> str:
    """NFC, canonical tone placement and i/y spelling, case folded (Đ -> đ)."""
    return canonical(text).casefold()


def fold(text: str) -> str:
    """Strip diacritics with unidecode: ``công đoàn`` -> ``cong doan``, ``Đà`` -> ``Da``."""
    if text.isascii():
        return text
    return unidecode(text)


@lru_cache(maxsize=1 << 16)
def canonical_syllable(word: str) -> str:
    """:func:`canonical` for one run of letters."""
    parsed = _parse(word)
    if parsed is None:
        return word
    letters, lower, onset, first, last, coda, tone = parsed
    if onset and first == last and lower[first] == "y" and not coda:
        # kỹ/kĩ, lý/lí, mỹ/mĩ, quý/quí, sỹ/sĩ, tỷ/tỉ: one spelling, i.
        letters[first] = "I" if letters[first] == "Y" else "i"
    if tone:
        shaped = [i for i in range(first, last + 1) if lower[i] in _SHAPED_VOWELS]
        if shaped:
            target = shaped[-1]  # người, quốc, nguyễn, rượu
        elif coda:
            target = last  # hoàng, toán, hoạch
        elif last - first == 2:
            target = first + 1  # ngoài, khuỷu
        else:
            target = first  # hòa, thủy, khỏe, mùa, mía
        letters[target] = unicodedata.normalize("NFC", letters[target] + tone)
    return "".join(letters)


def is_syllable(word: str) -> bool:
    """Whether a run of letters can be a Vietnamese syllable: ``người`` yes, ``café`` no."""
    return _parse(word) is not None


def _parse(word: str) -> tuple[list[str], list[str], str, int, int, str, str] | None:
    """letters (no tone), lower-cased, onset, first and last vowel, coda, tone mark; or
    ``None`` when the word is not a Vietnamese syllable."""
    letters: list[str] = []  # base letters with their vowel shape (â, ơ, ư ...), no tone
    tone = ""
    for char in unicodedata.normalize("NFD", word):
        if char in _TONE_MARKS:
            if tone:
                return None  # two tone marks
            tone = char
        elif unicodedata.combining(char) and letters:
            letters[-1] += char
        else:
            letters.append(char)
    letters = [unicodedata.normalize("NFC", letter) for letter in letters]
    lower = [letter.lower() for letter in letters]

    vowels = [i for i, letter in enumerate(lower) if letter in _VOWELS]
    if not vowels or vowels[-1] - vowels[0] + 1 != len(vowels):
        return None
    first, last = vowels[0], vowels[-1]
    onset, coda = "".join(lower[:first]), "".join(lower[last + 1 :])
    # "qu" and "gi" (before another vowel) are onsets: quý, giữa, già.
    if (onset, lower[first]) in {("q", "u"), ("g", "i")} and last > first:
        onset += lower[first]
        first += 1
    if onset not in _ONSETS or coda not in _CODAS or last - first > 2:
        return None
    return letters, lower, onset, first, last, coda, tone


def _accented_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for letter in dict.fromkeys("abcdefghijklmnopqrstuvwxyz" + _LETTERS):
        forms[unidecode(letter)] = forms.get(unidecode(letter), "") + letter
    return forms


_FORMS = _accented_forms()


def accented_forms(letter: str) -> str:
    """Every lower-case letter that folds to ``letter``: ``d`` -> ``dđ``, ``u`` -> ``uùúủũụưừứửữự``."""
    return _FORMS.get(letter, letter)


def _skeleton_table() -> np.ndarray:
    table = np.arange(0x2000, dtype=np.uint32)  # all Vietnamese letters are below U+2000
    for letter in "abcdefghijklmnopqrstuvwxyz" + _LETTERS:
        plain = unidecode(letter)
        table[ord(letter)] = table[ord(letter.upper())] = ord("i" if plain == "y" else plain)
    return table


_SKELETON = _skeleton_table()


def skeleton(text: str) -> str:
    """Letters without diacritics, lower case, ``y`` as ``i``, one character for each
    character, so that positions in the result are positions in ``text``. For finding
    words, not for showing them:

        >>> skeleton("Kỹ sư Đoàn")
        'ki su doan'
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)  # str.translate is 5x slower
    mapped = np.where(codes < _SKELETON.size, _SKELETON[np.minimum(codes, _SKELETON.size - 1)], codes)
    return mapped.astype(np.uint32).tobytes().decode("utf-32-le")

"""Vietnamese typed as keystrokes, when the input method was off: Telex, VNI and VIQR.

Pure ``str -> str``: each word that reads as a Vietnamese syllable once its keys are applied
is converted, the rest is kept as typed. A word is read whole, never in part: by Telex's keys
(letters), VNI's (digits), VIQR's (marks after a letter), or VNI's and VIQR's together when it
has both (as ibus-bamboo's "Telex + VNI + VIQR" input method reads them); a word that spells no
syllable so is left exactly as typed. Whether the converted text is what the user meant
is for the index to say (:mod:`searcher.rewriting`): ``bus`` converts to ``bú`` too.

    >>> convert("coong ddoanf")                 # Telex
    'công đoàn'
    >>> convert("co6ng d9oa2n")                 # VNI
    'công đoàn'
    >>> convert("co^ng ddoa`n")                 # VIQR
    'công đoàn'
    >>> convert("khungr bo London")             # only the words typed with keys
    'khủng bo London'
    >>> convert("d9u7o7`ng")                    # VNI and VIQR keys in one word, read together
    'đường'
    >>> convert("cong doan") is None            # nothing to convert
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from .normalize import canonical_syllable, is_syllable

__all__ = ["convert", "telex", "vni", "viqr"]

_VOWELS = "aeiouy"
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
_BREVE = {"a": "ă"}
_TELEX_TONES = {"s": _ACUTE, "f": _GRAVE, "r": _HOOK, "x": _TILDE, "j": _DOT}
_VNI_TONES = {"1": _ACUTE, "2": _GRAVE, "3": _HOOK, "4": _TILDE, "5": _DOT}
_VIQR_TONES = {"'": _ACUTE, "`": _GRAVE, "?": _HOOK, "~": _TILDE, ".": _DOT}
_VIQR_SHAPES = {"^": _CIRCUMFLEX, "+": _HORN, "(": _BREVE}

_WORD = re.compile(r"[^\W_]+")
_MARKS = "^+(`'?~."  # VIQR's keys
_PUNCTUATION = ".?'"  # VIQR's keys that may also end a word as punctuation
_IN_WORD = r"[^\W_]|[" + re.escape(_MARKS) + "]"
# With VIQR's marks, a word runs on over them: ``ddu+o+`ng``, ``d9u7o7`ng`` (a final . or ? ends the text).
_MARKED_WORD = re.compile(rf"(?<![^\W_])[^\W_](?:{_IN_WORD})*?(?=[.?]?$|(?!{_IN_WORD}))")
# A text is read as VIQR only when it has one of its marks inside a word or a mark no other
# writing uses: "khi nào?" and "Hà Nội." end with punctuation, not with a tone.
_VIQR_SIGN = re.compile(r"[A-Za-z0-9][\^+(`~]|[A-Za-z0-9]['?.][A-Za-z]")


def convert(text: str) -> str | None:
    """``text`` with every word typed in Telex, VNI or VIQR keystrokes written as the
    syllable it spells; None when no word is."""
    if _VIQR_SIGN.search(text):
        converted = _MARKED_WORD.sub(lambda m: _marked(m.group()) or m.group(), text)
    else:
        converted = _WORD.sub(lambda m: _keyed(m.group()) or m.group(), text)
    return converted if converted != text else None


@lru_cache(maxsize=1 << 14)
def _keyed(word: str) -> str | None:
    """One word as Telex (letters only) or VNI (letters and digits), when it is either."""
    if not word.isascii() or word[0].isdigit():
        return None
    return telex(word) if word.isalpha() else vni(word)


def _marked(word: str) -> str | None:
    """One word of a text with VIQR marks: as VIQR, as VNI and VIQR together when it has
    digits too, as :func:`_keyed` when it has no mark; a final ``.``, ``?`` or ``'`` that
    spells nothing is read as punctuation (``nguoiwf?`` -> ``người?``)."""
    if not any(mark in word for mark in _MARKS):
        return _keyed(word)
    read = _spelled(word, _vni_viqr_keys) if any(char.isdigit() for char in word) else viqr(word)
    stem = word.rstrip(_PUNCTUATION)
    if read is None and stem and stem != word:
        head = _marked(stem)
        return head + word[len(stem):] if head else None
    return read


def telex(word: str) -> str | None:
    """A word typed in Telex: ``aa aw ee oo ow uw dd`` for ``â ă ê ô ơ ư đ``, a final
    ``s f r x j`` for the tones (``w`` after the vowels horns them: ``nguoiwf``).

        >>> [telex(w) for w in ("ddoanf", "nguoiwf", "Vieetj", "hoaf", "cong", "class")]
        ['đoàn', 'người', 'Việt', 'hòa', None, None]
    """
    return _spelled(word, _telex_keys)


def vni(word: str) -> str | None:
    """A word typed in VNI: ``6`` circumflex, ``7`` horn, ``8`` breve, ``9`` đ, ``1``–``5``
    the tones sắc, huyền, hỏi, ngã, nặng.

        >>> [vni(w) for w in ("d9oa2n", "vie65t", "nguo72i", "u23", "covid19")]
        ['đoàn', 'việt', 'người', None, None]
    """
    return _spelled(word, _vni_keys)


def viqr(word: str) -> str | None:
    """A word typed in VIQR: ``a( a^ e^ o^ o+ u+ dd`` for ``ă â ê ô ơ ư đ``, then a tone
    ``' ` ? ~ .`` (sắc, huyền, hỏi, ngã, nặng).

        >>> [viqr(w) for w in ("ddoa`n", "Vie^.t", "ddu+o+`ng", "TP.", "khi")]
        ['đoàn', 'Việt', 'đường', None, None]
    """
    return _spelled(word, _viqr_keys)


Keys = Callable[[str], "tuple[list[str], str] | None"]


def _spelled(word: str, keys: Keys) -> str | None:
    """The syllable ``word`` spells by ``keys`` (which give its letters and tone mark), in the
    case it was typed; None when it used no key or spells no syllable."""
    read = keys(word.lower())
    if read is None:
        return None
    letters, tone = read
    if tone:
        first = next((i for i, letter in enumerate(letters) if _base(letter) in _VOWELS), None)
        if first is None:
            return None
        letters[first] += tone
    syllable = unicodedata.normalize("NFC", "".join(letters))
    if not syllable.isalpha() or not is_syllable(syllable):
        return None
    syllable = canonical_syllable(syllable)
    if word.isupper() and len(word) > 1:
        return syllable.upper()
    return syllable[:1].upper() + syllable[1:] if word[:1].isupper() else syllable


def _base(letter: str) -> str:
    """``ơ`` -> ``o``: the letter without its shape."""
    return unicodedata.normalize("NFD", letter)[0]


def _shape(letters: list[str], table: dict[str, str], at: int | None = None) -> bool:
    """Give the vowel at ``at`` (default: the nearest that takes it) the shape in ``table``."""
    candidates = [at] if at is not None else range(len(letters) - 1, -1, -1)
    for i in candidates:
        if 0 <= i < len(letters) and letters[i] in table:
            letters[i] = table[letters[i]]
            return True
    return False


def _horn(letters: list[str]) -> bool:
    """``w``/``7``/``+`` on the vowels typed so far: ``uo`` -> ``ươ``, else the last u/o,
    else a (breve): ``nguoi`` -> ``ngươi``, ``hoa`` -> ``hoă``."""
    text = "".join(letters)
    at = text.rfind("uo")
    if at >= 0 and not (at > 0 and text[at - 1] == "q"):
        letters[at], letters[at + 1] = "ư", "ơ"
        return True
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in _HORN and not (letters[i] == "u" and i > 0 and letters[i - 1] == "q"):
            letters[i] = _HORN[letters[i]]
            return True
    return _shape(letters, _BREVE)


def _telex_keys(word: str) -> tuple[list[str], str] | None:
    letters: list[str] = []
    tone, used = "", False
    for char in word:
        vowel_seen = any(_base(letter) in _VOWELS for letter in letters)
        if char == "d" and letters == ["d"]:
            letters, used = ["đ"], True
        elif char in _CIRCUMFLEX and letters and letters[-1] == char:
            letters[-1], used = _CIRCUMFLEX[char], True
        elif char == "w":
            if vowel_seen and not _horn(letters):
                return None
            if not vowel_seen:
                letters.append("ư")  # w alone: tw -> tư
            used = True
        elif char in _TELEX_TONES and vowel_seen:
            if tone:
                return None
            tone, used = _TELEX_TONES[char], True
        elif char == "z" and vowel_seen:
            tone, used = "", True
        else:
            if tone and char in _VOWELS:
                return None  # a tone key is typed after the vowels
            letters.append(char)
    return (letters, tone) if used else None


def _vni_keys(word: str) -> tuple[list[str], str] | None:
    return _keys(word, vni=True, viqr=False)


def _viqr_keys(word: str) -> tuple[list[str], str] | None:
    return _keys(word, vni=False, viqr=True)


def _vni_viqr_keys(word: str) -> tuple[list[str], str] | None:
    return _keys(word, vni=True, viqr=True)


def _keys(word: str, *, vni: bool, viqr: bool) -> tuple[list[str], str] | None:
    """The letters and tone of ``word`` typed with VNI's keys (digits), VIQR's (marks, and
    ``dd``) or both; None when a key does not apply or none was used."""
    letters: list[str] = []
    tone, used = "", False
    for char in word:
        after: str | None = tone
        if vni and char.isdigit():
            after = _vni_key(letters, char, tone)
        elif viqr and char in _MARKS:
            after = _viqr_key(letters, char, tone)
        elif viqr and char == "d" and letters == ["d"]:
            letters[0] = "đ"
        else:
            letters.append(char)
            continue
        if after is None:
            return None
        tone, used = after, True
    return (letters, tone) if used else None


def _vni_key(letters: list[str], key: str, tone: str) -> str | None:
    """A VNI key (a digit) applied to the letters typed so far: the tone after it, None if it cannot apply."""
    if key in _VNI_TONES:
        return _VNI_TONES[key] if not tone and any(_base(letter) in _VOWELS for letter in letters) else None
    if key == "9":
        shaped = _shape(letters, {"d": "đ"}, 0)
    elif key == "6":
        shaped = _shape(letters, _CIRCUMFLEX)
    elif key == "7":
        shaped = _horn(letters)
    else:
        shaped = key == "8" and _shape(letters, _BREVE)
    return tone if shaped else None


def _viqr_key(letters: list[str], key: str, tone: str) -> str | None:
    """A VIQR mark applied to the letter typed last: the tone after it, None if it cannot apply."""
    if key in _VIQR_SHAPES:
        return tone if letters and _shape(letters, _VIQR_SHAPES[key], len(letters) - 1) else None
    return _VIQR_TONES[key] if not tone and letters and _base(letters[-1]) in _VOWELS else None

"""Legacy Vietnamese on real articles: how often each writing comes back exactly, and whether
normal text is ever taken for legacy text.

    python bench/legacy.py --sample 300

Every article of the shared corpus goes through :func:`searcher.decoding.repair_for` as it is
(title and text): none should be taken for legacy text. Then ``--sample`` articles drawn
with a fixed seed are written, title, lead (first line, 400 characters) and body (3,000
characters) apart, in each legacy writing and read back with :func:`searcher.decoding.decode`:
as 8-bit files (TCVN3, VNI), as their fonts' glyphs inside UTF-8 (VNI, TCVN3), and as VIQR.
A text counts as right when it comes back character for character with its repair reported;
words right counts the words (between spaces) that come back as they were, over all texts.
The legacy forms are made with inverses of vnsearch's own tables (an experiment, not a test:
the tests use text written by hand); texts with a character the writing lacks are left out.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from searcher import legacy
from searcher.decoding import DecodingError, decode, repair_for
from searcher.normalize import nfc

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "baomoi-35k.jsonl.gz"
_SHAPES = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}
_TONES = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}


def _inverse_vni() -> dict[str, str]:
    inverse = {}
    for unit, letter in legacy._VNI_UNITS.items():
        same_case = (unit[0].lower() == unit[0]) == (unit[-1].lower() == unit[-1])
        if len(unit) == 2 and len(letter) == 1 and same_case and (letter not in inverse or unit[0].isascii()):
            inverse[letter] = unit
    return inverse | {letter: chr(code) for code, letter in legacy._VNI_LETTERS.items()}


def _writer(inverse: dict[str, str]) -> Callable[[str], str | None]:
    def write(text: str) -> str | None:
        if any(not c.isascii() and c not in inverse for c in text):
            return None
        return "".join(inverse.get(c, c) for c in text)

    return write


def viqr(text: str) -> str | None:
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        if char in "đĐ":
            out.append("dd" if char == "đ" else "DD")
        elif parts[0].isascii() and all(c in _SHAPES or c in _TONES for c in parts[1:]):
            out.append(parts[0] + "".join(_SHAPES[c] for c in parts[1:] if c in _SHAPES)
                       + "".join(_TONES[c] for c in parts[1:] if c in _TONES))
        elif char.isascii():
            out.append(char)
        else:
            return None
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=300, help="articles written in each legacy form")
    args = parser.parse_args()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    taken = [r["id"] for r in records for key in ("title", "text") if repair_for(r.get(key) or "")]
    print(f"normal articles taken for legacy text: {len(taken)} of {len(records)} {taken[:5]}")

    vni = _writer(_inverse_vni())
    tcvn3 = _writer({c: chr(b) for b, c in legacy._TCVN3.items() if len(c) == 1})
    counts: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    words: Counter[str] = Counter()
    words_right: Counter[str] = Counter()
    for record in random.Random(20261202).sample(records, args.sample):
        body = nfc(record["text"])
        for part, text in (("title", nfc(record["title"])), ("lead", body.split("\n")[0][:400]), ("body", body[:3000])):
            for form, written, as_bytes in (("VNI bytes", vni(text), True), ("TCVN3 bytes", tcvn3(text), True),
                                            ("VNI glyphs", vni(text), False), ("TCVN3 glyphs", tcvn3(text), False),
                                            ("VIQR", viqr(text), False)):
                if written is None:
                    continue
                data = written.encode("latin-1") if as_bytes else legacy_glyphs(written) if form != "VIQR" else written.encode()
                counts[form, part] += 1
                try:
                    read = decode(data)
                except DecodingError:
                    continue
                right[form, part] += read.text == text and read.repaired is not None
                pairs = list(zip(text.split(), read.text.split())) if read.repaired else []
                words[form] += len(text.split())
                words_right[form] += sum(a == b for a, b in pairs)
    print(f"\n{'written as':<14}{'title':>16}{'lead':>16}{'body':>16}{'words right':>14}")
    for form in ("VNI bytes", "TCVN3 bytes", "VNI glyphs", "TCVN3 glyphs", "VIQR"):
        cells = [f"{right[form, p]}/{counts[form, p]} {right[form, p] / max(1, counts[form, p]):.1%}" for p in ("title", "lead", "body")]
        print(f"{form:<14}" + "".join(f"{c:>16}" for c in cells) + f"{words_right[form] / max(1, words[form]):>14.2%}")


def legacy_glyphs(written: str) -> bytes:
    """The font's glyphs as a Unicode file shows them: the bytes read as Windows-1252, saved as UTF-8."""
    return "".join(legacy._CP1252[ord(c)] for c in written).encode("utf-8")


if __name__ == "__main__":
    main()

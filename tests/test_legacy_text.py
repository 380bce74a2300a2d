"""Vietnamese written before Unicode (issue 18): VNI bytes converted, and legacy text in
Unicode clothes (VNI or TCVN3 font glyphs read as Windows-1252, VIQR) detected and converted,
each reported as repaired; normal Vietnamese and English text never touched.

The legacy strings are written by hand from the fonts' tables, not made by vnsearch's own.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchEngine
from searcher.cli import main
from searcher.decoding import decode, repair_for
from searcher.legacy import from_viqr

TITLE = "Công đoàn tỉnh tổ chức hội nghị tổng kết"
BODY = "Sáng 12/1, Liên đoàn Lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua năm 2021."
VNI_TITLE = "Coâng ñoaøn tænh toå chöùc hoäi nghò toång keát"
VNI_BODY = "Saùng 12/1, Lieân ñoaøn Lao ñoäng tænh toå chöùc hoäi nghò toång keát phong traøo thi ñua naêm 2021."
VIQR_TITLE = "Co^ng d9oa`n ti?nh to^? chu+'c ho^.i nghi. to^?ng ke^'t"
VIQR_BODY = "Sa'ng 12/1, Lie^n ddoa`n Lao ddo^.ng ti?nh to^? chu+'c ho^.i nghi. to^?ng ke^'t phong tra`o thi ddua na(m 2021."
# TCVN3 (.VnTime), byte by byte, as Windows-1252 shows them: "C«ng ®oµn" is "Công đoàn".
TCVN3_BYTES = {"ô": 0xAB, "đ": 0xAE, "à": 0xB5, "ỉ": 0xD8, "ổ": 0xE6, "ứ": 0xF8, "ộ": 0xE9, "ị": 0xDE, "ế": 0xD5,
               "á": 0xB8, "ê": 0xAA, "ă": 0xA8, "Đ": 0xA7}
VNI_NOTE = "VNI font glyphs (Coâng ñoaøn for Công đoàn): converted from VNI"
TCVN3_NOTE = "TCVN3 font glyphs (C«ng ®oµn for Công đoàn): converted from TCVN3"
VIQR_NOTE = "VIQR (Co^ng ddoa`n for Công đoàn): converted"


def tcvn3_glyphs(text: str) -> str:
    return bytes(TCVN3_BYTES.get(c, ord(c)) for c in text).decode("cp1252")


# -- unit: Unicode text that is legacy text --------------------------------------------------


def test_tcvn3_glyphs_written_by_hand() -> None:
    assert tcvn3_glyphs("Công đoàn") == "C«ng ®oµn"  # as the issue quotes them


@pytest.mark.parametrize(
    ("written", "note"),
    [
        (f"{VNI_TITLE}\n{VNI_BODY}", VNI_NOTE),
        (f"{tcvn3_glyphs(TITLE)}\n{tcvn3_glyphs(BODY)}", TCVN3_NOTE),
        (f"{VIQR_TITLE}\n{VIQR_BODY}", VIQR_NOTE),
    ],
)
def test_legacy_text_in_utf8_is_converted_and_says_so(written: str, note: str) -> None:
    assert decode(written.encode("utf-8")) == (f"{TITLE}\n{BODY}", "utf-8", note)


def test_one_line_files() -> None:
    assert decode("Coâng ñoaøn".encode()) == ("Công đoàn", "utf-8", VNI_NOTE)
    assert decode("C«ng ®oµn".encode()) == ("Công đoàn", "utf-8", TCVN3_NOTE)
    assert decode(b"Vie^.t Nam") == ("Việt Nam", "utf-8", VIQR_NOTE)
    assert decode(b"Co^ng d9oa`n") == ("Công đoàn", "utf-8", VIQR_NOTE)


def test_viqr_marks_go_on_the_letter_they_follow() -> None:
    assert from_viqr("Ho^m nay ho. ddi ho.c o+? Ha` No^.i.\nTho^i.") == "Hôm nay họ đi học ở Hà Nội.\nThôi."
    assert from_viqr("hoa` thuy?, quy', Mi~ CSDDT UBTU+") == "hoà thuỷ, quý, Mĩ CSĐT UBTƯ"  # as written, not respelled
    assert from_viqr("'Ha` No^.i' va` Ba\\.") == "'Hà Nội' và Ba."  # a closing quote; RFC 1456's escape


NOT_LEGACY = [
    "Công đoàn Việt Nam tổ chức hội nghị tổng kết năm 2021 tại Hà Nội. Người lao động hưởng ứng.",
    "Cà phê và bánh mì là món ăn sáng của nhiều người. Chè, xôi, phở.",  # Latin-1 letters only, nearly
    "I'm sure it's fine. Don't worry, we'll be there at 5 p.m. What? The U.S. Dept. said e.g. Mr. Smith's "
    "visa isn't valid. Café au lait, naïve résumé, déjà vu. a^2 + b^2 = c^2, `code` and ~tildes~, ddos.",
    "Où est-il? Là-bas, à côté de l'hôtel. Il a été très content de voir sa mère à Noël; c'était déjà l'été.",
    "Müller schön Straße größer Übung Äpfel. Die Brücke über den Fluß ist nicht öffentlich zugänglich.",
    "¿Dónde está el niño? Mañana vamos a la playa, señor. Não sei se você está bem; as mães põem pães.",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_vietnamese_english_and_other_latin_text_is_left_as_it_is(text: str) -> None:
    assert repair_for(text) is None
    assert decode(text.encode()) == (text, "utf-8", None)


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "baomoi-35k.jsonl.gz"


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared/corpus")
def test_real_articles_are_never_converted() -> None:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for _, line in zip(range(3000), lines)]
    flagged = [r["id"] for r in records for k in ("title", "text") if repair_for(r.get(k) or "")]
    assert flagged == []


# -- the user's path: files indexed through the CLI, then searched ------------------------


def test_legacy_files_are_indexed_converted_and_reported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a_vni_bytes.txt").write_bytes(f"{VNI_TITLE}\n{VNI_BODY}\n".encode("cp1252"))
    (src / "b_vni_glyphs.txt").write_text(f"{VNI_TITLE}\n{VNI_BODY}\n", encoding="utf-8")
    (src / "c_tcvn3_glyphs.txt").write_text(f"{tcvn3_glyphs(TITLE)}\n{tcvn3_glyphs(BODY)}\n", encoding="utf-8")
    (src / "d_viqr.txt").write_text(f"{VIQR_TITLE}\n{VIQR_BODY}\n", encoding="utf-8")
    (src / "e_english.txt").write_text(f"{NOT_LEGACY[2]}\n{NOT_LEGACY[2]}\n", encoding="utf-8")
    (src / "f_news.txt").write_text(f"{TITLE}\n{BODY}\n", encoding="utf-8")
    record = {"id": "rec", "title": VNI_TITLE, "text": VNI_BODY}
    (src / "g_feed.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (src / "h_page.html").write_text(
        f"<html><head><title>{VNI_TITLE}</title></head><body><h1><font face='VNI-Times'>{VNI_TITLE}</font></h1>"
        f"<p><font face='VNI-Times'>{VNI_BODY} {VNI_BODY}</font></p></body></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix")], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "repaired a_vni_bytes.txt: VNI encoding (the VNI-Times fonts): converted to Unicode",
        f"repaired b_vni_glyphs.txt: {VNI_NOTE}",
        f"repaired c_tcvn3_glyphs.txt: {TCVN3_NOTE}",
        f"repaired d_viqr.txt: {VIQR_NOTE}",
        f"repaired g_feed.jsonl:1: {VNI_NOTE}",
        f"repaired h_page.html: {VNI_NOTE}",
    ]
    engine = SearchEngine(tmp_path / "ix")
    found = {h.id: h.title for h in engine.search("công đoàn", limit=20).hits}
    assert found == {name: TITLE for name in (
        "a_vni_bytes.txt", "b_vni_glyphs.txt", "c_tcvn3_glyphs.txt", "d_viqr.txt", "f_news.txt", "rec", "h_page.html")}
    assert engine.document("b_vni_glyphs.txt").text == BODY  # type: ignore[union-attr]
    assert engine.document("e_english.txt").text == f"{NOT_LEGACY[2]}\n{NOT_LEGACY[2]}"  # type: ignore[union-attr]

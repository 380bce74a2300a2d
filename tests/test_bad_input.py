"""Messy sources: every good article is indexed, every bad file or record is named with why."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchEngine, Skipped, sources
from searcher.cli import main
from searcher.sources import text

ARTICLE = "Bão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh ở Hạ Long, nhiều cây đổ.\n"


def read(path: Path) -> list:  # type: ignore[type-arg]
    return list(sources.read_paths([path]))


def test_empty_and_blank_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text(" \n\t\n  ")
    (tmp_path / "c.txt").write_text("Skip to main content\nChia sẻ\nBình luận\n")
    assert read(tmp_path) == [
        Skipped("a.txt", "empty file"),
        Skipped("b.txt", "empty file"),
        Skipped("c.txt", "no article text (only site menus, links or captions)"),
    ]


def test_binary_file_named_txt(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (tmp_path / "photo.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    assert read(tmp_path) == [
        Skipped("photo.txt", "binary file, not text"),
        Skipped("scan.txt", "binary file (a PDF document), not text"),
    ]


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "MAX_TEXT_FILE", 2 * 2**20)
    (tmp_path / "dump.txt").write_text(ARTICLE * 60_000)
    (tmp_path / "ok.txt").write_text(ARTICLE)
    items = read(tmp_path)
    assert items[0] == Skipped("dump.txt", "larger than the 2 MB limit for a .txt file (5 MB)")
    assert items[1].id == "ok.txt"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked.txt").write_text(ARTICLE)
    (tmp_path / "ok.txt").write_text(ARTICLE)
    real_open = Path.open

    def open_(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    items = read(tmp_path)
    assert items[0] == Skipped("locked.txt", "cannot read: Permission denied")
    assert items[1].id == "ok.txt"


def test_links_in_circles_and_broken_links(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ARTICLE)
    os.symlink(tmp_path / "news", tmp_path / "news" / "again")  # news/again -> news
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "news" / "broken.txt")
    os.symlink(tmp_path / "news" / "y.txt", tmp_path / "news" / "x.txt")
    os.symlink(tmp_path / "news" / "x.txt", tmp_path / "news" / "y.txt")
    assert [str(i) if isinstance(i, Skipped) else i.id for i in read(tmp_path)] == [
        "news/again: a link back to a folder already read (a loop): not followed",
        "news/a.txt",
        "news/broken.txt: cannot read: No such file or directory",
        "news/x.txt: cannot read: Too many levels of symbolic links",
        "news/y.txt: cannot read: Too many levels of symbolic links",
    ]


def test_linked_folders_are_read(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "a.txt").write_text(ARTICLE)
    (tmp_path / "src").mkdir()
    os.symlink(tmp_path / "archive", tmp_path / "src" / "2021")
    assert [a.id for a in read(tmp_path / "src")] == ["2021/a.txt"]


def test_jsonl_problems_are_reported_by_line_and_good_records_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "Một", "text": "Nội dung một"}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "b", "title": "Không có nội dung"}),
        json.dumps({"id": "a", "title": "Một lần nữa", "text": "Nội dung khác"}),
        json.dumps({"id": "c", "title": "Ba", "body": "Nội dung ba"}),
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "more.jsonl").write_text(json.dumps({"id": "c", "text": "Trùng"}) + "\n", encoding="utf-8")
    items = read(tmp_path)
    assert [i.id for i in items if not isinstance(i, Skipped)] == ["c", "a"]  # more.jsonl is read first
    assert [str(i) for i in items if isinstance(i, Skipped)] == [
        "news.jsonl:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "news.jsonl:3: not a JSON object (list)",
        "news.jsonl:4: no text (expected a 'text', 'body' or 'content' string)",
        "news.jsonl:5: duplicate id 'a', first read at news.jsonl:1: that one is indexed",
        "news.jsonl:6: duplicate id 'c', first read at more.jsonl:1: that one is indexed",
    ]


def test_index_summary_names_every_skipped_item(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "good.txt").write_text(ARTICLE)
    (tmp_path / "src" / "empty.txt").write_text("")
    (tmp_path / "src" / "logo.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "src" / "feed.jsonl").write_text('{"id": "x", "text": "Nội dung"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "ix"), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["added"], report["documents"]) == (2, 2)
    assert report["skipped"] == [
        {"item": "empty.txt", "reason": "empty file"},
        {"item": "feed.jsonl:2", "reason": "not valid JSON (Expecting property name enclosed in double quotes at column 2)"},
        {"item": "logo.png", "reason": "not a supported file type (.png)"},
    ]
    human = CliRunner().invoke(main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "ix2")])
    assert human.stderr.splitlines() == [
        "skipped empty.txt: empty file",
        "skipped feed.jsonl:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "skipped logo.png: not a supported file type (.png)",
    ]


def test_nothing_indexable_is_an_error_exit(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert result.stderr == "skipped empty.txt: empty file\n"


def test_encodings_in_one_folder_index_the_same(tmp_path: Path, segmenter) -> None:  # type: ignore[no-untyped-def]
    text = "Công đoàn tổ chức hội nghị\nHội nghị công đoàn năm nay có nhiều đại biểu tham dự.\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "src" / "bom.txt").write_text(text, encoding="utf-8-sig")
    (tmp_path / "src" / "utf16.txt").write_text(text, encoding="utf-16")
    engine = SearchEngine(tmp_path / "ix", segmenter=segmenter)
    engine.add_paths([tmp_path / "src"])
    hits = engine.search("hội nghị công đoàn").hits
    assert sorted(h.id for h in hits) == ["bom.txt", "utf16.txt", "utf8.txt"]
    assert {h.title for h in hits} == {"Công đoàn tổ chức hội nghị"}


def test_index_summary_names_what_was_repaired_and_what_refused(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    good = "Bão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh ở Hạ Long, nhiều cây đổ, người dân được sơ tán.\n"
    (tmp_path / "src" / "cut.txt").write_bytes(good.encode().replace("đổ bộ".encode(), "đổ bộ".encode()[:-1], 1))
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252": Windows-1252 as Windows decodes it)

    (tmp_path / "src" / "twice.txt").write_text(good.encode().decode("sloppy-windows-1252"), encoding="utf-8")
    (tmp_path / "src" / "vni.txt").write_bytes("Baõo soá 3 ñoå boä vaøo Quaûng Ninh".encode("cp1252"))
    (tmp_path / "src" / "garbage.txt").write_bytes(b"\xb6\xb6\xb6 \xbe\xbe x\xb6\xbe")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "skipped garbage.txt: not readable as Vietnamese in any encoding vnsearch knows "
        "(UTF-8, Windows-1258, TCVN3, VISCII, VNI): convert it to Unicode first",
        "repaired cut.txt: not valid UTF-8 in 1 place: read as UTF-8, with \ufffd for the bad bytes",
        "repaired twice.txt: UTF-8 encoded twice (Táº¡i for Tại): repaired",
        "repaired vni.txt: VNI encoding (the VNI-Times fonts): converted to Unicode",
    ]
    assert result.stdout == f"3 added, 0 updated, 0 unchanged, 1 skipped, 3 repaired; 3 documents in {tmp_path / 'ix'}\n"
    report = json.loads(CliRunner().invoke(
        main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "ix2"), "--json"]).stdout)
    assert report["repaired"] == [
        {"item": "cut.txt", "repair": "not valid UTF-8 in 1 place: read as UTF-8, with \ufffd for the bad bytes"},
        {"item": "twice.txt", "repair": "UTF-8 encoded twice (Táº¡i for Tại): repaired"},
        {"item": "vni.txt", "repair": "VNI encoding (the VNI-Times fonts): converted to Unicode"},
    ]
    titles = {SearchEngine(tmp_path / "ix").document(i).title for i in ("cut.txt", "twice.txt", "vni.txt")}
    assert titles == {"Bão số 3 đổ b\ufffd vào Quảng Ninh", "Bão số 3 đổ bộ vào Quảng Ninh"}


def test_double_encoded_json_record_is_repaired(tmp_path: Path) -> None:
    import ftfy.bad_codecs  # noqa: F401

    record = {"id": "x", "title": "Giá xăng tăng mạnh", "text": "Giá xăng tăng mạnh từ chiều nay, người dân lo lắng."}
    broken = {k: v.encode().decode("sloppy-windows-1252") for k, v in record.items()}
    (tmp_path / "feed.jsonl").write_text(json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    items = read(tmp_path)
    assert str(items[0]) == "feed.jsonl:1: UTF-8 encoded twice (Táº¡i for Tại): repaired"
    assert (items[1].title, items[1].text) == (record["title"], record["text"])

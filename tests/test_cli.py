"""The vnsearch command, through click's CliRunner: output, JSON shape, exact error messages."""

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from searcher import SearchEngine
from searcher.cli import main
from searcher.schema import ANALYZER_VERSION


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli") / "index")
    assert run("index", str(SEEDS), "--index", path).exit_code == 0
    return path


def test_first_search_builds_the_default_index_from_seeds(workdir: Path) -> None:
    result = run("search", "cong doan")
    assert result.exit_code == 0
    assert result.stderr == "No index yet: building index/ from seeds/ (first run)…\n"
    assert result.stdout.startswith("Did you mean: công đoàn\n1–5 of 5 results for “cong doan” (")
    assert "\n 1. Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm\n" in result.stdout
    assert (workdir / "index" / "README.md").exists()  # the folder's own files are left alone
    again = run("search", "cong doan")
    assert again.stderr == ""


def test_index_summary(tmp_path: Path) -> None:
    result = run("index", str(SEEDS), "--index", str(tmp_path / "ix"))
    assert result.stdout == f"5 added, 0 updated, 0 unchanged, 0 skipped; 5 documents in {tmp_path / 'ix'}\n"
    again = run("index", str(SEEDS), "--index", str(tmp_path / "ix"))
    assert again.stdout.startswith("0 added, 0 updated, 5 unchanged, 0 skipped;")


def test_index_names_skipped_files_and_fails_only_when_nothing_was_indexed(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "logo.png").write_bytes(b"\x89PNG")
    result = run("index", str(tmp_path / "src"), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1
    assert result.stderr == "skipped logo.png: not a supported file type (.png)\n"
    (tmp_path / "src" / "bai.txt").write_text("Bão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh.", encoding="utf-8")
    result = run("index", str(tmp_path / "src"), "--index", str(tmp_path / "ix"), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["added"], report["documents"]) == (1, 1)
    assert report["skipped"] == [{"item": "logo.png", "reason": "not a supported file type (.png)"}]


def test_search_json_shape(index: str) -> None:
    result = run("search", "lang son", "--index", index, "--json", "--limit", "2")
    data = json.loads(result.stdout)
    assert set(data) >= {"query", "total", "took_ms", "hits"}
    assert (data["query"], data["total"]) == ("lang son", 2)
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "date", "score", "snippet", "path"}
    assert (hit["id"], hit["date"]) == ("004_dd78adaa512fb10c.txt", "2021-01-14")
    assert hit["title"] == "Hội nghị tổng kết công tác công đoàn năm 2020,triển khai nhiệm vụ năm 2021"
    assert "<b>Lạng Sơn</b>" in hit["snippet"]
    assert hit["path"].endswith("seeds/004_dd78adaa512fb10c.txt")


def test_search_pages_and_dates(index: str) -> None:
    page2 = json.loads(run("search", "cong doan", "--index", index, "--json", "--limit", "2", "--page", "2").stdout)
    assert (page2["total"], len(page2["hits"]), page2["page"]) == (5, 2, 2)
    dated = json.loads(run("search", "cong doan", "--index", index, "--json", "--since", "2024-01-01").stdout)
    assert [h["id"] for h in dated["hits"]] == ["003_235005d3aa13c8c5.txt"]


def test_search_human_output_has_no_styles_off_a_terminal(index: str) -> None:
    result = run("search", "Lâm Đồng", "--index", index, "--limit", "1")
    lines = result.stdout.splitlines()
    assert lines[2] == (
        " 1. Công đoàn Viên chức tỉnh Lâm Đồng tổ chức Hội nghị tổng kết phong trào cán bộ, công chức, viên chức,"
        " lao động và hoạt động công đoàn năm 2023"
    )
    assert lines[3] == "    no date · 002_a25af5b666581c5b.txt"
    assert "\x1b" not in result.stdout


def test_no_results(index: str) -> None:
    assert run("search", '"xyzzy plugh"', "--index", index).stdout == "No results for “\"xyzzy plugh\"”.\n"


def test_a_phrase_no_article_has_is_searched_as_its_words_and_said_so(corpus_engine: SearchEngine) -> None:
    # (the fixture corpus has "Công đoàn cơ sở tổ chức hội nghị": the words, not the phrase)
    relaxed = run("search", '"công đoàn tổ chức hội nghị"', "--index", corpus_engine.path)
    assert relaxed.stdout.startswith(
        "No article has the exact phrase “công đoàn tổ chức hội nghị”; showing articles with its words.\n"
        "1–1 of 1 results for “\"công đoàn tổ chức hội nghị\"” ("
    )
    data = json.loads(run("search", '"công đoàn tổ chức hội nghị"', "--index", corpus_engine.path, "--json").stdout)
    assert [h["id"] for h in data["hits"]] == ["union"]
    assert data["relaxed"] == [{
        "phrase": "công đoàn tổ chức hội nghị",
        "notice": "No article has the exact phrase “công đoàn tổ chức hội nghị”; showing articles with its words.",
    }]
    present = run("search", '"tổ chức hội nghị"', "--index", corpus_engine.path)
    assert present.stdout.startswith("1–1 of 1 results for “\"tổ chức hội nghị\"” (") and "exact phrase" not in present.stdout
    assert json.loads(run("search", '"tổ chức hội nghị"', "--index", corpus_engine.path, "--json").stdout)["relaxed"] == []


def test_index_option_from_environment(index: str) -> None:
    assert json.loads(run("info", "--json", env={"VNSEARCH_INDEX": index}).stdout)["documents"] == 5


def test_info(index: str) -> None:
    data = json.loads(run("info", "--index", index, "--json").stdout)
    assert (data["documents"], data["analyzer_version"], data["sources"]) == (5, ANALYZER_VERSION, [str(SEEDS)])
    assert "documents:  5" in run("info", "--index", index).stdout


def test_analyze(tmp_path: Path) -> None:
    result = run("analyze", "Hoà Bình", "--index", str(tmp_path / "none"))
    assert result.stdout == (
        "title   hòa_bình\n"
        "body    hòa_bình\n"
        "folded  hoa_binh\n"
    )


def test_rebuild(index: str, tmp_path: Path) -> None:
    result = run("rebuild", "--index", index)
    assert result.exit_code == 0
    assert result.stdout.startswith("5 added, 0 updated, 0 unchanged, 0 skipped; 5 documents")


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "x", "--index", "{tmp}/none"], "Error: no index at {tmp}/none: run `vnsearch index PATH` to create one\n"),
        (["index", "{tmp}/missing", "--index", "{tmp}/ix"], "Error: no such file or directory: {tmp}/missing\n"),
        (["info", "--index", "{tmp}/none"], "Error: no index at {tmp}/none: run `vnsearch index PATH` to create one\n"),
        (["rebuild", "--index", "{tmp}/none"], "Error: no index at {tmp}/none: run `vnsearch index PATH` to create one\n"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.stderr == message.format(tmp=tmp_path)
    assert not (tmp_path / "ix").exists()


def test_bad_option_value(index: str) -> None:
    result = run("search", "x", "--index", index, "--since", "18/3")
    assert result.exit_code == 2
    assert "Invalid value for '--since': '18/3' does not match the format '%Y-%m-%d'." in result.stderr


def test_every_command_has_help_with_an_example() -> None:
    for command in ["index", "search", "serve", "rebuild", "info", "analyze"]:
        # The heading alone is not an example: a command line to copy must follow it.
        assert re.search(rf"Examples?:\n +vnsearch {command} ", run(command, "--help").stdout), command


def test_search_keeps_only_the_source_asked_for(tmp_path: Path) -> None:
    records = [
        {"id": "vne-1", "title": "Bão số 9 đổ bộ", "text": "Bão số 9 gây mưa lớn.", "source": "vnexpress.net"},
        {"id": "tt-1", "title": "Bão chồng bão", "text": "Miền Trung ngập sâu sau bão.", "source": "tuoitre.vn"},
        {"id": "vne-2", "title": "Bão tan nhanh", "text": "Cơn bão tan trên đất liền.", "source": "vnexpress.net"},
    ]
    (tmp_path / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    index = str(tmp_path / "ix")
    assert run("index", str(tmp_path / "news.jsonl"), "--index", index).exit_code == 0
    assert json.loads(run("search", "bao", "--index", index, "--json").stdout)["total"] == 3
    data = json.loads(run("search", "bao", "--index", index, "--json", "--source", "vnexpress.net").stdout)
    assert sorted(h["id"] for h in data["hits"]) == ["vne-1", "vne-2"]
    assert data["facets"]["source"] == [{"value": "vnexpress.net", "count": 2}]
    shown = run("search", "bao", "--index", index, "--source", "tuoitre.vn").stdout
    assert "\n 1. Bão chồng bão\n    no date · tt-1\n" in shown and "\n 2. " not in shown
    assert run("search", "bao", "--index", index, "--source", "nowhere.vn").stdout.endswith("\nNo results for “bao”.\n")


def test_search_sort_year_and_suggestion_in_json(index: str) -> None:
    data = json.loads(run("search", "cong doan", "--index", index, "--json", "--sort", "date").stdout)
    assert data["suggestion"] == "công đoàn"
    assert [h["date"] for h in data["hits"]] == ["2024-12-22", "2021-01-14", None, None, None]
    in_2021 = json.loads(run("search", "cong doan", "--index", index, "--json", "--year", "2021").stdout)
    assert [h["id"] for h in in_2021["hits"]] == ["004_dd78adaa512fb10c.txt"]
    assert in_2021["facets"]["year"] == [{"value": "2021", "count": 1}]
    bad = run("search", "cong doan", "--index", index, "--sort", "newest")
    assert bad.exit_code == 2 and "'newest' is not one of 'relevance', 'date'" in bad.stderr


def test_serve_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    result = run("serve", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: no index at {tmp_path / 'none'}: run `vnsearch index PATH` to create one\n"


def test_serve_without_the_server_extra_says_what_to_install(index: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "searcher.server", raising=False)
    monkeypatch.delitem(sys.modules, "searcher.serving", raising=False)
    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if it were not installed
    result = run("serve", "--index", index)
    assert result.exit_code == 1
    assert result.stderr == "Error: vnsearch serve needs the server extra (fastapi is missing): pip install 'vnsearch[server]'\n"


def test_query_words_need_no_quotes_and_dashes_go_after_double_dash(index: str) -> None:
    unquoted = json.loads(run("search", "--index", index, "--json", "cong", "doan").stdout)
    assert (unquoted["query"], unquoted["total"]) == ("cong doan", 5)
    after_dashes = json.loads(run("search", "--index", index, "--json", "--", "-lang", "cong", "doan").stdout)
    assert (after_dashes["query"], after_dashes["total"]) == ("-lang cong doan", 3)


def test_limits_are_the_engines(index: str) -> None:
    result = run("search", "x", "--index", index, "--limit", "101")
    assert result.exit_code == 2
    assert "Invalid value for '--limit' / '-n': 101 is not in the range 1<=x<=100." in result.stderr
    deep = run("search", "x", "--index", index, "--page", "2000")
    assert deep.exit_code == 1
    assert deep.stderr == "Error: page must be from 1 to 1001 with 10 results a page (got 2000)\n"

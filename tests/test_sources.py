"""Text dumps with metadata headers, and dates as Vietnamese news writes them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchEngine
from searcher.cli import main
from searcher.models import Article
from searcher.sources import read_paths
from searcher.sources.dates import find_date, is_date_line, parse_date
from searcher.sources.text import parse_header

FIXTURES = Path(__file__).parent / "fixtures"


def articles(path: Path) -> dict[str, Article]:
    return {a.id: a for a in read_paths([path]) if isinstance(a, Article)}


# -- text files with a metadata header ---------------------------------------------------


def test_hash_header_gives_id_url_date_and_the_title_line_is_the_title() -> None:
    article = articles(FIXTURES / "headed")["4270001"]
    assert article.title == "Hà Nội mở rộng đường Vành đai 2 đoạn Vĩnh Tuy - Ngã Tư Sở"
    assert article.date == dt.date(2021, 4, 29)
    assert article.url == "https://vnexpress.net/ha-noi-mo-rong-duong-vanh-dai-4270001.html"
    assert article.source == "vnexpress.net"
    assert article.metadata == (("author", "Võ Hải"), ("crawl_batch", "2021-04"))
    assert article.text.startswith("Sáng 29/4, UBND thành phố Hà Nội khởi công")
    assert "# date" not in article.text


def test_html_entities_are_decoded_in_text_files() -> None:
    text = articles(FIXTURES / "headed")["4270001"].text
    assert "thông xe lúc 11h mỗi ngày" in text  # "lúc&nbsp11h", as scrapers leave it
    assert "nói: “Chúng tôi mong đường sớm xong”." in text  # &#8220; &#8221;
    assert "&" not in text


def test_a_line_that_is_only_a_date_is_never_the_title() -> None:
    article = articles(FIXTURES / "headed")["4270002"]
    assert article.title == "Gió mùa đông bắc tràn về, miền Bắc rét đậm"
    assert article.date == dt.date(2021, 4, 30)  # the header's, not the stray dateline's


def test_yaml_front_matter() -> None:
    article = articles(FIXTURES / "headed")["front_matter.txt"]
    assert (article.title, article.date, article.source, article.url) == (
        "Giá xăng giảm lần thứ ba liên tiếp", dt.date(2021, 1, 14), "baochinhphu.vn", None)
    assert article.metadata == (("category", "Kinh tế"), ("tags", "xăng dầu, giá cả"))
    assert article.text.startswith("Từ 15h chiều nay, giá xăng E5 RON 92 giảm 312 đồng")


def test_key_colon_value_header() -> None:
    article = articles(FIXTURES / "headed")["colon_header.txt"]
    assert (article.title, article.date, article.url, article.source) == (
        "Đội tuyển Việt Nam hội quân chuẩn bị vòng loại World Cup", dt.date(2021, 1, 18),
        "https://thethao.example.vn/doi-tuyen-hoi-quan.html", "thethao.example.vn")
    assert article.metadata == (("author", "Hoài Nam"),)


@pytest.mark.parametrize(
    "text, header, rest",
    [
        ("# doc_id = 12\n# date = 20210429\nBão số 3\nGió mạnh.", {"id": "12", "date": "20210429"}, "Bão số 3\nGió mạnh."),
        ("Tin, ảnh: Lý Lê\nNội dung", {}, "Tin, ảnh: Lý Lê\nNội dung"),  # a byline, not a header
        ("Hà Nội: mưa lớn gây ngập\nNội dung", {}, "Hà Nội: mưa lớn gây ngập\nNội dung"),
        ("Video: Cháy lớn\nNội dung", {}, "Video: Cháy lớn\nNội dung"),  # no known key
        ("Nguồn: VnExpress\nTác giả: Minh\n\nNội dung", {"source": "VnExpress", "author": "Minh"}, "\nNội dung"),
        ("---\ntitle: 'Tiêu đề'\n---\nNội dung", {"title": "Tiêu đề"}, "Nội dung"),
        ("---\nNội dung không có dòng kết thúc", {}, "---\nNội dung không có dòng kết thúc"),
    ],
)
def test_parse_header(text: str, header: dict[str, str], rest: str) -> None:
    assert parse_header(text) == (header, rest)


def test_headed_folder_indexes_and_search_json_shows_metadata(tmp_path: Path, segmenter) -> None:  # type: ignore[no-untyped-def]
    engine = SearchEngine(tmp_path / "ix", segmenter=segmenter)
    engine.add_paths([FIXTURES / "headed"])
    result = CliRunner().invoke(main, ["search", "vanh dai", "--json", "--index", str(tmp_path / "ix")],
                                catch_exceptions=False)
    hit = json.loads(result.stdout)["hits"][0]
    assert (hit["id"], hit["date"], hit["url"]) == (
        "4270001", "2021-04-29", "https://vnexpress.net/ha-noi-mo-rong-duong-vanh-dai-4270001.html")
    assert hit["metadata"] == {"author": "Võ Hải", "crawl_batch": "2021-04"}
    assert engine.document("4270001").as_json()["metadata"] == {"author": "Võ Hải", "crawl_batch": "2021-04"}


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date",
    [
        ("Thứ Hai, 14/01/2021 08:30 (GMT+7)", dt.date(2021, 1, 14)),
        ("9 Tháng 1 2015 lúc 15:08", dt.date(2015, 1, 9)),
        ("14 tháng 1, 2021", dt.date(2021, 1, 14)),
        ("14/01/21", dt.date(2021, 1, 14)),
        ("2004/09/15", dt.date(2004, 9, 15)),
        ("2021-01-14T00:05:00+07:00", dt.date(2021, 1, 14)),  # the day as written, not in UTC
        ("2021-01-13T23:30:00Z", dt.date(2021, 1, 13)),
        ("ngày 5 tháng 3 năm 2020", dt.date(2020, 3, 5)),
        ("Cập nhật thứ hai, ngày 24/12/12 11:05 tối", dt.date(2012, 12, 24)),
        ("Sáng 18/3", None),
        ("tỷ lệ 1/2/3", None),
        ("31/02/2021", None),
    ],
)
def test_vietnamese_dates(text: str, date: dt.date | None) -> None:
    assert find_date(text) == date


def test_compact_dates_only_as_a_whole_value() -> None:
    assert parse_date("20210114") == dt.date(2021, 1, 14)
    assert parse_date(20210114) == dt.date(2021, 1, 14)
    assert find_date("mã số 20210114") is None


@pytest.mark.parametrize(
    "line, only_a_date",
    [
        ("Thứ năm, 13/6/2013, 08:28 GMT+7", True),
        ("9 Tháng 1 2015 lúc 15:08", True),
        ("2021-01-14T08:30:00+07:00", True),
        ("14/01/2021 00:05 GMT+7", True),
        ("Khai mạc hội nghị ngày 14/01/2021", False),
        ("Gió mùa đông bắc tràn về", False),
    ],
)
def test_is_date_line(line: str, only_a_date: bool) -> None:
    assert is_date_line(line) is only_a_date

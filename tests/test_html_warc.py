"""HTML pages from several Vietnamese news sites, and web archives (WARC). Without the html
and warc extras the module is skipped, unless VNSEARCH_HTML_TESTS=required (as in CI), where
it fails instead."""

from __future__ import annotations

import builtins
import datetime as dt
import io
from pathlib import Path

import pytest

from conftest import import_needed
from searcher.models import Article, Skipped
from searcher.sources import read_paths

FIXTURES = Path(__file__).parent / "fixtures"


def articles(path: Path) -> dict[str, Article]:
    return {a.id: a for a in read_paths([path]) if isinstance(a, Article)}


# -- HTML pages ---------------------------------------------------------------------------

import_needed("trafilatura", "html")

HTML_PAGES = {
    # site: og:title with the site's name, article:published_time just after midnight (+07:00),
    # canonical URL; menus, a comment section, a "most read" sidebar and a licence footer.
    "tuoitre_style.html": (
        "Thủy điện xả lũ, hạ du sông Hương ngập sâu", dt.date(2021, 1, 14),
        "https://tuoitre.example.vn/thuy-dien-xa-lu-ha-du-song-huong-ngap-sau-20210114000500.htm",
        "Lực lượng công an và quân đội đã hỗ trợ sơ tán 350 hộ dân đến nơi an toàn.",
        ["Đăng ký nhận bản tin", "Xem nhiều nhất hôm nay", "Mong bà con vùng lũ bình an", "Đăng nhập",
         "Giấy phép số 411"],
    ),
    # JSON-LD NewsArticle with datePublished; "Title | Site" in <title>; related links.
    "thanhnien_style.html": (
        "Nông dân miền Tây trúng mùa lúa thu đông", dt.date(2020, 10, 20), None,
        "Năng suất bình quân đạt 6,5 tấn mỗi héc ta, cao hơn vụ trước gần một tấn.",
        ["Đọc báo in", "Hạn mặn có thể đến sớm", "Ghi rõ nguồn", "Tổng biên tập"],
    ),
    # A 2010 table layout: no date in the metadata; today's date in the site's header bar,
    # the article's dateline (weekday and all) above the headline.
    "old_portal.html": (
        "Khánh thành cầu Nhật Tân sau 5 năm xây dựng", dt.date(2010, 1, 14), None,
        "Dự án có tổng vốn đầu tư hơn 13.600 tỷ đồng, gồm phần cầu chính dài 1,5 km và hai đường dẫn,",
        ["Liên hệ quảng cáo", "Bạn đọc viết", "Hà Nội cấm xe tải", "Ghi rõ nguồn", "In bài này"],
    ),
}


# 2011–2012 layouts whose date is only in a text dateline (issue 18): (title, date, a body sentence).
OLD_LAYOUTS = {
    # "Thứ năm, 12/1/2012, 00:15 GMT+7" above the headline: a quarter past midnight in +07:00
    # is the 12th (in UTC it is still the 11th); "Thứ bảy, 14/1/2012" (today) in the header.
    "vnexpress_2012_dateline.html": ("Tàu cá ngư dân Quảng Ngãi gặp nạn gần Hoàng Sa", dt.date(2012, 1, 12),
                                     "Ngư dân cho biết họ sẽ sớm sửa chữa tàu để tiếp tục ra khơi bám biển trước dịp Tết."),
    # "Cập nhật lúc 23:50 ngày 11/11/2011" under the headline, no weekday; "Thứ Hai, 14/11/2011" in the header.
    "tuoitre_2011_capnhat.html": ("Hàng trăm hộ dân miền Trung được hỗ trợ dựng nhà chống lũ", dt.date(2011, 11, 11),
                                  "Mỗi hộ được hỗ trợ 10 triệu đồng cùng vật liệu xây dựng, phần còn lại do gia đình và bà con lối xóm góp công."),
    # "12/1/2012 8:30:00 AM" under the headline; "Thứ Bảy, 14/01/2012" in the header, older dates in "Tin mới".
    "thanhnien_2012_ampm.html": ("Sinh viên tình nguyện về quê ăn Tết sớm", dt.date(2012, 1, 12),
                                 "Ban tổ chức cho biết năm nay số vé tăng gấp đôi so với năm trước nhờ sự đóng góp của nhiều doanh nghiệp."),
    # "Cập nhật lúc 00:05, Thứ Năm, 08/03/2012 (GMT+7)"; the HTTP last-modified in GMT says the 7th.
    "vietnamnet_2012_gmt7.html": ("Phụ nữ Hà Nội nhận giải thưởng Kovalevskaia", dt.date(2012, 3, 8),
                                  "Giải thưởng được trao hằng năm cho các cá nhân và tập thể nữ có thành tích xuất sắc trong khoa học tự nhiên."),
    # "30/12/2011 - 23:58" beside the breadcrumbs, "Thứ Bảy, 31/12/2011" (today) in the header.
    "dantri_2011_style.html": ("Hà Nội thông xe cầu vượt nút giao Ngã Tư Sở", dt.date(2011, 12, 30),
                               "Người dân trong khu vực bày tỏ vui mừng vì tình trạng kẹt xe kéo dài nhiều năm sẽ được cải thiện đáng kể."),
}


@pytest.fixture(scope="module")
def pages() -> dict[str, Article]:
    return articles(FIXTURES / "html")


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_html_page_title_date_url(pages: dict[str, Article], name: str) -> None:
    title, date, url, _, _ = HTML_PAGES[name]
    assert (pages[name].title, pages[name].date, pages[name].url) == (title, date, url)


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_html_page_text_without_menus_comments_footers(pages: dict[str, Article], name: str) -> None:
    _, _, _, sentence, chrome = HTML_PAGES[name]
    assert sentence in pages[name].text
    for phrase in chrome:
        assert phrase not in pages[name].text
    assert not pages[name].text.startswith(pages[name].title)  # the headline is not repeated


@pytest.mark.parametrize("name", sorted(OLD_LAYOUTS))
def test_old_layouts_get_the_date_of_their_dateline(pages: dict[str, Article], name: str) -> None:
    title, date, sentence = OLD_LAYOUTS[name]
    assert (pages[name].title, pages[name].date) == (title, date)
    assert sentence in pages[name].text


def test_old_layouts_indexed_are_found_by_their_dates(tmp_path: Path) -> None:
    from searcher import SearchEngine
    from searcher.segment import DictionarySegmenter

    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter([]))
    engine.add_paths([FIXTURES / "html"])
    assert {name: engine.document(name).date for name in OLD_LAYOUTS} == {  # type: ignore[union-attr]
        name: date for name, (_, date, _) in OLD_LAYOUTS.items()}
    january = engine.search("sinh viên", since=dt.date(2012, 1, 12), until=dt.date(2012, 1, 12))
    assert [(h.title, h.date) for h in january.hits] == [("Sinh viên tình nguyện về quê ăn Tết sớm", dt.date(2012, 1, 12))]


def test_html_page_metadata_and_source(pages: dict[str, Article]) -> None:
    assert pages["tuoitre_style.html"].source == "tuoitre.example.vn"  # from the canonical URL
    assert pages["tuoitre_style.html"].metadata == (("author", "Nhật Linh"),)
    assert pages["old_portal.html"].source == "html"  # no URL: the folder
    assert pages["tuoitre_style.html"].text.startswith("TTO - Sau khi các hồ thủy điện")  # the lead
    assert "chỉ kịp mang theo giấy tờ và ít lương thực”" in pages["tuoitre_style.html"].text


def test_html_without_the_extra_is_skipped_with_the_extra_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "page.html").write_text("<html><body><p>Tin</p></body></html>")
    real_import = builtins.__import__

    def without_trafilatura(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("trafilatura"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_trafilatura)
    assert list(read_paths([tmp_path])) == [
        Skipped("page.html", "reading HTML pages needs the html extra: pip install 'vnsearch[html]'")]


def test_page_without_article_text(tmp_path: Path) -> None:
    (tmp_path / "empty.htm").write_text("<html><head><title>Trang chủ</title></head><body></body></html>")
    assert list(read_paths([tmp_path])) == [Skipped("empty.htm", "no article text found in the page")]


# -- web archives -------------------------------------------------------------------------

import_needed("warcio", "warc")


def _warc(path: Path, *, break_second_page: bool = False) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    records = io.BytesIO()
    writer = WARCWriter(records, gzip=True)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test crawler"}))

    def response(url: str, body: bytes, mime: str = "text/html; charset=utf-8", status: str = "200 OK") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", mime)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2021-01-15T03:20:00Z"}))
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.vn")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))

    response("https://tuoitre.example.vn/thuy-dien.htm", (FIXTURES / "html" / "tuoitre_style.html").read_bytes())
    second_at = records.tell()
    response("https://thanhnien.example.vn/lua-thu-dong.html", (FIXTURES / "html" / "thanhnien_style.html").read_bytes())
    response("https://tintuc.example.vn/cau-nhat-tan.html", (FIXTURES / "html" / "old_portal.html").read_bytes())
    response("https://tuoitre.example.vn/logo.png", b"\x89PNG\r\n\x1a\n", mime="image/png")
    response("https://tuoitre.example.vn/cu.htm", b"", status="301 Moved Permanently")
    data = bytearray(records.getvalue())
    if break_second_page:  # bytes of the second response's gzip member overwritten
        data[second_at + 40 : second_at + 80] = b"\x00" * 40
    path.write_bytes(bytes(data))
    return path


def test_warc_html_responses_become_articles_and_other_records_are_counted(tmp_path: Path) -> None:
    items = list(read_paths([_warc(tmp_path / "crawl.warc.gz")]))
    found = [i for i in items if isinstance(i, Article)]
    assert [(a.id, a.title, a.date, a.source) for a in found] == [
        ("https://tuoitre.example.vn/thuy-dien.htm", "Thủy điện xả lũ, hạ du sông Hương ngập sâu",
         dt.date(2021, 1, 14), "tuoitre.example.vn"),
        ("https://thanhnien.example.vn/lua-thu-dong.html", "Nông dân miền Tây trúng mùa lúa thu đông",
         dt.date(2020, 10, 20), "thanhnien.example.vn"),
        ("https://tintuc.example.vn/cau-nhat-tan.html", "Khánh thành cầu Nhật Tân sau 5 năm xây dựng",
         dt.date(2010, 1, 14), "tintuc.example.vn"),
    ]
    assert found[0].url == "https://tuoitre.example.vn/thuy-dien.htm"  # as archived
    assert ("captured", "2021-01-15T03:20:00Z") in found[1].metadata
    assert [i for i in items if not isinstance(i, Article)] == [
        Skipped("crawl.warc.gz", "8 records that are not HTML pages, not indexed: "
                                 "5 request, 1 image/png, 1 response 301, 1 warcinfo"),
    ]


def test_warc_page_without_a_stated_date_gets_the_capture_date(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = ("<html><head><title>Tin ngắn</title></head><body><article><h1>Mưa lớn ở Huế</h1>"
            + "<p>Mưa lớn kéo dài khiến nhiều tuyến phố ở thành phố Huế ngập sâu, giao thông tê liệt.</p>" * 3
            + "</article></body></html>")
    with (tmp_path / "one.warc").open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://hue.example.vn/mua", "response", payload=io.BytesIO(page.encode()), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2020-11-02T01:00:00Z"}))
    (article,) = read_paths([tmp_path / "one.warc"])
    assert (article.title, article.date) == ("Mưa lớn ở Huế", dt.date(2020, 11, 2))


def test_broken_warc_record_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    items = list(read_paths([_warc(tmp_path / "crawl.warc.gz", break_second_page=True)]))
    assert [a.id for a in items if isinstance(a, Article)] == [
        "https://tuoitre.example.vn/thuy-dien.htm", "https://tintuc.example.vn/cau-nhat-tan.html"]
    broken = [s for s in items if isinstance(s, Skipped) and "broken record" in s.reason]
    assert len(broken) == 1
    assert broken[0].item.startswith("crawl.warc.gz, record at byte ")
    assert broken[0].reason.endswith(": skipped")


def test_warc_without_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _warc(tmp_path / "crawl.warc.gz")
    real_import = builtins.__import__

    def without_warcio(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("warcio"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_warcio)
    assert list(read_paths([tmp_path])) == [
        Skipped("crawl.warc.gz", "reading web archives needs the warc extra: pip install 'vnsearch[warc]'")]


def test_warc_pages_take_their_own_date_before_the_capture_date(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with (tmp_path / "old.warc.gz").open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name in sorted(OLD_LAYOUTS):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"http://tintuc.example.vn/{name}", "response", payload=io.BytesIO((FIXTURES / "html" / name).read_bytes()),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2015-06-01T10:00:00Z"}))
    found = {a.id.rsplit("/", 1)[1]: a for a in read_paths([tmp_path / "old.warc.gz"]) if isinstance(a, Article)}
    assert {name: (a.title, a.date) for name, a in found.items()} == {
        name: (title, date) for name, (title, date, _) in OLD_LAYOUTS.items()}
    assert all(("captured", "2015-06-01T10:00:00Z") in a.metadata for a in found.values())

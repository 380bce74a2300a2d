import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from conftest import SEEDS
from searcher.errors import SourceError
from searcher.models import Article, Skipped
from searcher.sources import read_paths
from searcher.sources.dates import find_date
from searcher.sources.text import parse_page

SEED_TITLES = {
    # No title line: the lead's first sentence, without "LCĐT - Sáng 18/3, ", cut at a comma.
    "000_c2e67805cb762b83.txt": (
        "Liên đoàn lao động (LĐLĐ) tỉnh tổ chức hội nghị tổng kết phong trào thi đua trong cán bộ "
        "công đoàn chuyên trách năm 2021 và sơ kết hoạt động công đoàn quý I",
        None,  # "Sáng 18/3" has no year
    ),
    "001_37a8b72512109e4f.txt": (
        "Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm",
        None,  # "Sáng 23/6"; the licence footer's "cấp ngày 16/2/2017" is not the article's date
    ),
    "002_a25af5b666581c5b.txt": (
        "Công đoàn Viên chức tỉnh Lâm Đồng tổ chức Hội nghị tổng kết phong trào cán bộ, công chức, "
        "viên chức, lao động và hoạt động công đoàn năm 2023",
        None,
    ),
    "003_235005d3aa13c8c5.txt": (  # not the section name "Đời sống"
        "Cụm thi đua các LĐLĐ tỉnh khu vực Trung du và miền núi phía Đông Bắc ký kết giao ước thi đua",
        dt.date(2024, 12, 22),  # "PV 22/12/2024 - 06:25"
    ),
    "004_dd78adaa512fb10c.txt": (  # not "Skip to main content", not the banner slogan
        "Hội nghị tổng kết công tác công đoàn năm 2020,triển khai nhiệm vụ năm 2021",
        dt.date(2021, 1, 14),  # "Ngày 14/01/2021, ..."
    ),
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in read_paths([SEEDS]) if isinstance(a, Article)}


@pytest.mark.parametrize("name", sorted(SEED_TITLES))
def test_seed_title_and_date(seeds: dict[str, Article], name: str) -> None:
    title, date = SEED_TITLES[name]
    assert (seeds[name].title, seeds[name].date) == (title, date)


@pytest.mark.parametrize(
    "name, chrome",
    [
        ("001_37a8b72512109e4f.txt", ["Bình luận", "Giấy phép xuất bản", "Tổng Biên tập", "Điện thoại", "Nha khoa Daisy"]),
        ("002_a25af5b666581c5b.txt", ["Thông tin bạn đọc", "Lưu thông tin"]),
        ("003_235005d3aa13c8c5.txt", ["Đời sống", "ldld.jpg", "Bình luận", "Nổi bật", "Đừng bỏ lỡ", "PV 22/12/2024"]),
        ("004_dd78adaa512fb10c.txt", ["Skip to main content", "Quyết tâm thực hiện thắng lợi", "Xuất PDF",
                                      "+A", "unnamed_0.jpg", "giấy khen.JPG"]),
    ],
)
def test_site_chrome_is_not_indexed(seeds: dict[str, Article], name: str, chrome: list[str]) -> None:
    for text in chrome:
        assert text not in seeds[name].text


@pytest.mark.parametrize(
    "line, chrome",
    [
        ("Chia sẻ Facebook Zalo | In bài", True),
        ("CHIA SẺ  •  E-mail  •  Về đầu trang", True),
        ("-A A +A", True),
        ("Theo dõi", True),
        ("Chia sẻ ảnh", False),  # a word no chrome phrase has
        ("Người dân chia sẻ trên Facebook rằng giá vàng tăng.", False),
        ("Bình luận 2024", False),
    ],
)
def test_a_line_is_chrome_when_it_is_chrome_phrases_alone(line: str, chrome: bool) -> None:
    from searcher.sources.text import drop_chrome

    assert drop_chrome(f"Đoạn đầu.\n{line}\nĐoạn cuối.") == ("Đoạn đầu.\nĐoạn cuối." if chrome else f"Đoạn đầu.\n{line}\nĐoạn cuối.")


def test_article_text_and_bylines_are_kept(seeds: dict[str, Article]) -> None:
    assert seeds["001_37a8b72512109e4f.txt"].text.endswith("tại 9 CĐCS…\nHải Yến")
    assert seeds["004_dd78adaa512fb10c.txt"].text.startswith("Ngày 14/01/2021, Liên đoàn Lao động huyện")
    assert "Tin, ảnh: Lý Lê" in seeds["004_dd78adaa512fb10c.txt"].text
    # The caption "| " markers are gone, the caption is kept.
    assert "Quang cảnh hội nghị.\n" in seeds["000_c2e67805cb762b83.txt"].text


def test_text_file_ids_are_paths_relative_to_the_folder_given(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "bai.txt").write_text("Tiêu đề bài báo thử nghiệm\n" + "Nội dung bài viết. " * 20)
    assert [a.id for a in read_paths([tmp_path])] == ["a/b/bai.txt"]
    assert [a.id for a in read_paths([tmp_path / "a"])] == ["b/bai.txt"]
    assert [a.id for a in read_paths([tmp_path / "a" / "b" / "bai.txt"])] == ["bai.txt"]
    assert [a.source for a in read_paths([tmp_path / "a"])] == ["b"]


def test_jsonl_records(tmp_path: Path) -> None:
    lines = [
        {"id": "x1", "title": "Một", "text": "Nội dung một", "date": "2021-01-14", "url": "https://www.baomoi.com/a.epi"},
        {"title": "Hai", "body": "Nội dung hai", "published": "2021-02-03T06:25:00+07:00", "source": "vnexpress"},
        "not an object",
        {"id": "x4", "title": "Không có nội dung"},
    ]
    raw = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{broken\n"
    (tmp_path / "news.jsonl").write_text(raw, encoding="utf-8")
    items = list(read_paths([tmp_path / "news.jsonl"]))
    assert items[0] == Article(id="x1", title="Một", text="Nội dung một", date=dt.date(2021, 1, 14),
                               url="https://www.baomoi.com/a.epi", source="baomoi.com",
                               file=str((tmp_path / "news.jsonl").resolve()))
    assert (items[1].id, items[1].text, items[1].date, items[1].source) == (
        "news.jsonl:2", "Nội dung hai", dt.date(2021, 2, 3), "vnexpress")
    assert items[2:] == [
        Skipped("news.jsonl:3", "not a JSON object (str)"),
        Skipped("news.jsonl:4", "no text (expected a 'text', 'body' or 'content' string)"),
        Skipped("news.jsonl:5", "not valid JSON (Expecting property name enclosed in double quotes at column 2)"),
    ]


def test_jsonl_gz_and_json_files(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": 7, "title": "Bảy", "content": "Nội dung"}) + "\n")
    (tmp_path / "b.json").write_text(json.dumps([{"id": "b1", "text": "Một"}, {"text": "Hai"}]), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"id": "c1", "text": "Ba"}), encoding="utf-8")
    assert [(a.id, a.title) for a in read_paths([tmp_path])] == [
        ("7", "Bảy"), ("b1", "Một"), ("b.json:2", "Hai"), ("c1", "Ba")]


def test_unsupported_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / ".hidden.txt").write_text("ignored")
    assert list(read_paths([tmp_path])) == [Skipped("photo.jpg", "not a supported file type (.jpg)")]


def test_missing_path_is_an_error() -> None:
    with pytest.raises(SourceError, match="^no such file or directory: nowhere$"):
        read_paths(["nowhere"])


@pytest.mark.parametrize(
    "text, date",
    [
        ("PV 22/12/2024 - 06:25", dt.date(2024, 12, 22)),
        ("Thứ hai, 14/01/2021 08:00 (GMT+7)", dt.date(2021, 1, 14)),
        ("Cập nhật 2021-01-14", dt.date(2021, 1, 14)),
        ("ngày 5 tháng 3 năm 2020", dt.date(2020, 3, 5)),
        ("Sáng 18/3", None),
        ("31/02/2021", None),
        # datelines of 2011–2012 layouts, and times near midnight in +07:00: the day as written
        ("Cập nhật lúc 08:30 ngày 12/01/2012", dt.date(2012, 1, 12)),
        ("12/1/2012 8:30:00 AM", dt.date(2012, 1, 12)),
        ("Thứ Năm, 12/01/2012, 00:15 GMT+7", dt.date(2012, 1, 12)),
        ("2012-01-12T00:15:00+07:00", dt.date(2012, 1, 12)),
        ("2011-12-30T23:58:00+07:00", dt.date(2011, 12, 30)),
        ("Thu, 12 Jan 2012 00:15:00 +0700", dt.date(2012, 1, 12)),
        ("Thu Jan 12 2012 00:15:00 GMT+0700 (SE Asia Standard Time)", dt.date(2012, 1, 12)),
        ("January 12, 2012", dt.date(2012, 1, 12)),
    ],
)
def test_find_date(text: str, date: dt.date | None) -> None:
    assert find_date(text) == date


def test_page_with_only_a_title_and_short_lines() -> None:
    page = parse_page("Skip to main content\nBão số 3 đổ bộ vào Quảng Ninh\nGió giật mạnh.")
    assert (page.title, page.text) == ("Bão số 3 đổ bộ vào Quảng Ninh", "Gió giật mạnh.")


# -- titles cut from a lead (issue 18) ---------------------------------------------------------

LEADS = {
    # a full stop after a title is no sentence end
    "gs.txt": ("Trao đổi với phóng viên về sự việc, GS. TS Võ Tòng Xuân cho biết giống lúa chịu mặn đã được trồng "
               "thử ở ba tỉnh đồng bằng sông Cửu Long. Kết quả sẽ được công bố vào cuối năm.",
               "Trao đổi với phóng viên về sự việc, GS. TS Võ Tòng Xuân cho biết giống lúa chịu mặn đã được trồng "
               "thử ở ba tỉnh đồng bằng sông Cửu Long"),
    # initials, a city, a ward and a doctor's titles
    "initials.txt": ("Dân trí - Ngày 12/1, ông N.V.A. ở P. Bến Nghé, TP. Hồ Chí Minh được ThS. BS Lê Văn Minh cấp cứu kịp "
                     "thời sau tai nạn. Hiện sức khỏe ông đã ổn định, gia đình cảm ơn đội ngũ y bác sĩ.",
                     "Ông N.V.A. ở P. Bến Nghé, TP. Hồ Chí Minh được ThS. BS Lê Văn Minh cấp cứu kịp thời sau tai nạn"),
    # the subject before " - " is kept; an agency before it is not
    "titanic.txt": ("Titanic - Bộ phim kinh điển của đạo diễn James Cameron sẽ trở lại các rạp chiếu trên cả nước "
                    "vào tháng tới. Vé xem suất đầu đã được bán hết.",
                    "Titanic - Bộ phim kinh điển của đạo diễn James Cameron sẽ trở lại các rạp chiếu trên cả nước "
                    "vào tháng tới"),
    "agency.txt": ("VOV.VN - Chiều 5/3, Bộ Y tế cho biết đã phân bổ thêm vắc xin cho các tỉnh phía Nam trong đợt "
                   "tiêm chủng mới. Đợt tiêm sẽ kéo dài hai tuần.",
                   "Bộ Y tế cho biết đã phân bổ thêm vắc xin cho các tỉnh phía Nam trong đợt tiêm chủng mới"),
}


def test_titles_from_a_lead_respect_abbreviations_and_keep_the_subject(tmp_path: Path) -> None:
    from searcher import SearchEngine
    from searcher.segment import DictionarySegmenter

    (tmp_path / "news").mkdir()
    for name, (lead, _) in LEADS.items():
        (tmp_path / "news" / name).write_text(lead + "\nĐoạn thứ hai của bài viết.\n", encoding="utf-8")
    engine = SearchEngine(tmp_path / "index", segmenter=DictionarySegmenter([]))
    engine.add_paths([tmp_path / "news"])
    assert {name: engine.document(name).title for name in LEADS} == {  # type: ignore[union-attr]
        name: title for name, (_, title) in LEADS.items()}
    assert [h.title for h in engine.search("titanic").hits] == [LEADS["titanic.txt"][1]]


def test_a_record_without_a_title_gets_the_same_cut(tmp_path: Path) -> None:
    lead = LEADS["gs.txt"][0]
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": lead}, ensure_ascii=False) + "\n", encoding="utf-8")
    (article,) = read_paths([tmp_path / "feed.jsonl"])
    assert article.title == LEADS["gs.txt"][1]

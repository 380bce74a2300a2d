"""The scale benchmark's synthetic archives (bench/scale.py): labelled synthetic, made only of
real titles, sentences, dates and credits, and the same on every run."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from scale import GENERATOR, archive, pools, sentences, synthetic  # noqa: E402

REAL = [
    {"id": "1", "title": "Giá xăng tăng mạnh từ chiều nay",
     "text": "Từ 15h chiều 5/6/2017, giá xăng tăng 500 đồng mỗi lít.\nLiên Bộ Công Thương - Tài chính vừa điều chỉnh giá. "
             "Xăng RON 95 có giá mới. Dầu diesel giữ nguyên. Theo Dân trí"},
    {"id": "2", "title": "Đội tuyển Việt Nam thắng 3-0",
     "text": "Đội tuyển Việt Nam thắng đậm trên sân Mỹ Đình.\nHLV Hữu Thắng hài lòng. Công Phượng ghi hai bàn! "
             "Khán giả đến sân rất đông. Theo VnExpress"},
    {"id": "3", "title": "Hà Nội mưa lớn, nhiều tuyến phố ngập",
     "text": "Cơn mưa lớn chiều qua khiến nhiều tuyến phố Hà Nội ngập sâu."},
    {"id": "4", "title": "Điểm chuẩn đại học năm 2017",
     "text": "Các trường công bố điểm chuẩn ngày 30/7/2017.\nĐiểm chuẩn ngành Y cao nhất. Nhiều ngành lấy 15 điểm. "
             "Thí sinh tra cứu trên mạng."},
]
REAL_SENTENCES = {s for r in REAL for line in r["text"].split("\n") for s in sentences(line)}


def made_of(line: str, parts: set[str]) -> bool:
    """Whether ``line`` is some of ``parts`` joined by spaces."""
    while line:
        part = max((p for p in parts if line == p or line.startswith(p + " ")), key=len, default=None)
        if part is None:
            return False
        line = line[len(part) + 1 :]
    return True


def test_articles_are_labelled_synthetic_and_made_of_real_parts():
    made = pools(REAL)
    articles = [synthetic(made, n) for n in range(1, 10)]
    assert [a["id"] for a in articles] == [f"syn-{n:06d}" for n in range(1, 10)]
    assert sorted(a["title"] for a in articles[:4]) == sorted(r["title"] for r in REAL)  # each real title once a round
    by_title = {r["title"]: r for r in REAL}
    for article in articles:
        real = by_title[article["title"]]
        assert article["text"].count("\n") == real["text"].count("\n")  # the real article's lead and body
        assert all(made_of(line, REAL_SENTENCES) for line in article["text"].split("\n")), article["text"]
        # the real article's own date and credit, else one of those the corpus mentions
        assert article["date"] == {"1": "2017-06-05", "4": "2017-07-30"}.get(real["id"], article["date"])
        assert article["date"] in {"2017-06-05", "2017-07-30"}
        assert article["source"] == {"1": "Dân trí", "2": "VnExpress"}.get(real["id"], article["source"])
        assert article["source"] in {"Dân trí", "VnExpress"}


def test_the_same_articles_on_every_run(tmp_path):
    # A change to what the generator writes must bump GENERATOR: cached archives are named after it.
    small, counts = archive(tmp_path, 3, lambda: pools(REAL))
    large, _ = archive(tmp_path, 8, lambda: pools(REAL))
    with gzip.open(small, "rt", encoding="utf-8") as lines:
        first = [json.loads(line) for line in lines]
    with gzip.open(large, "rt", encoding="utf-8") as lines:
        every = [json.loads(line) for line in lines]
    assert first == every[:3] == [synthetic(pools(REAL), n) for n in (1, 2, 3)]  # a smaller archive starts a larger one
    assert counts == {"articles": 3, "characters": sum(len(a["title"]) + len(a["text"]) for a in first)}
    digest = hashlib.sha256(json.dumps(every, ensure_ascii=False).encode()).hexdigest()
    assert (GENERATOR, digest[:16]) == (1, "8caf069c9d105620")

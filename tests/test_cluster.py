"""The cluster backend against real searchd nodes (two, started here on free loopback ports):
the same answers as the embedded engine, ingest, faults, and hostile queries.

Without Sphinx these tests are skipped (VNSEARCH_CLUSTER=required, as CI sets, makes that an error).
"""

from __future__ import annotations

import datetime as dt
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from cluster_nodes import need_searchd, running_cluster, start, stop

from searcher import SearchEngine, SearchRequest
from searcher.cli import main
from searcher.cluster import ClusterEngine
from searcher.cluster.config import CONFIG_FILE, ClusterConfig, shard_of, write_cluster
from searcher.errors import SearcherError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Every query feature of the embedded engine, on the seeds (README: Query syntax, Type it any way).
FEATURES = [
    ("cong doan", {}),  # without diacritics: readings
    ("công đoàn", {}),  # with them
    ('"công đoàn cơ sở"', {}),  # phrase
    ('"hoi nghi tong ket" cong doan', {}),  # phrase typed without diacritics
    ('"công đoàn cá voi"', {}),  # a phrase no article has: its words
    ('"công đoàn tổng kết hội nghị"', {}),  # a phrase no article has, whose words one has
    ("thi dua -lang", {}),  # exclusion of every spelling
    ("công đoàn -lạng", {}),  # exclusion of one spelling
    ('hội nghị -"lạng sơn"', {}),  # excluded phrase
    ("-cong", {}),  # only an exclusion
    ("covid OR dịch", {}),  # OR
    ('title:"công đoàn"', {}),  # title only
    ("title:lao", {}),
    ("coong ddoanf", {}),  # Telex keystrokes
    ("co6ng d9oa2n", {}),  # VNI
    ("coong ddoanf", {"as_typed": True}),
    ("ldld", {}),  # abbreviation
    ("UBND tinh", {}),
    ("cong doanf", {}),  # typo
    ("t hi đua", {}),  # a word split apart
    ("congdoan", {}),  # words run together
    ("Lạng Sơn", {}),
    ("Hội nghị tổng kết công tác công đoàn năm 2020, triển khai nhiệm vụ năm 2021", {}),  # a pasted title: a long query
    ("cong doan la gi va to chuc nhu the nao o co so", {}),  # a long question without diacritics
    ("cong doan", {"year": 2021}),
    ("cong doan", {"source": "seeds"}),
    ("cong doan", {"source": "elsewhere"}),
    ("hoi nghi", {"since": dt.date(2021, 1, 1), "until": dt.date(2021, 12, 31)}),
    ("cong doan", {"sort": "date"}),
    ("cong doan", {"collapse": False}),
    ("cong doan", {"limit": 2, "offset": 2}),
    ("xyzzy qwerty", {}),  # nothing
    ("2021", {}),  # a number
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterConfig]:
    with running_cluster(tmp_path_factory.mktemp("cluster"), 2) as config:
        yield config


@pytest.fixture(scope="module")
def seeds_cluster(cluster: ClusterConfig) -> ClusterEngine:
    engine = ClusterEngine(cluster.path)
    report = engine.add_paths([SEEDS])
    assert (report.added, report.skipped) == (5, ())
    return engine


def _summary(results):  # type: ignore[no-untyped-def]
    return {
        "hits": [(h.id, h.score, h.similar, str(h.snippet)) for h in results.hits], "total": results.total,
        "partial": results.partial, "suggestion": results.suggestion, "showing": results.showing, "facets": results.facets,
        "relaxed": results.relaxed,
    }


@pytest.mark.parametrize(("query", "options"), FEATURES, ids=[f"{q} {o}" for q, o in FEATURES])
def test_every_query_feature_answers_as_the_embedded_engine(
    seeds_cluster: ClusterEngine, seeds_engine: SearchEngine, query: str, options: dict
) -> None:
    request = SearchRequest(query, suggest=True, **options)
    seeds_cluster.refresh()  # (other tests write to the same cluster: see their changes at once, not within half a second)
    assert _summary(seeds_cluster.search(request)) == _summary(seeds_engine.search(request))


def test_a_phrase_no_article_has_is_searched_as_its_words_and_said_so(seeds_cluster: ClusterEngine) -> None:
    assert seeds_cluster.search('"công đoàn tổng kết hội nghị"').relaxed == ("công đoàn tổng kết hội nghị",)
    assert seeds_cluster.search('"công đoàn viên chức tỉnh"').relaxed == ()


def test_config_writes_each_nodes_searchd_conf(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["cluster", "config", str(tmp_path / "c"), "--nodes", "3", "--port", "9400"], catch_exceptions=False)
    assert result.exit_code == 0
    assert f"searchd --config {tmp_path / 'c' / 'node2' / 'searchd.conf'}" in result.output
    conf = (tmp_path / "c" / "node2" / "searchd.conf").read_text()
    assert "listen = 127.0.0.1:9402:mysql41" in conf and "listen = 127.0.0.1:9403\n" in conf
    assert "local = vnsearch_v3_node2" in conf
    assert "agent = 127.0.0.1:9401:vnsearch_v3_node1" in conf and "agent = 127.0.0.1:9405:vnsearch_v3_node3" in conf
    assert "U+1EA0..U+1EF9" in conf and ", _," in conf  # every Vietnamese letter, and joined words
    assert "binlog_flush = 1" in conf
    assert json.loads((tmp_path / "c" / CONFIG_FILE).read_text())["nodes"][2]["port"] == 9404


def test_the_shards_keep_vietnamese_letters_and_joined_words_as_terms(seeds_cluster: ClusterEngine, cluster: ClusterConfig) -> None:
    node = cluster.nodes[0]
    rows = seeds_cluster._connections[node.name].one(f"CALL KEYWORDS('công_đoàn đoàn ư ạ', '{node.shard}')")
    assert [row[1] for row in rows] == ["công_đoàn", "đoàn", "ư", "ạ"]


def test_articles_go_to_the_shard_their_id_hashes_to(seeds_cluster: ClusterEngine, cluster: ClusterConfig) -> None:
    per_node = {n.name: n.documents for n in seeds_cluster.info().nodes}
    expected = {n.name: 0 for n in cluster.nodes}
    for path in SEEDS.glob("*.txt"):
        expected[cluster.nodes[shard_of(path.name, 2)].name] += 1
    assert per_node == expected and sum(expected.values()) == 5


def test_documents_are_served_from_the_cluster(seeds_cluster: ClusterEngine, seeds_engine: SearchEngine) -> None:
    doc_id = "004_dd78adaa512fb10c.txt"
    assert seeds_cluster.document(doc_id) == seeds_engine.document(doc_id)
    assert seeds_cluster.document("no-such-id") is None


def test_reindexing_replaces_deleting_removes_and_reports_per_article(tmp_path: Path, cluster: ClusterConfig) -> None:
    engine = ClusterEngine(cluster.path)
    records = [{"id": "k1", "title": "Cá voi xanh", "text": "Cá voi xanh bơi ngoài khơi Quảng Ngãi."},
               {"id": "k2", "title": "Chim cánh cụt", "text": "Chim cánh cụt ở Nam Cực."}, {"id": "k3", "title": "no text"}]
    report = engine.add_documents(records)
    assert (report.added, report.updated, [str(s) for s in report.skipped]) == (2, 0, ["k3: no text (expected a 'text', 'body' or 'content' string)"])
    assert engine.add_documents(records[:2]).unchanged == 2
    report = engine.add_documents([{"id": "k1", "title": "Cá heo hồng", "text": "Cá heo hồng ở sông Amazon."}])
    assert (report.added, report.updated) == (0, 1)
    assert [h.id for h in engine.search("ca heo").hits] == ["k1"]
    assert "k1" not in [h.id for h in engine.search("ca voi xanh ngoai khoi").hits]  # the old version is gone, from the shards and the vocabulary
    assert engine.vocabulary.doc_frequency("body", "voi") == 0 and engine.vocabulary.doc_frequency("body", "heo") == 1
    assert engine.delete("k2") and not engine.delete("k2")
    assert "k2" not in [h.id for h in engine.search("chim canh cut nam cuc").hits] and engine.document("k2") is None
    assert engine.delete("k1")


def test_an_ingest_of_many_batches_through_worker_processes_reports_and_counts_each_article(tmp_path: Path) -> None:
    places = ["Quảng Ngãi", "Đà Nẵng", "Huế", "Cần Thơ", "Hà Giang"]
    records = [{"id": f"many-{i}", "title": f"Bản tin số {i} ở {places[i % 5]}", "text": f"Mưa lớn ở {places[i % 5]}, bản tin số {i}."}
               for i in range(600)]
    with running_cluster(tmp_path / "cluster", 2) as config:
        engine = ClusterEngine(config.path, workers=2)
        report = engine.add_documents(records[:300] + [{"id": "many-no-text", "title": "no text"}] + records[300:])
        assert (report.added, report.updated, report.unchanged, [s.item for s in report.skipped]) == (600, 0, 0, ["many-no-text"])
        changed = [{**r, "text": f"Nắng nóng ở {places[i % 5]}."} if i % 100 == 7 else r for i, r in enumerate(records)]
        report = engine.add_documents(changed)
        assert (report.added, report.updated, report.unchanged) == (0, 6, 594)
        assert engine.vocabulary.doc_frequency("body", "nắng") == 6 and engine.vocabulary.doc_frequency("body", "mưa") == 594
        assert {h.id for h in engine.search("nang nong", limit=10).hits} == {f"many-{i}" for i in range(7, 600, 100)}
        assert engine.info().documents == 600


HOSTILE = [
    "công đoàn'; DROP TABLE vnsearch_v1; --", "công') OR 1=1 -- ", '"công đoàn', "@title công | đoàn", "(công) (đoàn))",
    "công\\ đoàn \\", "MATCH('x') công", "công NEAR/3 đoàn", "\"công đoàn\"~3", "^công đoàn$", "công =đoàn", "công << đoàn",
    "@@relaxed @* công", "!công -đoàn", "công đoàn /2", "' OR ''='", "\\'; SHOW TABLES; --", "công\x00đoàn", "zz0ba537399a5e01c1",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_pasted_syntax_and_injection_attempts_are_searched_as_words(
    seeds_cluster: ClusterEngine, seeds_engine: SearchEngine, query: str
) -> None:
    request = SearchRequest(query, suggest=True)
    seeds_cluster.refresh()
    # The same articles in the same order (scores may differ where a phrase is required: see the README)
    assert [h.id for h in seeds_cluster.search(request).hits] == [h.id for h in seeds_engine.search(request).hits]
    assert seeds_cluster.info().documents == 5  # nothing was dropped or changed


@pytest.mark.parametrize("source", ["seeds' OR '1'='1", "x'); DELETE FROM vnsearch_v1_node1 WHERE id>0; --", "\\", "seeds\\'"])
def test_filter_values_cannot_break_out_of_their_string(seeds_cluster: ClusterEngine, source: str) -> None:
    assert seeds_cluster.search("cong doan", source=source).total == 0
    assert seeds_cluster.info().documents == 5


def test_cli_searches_the_cluster_and_prints_its_nodes(seeds_cluster: ClusterEngine, cluster: ClusterConfig) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["search", "--cluster", str(cluster.folder), "cong doan", "--json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert (data["total"], data["hits"][0]["id"], data["partial"], data["unavailable"]) == (5, "001_37a8b72512109e4f.txt", False, [])
    result = runner.invoke(main, ["info", "--cluster", str(cluster.folder)], catch_exceptions=False)
    assert f"node:       node1 {cluster.nodes[0].address} up" in result.output
    assert "documents:  5" in result.output


def test_a_shard_down_gives_the_others_results_marked_partial(seeds_cluster: ClusterEngine, cluster: ClusterConfig) -> None:
    down = cluster.nodes[1]
    left = {p.name for p in SEEDS.glob("*.txt") if shard_of(p.name, 2) == 0}
    stop(cluster, down)
    try:
        results = ClusterEngine(cluster.path).search("cong doan")
        assert results.partial and results.unavailable == (f"node2 ({down.address})",)
        assert {h.id for h in results.hits} == left
        result = CliRunner().invoke(main, ["search", "--cluster", str(cluster.folder), "cong doan"])
        assert result.exit_code == 0
        assert f"Warning: node2 ({down.address}) did not answer: these results are from the other shards only." in result.stderr
        info = CliRunner().invoke(main, ["info", "--cluster", str(cluster.folder)])
        assert f"node:       node2 {down.address} down: connection refused" in info.output
    finally:
        start(cluster, down)
    assert seeds_cluster.search("cong doan").total == 5


def test_a_node_killed_loses_nothing_acknowledged(cluster: ClusterConfig) -> None:
    engine = ClusterEngine(cluster.path)
    records = [{"id": f"kill-{i}", "title": f"Bài {i} về thủy điện", "text": "Thủy điện xả lũ sau mưa lớn."} for i in range(20)]
    assert engine.add_documents(records).added == 20
    for node in cluster.nodes:
        stop(cluster, node, signal.SIGKILL)
        start(cluster, node)
    engine = ClusterEngine(cluster.path)
    hits = engine.search("thuy dien xa lu", limit=50, collapse=False).hits
    assert sorted(h.id for h in hits if h.id.startswith("kill-")) == sorted(r["id"] for r in records)
    for record in records:
        engine.delete(record["id"])


def test_a_wrong_address_is_one_line_naming_the_node(tmp_path: Path) -> None:
    need_searchd()
    config = write_cluster(tmp_path / "c", 2, ports=[(1, 2), (3, 4)])
    result = CliRunner().invoke(main, ["search", "--cluster", str(config.folder), "cong doan"])
    assert result.exit_code == 1
    assert result.output == ("Error: no node of the cluster answered: node1 (127.0.0.1:1); node2 (127.0.0.1:3) "
                             f"(see `vnsearch info --cluster {config.folder}`)\n")


def test_a_node_of_another_configuration_is_refused_naming_it(tmp_path: Path, cluster: ClusterConfig) -> None:
    other = write_cluster(tmp_path / "other", 1, ports=[(cluster.nodes[1].port, cluster.nodes[1].agent_port)])
    with pytest.raises(SearcherError, match=rf"^node1 \({cluster.nodes[1].host}:{cluster.nodes[1].port}\) has no index vnsearch_v3_node1 "):
        ClusterEngine(other.path).search("cong doan")

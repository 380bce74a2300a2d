"""A cluster's layout: its nodes, and the ``searchd`` configuration each one runs.

    vnsearch cluster config ./cluster --nodes 2

writes ``./cluster/vnsearch-cluster.json`` (what vnsearch reads: the nodes' addresses) and
one folder per node with its ``searchd.conf`` and data directory. Each node holds one shard
(two real-time indexes: the searched one, and a store read by id) and distributed indexes
over its own and the others' (as agents), so any node can answer a search for the whole cluster::

    searchd --config ./cluster/node1/searchd.conf
    searchd --config ./cluster/node2/searchd.conf

Documents go to the shard their id hashes to (:func:`shard_of`), written through that
node's SphinxQL port; searches go to the first node that answers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..duplicates import group_key
from ..errors import SearcherError

__all__ = ["CONFIG_FILE", "INDEX", "STORE", "ClusterConfig", "Node", "document_key", "shard_of", "write_cluster"]

CONFIG_FILE = "vnsearch-cluster.json"
LAYOUT_VERSION = 3  # bump when the shards' fields or attributes change: a node of another layout is refused
INDEX = f"vnsearch_v{LAYOUT_VERSION}"  # the distributed index every node has
VOCABULARY_FILE = "vocabulary.sqlite"  # beside the configuration: the words and their counts (see vocabulary.py)

# Every letter of Vietnamese (Latin-1, Latin Extended-A and B with ơ/ư, Latin Extended Additional:
# ạ … ỹ), digits and "_" (pyvi's words are syllables joined by "_"). Text arrives normalized and
# lowercased by vnsearch's analyzer, so nothing is mapped; × and ÷ are left out.
CHARSET_TABLE = "0..9, a..z, _, U+00E0..U+00F6, U+00F8..U+00FF, U+0100..U+01B4, U+1EA0..U+1EF9"

# Each node has two real-time indexes. The shard is searched: the analyzed fields and small
# attributes. Its store holds what is read for a few hundred articles at most (the positions of
# candidates, the texts of hits), by id: Sphinx copies the long strings of every match it keeps,
# which made keeping 300 matches of the shard cost 2-3 times more when they lived in it.
FIELDS = ("title", "body", "title_folded", "body_folded", "words")
STRINGS = ("doc_id", "source", "fingerprint")
UINTS = ("published", "year", "headline", "title_length", "body_length")
BIGINTS = ("grp",)
STORE_FIELDS = ("none",)  # a real-time index needs a field: always empty
STORE_STRINGS = ("doc_id", "title_text", "body_text", "url", "file", "source", "metadata")
STORE_JSONS = ("title_positions", "body_positions")
STORE_UINTS = ("published", "headline", "title_length", "body_length")
SHARD_COLUMNS = ("id", *FIELDS, *STRINGS, *UINTS, *BIGINTS)
STORE_COLUMNS = ("id", *STORE_STRINGS, *STORE_JSONS, *STORE_UINTS)
STORE = f"{INDEX}_store"  # the distributed index of every node's store


@dataclass(frozen=True)
class Node:
    """One ``searchd``: its name, where its SphinxQL and agent ports listen, its folder."""

    name: str
    host: str
    port: int  # SphinxQL (MySQL protocol)
    agent_port: int  # Sphinx's own protocol, which distributed indexes use between nodes
    folder: str  # relative to the configuration file

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def shard(self) -> str:
        return f"{INDEX}_{self.name}"

    @property
    def store(self) -> str:
        return f"{INDEX}_{self.name}_store"


@dataclass(frozen=True)
class ClusterConfig:
    """What vnsearch knows of a cluster: its nodes, in shard order."""

    path: Path  # the configuration file
    nodes: tuple[Node, ...]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def vocabulary(self) -> Path:
        return self.folder / VOCABULARY_FILE

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ClusterConfig:
        """The configuration at ``path`` (the file, or the folder holding it)."""
        path = Path(path)
        if path.is_dir():
            path = path / CONFIG_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            nodes = tuple(Node(**node) for node in data["nodes"])
            version = data["layout_version"]
        except FileNotFoundError:
            raise SearcherError(f"no cluster configuration at {path}: write one with `vnsearch cluster config DIR`") from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SearcherError(f"{path} is not a vnsearch cluster configuration ({type(error).__name__}: {error})") from None
        if version != LAYOUT_VERSION:
            raise SearcherError(
                f"{path} describes a cluster of layout {version}; this vnsearch needs layout {LAYOUT_VERSION}: "
                "write a new configuration with `vnsearch cluster config` and move the articles into it (see the README)"
            )
        if not nodes:
            raise SearcherError(f"{path} names no nodes")
        return cls(path, nodes)

    def searchd_conf(self, node: Node) -> str:
        """The ``searchd`` configuration of ``node``: its shard and store, the distributed indexes, the daemon."""
        data = (self.folder / node.folder / "data").resolve()
        lines = [f"# vnsearch cluster node {node.name}: start it with  searchd --config {self.folder.resolve() / node.folder / 'searchd.conf'}", ""]
        lines += _rt_index(node.shard, data / "shard", FIELDS, STRINGS, (), UINTS, BIGINTS)
        lines += _rt_index(node.store, data / "store", STORE_FIELDS, STORE_STRINGS, STORE_JSONS, STORE_UINTS, ())
        for distributed, kind in ((INDEX, "shard"), (STORE, "store")):
            lines += [f"index {distributed}", "{", "    type = distributed", f"    local = {getattr(node, kind)}"]
            lines += [f"    agent = {other.host}:{other.agent_port}:{getattr(other, kind)}" for other in self.nodes if other != node]
            lines += ["    agent_connect_timeout = 500", "    agent_query_timeout = 5000", "}", ""]
        lines += [
            "searchd", "{",
            f"    listen = {node.host}:{node.agent_port}",
            f"    listen = {node.host}:{node.port}:mysql41",
            f"    log = {data / 'searchd.log'}",
            f"    query_log = {data / 'query.log'}",
            f"    pid_file = {data / 'searchd.pid'}",
            f"    binlog_path = {data}",
            "    binlog_flush = 1",  # every acknowledged write is on disk: a node killed with -9 loses none
            "    workers = threads",
            "    max_packet_size = 32M",
            "    collation_server = utf8_general_ci",
            "}", "",
        ]
        return "\n".join(lines)

    def start_commands(self) -> list[str]:
        return [f"searchd --config {self.folder.resolve() / node.folder / 'searchd.conf'}" for node in self.nodes]


def _rt_index(name: str, path: Path, fields: tuple[str, ...], strings: tuple[str, ...], jsons: tuple[str, ...],
              uints: tuple[str, ...], bigints: tuple[str, ...]) -> list[str]:
    lines = [f"index {name}", "{", "    type = rt", f"    path = {path}"]
    lines += [f"    rt_field = {f}" for f in fields]
    lines += [f"    rt_attr_string = {a}" for a in strings]
    lines += [f"    rt_attr_json = {a}" for a in jsons]
    lines += [f"    rt_attr_uint = {a}" for a in uints]
    lines += [f"    rt_attr_bigint = {a}" for a in bigints]
    lines += [f"    charset_table = {CHARSET_TABLE}", "    min_word_len = 1", "    rt_mem_limit = 512M", "}", ""]
    return lines


def write_cluster(folder: str | os.PathLike[str], nodes: int = 2, host: str = "127.0.0.1", port: int = 9306,
                  ports: list[tuple[int, int]] | None = None) -> ClusterConfig:
    """Write a cluster of ``nodes`` nodes into ``folder``: node *i* (from 0) listens for
    SphinxQL on ``port + 2i`` and for its peers on ``port + 2i + 1``, unless ``ports`` gives
    each node's (SphinxQL, agent) pair."""
    if not 1 <= nodes <= 64:
        raise SearcherError(f"a cluster has from 1 to 64 nodes (got {nodes})")
    folder = Path(folder)
    chosen = ports or [(port + 2 * i, port + 2 * i + 1) for i in range(nodes)]
    if any(not 1 <= p <= 65535 for pair in chosen for p in pair):
        raise SearcherError(f"ports must be from 1 to 65535 (got {chosen})")
    config = ClusterConfig(folder / CONFIG_FILE, tuple(
        Node(f"node{i + 1}", host, sql, agent, f"node{i + 1}") for i, (sql, agent) in enumerate(chosen[:nodes])
    ))
    for node in config.nodes:
        (folder / node.folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / node.folder / "searchd.conf").write_text(config.searchd_conf(node), encoding="utf-8")
    data = {"layout_version": LAYOUT_VERSION, "nodes": [asdict(node) for node in config.nodes]}
    config.path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return config


def document_key(doc_id: str) -> int:
    """The cluster's number for an article id (Sphinx documents are numbered): 63 bits of its hash, never 0."""
    return group_key(doc_id) or 1


def shard_of(doc_id: str, shards: int) -> int:
    """The shard an article lives on: the same for the same id, whatever else changes.

        >>> shard_of("001_37a8b72512109e4f.txt", 2), shard_of("001_37a8b72512109e4f.txt", 2)
        (1, 1)
    """
    return document_key(doc_id) % shards

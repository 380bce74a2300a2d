"""The same search over a sharded Sphinx or Manticore cluster (see the README, "Past one machine").

    config.py      the nodes, and the searchd configuration each one runs (`vnsearch cluster config`)
    sphinxql.py    one node's SphinxQL connection; escaping; errors naming the node
    ingest.py      articles analyzed by vnsearch (worker processes) into the rows a shard stores
    vocabulary.py  the cluster's words and counts, beside its configuration (query understanding reads them)
    translate.py   a parsed query as SphinxQL MATCH and WHERE
    candidates.py  the shards' best matches as the arrays vnsearch's ranking reads
    engine.py      ClusterEngine: SearchEngine's interface over the cluster
"""

from .config import ClusterConfig, write_cluster
from .engine import ClusterEngine

__all__ = ["ClusterConfig", "ClusterEngine", "write_cluster"]

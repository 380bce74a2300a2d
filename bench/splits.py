"""The two fixed halves of a topic set, for honest tuning: choose on one half, report on the other.

Topics are split kind by kind (``short-folded``, ``abbreviation`` …), so that each half has as
many of each kind as can be; within a kind they are ordered by a hash of their id and dealt out
in turn. A kind with an odd number of topics gives its extra one to the half that has fewer so
far (to ``A`` on a tie), so the halves' sizes differ by one at most. Nothing depends on the
order of the file or on the judgments: the same ids always fall in the same half.

    >>> topics = [{"qid": q, "kind": k} for q, k in [("T1", "x"), ("T2", "x"), ("T3", "y"), ("T4", "y"), ("T5", "y")]]
    >>> {half: sorted(qids) for half, qids in halves(topics).items()}
    {'A': ['T2', 'T3', 'T5'], 'B': ['T1', 'T4']}
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

HALVES = ("A", "B")


def _order(qid: str) -> bytes:
    return hashlib.sha256(qid.encode("utf-8")).digest()


def halves(topics: Iterable[Mapping[str, str]]) -> dict[str, frozenset[str]]:
    """``{"A": qids, "B": qids}``: the topics (``{"qid", "kind"}``) in two halves balanced by kind."""
    by_kind: dict[str, list[str]] = {}
    for topic in topics:
        by_kind.setdefault(topic["kind"], []).append(topic["qid"])
    dealt: dict[str, list[str]] = {half: [] for half in HALVES}
    for kind in sorted(by_kind):
        first = min(HALVES, key=lambda half: len(dealt[half]))  # A on a tie: min keeps the first
        order = (first, *[h for h in HALVES if h != first])
        for n, qid in enumerate(sorted(by_kind[kind], key=_order)):
            dealt[order[n % 2]].append(qid)
    return {half: frozenset(qids) for half, qids in dealt.items()}

"""Relevance metrics at a cut-off, as small pure functions.

Each takes a ranking (document ids, best first) and the judgments of one query (document id
-> grade: 0 not relevant, 1 partly, 2 relevant). A document without a judgment counts as not
relevant. Gains are linear (the grade itself).

    >>> judgments = {"a": 2, "b": 0, "c": 1, "d": 1}
    >>> round(ndcg(["a", "b", "c"], judgments), 4)   # 2.5 / (2 + 1/log2(3) + 1/2)
    0.7985
    >>> precision(["a", "b", "c"], judgments), reciprocal_rank(["b", "a"], judgments)
    (0.2, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

Judgments = Mapping[str, int]


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: the gain at rank i (from 1) divided by log2(i + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg(ranking: Sequence[str], judgments: Judgments, k: int = 10) -> float:
    """DCG of the top ``k`` over the DCG of the best possible top ``k`` from all the judged
    grades; 0 when no document is relevant."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    return dcg(judgments.get(doc, 0) for doc in ranking[:k]) / ideal if ideal else 0.0


def precision(ranking: Sequence[str], judgments: Judgments, k: int = 10, min_grade: int = 1) -> float:
    """Share of the ``k`` places holding a document of at least ``min_grade`` (an empty place
    counts as not relevant)."""
    return sum(judgments.get(doc, 0) >= min_grade for doc in ranking[:k]) / k


def reciprocal_rank(ranking: Sequence[str], judgments: Judgments, k: int = 10, min_grade: int = 2) -> float:
    """1 / the rank of the first document of at least ``min_grade`` in the top ``k``, else 0."""
    return next((1 / rank for rank, doc in enumerate(ranking[:k], 1) if judgments.get(doc, 0) >= min_grade), 0.0)


def recall(ranking: Sequence[str], judgments: Judgments, k: int = 10, min_grade: int = 1) -> float:
    """Share of the documents judged at least ``min_grade`` that are in the top ``k``."""
    wanted = {doc for doc, grade in judgments.items() if grade >= min_grade}
    return len(wanted.intersection(ranking[:k])) / len(wanted) if wanted else 0.0


def judged(ranking: Sequence[str], judgments: Judgments, k: int = 10) -> float:
    """Share of the returned top ``k`` that has a judgment (1 when nothing is returned): below
    1, the other metrics are lower bounds."""
    top = ranking[:k]
    return sum(doc in judgments for doc in top) / len(top) if top else 1.0

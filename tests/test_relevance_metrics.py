"""The relevance benchmark's metrics (bench/metrics.py) against values computed by hand."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from metrics import dcg, judged, ndcg, precision, recall, reciprocal_rank  # noqa: E402

# Ranked grades [2, 0, 1]; the topic's judged grades, best first, [2, 1, 1, 0].
JUDGMENTS = {"a": 2, "b": 0, "c": 1, "d": 1}
RANKING = ["a", "b", "c"]


def test_dcg_discounts_by_log2_of_rank_plus_one():
    assert dcg([2, 0, 1]) == pytest.approx(2 / 1 + 0 / math.log2(3) + 1 / 2)
    assert dcg([]) == 0


def test_ndcg_against_the_ideal_from_all_judged_grades():
    ideal = 2 + 1 / math.log2(3) + 1 / 2  # [2, 1, 1]
    assert ndcg(RANKING, JUDGMENTS) == pytest.approx(2.5 / ideal)
    assert ndcg(RANKING, JUDGMENTS) == pytest.approx(0.79849, abs=1e-5)
    assert ndcg(["a", "c", "d"], JUDGMENTS) == pytest.approx(1.0)


def test_ndcg_cuts_both_ranking_and_ideal_at_k():
    assert ndcg(["b", "a"], JUDGMENTS, k=1) == 0
    assert ndcg(["a", "b"], JUDGMENTS, k=1) == 1
    assert ndcg(["b", "c"], JUDGMENTS, k=2) == pytest.approx((1 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_unjudged_documents_count_as_not_relevant():
    assert ndcg(["x", "a"], JUDGMENTS) == pytest.approx((2 / math.log2(3)) / (2 + 1 / math.log2(3) + 1 / 2))
    assert ndcg(["x"], {"x": 0}) == 0  # nothing relevant to find


def test_precision_counts_empty_places_as_not_relevant():
    assert precision(RANKING, JUDGMENTS) == pytest.approx(2 / 10)
    assert precision(RANKING, JUDGMENTS, k=3) == pytest.approx(2 / 3)
    assert precision(RANKING, JUDGMENTS, k=3, min_grade=2) == pytest.approx(1 / 3)
    assert precision([], JUDGMENTS) == 0


def test_reciprocal_rank_of_the_first_document_of_the_grade():
    assert reciprocal_rank(RANKING, JUDGMENTS) == 1  # grade 2 by default
    assert reciprocal_rank(["b", "c", "a"], JUDGMENTS) == pytest.approx(1 / 3)
    assert reciprocal_rank(["b", "c", "a"], JUDGMENTS, min_grade=1) == pytest.approx(1 / 2)
    assert reciprocal_rank(["b", "c", "a"], JUDGMENTS, k=2) == 0


def test_recall_of_the_judged_relevant_documents():
    assert recall(RANKING, JUDGMENTS) == pytest.approx(2 / 3)  # a and c of a, c, d
    assert recall(RANKING, JUDGMENTS, min_grade=2) == 1
    assert recall(["b", "a"], JUDGMENTS, k=1) == 0
    assert recall(RANKING, {"b": 0}) == 0


def test_judged_share_of_what_was_returned():
    assert judged(["a", "x", "b", "y"], JUDGMENTS) == pytest.approx(2 / 4)
    assert judged(["a", "x"], JUDGMENTS, k=1) == 1
    assert judged([], JUDGMENTS) == 1

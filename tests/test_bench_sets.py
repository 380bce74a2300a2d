"""The relevance benchmark's own evaluation sets and honest tuning (bench/): news-dev's two fixed
halves, the hand-written question set's rules, the known-item keyword suite, and a tuning that
chooses on one half and reports on the other."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from searcher.normalize import fold  # noqa: E402
from splits import halves  # noqa: E402
from tune import cross_validate, parameter_sets, tune, unconfirmed  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
TOPICS = Path(os.environ.get("VNSEARCH_RELEVANCE", SHARED / "relevance")) / "news-dev" / "topics.jsonl"
CORPUS = Path(os.environ.get("VNSEARCH_CORPUS", SHARED / "corpus" / "baomoi-35k.jsonl.gz"))
QUESTIONS = [json.loads(line) for line in (BENCH / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
KEYWORDS = [json.loads(line) for line in (BENCH / "data" / "known-keywords.jsonl").read_text(encoding="utf-8").splitlines()]
_WORD = re.compile(r"[^\W_]+")


# -- news-dev's halves -------------------------------------------------------------------------


def test_halves_are_balanced_by_kind_and_independent_of_the_files_order():
    topics = [{"qid": f"T{n:03d}", "kind": kind} for n, kind in enumerate(["a"] * 5 + ["b"] * 3 + ["c"] * 4)]
    split = halves(topics)
    assert sorted(map(len, split.values())) == [6, 6]  # 5 + 3 odd: each extra goes to the smaller half
    for kind, count in (("a", 5), ("b", 3), ("c", 4)):
        in_a = sum(t["kind"] == kind and t["qid"] in split["A"] for t in topics)
        assert in_a in (count // 2, count - count // 2)
    assert split["A"].isdisjoint(split["B"]) and split["A"] | split["B"] == {t["qid"] for t in topics}
    shuffled = topics[:]
    random.Random(1).shuffle(shuffled)
    assert halves(shuffled) == split


@pytest.mark.skipif(not TOPICS.exists(), reason="no ../shared/relevance/news-dev")
def test_news_dev_halves_are_fixed():
    topics = [json.loads(line) for line in TOPICS.read_text(encoding="utf-8").splitlines()]
    split = halves(topics)
    assert (len(split["A"]), len(split["B"])) == (43, 42)
    assert sorted(split["A"])[:6] == ["T001", "T003", "T007", "T011", "T016", "T017"]
    assert sorted(split["B"])[:6] == ["T009", "T013", "T014", "T019", "T023", "T025"]
    kinds = {half: sorted(t["kind"] for t in topics if t["qid"] in qids) for half, qids in split.items()}
    assert kinds["A"].count("short-folded") == 15 and kinds["B"].count("short-folded") == 16
    assert kinds["A"].count("question") == kinds["B"].count("question") == 1
    assert "T089" in split["A"]  # the one topic without a relevant article: the halves scored are 42 and 42


# -- the own question set ----------------------------------------------------------------------


def test_question_set_has_300_questions_of_10_to_25_words_half_without_diacritics():
    assert len(QUESTIONS) == 300
    assert [q["qid"] for q in QUESTIONS] == [f"Q{n:03d}" for n in range(1, 301)]
    assert len({q["doc"] for q in QUESTIONS}) == 300
    for q in QUESTIONS:
        assert 10 <= len(q["question"].split()) <= 25, q
        if q["accented"]:
            assert q["question"] == q["intended"] and not q["question"].isascii(), q
        else:
            assert q["question"] == fold(q["intended"]) and q["question"].isascii(), q
    assert sum(q["accented"] for q in QUESTIONS) == 150


def test_keyword_suite_has_3_or_4_folded_title_words_out_of_the_titles_order():
    assert len(KEYWORDS) == 300 and len({k["doc"] for k in KEYWORDS}) == 300
    assert not {k["doc"] for k in KEYWORDS} & {q["doc"] for q in QUESTIONS}  # other articles
    for k in KEYWORDS:
        words, in_order = k["query"].split(), k["in_title_order"].split()
        assert len(words) in (3, 4) and len(set(words)) == len(words) and k["query"].isascii(), k
        assert sorted(words) == sorted(in_order) and words != in_order, k
        title = iter(_WORD.findall(fold(k["title"]).lower()))
        assert all(w in title for w in in_order), k  # in the title, in this order (``in`` consumes the iterator)
        assert all(len(w) > 1 and not w.isdigit() for w in words), k


@pytest.fixture(scope="module")
def articles() -> dict[str, dict[str, str]]:
    if not CORPUS.exists():
        pytest.skip("no ../shared/corpus")
    wanted = {q["doc"] for q in QUESTIONS} | {k["doc"] for k in KEYWORDS}
    found: dict[str, dict[str, str]] = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in wanted and record.get("text", "").strip():
                found.setdefault(record["id"], record)
    return found


def test_every_answer_is_an_article_of_the_corpus(articles):
    assert {q["doc"] for q in QUESTIONS} <= set(articles)
    for k in KEYWORDS:
        assert articles[k["doc"]]["title"] == k["title"]


def test_the_sets_are_the_draw_of_bench_draw_py(articles):
    from draw import candidates, keyword_queries, question_articles
    from relevance import read_corpus

    order = candidates(read_corpus())
    assert question_articles(order) == [{k: q[k] for k in ("qid", "doc", "accented")} for q in QUESTIONS]
    assert keyword_queries(order) == KEYWORDS


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(fold(text).lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_question_copies_a_run_of_8_words_from_its_article(articles):
    copied = [q["qid"] for q in QUESTIONS
              if _runs(q["intended"], 8) & _runs(articles[q["doc"]]["title"] + "\n" + articles[q["doc"]]["text"], 8)]
    assert copied == []


# -- honest tuning -----------------------------------------------------------------------------

HALVES = {"A": {"a1", "a2"}, "B": {"b1", "b2", "b3"}}


def test_tuning_chooses_on_one_half_and_reports_the_other():
    # k1 1.5 is best on A and poor on B; k1 2.0 the reverse; the defaults in between.
    scores = {
        (): {"a1": 0.5, "a2": 0.5, "b1": 0.5, "b2": 0.5, "b3": 0.5},
        (("k1", 1.5),): {"a1": 0.9, "a2": 0.7, "b1": 0.2, "b2": 0.2, "b3": 0.2},
        (("k1", 2.0),): {"a1": 0.1, "a2": 0.1, "b1": 0.9, "b2": 0.8, "b3": 0.7},
    }
    asked = []

    def evaluate(candidate):
        asked.append(candidate)
        return scores[tuple(sorted(candidate.items()))]

    tuning = tune(parameter_sets({"k1": [1.5, 2.0]}, {"k1", "b"}), evaluate, HALVES)
    assert asked == [{}, {"k1": 1.5}, {"k1": 2.0}]  # each once, the defaults first
    folds = [(f.tuned_on, tuning.candidates[f.chosen], round(f.tuned, 3), f.held_out, round(f.held, 3)) for f in tuning.folds]
    assert folds == [("A", {"k1": 1.5}, 0.8, "B", 0.2), ("B", {"k1": 2.0}, 0.8, "A", 0.1)]
    assert tuning.cross_validated() == pytest.approx((0.2 * 3 + 0.1 * 2) / 5)


def test_tuning_keeps_the_defaults_on_a_tie():
    same = {"a1": 0.5, "a2": 0.5, "b1": 0.5, "b2": 0.5, "b3": 0.5}
    assert [f.chosen for f in cross_validate([same, dict(same)], HALVES)] == [0, 0]


def test_a_choice_that_scores_otherwise_from_scratch_is_reported():
    candidates = [{}, {"k1": 1.5}, {"k1": 2.0}]
    kept = {0: {"a1": 0.5, "b1": 0.5}, 1: {"a1": 0.9, "b1": 0.1}, 2: {"a1": 0.1, "b1": 0.9}}
    tuning = tune(candidates, lambda c: kept[candidates.index(c)], {"A": {"a1"}, "B": {"b1"}})
    fresh = dict(kept)
    assert unconfirmed(tuning, lambda c: fresh[candidates.index(c)]) == []
    fresh[2] = {"a1": 0.1, "b1": 0.4}  # what the last set scored was leaked from an earlier one
    fresh[0] = {"a1": 0.0, "b1": 0.0}  # never asked: the first set was evaluated on a new engine
    assert unconfirmed(tuning, lambda c: fresh[candidates.index(c)]) == [2]


def test_grid_errors_name_the_parameter():
    with pytest.raises(ValueError, match="unknown parameters: nope"):
        parameter_sets({"nope": [1]}, {"k1"})
    with pytest.raises(ValueError, match="maps each parameter to a list"):
        parameter_sets({"k1": 1.2}, {"k1"})
    assert parameter_sets([{"k1": 1.5}, {}], {"k1"}) == [{}, {"k1": 1.5}]


# -- the report ----------------------------------------------------------------------------------


def _figures(values: dict[str, float]) -> dict[str, dict[str, float]]:
    return {qid: {"MRR@10": v, "R@1": v, "R@10": v, "nDCG@10": v} for qid, v in values.items()}


def test_own_questions_goal_is_read_against_the_better_pyvi_words_baseline_fed_the_same():
    from relevance import goals

    forms = ("typed", "intended", "intended, folded")
    results = {"own-questions": {
        "vnsearch": {f: _figures({"q": v}) for f, v in zip(forms, (0.74, 0.75, 0.74))},
        "bm25-words-folded": {f: _figures({"q": v}) for f, v in zip(forms, (0.62, 0.72, 0.50))},
        "bm25-words-accented": {f: _figures({"q": v}) for f, v in zip(forms, (0.43, 0.73, 0.20))},
    }}
    rows = [line for line in goals(results, {}).splitlines() if "pyvi" in line]
    assert rows == [
        "| own-questions: MRR@10 as typed >= BM25 over pyvi's words (the better, fed the same) + 0.05 "
        "| 0.740 vs 0.620 + 0.05 (bm25-words-folded) | yes |",
        "| own-questions: MRR@10 all with diacritics (`intended`) >= BM25 over pyvi's words (the better, fed the same) + 0.05 "
        "| 0.750 vs 0.730 + 0.05 (bm25-words-accented) | **no** |",
    ]


def test_news_dev_goal_is_read_on_each_half():
    from relevance import JudgedSet, goals, halves_table

    scores = {"a1": 0.95, "a2": 0.91, "b1": 0.80, "b2": 0.90}
    news = JudgedSet(documents=None, queries={}, judgments={}, metrics={"nDCG@10": None}, kinds={},  # type: ignore[arg-type]
                     halves={"A": frozenset({"a1", "a2"}), "B": frozenset({"b1", "b2"})})
    results = {"news-dev": {"vnsearch": {"typed": _figures(scores)}}}
    rows = [line for line in goals(results, {"news-dev": news}).splitlines() if "half" in line]
    assert rows == [
        "| news-dev, half A (held out when tuned on the other): nDCG@10 as typed >= 0.90 | 0.930 | yes |",
        "| news-dev, half B (held out when tuned on the other): nDCG@10 as typed >= 0.90 | 0.850 | **no** |",
    ]
    assert halves_table(news, results["news-dev"]).splitlines()[2] == "| **vnsearch** | typed | **0.930** | **0.850** |"

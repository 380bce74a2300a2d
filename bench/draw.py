"""The articles of the project's own relevance sets, drawn from the shared corpus with a fixed seed.

    python bench/draw.py questions               # the 300 articles questions were written for
    python bench/draw.py keywords --out bench/data/known-keywords.jsonl

Both sets are drawn from the same order of the corpus's articles (shuffled with
``run.SEED + 18``), among those that can be told apart: a body of at least
:data:`MIN_BODY_WORDS` words, a title of at least :data:`MIN_TITLE_WORDS`, no other article
with the same title and none that is a near-duplicate (the same story republished:
:mod:`searcher.duplicates`, as vnsearch groups them). The answer to each query is then one
article and no copy of it. ``questions`` are the first 300 of that order (their questions were
written by hand, see bench/data/README.md; :data:`REPLACED` are left out); ``keywords`` the next 300 whose title has at least
three content words: three or four of them (:func:`keywords`), without diacritics and in an
order other than the title's.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import SEED  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SIZE = 300
MIN_BODY_WORDS = 150
MIN_TITLE_WORDS = 4
# The commonest function words of the corpus's titles (of its 120 commonest syllables, and a
# few more of the same kind): never a keyword.
FUNCTION_WORDS = frozenset(
    "của bị ở không trong có với và tại vì về cho khi trên vào được những để từ là các ra một sẽ lại hơn đến đã "
    "thì mà như nhưng hay hoặc do rồi cũng còn nên theo sau trước này đó đang vừa rất nhiều gì sao nào ai bằng qua".split()
)
# Articles drawn for a question but left out, by id, and why (the next article of the order takes the place).
REPLACED = {
    "21472016": "the same story as Q169's article 21475757 (a pupil who returned 40 million đồng), told the same day in other words",
}
_SYLLABLE = re.compile(r"[^\W_]+")


def candidates(records: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The articles a query can single out, in a fixed random order."""
    from searcher.duplicates import Grouping, signature

    grouping = Grouping()
    groups = [grouping.add(r["id"], signature(r["text"])) for r in records]
    in_group = Counter(groups)
    titles = Counter(r["title"].strip().lower() for r in records)
    kept = [
        r for r, group in zip(records, groups)
        if in_group[group] == 1 and titles[r["title"].strip().lower()] == 1
        and len(r["text"].split()) >= MIN_BODY_WORDS and len(r["title"].split()) >= MIN_TITLE_WORDS
    ]
    random.Random(SEED + 18).shuffle(kept)
    return kept


def split_order(order: Sequence[dict[str, str]]) -> tuple[list[dict[str, str]], Sequence[dict[str, str]]]:
    """The questions' articles (the first :data:`SIZE` not :data:`REPLACED`), and the articles after them."""
    questions: list[dict[str, str]] = []
    for n, record in enumerate(order):
        if len(questions) == SIZE:
            return questions, order[n:]
        if record["id"] not in REPLACED:
            questions.append(record)
    return questions, []


def question_articles(order: Sequence[dict[str, str]]) -> list[dict[str, object]]:
    """``{"qid", "doc", "accented"}`` of the questions: half of them (drawn) typed with diacritics."""
    accented = set(random.Random(SEED + 19).sample(range(SIZE), SIZE // 2))
    return [{"qid": f"Q{n + 1:03d}", "doc": r["id"], "accented": n in accented} for n, r in enumerate(split_order(order)[0])]


def content_words(title: str) -> list[str]:
    """The title's distinct words a person would type to find it, lower-cased, in order: not
    one letter, not a function word, not a number (``100.000`` is no word to type).

    >>> content_words("Giá xăng có thể giảm mạnh, giá dầu tăng nhẹ trong tháng 3 năm 2017")
    ['giá', 'xăng', 'thể', 'giảm', 'mạnh', 'dầu', 'tăng', 'nhẹ', 'tháng', 'năm']
    """
    words: list[str] = []
    for word in _SYLLABLE.findall(title.lower()):
        if len(word) > 1 and not word.isdigit() and word not in FUNCTION_WORDS and word not in words:
            words.append(word)
    return words


def keywords(title: str, rng: random.Random) -> tuple[list[str], list[str]] | None:
    """Three or four of the title's content words, folded: (in the title's order, shuffled into
    another order); None if the title has fewer than three."""
    from searcher.normalize import fold

    words: list[str] = []
    for word in content_words(title):
        folded = fold(word).lower()
        if folded not in words:  # ``gia`` once, for giá and gia
            words.append(folded)
    if len(words) < 3:
        return None
    chosen = sorted(rng.sample(range(len(words)), min(len(words), rng.choice((3, 4)))))
    in_order = [words[i] for i in chosen]
    shuffled = in_order[:]
    while shuffled == in_order:
        rng.shuffle(shuffled)
    return in_order, shuffled


def keyword_queries(order: Sequence[dict[str, str]]) -> list[dict[str, object]]:
    """``{"qid", "doc", "title", "in_title_order", "query"}`` for the 300 articles after the questions'."""
    rng = random.Random(SEED + 20)
    made: list[dict[str, object]] = []
    for record in split_order(order)[1]:
        found = keywords(record["title"], rng)
        if found is None:
            continue
        made.append({"qid": f"K{len(made) + 1:03d}", "doc": record["id"], "title": record["title"],
                     "in_title_order": " ".join(found[0]), "query": " ".join(found[1])})
        if len(made) == SIZE:
            break
    return made


def main() -> None:
    from relevance import read_corpus

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=("questions", "keywords"))
    parser.add_argument("--out", type=Path, help="write the lines here (default: print them)")
    args = parser.parse_args()
    order = candidates(read_corpus())
    lines = question_articles(order) if args.set == "questions" else keyword_queries(order)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

"""pyvi's CRF as vnsearch decodes it, against CRFsuite's own tagger, on every article of the corpus.

    python bench/segmenting.py [--articles N]

vnsearch reads the weights of pyvi's model and finds each token's label itself
(``searcher/segment.py``). This runs both over the tokens of each article (title and text,
as ``searcher.analysis.tokens`` finds them), with pyvi's own dictionary on both sides, looked
up as pyvi does (vnsearch's also finds its words respelled: ``hòa`` for ``hoà``), so that the
features are pyvi's: CRFsuite's tagger given pyvi's ``ViTokenizer.sent2features``, and
vnsearch's decoding. It stops at the first article whose labels differ, and prints the CPU
seconds of each (the tagger's side includes pyvi's features, as pyvi runs it; vnsearch's
includes its own).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPUS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, help="only the first N articles")
    args = parser.parse_args()

    import pycrfsuite
    from pyvi import ViTokenizer as module
    from pyvi.ViTokenizer import ViTokenizer

    from searcher import segment
    from searcher.analysis import tokens
    from searcher.segment import _crf_model_bytes, _PyviModel

    package = Path(module.__file__).parent
    ours = _PyviModel(package)
    ours.bigrams, ours.trigrams = ViTokenizer.bi_grams, ViTokenizer.tri_grams
    segment._spelling = lambda token: token  # (vnsearch also looks its dictionary up respelled: hòa for hoà; pyvi does not)
    crf = _crf_model_bytes(package / "models" / "pyvi3.pkl")  # (the tagger reads it for as long as it lives)
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(crf)
    articles = total = 0
    seconds = {"CRFsuite's tagger, pyvi's features": 0.0, "vnsearch": 0.0}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            if args.articles is not None and articles >= args.articles:
                break
            record = json.loads(line)
            found = [t for t, _, _ in tokens(f"{record.get('title', '')}\n{record['text']}")]
            articles += 1
            if not found:
                continue
            started = time.process_time()
            expected = [label == "I_W" for label in tagger.tag(ViTokenizer.sent2features(found, False))]
            middle = time.process_time()
            labels = ours.inside(found)
            seconds["vnsearch"] += time.process_time() - middle
            seconds["CRFsuite's tagger, pyvi's features"] += middle - started
            if labels != expected:
                raise SystemExit(f"article {record.get('id')}: the labels differ")
            total += len(found)
    print(f"{articles:,} articles, {total:,} tokens: the same labels on every token.")
    for side, cpu in seconds.items():
        print(f"  {side}: {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()

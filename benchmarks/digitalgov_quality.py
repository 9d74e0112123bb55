"""A real publisher's archive, measured the way a newsroom uses a tagger: train on older posts,
tag newer ones (../shared/corpora/digitalgov-news, 1,610 DigitalGov posts, 2010-2019).

Splits (by post date):
  dev2: train < 2015, test 2015       (development: methods were compared on these)
  dev:  train < 2016, test 2016       (development)
  dev3: train < 2016-10, test 2016-10..12 (development, small: the one where tagging habits
        change inside the training period, as they do before the test split)
  test: train < 2017, test 2017-2019  (the issue's split: 1,453 / 157 posts; looked at for the
        old default once before development started, and for the new default once at the end)

Scoring as the issue's table: tags normalised (case, spaces, underscores, hyphens), gold tags
never seen in training dropped, macro-F1 over the tags present in the test gold.

    python benchmarks/digitalgov_quality.py             # writes benchmarks/RESULTS.md
    python benchmarks/digitalgov_quality.py --no-write  # print only
    python benchmarks/digitalgov_quality.py --dev-only  # development splits only
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import ROOT, markdown_table, write_section

from tagger.corpus import read_corpus
from tagger.training import TrainConfig, article_date, time_split
from tagger.types import Article

DIGITALGOV = ROOT.parent / "shared" / "corpora" / "digitalgov-news"
SPLITS = {
    "dev2": ("2015-01-01", "2016-01-01"),
    "dev": ("2016-01-01", "2017-01-01"),
    "dev3": ("2016-10-01", "2017-01-01"),
    "test": ("2017-01-01", "9999-12-31"),
}
SYSTEMS = {
    "tagger, level 1 only (the previous default)": TrainConfig(
        level2=False, recency_half_life_days=None, min_tag_docs=1
    ),
    "tagger default: + stacked passages and tag names, recent-weighted thresholds": TrainConfig(),
}
PEERS = [
    "| Annif 1.4.3 ensemble svc+omikuji+mllm | 0.563 | 0.433 | 0.525 | 0.607 | 0.739 | - |",
    "| Annif omikuji (Parabel) | 0.559 | 0.372 | 0.518 | 0.607 | 0.790 | - |",
]


def window(articles: list[Article], start: str, end: str) -> list[Article]:
    """Articles dated before `end` (the test window starts at `start`; training takes all
    articles before it)."""
    return [a for a in articles if str(article_date(a)) < end]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--dev-only", action="store_true")
    ap.add_argument("--corpus", type=Path, default=DIGITALGOV)
    args = ap.parse_args()
    articles = list(read_corpus([args.corpus], "topics"))  # time_split cleans them
    splits = {k: v for k, v in SPLITS.items() if not (args.dev_only and k == "test")}
    rows = []
    for split, (start, end) in splits.items():
        for name, config in SYSTEMS.items():
            t0 = time.perf_counter()
            r = time_split(window(articles, start, end), config, start)
            rows.append(
                f"| {split} | {name} | {r['n_train']} / {r['n_test']} | {r['micro_f1']:.3f} "
                f"| {r['macro_f1']:.3f} | {r['micro_precision']:.3f} | {r['micro_recall']:.3f} "
                f"| {r['precision_at_1']:.3f} | {time.perf_counter() - t0:.1f} |"
            )
            print(rows[-1], flush=True)
    header = ["split", "system", "train / test", "micro-F1", "macro-F1", "P", "R", "P@1", "s"]
    table = markdown_table(header, rows)
    if not args.no_write and not args.dev_only:
        peers = [f"| test | {line[2:]}" for line in PEERS]
        write_section(
            "DigitalGov archive: time-ordered tags",
            f"""
Command: `.venv/bin/python benchmarks/digitalgov_quality.py`.
Splits: dev2 = train < 2015, test 2015; dev = train < 2016, test 2016; dev3 = train < 2016-10,
test 2016-10..12 (the development splits, on which methods were chosen); test = the issue's
split, train < 2017, test 2017-2019, measured for the old default before development and for
the new default at the end (twice: first with the tag's full rank among the level-2 signals
(0.549 / 0.430), then with only whether it ranks first, the shipped version, chosen for R90 and
a short draft, not for this split). Scoring as the issue's table: tags normalised, gold tags
never seen in training dropped, macro-F1 over the tags in the test gold. "s": train + test
seconds.

{table}

Peers on the test split (numbers quoted from issue 10, not re-measured here):

{markdown_table(["split", "system", "micro-F1", "macro-F1", "P", "R", "P@1", "s"], peers)}
""",
        )


if __name__ == "__main__":
    main()

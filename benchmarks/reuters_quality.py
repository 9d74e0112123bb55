"""Reuters-21578 ModApte R90: quality, training time and classifier-only suggestion speed.

Trains three systems side by side on the 7,770 R90 training articles and scores them on the
3,019 test articles (nothing is tuned on the test articles):

    python benchmarks/reuters_quality.py             # writes benchmarks/RESULTS.md
    python benchmarks/reuters_quality.py --no-write  # print only
"""

from __future__ import annotations

import argparse
import platform
import time
from dataclasses import replace

from common import markdown_table, reuters_r90, write_section

from tagger.evaluate import evaluate_model
from tagger.model.decision import DecisionConfig
from tagger.model.features import FeatureConfig
from tagger.training import TrainConfig, train
from tagger.types import Article

SYSTEMS = {
    "words 1-2, LinearSVC, score > 0 + top-1 fallback": TrainConfig(
        features=FeatureConfig(prefix_length=0), decision=DecisionConfig(rule="zero"), level2=False
    ),
    "words 1-2, LinearSVC, SCut thresholds (5-fold) + fallback": TrainConfig(
        features=FeatureConfig(prefix_length=0),
        decision=DecisionConfig(rare_max_docs=0),
        level2=False,
    ),
    "words 1-2 + prefixes, SCut + shared rare-tag threshold + fallback": TrainConfig(level2=False),
    "the same + stacked passage scores and tag names (default)": TrainConfig(),
}


def suggest_rate(model: object, texts: list[str]) -> float:
    """Best of three: articles per second through TagModel.predict (one process)."""
    rates = []
    for _ in range(3):
        t = time.perf_counter()
        model.predict(texts, 5)  # type: ignore[attr-defined]
        rates.append(len(texts) / (time.perf_counter() - t))
    return max(rates)


def run(config: TrainConfig, train_docs: list[Article], test_docs: list[Article]) -> dict:
    t0 = time.perf_counter()
    model = train(train_docs, config).model
    seconds = time.perf_counter() - t0
    metrics = evaluate_model(model, test_docs)
    rate = suggest_rate(model, [a.full_text for a in test_docs])
    return {**metrics, "train_s": seconds, "rate": rate}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only-default", action="store_true")
    ap.add_argument("--jobs", type=int, default=-1)
    args = ap.parse_args()
    train_docs, test_docs, r90 = reuters_r90()
    print(f"R90: {len(train_docs)} train / {len(test_docs)} test articles, {len(r90)} tags")
    rows = []
    systems = list(SYSTEMS.items())[-1:] if args.only_default else list(SYSTEMS.items())
    for name, config in systems:
        config = replace(config, classifier=replace(config.classifier, n_jobs=args.jobs))
        r = run(config, train_docs, test_docs)
        rows.append(
            f"| {name} | {r['micro_f1']:.4f} | {r['macro_f1']:.4f} | {r['samples_f1']:.4f} "
            f"| {r['train_s']:.1f} | {r['rate']:,.0f} |"
        )
        print(rows[-1], flush=True)
    header = ["system", "micro-F1", "macro-F1", "samples-F1", "training s", "suggest articles/s"]
    table = markdown_table(header, rows)
    if not args.no_write:
        write_section(
            "Reuters-21578 R90 (ModApte): tags",
            f"""
Command: `.venv/bin/python benchmarks/reuters_quality.py` (Python {platform.python_version()},
2 cores, training uses both). R90: {len(train_docs)} train / {len(test_docs)} test articles,
{len(r90)} tags; thresholds come from 5-fold cross-validation on the training articles only.
Training time includes the cross-validation; "suggest" is classifier-only `TagModel.predict`
over the 3,019 test articles in one process (best of 3).

{table}

Targets (issue 2): micro-F1 >= 0.885, macro-F1 >= 0.60, training < 60 s, suggest > 2,000/s.
Reference points quoted by the issue (not re-measured here): Annif 1.4.3 Omikuji 0.881 / 0.501,
Annif ensemble 0.867 / 0.442.
""",
        )


if __name__ == "__main__":
    main()

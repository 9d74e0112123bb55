"""Reuters-21578 ModApte R90: quality, training time and classifier-only suggestion speed.

python benchmarks/reuters_quality.py            # default settings, writes RESULTS.md
python benchmarks/reuters_quality.py --C 2 --no-write
"""

from __future__ import annotations

import argparse
import platform
import time

from common import reuters_r90, write_section

from tagger.classifier import ClassifierConfig
from tagger.evaluate import evaluate_model
from tagger.features import FeatureConfig
from tagger.pipeline import SuggestOptions
from tagger.thresholds import DecisionConfig
from tagger.training import TrainConfig, train


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--C", type=float, default=ClassifierConfig.C)
    ap.add_argument("--folds", type=int, default=TrainConfig.folds)
    ap.add_argument("--prefix-length", type=int, default=FeatureConfig.prefix_length)
    ap.add_argument("--fbr", type=float, default=DecisionConfig.fbr)
    ap.add_argument("--kind", default="svc")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    train_docs, test_docs, r90 = reuters_r90()
    print(f"R90: {len(train_docs)} train / {len(test_docs)} test articles, {len(r90)} tags")
    config = TrainConfig(
        features=FeatureConfig(prefix_length=args.prefix_length),
        classifier=ClassifierConfig(kind=args.kind, C=args.C),
        decision=DecisionConfig(fbr=args.fbr),
        folds=args.folds,
    )
    t0 = time.perf_counter()
    result = train(train_docs, config)
    train_s = time.perf_counter() - t0
    m = evaluate_model(result.model, test_docs)
    texts = [a.full_text for a in test_docs]
    result.model.predict(texts[:100])
    rates = []
    for _ in range(3):
        t = time.perf_counter()
        result.model.predict(texts, SuggestOptions().limit)
        rates.append(len(texts) / (time.perf_counter() - t))
    rate = max(rates)
    rows = [
        ("micro-F1", f"{m['micro_f1']:.4f}", ">= 0.885"),
        ("macro-F1", f"{m['macro_f1']:.4f}", ">= 0.60"),
        ("samples-F1", f"{m['samples_f1']:.4f}", ""),
        ("P@1", f"{m['precision_at_1']:.4f}", ""),
        ("training (s, incl. 5-fold CV thresholds)", f"{train_s:.1f}", "< 60"),
        ("suggest, classifier only (articles/s, 1 process)", f"{rate:,.0f}", "> 2,000"),
    ]
    table = "| measure | value | target |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    print(table)
    if not args.no_write:
        settings = (
            f"TF-IDF words 1-2 + word prefixes ({args.prefix_length}), one-vs-rest "
            f"{args.kind} C={args.C}, SCut thresholds from {args.folds}-fold CV "
            f"(fbr {args.fbr}) + top-1 fallback"
        )
        write_section(
            "Reuters-21578 R90 (ModApte): tags",
            f"""
Command: `python benchmarks/reuters_quality.py` ({platform.python_version()}, 2 cores).
R90: {len(train_docs)} train / {len(test_docs)} test articles, {len(r90)} tags; no tuning on test.
Model: {settings}.

{table}
""",
        )


if __name__ == "__main__":
    main()

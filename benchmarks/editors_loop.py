"""The editors' loop, measured: a model that learns from each batch of newly tagged posts
against one never updated (../shared/corpora/digitalgov-news).

Train on the posts up to 2016, then replay the 2017-2019 posts in date order as a newsroom
would: suggest tags for the next 25 posts with both models, record the editors' real tags,
update one model with them (`tagger.model.update.ModelUpdater`: no new vocabulary, no
cross-validation) and go on. Scored per batch as the time-split benchmark (tags normalised,
gold tags the model does not know dropped).

    python benchmarks/editors_loop.py             # writes RESULTS.md and editors_loop.png
    python benchmarks/editors_loop.py --no-write
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from common import ROOT, markdown_table, write_section

from tagger.corpus import read_corpus
from tagger.evaluate import binarize, multilabel_metrics
from tagger.model.decision import calibrate, decide
from tagger.model.tagmodel import TagModel
from tagger.model.update import ModelUpdater
from tagger.training import TrainConfig, article_date, prepare, train
from tagger.types import Article

DIGITALGOV = ROOT.parent / "shared" / "corpora" / "digitalgov-news"
PLOT = ROOT / "benchmarks" / "editors_loop.png"
BATCH = 25
SPLIT = "2017-01-01"


def decisions(model: TagModel, batch: list[Article]) -> tuple[np.ndarray, np.ndarray]:
    """0/1 decisions and calibrated scores of `model` on `batch`."""
    raw = model.raw_scores([a.full_text for a in batch])
    return decide(raw, model.thresholds, model.decision), calibrate(raw, model.platt)


def micro(Y: np.ndarray, P: np.ndarray, labels: list[str]) -> float:
    """Micro-F1 of decisions P against truth Y."""
    return float(multilabel_metrics(Y, P, P.astype(np.float32), labels)["micro_f1"])


def plot(rows: list[tuple[int, int, float, float, float]], path: Path) -> None:
    """Per-batch micro-F1 of both models as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=120)
    ax.plot(x, [r[2] for r in rows], "o-", label="never updated")
    ax.plot(x, [r[3] for r in rows], "s-", label="updated every 25 posts")
    ax.set_xlabel("batch of 25 posts (2017-2019, in date order)")
    ax.set_ylabel("micro-F1")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--split", default=SPLIT, help="replay the posts from this date")
    ap.add_argument("--end", default="9999", help="... up to this date (development runs)")
    args = ap.parse_args()
    articles, _ = prepare(list(read_corpus([DIGITALGOV], "topics")))
    articles.sort(key=lambda a: str(article_date(a)))
    before = [a for a in articles if str(article_date(a)) < args.split]
    after = [a for a in articles if args.split <= str(article_date(a)) < args.end]
    result = train(before, TrainConfig())
    assert result.rows is not None
    static = result.model
    updater = ModelUpdater(static, result.rows)
    labels = list(static.labels)
    rows, truth, pred_static, pred_updated = [], [], [], []
    for k, start in enumerate(range(0, len(after), BATCH), start=1):
        batch = after[start : start + BATCH]
        Y = binarize(batch, labels)
        P_static, _ = decisions(static, batch)
        P_updated, _ = decisions(updater.model, batch)
        t0 = time.perf_counter()
        updater.update([a.full_text for a in batch], [a.tags for a in batch])
        seconds = time.perf_counter() - t0
        rows.append(
            (k, len(batch), micro(Y, P_static, labels), micro(Y, P_updated, labels), seconds)
        )
        truth.append(Y)
        pred_static.append(P_static)
        pred_updated.append(P_updated)
        print(rows[-1], flush=True)
    half = len(rows) // 2
    last = {
        name: micro(np.concatenate(truth[half:]), np.concatenate(preds[half:]), labels)
        for name, preds in (("static", pred_static), ("updated", pred_updated))
    }
    table = markdown_table(
        ["batch", "posts", "never updated", "updated", "update s"],
        [f"| {k} | {n} | {s:.3f} | {u:.3f} | {t:.1f} |" for k, n, s, u, t in rows],
    )
    summary = (
        f"Last half of the replay (batches {half + 1}-{len(rows)}): micro-F1 never updated "
        f"{last['static']:.3f}, updated {last['updated']:.3f} "
        f"({last['updated'] - last['static']:+.3f}); update time per batch at most "
        f"{max(r[4] for r in rows):.1f} s."
    )
    print(table, summary, sep="\n")
    if not args.no_write and args.split == SPLIT:
        plot(rows, PLOT)
        write_section(
            "Editors' loop: updating every 25 posts (DigitalGov 2017-2019)",
            f"""
Command: `.venv/bin/python benchmarks/editors_loop.py` (plot: `benchmarks/editors_loop.png`).
Trained on the {len(before)} posts up to 2016; the {len(after)} posts of 2017-2019 replayed in
date order, 25 at a time: both models suggest, then the updated one learns the batch's real
tags (the batch is scored before it is learned).

{table}

{summary}
""",
        )


if __name__ == "__main__":
    main()

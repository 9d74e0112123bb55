"""Multi-label metrics: micro/macro/sample-averaged F1, precision@k and a per-tag table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from tagger.types import Article


def _prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, ...]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    return p, r, f


def precision_at_k(Y: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Mean over articles of (true tags among the k best-scored) / k."""
    if Y.shape[0] == 0:
        return 0.0
    k = min(k, Y.shape[1])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.take_along_axis(Y, top, axis=1).sum(axis=1).mean() / k)


def multilabel_metrics(
    Y: np.ndarray,
    P: np.ndarray,
    scores: np.ndarray,
    labels: Sequence[str],
    macro_over: str = "active",
) -> dict[str, Any]:
    """Metrics for truth Y and decisions P (0/1, docs x tags) and ranking scores.

    Macro-F1 averages over the tags that occur in the truth or the predictions (a tag
    absent from both says nothing about the model), or with `macro_over="truth"` over the tags
    present in the truth only (the convention of time-split benchmarks).
    """
    Y = Y.astype(bool)
    P = P.astype(bool)
    tp = (Y & P).sum(axis=0).astype(float)
    fp = (~Y & P).sum(axis=0).astype(float)
    fn = (Y & ~P).sum(axis=0).astype(float)
    p, r, f = _prf(tp, fp, fn)
    active = (tp + fp + fn) > 0
    micro_p, micro_r, micro = _prf(np.array([tp.sum()]), np.array([fp.sum()]), np.array([fn.sum()]))
    averaged = active if macro_over == "active" else Y.sum(axis=0) > 0
    doc_tp = (Y & P).sum(axis=1)
    denom = Y.sum(axis=1) + P.sum(axis=1)
    samples = np.where(denom > 0, 2 * doc_tp / np.maximum(denom, 1), 1.0)
    support = Y.sum(axis=0)
    per_tag = {
        t: {
            "precision": round(float(p[j]), 4),
            "recall": round(float(r[j]), 4),
            "f1": round(float(f[j]), 4),
            "support": int(support[j]),
            "predicted": int(P[:, j].sum()),
        }
        for j, t in enumerate(labels)
        if active[j]
    }
    return {
        "n_docs": int(Y.shape[0]),
        "n_tags": int(active.sum()),
        "micro_f1": round(float(micro[0]), 4),
        "micro_precision": round(float(micro_p[0]), 4),
        "micro_recall": round(float(micro_r[0]), 4),
        "macro_f1": round(float(f[averaged].mean()) if averaged.any() else 0.0, 4),
        "samples_f1": round(float(samples.mean()) if len(samples) else 0.0, 4),
        "precision_at_1": round(precision_at_k(Y, scores, 1), 4),
        "precision_at_3": round(precision_at_k(Y, scores, 3), 4),
        "per_tag": per_tag,
    }


def binarize(articles: Sequence[Article], labels: Sequence[str]) -> np.ndarray:
    """0/1 matrix (docs x labels) of the articles' tags; tags not in `labels` are left out."""
    index = {t: j for j, t in enumerate(labels)}
    Y = np.zeros((len(articles), len(labels)), dtype=np.int8)
    for i, a in enumerate(articles):
        for t in a.tags:
            j = index.get(t)
            if j is not None:
                Y[i, j] = 1
    return Y


def evaluate_model(model: Any, articles: Sequence[Article]) -> dict[str, Any]:
    """Score a TagModel on labeled articles; tags unknown to the model count as misses.

    The articles are cleaned as drafts are, and gold tags are matched to the model's tags
    across spellings (`Open Data` is the model's `open-data`)."""
    from tagger.corpus.tags import tag_key
    from tagger.model.decision import calibrate, decide
    from tagger.pipeline import clean_article

    spelled = {tag_key(t): t for t in model.labels}
    articles = [
        replace(a, tags=tuple(dict.fromkeys(spelled.get(tag_key(t), t) for t in a.tags)))
        for a in map(clean_article, articles)
    ]
    labels = list(model.labels)
    extra = sorted({t for a in articles for t in a.tags} - set(labels))
    all_labels = labels + extra
    Y = binarize(articles, all_labels)
    raw = model.raw_scores([a.full_text for a in articles])
    chosen = decide(raw, model.thresholds, model.decision)
    probs = calibrate(raw, model.platt)
    pad = np.zeros((len(articles), len(extra)), dtype=raw.dtype)
    scores = np.hstack([probs, pad - 1.0]) if extra else probs
    P = np.hstack([chosen, pad.astype(bool)]) if extra else chosen
    result = multilabel_metrics(Y, P, scores, all_labels)
    result["unknown_tags"] = extra
    return result

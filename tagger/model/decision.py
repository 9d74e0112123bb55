"""Decision rule: per-tag thresholds (SCut), calibrated scores, fallback, limit.

* SCut: for each tag, the threshold on held-out (cross-validated) scores that maximizes that
  tag's F1. When even the best F1 is poor (below `fbr`), the threshold is not allowed under the
  classifier's own boundary (0): rare tags otherwise learn thresholds that fire everywhere.
* Rare tags (at most `rare_max_docs` training articles) have too few held-out positives for a
  threshold of their own; they share one, chosen on the pooled held-out scores to maximize
  their mean F1. A linear SVM trained on three examples scores new positives well below 0, so
  this shared threshold is usually negative (about -0.75 on Reuters-21578), and it is what lifts
  macro-F1 there from 0.59 to 0.66 (benchmarks/RESULTS.md).
* Platt scaling maps each tag's raw score to a probability, fitted on the same held-out scores,
  so scores are comparable across tags and `--threshold 0.5` means what it says.
* An article where no tag clears its threshold gets the tag with the best margin (fallback).
* `limit` and a user threshold apply last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DecisionConfig:
    """How scores become tags (see above). `fbr`: below this best held-out F1 a tag's
    threshold may not go under 0; `fallback`: an article no tag clears still gets its
    best-margin tag; `rare_max_docs`: tags with at most this many training articles share one
    threshold; `rule`: "scut" learns thresholds, "zero" uses the classifier's own boundary."""

    fbr: float = 0.15
    fallback: bool = True
    rare_max_docs: int = 10
    rule: str = "scut"  # "scut": learned thresholds; "zero": the classifier's own boundary


def fit_thresholds(
    scores: np.ndarray,
    Y: np.ndarray,
    config: DecisionConfig,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Per-tag thresholds (SCut) with one shared threshold for the rare tags. `weights` (one
    per article) weigh the per-tag F1 that SCut maximizes, e.g. towards recent articles."""
    if config.rule == "zero":
        return np.zeros(Y.shape[1], dtype=np.float32)
    thresholds = fit_scut(scores, Y, config.fbr, weights)
    positives = Y.sum(axis=0)
    rare = np.flatnonzero((positives >= 1) & (positives <= config.rare_max_docs))
    shared = fit_shared_threshold(scores[:, rare], Y[:, rare])
    if shared is not None:
        thresholds[rare] = shared
    return thresholds


def fit_shared_threshold(scores: np.ndarray, Y: np.ndarray) -> float | None:
    """The single threshold maximizing mean F1 over these tags (those with >= 2 positives).

    Candidates sit just below each positive's held-out score, so the search is scale-free.
    """
    usable = Y.sum(axis=0) >= 2
    if not usable.any():
        return None
    S, T = scores[:, usable], Y[:, usable].astype(bool)
    candidates = np.unique(S[T] - 1e-4)
    candidates = candidates[candidates > -5.0]  # skip folds that had no positive to learn from
    best, best_f1 = None, -1.0
    for c in candidates:
        P = S >= c
        tp = (P & T).sum(axis=0)
        f1 = (2 * tp / (P.sum(axis=0) + T.sum(axis=0))).mean()
        if f1 > best_f1:
            best, best_f1 = float(c), float(f1)
    return best


def fit_scut(
    scores: np.ndarray, Y: np.ndarray, fbr: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Per-tag thresholds on raw scores from out-of-fold `scores` and 0/1 truth `Y`, each
    maximizing the tag's (article-weighted) F1."""
    n_docs, n_tags = Y.shape
    thresholds = np.zeros(n_tags, dtype=np.float32)
    w = np.ones(n_docs) if weights is None else np.asarray(weights, dtype=np.float64)
    for j in range(n_tags):
        s = scores[:, j]
        order = np.argsort(-s, kind="stable")
        if not Y[:, j].any():
            thresholds[j] = np.inf
            continue
        hits = Y[order, j] * w[order]
        f1 = 2 * np.cumsum(hits) / (np.cumsum(w[order]) + hits.sum())
        best = int(np.argmax(f1))
        below = s[order[best + 1]] if best + 1 < n_docs else s[order[best]] - 1.0
        thr = (s[order[best]] + below) / 2
        if f1[best] < fbr:
            thr = max(thr, 0.0)
        thresholds[j] = thr
    return thresholds


PLATT_C = 100.0  # weak regularization: two parameters per tag, hundreds of held-out scores


def fit_platt(scores: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-tag (a, b) so that sigmoid(a * score + b) estimates P(tag | article)."""
    from tagger.model.logistic import fit_logistic

    params = np.tile(np.array([[2.0, 0.0]], dtype=np.float64), (Y.shape[1], 1))
    coef, intercept = fit_logistic(scores[:, :, np.newaxis], Y, PLATT_C)
    varied = Y.min(axis=0) != Y.max(axis=0)
    # A non-increasing map would reorder articles; keep the default then.
    fitted = varied & (coef[:, 0] > 0)
    params[fitted, 0] = coef[fitted, 0]
    params[fitted, 1] = intercept[fitted]
    return params


def calibrate(scores: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Raw scores (docs x tags) as probabilities 0-1, with the per-tag Platt `params`."""
    z = scores * params[:, 0].astype(np.float32) + params[:, 1].astype(np.float32)
    probs: np.ndarray = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
    return probs


def decide(scores: np.ndarray, thresholds: np.ndarray, config: DecisionConfig) -> np.ndarray:
    """0/1 matrix of chosen tags from raw scores: threshold per tag, then fallback."""
    chosen = scores >= thresholds
    if config.fallback:
        empty = ~chosen.any(axis=1)
        if empty.any():
            margin = scores[empty] - thresholds
            chosen[np.flatnonzero(empty), np.argmax(margin, axis=1)] = True
    return chosen


def rank_limit(
    probs: np.ndarray, chosen: np.ndarray, limit: int | None, min_score: float | None
) -> list[list[int]]:
    """Per article, the chosen tag indices ordered by score, filtered and cut to `limit`.

    A user `min_score` replaces the learned thresholds: every tag scoring at least it is kept.
    """
    out: list[list[int]] = []
    for i in range(probs.shape[0]):
        row = probs[i]
        keep = (
            np.flatnonzero(row >= min_score) if min_score is not None else np.flatnonzero(chosen[i])
        )
        ordered = keep[np.argsort(-row[keep], kind="stable")]
        out.append([int(j) for j in (ordered[:limit] if limit is not None else ordered)])
    return out

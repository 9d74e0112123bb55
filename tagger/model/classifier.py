"""One-vs-rest linear classifiers over sparse features, with a registry of kinds.

Each label gets its own binary linear model; all of them are kept as one dense weight matrix so
scoring a batch is a single sparse-by-dense product. liblinear releases the GIL while it trains,
so labels (and cross-validation folds) train in parallel threads without copying the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse

from tagger.errors import TrainingError

ProgressFn = Callable[[int, int], None]
# Threads share the sparse matrix without copies. liblinear's shuffling draws from one C random
# generator shared by all threads, so with more than one job the same seed can give slightly
# different weights; with n_jobs=1 training is exactly reproducible (tests/test_training.py).
BACKEND = "threading"


@dataclass(frozen=True)
class ClassifierConfig:
    """How the per-label linear models are trained. `kind`: the learner, a key of KINDS ("svc"
    linear SVM, "logreg" logistic regression, which gets 10 x `C`); `C`: inverse
    regularization strength, > 0 (larger fits the training data more closely); `seed`: random
    state of the learners and cross-validation folds; `n_jobs`: training threads (-1: one per
    CPU)."""

    kind: str = "svc"
    C: float = 1.0
    seed: int = 0
    n_jobs: int = -1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TrainingError(
                f"unknown classifier kind '{self.kind}' (choose: {', '.join(KINDS)})"
            )
        if self.C <= 0:
            raise TrainingError(f"regularization C must be > 0, got {self.C}")


def _make_svc(cfg: ClassifierConfig) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=cfg.C, dual=True, tol=1e-3, max_iter=2000, random_state=cfg.seed)


def _make_logreg(cfg: ClassifierConfig) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=cfg.C * 10, solver="liblinear", random_state=cfg.seed)


KINDS: dict[str, Callable[[ClassifierConfig], Any]] = {
    "svc": _make_svc,
    "logreg": _make_logreg,
}
"""Registry of binary linear learners (kind name -> factory). Add a kind here."""


def _fit_one(
    cfg: ClassifierConfig, X: sparse.csr_matrix, y: np.ndarray
) -> tuple[np.ndarray, float]:
    if y.min() == y.max():
        # A label with no positive (or no negative) example in this fold: a constant score far
        # outside the usual margin range, so thresholds never treat it as evidence.
        return np.zeros(X.shape[1], np.float32), (10.0 if y[0] else -10.0)
    model = KINDS[cfg.kind](cfg).fit(X, y)
    return model.coef_.ravel().astype(np.float32), float(model.intercept_[0])


class OneVsRestLinear:
    """Multi-label linear classifier: fit(X, Y) -> self; decision_function(X) -> scores."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()

    def fit(
        self, X: sparse.csr_matrix, Y: np.ndarray, progress: ProgressFn | None = None
    ) -> OneVsRestLinear:
        """Train one binary model per column of Y (docs x labels, 0/1); `progress(done, total)`
        is called as each finishes."""
        results = run_parallel(
            [(self.config, X, Y[:, j]) for j in range(Y.shape[1])], self.config.n_jobs, progress
        )
        # Stored as (features x labels), C-contiguous float32: scoring a batch is then one
        # sparse-by-dense product with no copy of the weight matrix.
        self.weights_ = np.ascontiguousarray(np.vstack([w for w, _ in results]).T)
        self.intercept_ = np.array([b for _, b in results], dtype=np.float32)
        return self

    @property
    def coef_(self) -> np.ndarray:
        """Weights as (labels x features), the scikit-learn orientation."""
        return self.weights_.T

    def decision_function(self, X: sparse.csr_matrix) -> np.ndarray:
        """Raw margin scores (docs x labels, float32): uncalibrated, higher means more likely."""
        scores = X.astype(np.float32, copy=False) @ self.weights_
        return np.asarray(scores, dtype=np.float32) + self.intercept_


def run_parallel(
    tasks: list[tuple[ClassifierConfig, sparse.csr_matrix, np.ndarray]],
    n_jobs: int,
    progress: ProgressFn | None = None,
) -> list[tuple[np.ndarray, float]]:
    """Fit many binary models in threads, reporting progress as they finish (in task order)."""
    out: list[tuple[np.ndarray, float]] = []
    runner = Parallel(n_jobs=n_jobs, backend=BACKEND, return_as="generator")
    for i, result in enumerate(runner(delayed(_fit_one)(*t) for t in tasks), start=1):
        out.append(result)
        if progress is not None:
            progress(i, len(tasks))
    return out


@dataclass
class CrossVal:
    """Out-of-fold scores (documents x labels) and, per fold, (held-out rows, weights as
    features x labels, intercepts)."""

    oof: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)


def cross_val_decision(
    config: ClassifierConfig,
    X: sparse.csr_matrix,
    Y: np.ndarray,
    folds: int,
    progress: ProgressFn | None = None,
) -> CrossVal:
    """Out-of-fold decision scores for every (document, label), all folds trained in parallel,
    with each fold's held-out rows and weights (to score other views of those documents)."""
    from sklearn.model_selection import KFold

    splits = list(KFold(folds, shuffle=True, random_state=config.seed).split(X))
    fold_X = [X[train] for train, _ in splits]  # slice once per fold, shared by its labels
    tasks = [
        (config, fold_X[f], Y[train, j])
        for f, (train, _) in enumerate(splits)
        for j in range(Y.shape[1])
    ]
    results = run_parallel(tasks, config.n_jobs, progress)
    result = CrossVal(np.zeros(Y.shape, dtype=np.float32))
    n_labels = Y.shape[1]
    for f, (_, held_out) in enumerate(splits):
        part = results[f * n_labels : (f + 1) * n_labels]
        W = np.ascontiguousarray(np.vstack([w for w, _ in part]).T)
        b = np.array([c for _, c in part], dtype=np.float32)
        result.oof[held_out] = np.asarray(X[held_out] @ W) + b
        result.folds.append((held_out, W, b))
    return result

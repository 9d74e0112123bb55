"""The trained tag model: features, per-tag linear scores, stacking, calibration and the
decision rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from tagger.model.classifier import OneVsRestLinear
from tagger.model.decision import DecisionConfig, calibrate, decide, rank_limit
from tagger.model.features import TextFeatures
from tagger.model.stacking import Level2


@dataclass
class TagModel:
    """Everything needed to score text; saved as one joblib artifact inside a bundle.

    `level2` (None: the classifier's margins are the scores) combines the whole-text margins
    with passage margins and tag-name matches (see `tagger.model.stacking`)."""

    labels: list[str]
    features: TextFeatures
    classifier: OneVsRestLinear
    thresholds: np.ndarray
    platt: np.ndarray
    decision: DecisionConfig
    level2: Level2 | None = None
    # Keys of the paragraphs learned as the publisher's boilerplate (tagger.text.boilerplate),
    # stripped from drafts before scoring; () in models trained before they were learned.
    boilerplate: tuple[str, ...] = ()
    # Organization names the archive keeps naming (tagger.entities.gazetteer), found in drafts
    # by the entity stages; () when trained without --gazetteer.
    gazetteer: tuple[str, ...] = ()

    def raw_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated scores (texts x labels), the scale thresholds are on."""
        return self.scores_of(self.features.transform(texts), texts)

    def scores_of(self, X: sparse.csr_matrix, texts: Sequence[str]) -> np.ndarray:
        """`raw_scores` for texts already turned into features `X`."""
        whole = self.classifier.decision_function(X)
        if self.level2 is None:
            return whole
        return self.level2.scores(
            whole, texts, self.features.transform, self.classifier.decision_function
        )

    def predict(
        self, texts: Sequence[str], limit: int | None = None, min_score: float | None = None
    ) -> list[list[tuple[str, float]]]:
        """Chosen tags per text as (tag, calibrated score), best first."""
        return self.predict_features(self.features.transform(texts), texts, limit, min_score)

    def predict_features(
        self,
        X: sparse.csr_matrix,
        texts: Sequence[str],
        limit: int | None = None,
        min_score: float | None = None,
    ) -> list[list[tuple[str, float]]]:
        """`predict` for texts already turned into features (so evidence can reuse them)."""
        chosen, _ = self.predict_ranked(X, texts, limit, min_score, 0)
        return chosen

    def predict_ranked(
        self,
        X: sparse.csr_matrix,
        texts: Sequence[str],
        limit: int | None,
        min_score: float | None,
        candidates: int,
    ) -> tuple[list[list[tuple[str, float]]], list[list[tuple[str, float]]]]:
        """`predict_features`, and with it the `candidates` best-scoring tags per text whether
        chosen or not (runners-up for an editor to pick from), from the same scores."""
        raw = self.scores_of(X, texts)
        probs = calibrate(raw, self.platt)
        chosen = decide(raw, self.thresholds, self.decision)

        def named(ranked: list[list[int]]) -> list[list[tuple[str, float]]]:
            return [
                [(self.labels[j], float(probs[i, j])) for j in row] for i, row in enumerate(ranked)
            ]

        best = rank_limit(probs, chosen, candidates, 0.0) if candidates else [[] for _ in texts]
        return named(rank_limit(probs, chosen, limit, min_score)), named(best)

    def threshold_scores(self) -> dict[str, float]:
        """Each tag's learned threshold, expressed as a calibrated score."""
        probs = calibrate(self.thresholds[np.newaxis, :].clip(-1e3, 1e3), self.platt)[0]
        return {t: float(p) for t, p in zip(self.labels, probs, strict=True)}

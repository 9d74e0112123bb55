"""Keeping a model up to date with the editors, cheaply: no new vocabulary, no cross-validation.

A newsroom's topics move, so a model should learn from every batch of articles its editors tag.
Retraining from scratch repeats the cross-validation (most of training's time). `ModelUpdater`
keeps what training computed (the feature rows, the tags, the level-2 signals of the training
articles) and, for each new batch:

1. turns the new articles into features with the fitted vocabulary;
2. scores them with the current model first: these are genuinely out-of-sample level-2 signals,
   better than cross-validated ones for thresholds under drift;
3. refits the first-level classifiers on all rows, and the level-2 combiner, thresholds
   (recent articles weigh more) and calibration on all level-2 signals.

Tags the model does not know are ignored (learning a new tag needs a retrain).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from tagger.model.classifier import OneVsRestLinear
from tagger.model.decision import fit_platt, fit_thresholds
from tagger.model.stacking import Stacker, level2_features, out_of_fold, passage_scores
from tagger.model.tagmodel import TagModel

if TYPE_CHECKING:
    from tagger.training import TrainingRows

# An article weighs half as much as one 100 articles newer (chosen on a replay of the 2016
# DigitalGov posts, not on the 2017-2019 benchmark replay).
RECENT_WEIGHT_HALF_LIFE = 100


class ModelUpdater:
    """Holds a model and the training rows it came from; `update(texts, tags)` learns a batch."""

    def __init__(self, model: TagModel, rows: TrainingRows) -> None:
        if model.level2 is None or rows.signals is None:
            raise ValueError("incremental updates need a model with the level-2 combiner")
        self.model = model
        self.X = rows.X
        self.Y = rows.Y
        self.F = rows.signals

    def _binarize(self, tags: Sequence[Sequence[str]]) -> np.ndarray:
        index = {t: j for j, t in enumerate(self.model.labels)}
        Y = np.zeros((len(tags), len(index)), dtype=np.int8)
        for i, row in enumerate(tags):
            for t in row:
                if t in index:
                    Y[i, index[t]] = 1
        return Y

    def _signals(self, texts: Sequence[str], X: sparse.csr_matrix) -> np.ndarray:
        """Level-2 signals of texts under the current first-level model."""
        model = self.model
        assert model.level2 is not None
        whole = model.classifier.decision_function(X)
        passages = passage_scores(
            model.features.transform, model.classifier.decision_function, texts, whole
        )
        names = model.level2.names.features(texts)
        return level2_features(whole, passages, names, model.level2.prior)

    def update(self, texts: Sequence[str], tags: Sequence[Sequence[str]]) -> TagModel:
        """Learn a batch of newly tagged articles; returns (and keeps) the updated model."""
        model = self.model
        assert model.level2 is not None
        X_new = model.features.transform(texts)
        self.F = np.concatenate([self.F, self._signals(texts, X_new)])
        self.X = sparse.vstack([self.X, X_new], format="csr")
        self.Y = np.concatenate([self.Y, self._binarize(tags)])
        classifier = OneVsRestLinear(model.classifier.config).fit(self.X, self.Y)
        old = model.level2.stacker
        stacker = Stacker(old.C, old.min_positives)
        scores = out_of_fold(self.F, self.Y, 5, model.classifier.config.seed, stacker)
        age = np.arange(len(self.Y))[::-1].astype(np.float64)
        weights = np.power(0.5, age / RECENT_WEIGHT_HALF_LIFE)
        self.model = replace(
            model,
            classifier=classifier,
            thresholds=fit_thresholds(scores, self.Y, model.decision, weights / weights.mean()),
            platt=fit_platt(scores, self.Y),
            level2=replace(model.level2, stacker=stacker.fit(self.F, self.Y)),
        )
        return self.model

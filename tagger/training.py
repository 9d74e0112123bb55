"""Training: articles -> TagModel plus a report (cross-validated metrics, counts, timings)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from tagger.errors import TrainingError
from tagger.evaluate import binarize, multilabel_metrics
from tagger.model.classifier import ClassifierConfig, OneVsRestLinear, cross_val_decision
from tagger.model.decision import DecisionConfig, decide, fit_platt, fit_thresholds
from tagger.model.features import FeatureConfig, TextFeatures
from tagger.model.tagmodel import TagModel
from tagger.types import Article

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as training advances; stages are named in order."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a trained model: feature, classifier and decision settings;
    `folds`: cross-validation folds for thresholds and calibration (at most one per tagged
    article, at least 2); `min_tag_docs`: tags on fewer training articles are dropped;
    `tags_field`: the record field the tags are read from."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    folds: int = 5
    min_tag_docs: int = 1
    tags_field: str = "tags"

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every setting, as recorded in the bundle's manifest."""
        return asdict(self)


@dataclass
class TrainResult:
    """A trained model and its training report (counts, cross-validated metrics, timing)."""

    model: TagModel
    report: dict[str, Any]


def _select_tags(articles: Sequence[Article], min_docs: int) -> tuple[list[str], Counter[str]]:
    counts = Counter(t for a in articles for t in a.tags)
    labels = sorted(t for t, n in counts.items() if n >= min_docs)
    return labels, counts


def train(
    articles: Sequence[Article], config: TrainConfig, progress: Progress | None = None
) -> TrainResult:
    """Fit features, cross-validated thresholds and calibration, and the final classifier."""
    started = time.perf_counter()
    notify: Progress = progress or (lambda stage, done, total: None)
    labels, counts = _select_tags(articles, config.min_tag_docs)
    docs = [a for a in articles if any(t in set(labels) for t in a.tags)]
    if not labels:
        raise TrainingError(
            f"no tag has at least {config.min_tag_docs} articles in field "
            f"'{config.tags_field}' ({len(articles)} articles read)"
        )
    if len(docs) < 2:
        raise TrainingError(f"need at least 2 tagged articles to train, got {len(docs)}")
    folds = max(2, min(config.folds, len(docs)))
    Y = binarize(docs, labels)
    notify("features", 0, 1)
    features = TextFeatures(config.features)
    X = features.fit_transform([a.full_text for a in docs])
    notify("features", 1, 1)
    oof = cross_val_decision(
        config.classifier, X, Y, folds, lambda d, t: notify("cross-validation", d, t)
    )
    thresholds = fit_thresholds(oof, Y, config.decision)
    platt = fit_platt(oof, Y)
    classifier = OneVsRestLinear(config.classifier).fit(
        X, Y, lambda d, t: notify("final model", d, t)
    )
    model = TagModel(labels, features, classifier, thresholds, platt, config.decision)
    cv = multilabel_metrics(Y, decide(oof, thresholds, config.decision), oof, labels)
    report = {
        "n_articles_read": len(articles),
        "n_articles_used": len(docs),
        "n_tags": len(labels),
        "n_features": int(X.shape[1]),
        "folds": folds,
        "tag_counts": {t: counts[t] for t in labels},
        "dropped_tags": sorted(t for t in counts if t not in set(labels)),
        "cv_metrics": {k: v for k, v in cv.items() if k != "per_tag"},
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return TrainResult(model, report)


def cross_validate(
    articles: Sequence[Article], config: TrainConfig, folds: int, progress: Progress | None = None
) -> dict[str, Any]:
    """Train on k-1 folds, predict the held-out fold, and score all held-out predictions."""
    from sklearn.model_selection import KFold

    from tagger.model.decision import calibrate

    labels, _ = _select_tags(articles, config.min_tag_docs)
    docs = [a for a in articles if any(t in set(labels) for t in a.tags)]
    if len(docs) < folds:
        raise TrainingError(f"{folds}-fold cross-validation needs at least {folds} tagged articles")
    notify: Progress = progress or (lambda stage, done, total: None)
    Y = binarize(docs, labels)
    P = np.zeros(Y.shape, dtype=bool)
    S = np.zeros(Y.shape, dtype=np.float32)
    splits = list(KFold(folds, shuffle=True, random_state=config.classifier.seed).split(docs))
    for f, (tr, te) in enumerate(splits):
        notify("cross-validation folds", f, folds)
        model = train([docs[i] for i in tr], config).model
        index = {t: j for j, t in enumerate(model.labels)}
        cols = [index.get(t) for t in labels]
        raw = model.raw_scores([docs[i].full_text for i in te])
        chosen = decide(raw, model.thresholds, model.decision)
        probs = calibrate(raw, model.platt)
        for j, c in enumerate(cols):
            if c is not None:
                P[te, j] = chosen[:, c]
                S[te, j] = probs[:, c]
    notify("cross-validation folds", folds, folds)
    result = multilabel_metrics(Y, P, S, labels)
    result["folds"] = folds
    return result

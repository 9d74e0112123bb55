"""Training: articles -> TagModel plus a report (cross-validated metrics, counts, timings).

The articles are cleaned exactly as drafts are at suggestion time, and their tags merged across
spellings (`tagger.corpus.tags`). Then: features; first-level classifiers with k-fold
out-of-fold margins (whole articles and their passages); the level-2 combiner (stacking, see
`tagger.model.stacking`) with its own out-of-fold scores; thresholds and calibration on those;
the final models on everything.

The cross-validated figures in the report are honest about the decision rule: each fold is
decided with thresholds fitted on the other folds only.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from tagger.corpus.tags import normalize_tags
from tagger.errors import TrainingError
from tagger.evaluate import binarize, multilabel_metrics
from tagger.model.classifier import ClassifierConfig, OneVsRestLinear, cross_val_decision
from tagger.model.decision import DecisionConfig, decide, fit_platt, fit_thresholds
from tagger.model.features import FeatureConfig, TextFeatures
from tagger.model.stacking import (
    LEVEL2_C,
    Level2,
    Passages,
    Stacker,
    TagNames,
    level2_features,
    out_of_fold,
    pool_max,
)
from tagger.model.tagmodel import TagModel
from tagger.types import Article

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as training advances; stages are named in order."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a trained model: feature, classifier and decision settings;
    `folds`: cross-validation folds for thresholds and calibration (at most one per tagged
    article, at least 2); `min_tag_docs`: tags on fewer training articles are dropped;
    `tags_field`: the record field the tags are read from; `level2`: stack passage scores and
    tag-name matches on the classifier's margins (False: the margins alone);
    `recency_half_life_days`: when every article has a date, thresholds weigh an article half
    as much per this many days before the newest one (topics and tagging habits move; None:
    all articles weigh the same)."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    folds: int = 5
    min_tag_docs: int = 1
    tags_field: str = "tags"
    level2: bool = True
    recency_half_life_days: float | None = 180.0

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every setting, as recorded in the bundle's manifest."""
        return asdict(self)


@dataclass
class TrainingRows:
    """What training computed per article, kept for cheap updates (`tagger.model.update`):
    feature rows, 0/1 tags, and the out-of-fold level-2 signals (None without level 2)."""

    X: sparse.csr_matrix
    Y: np.ndarray
    signals: np.ndarray | None


@dataclass
class TrainResult:
    """A trained model, its training report (counts, cross-validated metrics, timing) and the
    per-article rows it was fitted on."""

    model: TagModel
    report: dict[str, Any]
    rows: TrainingRows | None = None


def _select_tags(articles: Sequence[Article], min_docs: int) -> tuple[list[str], Counter[str]]:
    counts = Counter(t for a in articles for t in a.tags)
    labels = sorted(t for t, n in counts.items() if n >= min_docs)
    return labels, counts


def prepare(articles: Sequence[Article]) -> tuple[list[Article], dict[str, list[str]]]:
    """Articles as the model sees them: cleaned like drafts, tag spellings merged; and the
    spelling variants that were merged."""
    from tagger.pipeline import clean_article

    merged, spellings = normalize_tags([clean_article(a) for a in articles])
    return merged, spellings.merged()


@dataclass
class _Fitted:
    """Out-of-fold scores on the decision scale, and the level-2 combiner (if any)."""

    scores: np.ndarray
    level2: Level2 | None
    signals: np.ndarray | None = None


def _passage_oof(
    features: TextFeatures, texts: Sequence[str], oof: np.ndarray, folds: list[Any]
) -> np.ndarray:
    """Out-of-fold best-passage margins: each fold's held-out passages with that fold's model."""
    parts = Passages.of(texts)
    best = oof.copy()
    if not parts.texts:
        return best
    Xp: sparse.csr_matrix = features.transform(parts.texts)
    for held_out, W, b in folds:
        rows = np.isin(parts.owner, held_out)
        best = pool_max(best, np.asarray(Xp[rows] @ W) + b, parts.owner[rows])
    return best


def _fit_scores(
    config: TrainConfig,
    features: TextFeatures,
    X: sparse.csr_matrix,
    Y: np.ndarray,
    texts: Sequence[str],
    labels: list[str],
    folds: int,
    notify: Progress,
) -> _Fitted:
    """Out-of-fold first-level margins, then (with `level2`) the stacked scores."""
    cv = cross_val_decision(
        config.classifier, X, Y, folds, lambda d, t: notify("cross-validation", d, t)
    )
    if not config.level2:
        return _Fitted(cv.oof, None)
    notify("stacking", 0, 1)
    passages = _passage_oof(features, texts, cv.oof, cv.folds)
    names = TagNames(labels)
    prior = np.log((Y.sum(axis=0) + 1.0) / (Y.shape[0] + 1.0)).astype(np.float32)
    F = level2_features(cv.oof, passages, names.features(texts), prior)
    stacker = Stacker(LEVEL2_C, min_positives=config.decision.rare_max_docs)
    scores = out_of_fold(F, Y, folds, config.classifier.seed, stacker)
    level2 = Level2(stacker.fit(F, Y), names, prior)
    notify("stacking", 1, 1)
    return _Fitted(scores, level2, F)


def cross_fitted_decisions(
    scores: np.ndarray,
    Y: np.ndarray,
    config: DecisionConfig,
    folds: int,
    seed: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """0/1 decisions for out-of-fold scores where each fold's thresholds were fitted on the
    other folds only (so the reported figures are not tuned on what they score)."""
    from sklearn.model_selection import KFold

    chosen = np.zeros(Y.shape, dtype=bool)
    for rest, held_out in KFold(folds, shuffle=True, random_state=seed + 2).split(scores):
        rest_weights = None if weights is None else weights[rest]
        thresholds = fit_thresholds(scores[rest], Y[rest], config, rest_weights)
        chosen[held_out] = decide(scores[held_out], thresholds, config)
    return chosen


def recency_weights(docs: Sequence[Article], half_life_days: float | None) -> np.ndarray | None:
    """Per article, 0.5 ** (days before the newest article / half-life), mean 1; None when
    weighting is off or some article has no date."""
    import datetime as dt

    dates = [article_date(a) for a in docs]
    if half_life_days is None or any(d is None for d in dates):
        return None
    days = np.array([dt.date.fromisoformat(str(d)).toordinal() for d in dates], dtype=np.float64)
    weights = np.power(0.5, (days.max() - days) / half_life_days)
    normalized: np.ndarray = weights / weights.mean()
    return normalized


def train(
    articles: Sequence[Article], config: TrainConfig, progress: Progress | None = None
) -> TrainResult:
    """Fit features, first- and second-level models, thresholds and calibration."""
    started = time.perf_counter()
    prepared, merged_tags = prepare(articles)
    return _train_prepared(prepared, merged_tags, config, progress, started)


def _train_prepared(
    articles: list[Article],
    merged_tags: dict[str, list[str]],
    config: TrainConfig,
    progress: Progress | None,
    started: float,
) -> TrainResult:
    """`train` on articles already `prepare`d (cross-validation and time splits prepare the
    whole corpus once, not once per model)."""
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
    texts = [a.full_text for a in docs]
    notify("features", 0, 1)
    features = TextFeatures(config.features)
    X = features.fit_transform(texts)
    notify("features", 1, 1)
    fitted = _fit_scores(config, features, X, Y, texts, labels, folds, notify)
    weights = recency_weights(docs, config.recency_half_life_days)
    thresholds = fit_thresholds(fitted.scores, Y, config.decision, weights)
    platt = fit_platt(fitted.scores, Y)
    classifier = OneVsRestLinear(config.classifier).fit(
        X, Y, lambda d, t: notify("final model", d, t)
    )
    model = TagModel(
        labels, features, classifier, thresholds, platt, config.decision, fitted.level2
    )
    honest = cross_fitted_decisions(
        fitted.scores, Y, config.decision, folds, config.classifier.seed, weights
    )
    cv = multilabel_metrics(Y, honest, fitted.scores, labels)
    report = {
        "n_articles_read": len(articles),
        "n_articles_used": len(docs),
        "n_tags": len(labels),
        "n_features": int(X.shape[1]),
        "folds": folds,
        "tag_counts": {t: counts[t] for t in labels},
        "dropped_tags": sorted(t for t in counts if t not in set(labels)),
        "merged_tag_variants": merged_tags,
        "cv_metrics": {k: v for k, v in cv.items() if k != "per_tag"},
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return TrainResult(model, report, TrainingRows(X, Y, fitted.signals))


def _score_held_out(
    model: TagModel, held_out: Sequence[Article], labels: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Decisions and calibrated scores of `model` on `held_out`, in the columns of `labels`
    (zero for tags the model does not know)."""
    from tagger.model.decision import calibrate

    P = np.zeros((len(held_out), len(labels)), dtype=bool)
    S = np.zeros((len(held_out), len(labels)), dtype=np.float32)
    index = {t: j for j, t in enumerate(model.labels)}
    raw = model.raw_scores([a.full_text for a in held_out])
    chosen = decide(raw, model.thresholds, model.decision)
    probs = calibrate(raw, model.platt)
    for j, tag in enumerate(labels):
        c = index.get(tag)
        if c is not None:
            P[:, j] = chosen[:, c]
            S[:, j] = probs[:, c]
    return P, S


def cross_validate(
    articles: Sequence[Article], config: TrainConfig, folds: int, progress: Progress | None = None
) -> dict[str, Any]:
    """Train on k-1 folds, predict the held-out fold, and score all held-out predictions."""
    from sklearn.model_selection import KFold

    articles, _ = prepare(articles)
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
        fold = [docs[i] for i in tr]
        model = _train_prepared(fold, {}, config, None, time.perf_counter()).model
        P[te], S[te] = _score_held_out(model, [docs[i] for i in te], labels)
    notify("cross-validation folds", folds, folds)
    result = multilabel_metrics(Y, P, S, labels)
    result["folds"] = folds
    return result


def article_date(article: Article) -> str | None:
    """The article's date as YYYY-MM-DD (from a `date` field), or None."""
    value = str(article.extra.get("date") or "")[:10]
    return value if len(value) == 10 and value[4] == "-" and value[7] == "-" else None


def time_split(
    articles: Sequence[Article],
    config: TrainConfig,
    split_date: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on the articles dated before `split_date` (YYYY-MM-DD), test on the rest, the way
    a newsroom uses a tagger. Gold tags never seen in training are dropped (counted), and
    macro-F1 averages over the tags present in the test gold."""
    articles, merged_tags = prepare(articles)
    undated = sum(article_date(a) is None for a in articles)
    if undated:
        raise TrainingError(
            f"{undated} of {len(articles)} articles have no date (a 'date' field YYYY-MM-DD...)"
        )
    before = [a for a in articles if str(article_date(a)) < split_date]
    after = [a for a in articles if str(article_date(a)) >= split_date and a.tags]
    if not before or not after:
        raise TrainingError(
            f"--split-date {split_date}: {len(before)} articles before it, {len(after)} tagged "
            "ones on or after it; both must be non-empty"
        )
    model = _train_prepared(before, merged_tags, config, progress, time.perf_counter()).model
    labels = list(model.labels)
    unseen = sum(t not in set(labels) for a in after for t in a.tags)
    Y = binarize(after, labels)
    P, S = _score_held_out(model, after, labels)
    result = multilabel_metrics(Y, P, S, labels, macro_over="truth")
    result.update(
        split_date=split_date,
        n_train=len(before),
        n_test=len(after),
        unseen_gold_tags_dropped=unseen,
    )
    return result

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from tagger.errors import TrainingError
from tagger.evaluate import multilabel_metrics
from tagger.model.bundle import Bundle, load_bundle, save_bundle
from tagger.model.classifier import ClassifierConfig
from tagger.pipeline import SuggestOptions, Tagger
from tagger.training import TrainConfig, train
from tagger.types import Article

from .conftest import PRODUCTION_TEXT, PRODUCTION_TITLE


def test_overfit_and_round_trip(tiny_articles: list[Article], tmp_path: Path) -> None:
    """Train on a handful, save, load: identical scores after loading, and the right tags."""
    result = train(tiny_articles, TrainConfig(folds=3))
    texts = [a.full_text for a in tiny_articles]
    before = result.model.raw_scores(texts)
    save_bundle(result.model, tmp_path / "tiny", {})
    loaded = load_bundle(tmp_path / "tiny").model
    np.testing.assert_array_equal(before, loaded.raw_scores(texts))
    top = [tags[0][0] for tags in loaded.predict(texts)]
    assert top[:4] == ["manufacturing", "manufacturing", "venture-capital", "venture-capital"]
    assert top[5] == "regions"


def test_same_seed_same_model(tiny_articles: list[Article]) -> None:
    # One job: liblinear's shared random generator makes threaded runs differ slightly.
    config = TrainConfig(folds=3, classifier=ClassifierConfig(n_jobs=1))
    a = train(tiny_articles, config).model
    b = train(tiny_articles, config).model
    np.testing.assert_array_equal(a.classifier.coef_, b.classifier.coef_)
    np.testing.assert_array_equal(a.thresholds, b.thresholds)


def test_training_needs_tags(tiny_articles: list[Article]) -> None:
    untagged = [Article(a.id, a.title, a.text) for a in tiny_articles]
    with pytest.raises(TrainingError, match="no tag has at least"):
        train(untagged, TrainConfig())


def test_scores_are_probabilities_and_limit_applies(tiny_articles: list[Article]) -> None:
    model = train(tiny_articles, TrainConfig(folds=3)).model
    tagger = Tagger(Bundle(Path("unsaved"), {}, model))
    out = tagger.suggest_batch(tiny_articles, SuggestOptions(limit=1, threshold=0.0))
    assert all(len(s.tags) == 1 and 0.0 <= s.tags[0].score <= 1.0 for s in out)


def test_metrics_agree_with_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(40, 5))
    P = rng.integers(0, 2, size=(40, 5))
    m = multilabel_metrics(Y, P, rng.random((40, 5)), list("abcde"))
    assert m["micro_f1"] == pytest.approx(f1_score(Y, P, average="micro"), abs=1e-4)
    assert m["macro_f1"] == pytest.approx(f1_score(Y, P, average="macro"), abs=1e-4)
    assert m["samples_f1"] == pytest.approx(
        f1_score(Y, P, average="samples", zero_division=1.0), abs=1e-4
    )


def test_digest_model_tags_a_new_production_article(digest_model: Path) -> None:
    """Acceptance: manufacturing and regions among the top 3 for an unseen article."""
    article = Article("new", PRODUCTION_TITLE, PRODUCTION_TEXT)
    [suggestion] = Tagger.load(digest_model).suggest_batch([article], SuggestOptions(limit=3))
    assert {"manufacturing", "regions"} <= {t.tag for t in suggestion.tags}


def test_model_updater_learns_a_new_batch_without_retraining() -> None:
    from tagger.corpus import read_corpus
    from tagger.model.update import ModelUpdater
    from tagger.training import TrainConfig, train

    from .conftest import CORPUS

    articles = list(read_corpus([CORPUS]))
    result = train(articles[:200], TrainConfig(min_tag_docs=2))
    assert result.rows is not None and result.rows.signals is not None
    updater = ModelUpdater(result.model, result.rows)
    batch = articles[200:260]
    texts = [a.full_text for a in batch]
    before = result.model.raw_scores(texts)
    updated = updater.update(texts, [(*a.tags, "never-seen-tag") for a in batch])
    assert updated.labels == result.model.labels  # unknown tags are ignored
    assert updater.X.shape[0] == 260 and updater.F.shape[0] == 260
    after = updated.raw_scores(texts)
    columns = [[result.model.labels.index(t) for t in a.tags if t in updated.labels] for a in batch]
    gain = [
        after[i, cols].mean() - before[i, cols].mean() for i, cols in enumerate(columns) if cols
    ]
    assert np.mean(gain) > 0  # the batch's own tags score higher once learned

"""Long real-length articles keep their topic: scores do not fall as an article grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.corpus import read_corpus
from tagger.corpus.digest import parse_digest
from tagger.model.bundle import load_bundle

from .conftest import CORPUS, ROOT

LONG_ARTICLE = Path(__file__).parent / "fixtures" / "long_production_article.txt"
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
DIGITALGOV = ROOT.parent / "shared" / "corpora" / "digitalgov-news"
MAX_DROP = 0.1


def test_a_600_word_article_gets_its_two_topics_first(digest_model: Path) -> None:
    article = parse_digest(LONG_ARTICLE.read_text(encoding="utf-8"), "long")
    assert len(article.full_text.split()) >= 600
    model = load_bundle(digest_model).model
    suggested = [tag for tag, _ in model.predict([article.full_text], limit=None)[0]]
    assert set(suggested[:2]) == {"manufacturing", "regions"}, suggested


@pytest.mark.parametrize("draft", [*SAMPLES, LONG_ARTICLE], ids=lambda p: p.name)
def test_more_on_topic_paragraphs_never_lower_the_top_score(
    digest_model: Path, draft: Path
) -> None:
    model = load_bundle(digest_model).model
    text = parse_digest(draft.read_text(encoding="utf-8"), draft.name).full_text
    top, score = model.predict([text], limit=1, min_score=0.0)[0][0]
    on_topic = [a.text.split("\n\n")[0] for a in read_corpus([CORPUS]) if top in a.tags]
    assert len(on_topic) >= 10
    for k in range(0, 10, 2):  # five different pairs of on-topic paragraphs
        longer = "\n\n".join([text, *on_topic[k : k + 2]])
        scores = dict(model.predict([longer], limit=None, min_score=0.0)[0])
        assert scores[top] >= score - MAX_DROP, (top, score, scores[top])


@pytest.mark.slow
@pytest.mark.skipif(not (DIGITALGOV / "news").is_dir(), reason="../shared digitalgov-news absent")
def test_train_on_the_digitalgov_archive(tmp_path: Path) -> None:
    out = tmp_path / "digitalgov"
    args = ["train", str(DIGITALGOV), "--tags-field", "topics", "--out", str(out), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n_articles_read"] == 1610 and report["n_tags"] >= 45
    assert "artificial-intelligence" in report["merged_tag_variants"]
    assert report["cv_metrics"]["micro_f1"] > 0.5

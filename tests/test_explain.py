"""Evidence: the words that pushed each suggested tag's score, through Tagger and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.model.explain import Explainer, _add_term, _trim_stop_words
from tagger.pipeline import SuggestOptions, Tagger
from tagger.types import Article

from .conftest import SAMPLE_DRAFT


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w\w+", text.lower()))


def test_evidence_explains_each_tag_with_words_of_the_article(digest_model: Path) -> None:
    tagger = Tagger.load(digest_model, entities=False)
    article = Article("d", "", SAMPLE_DRAFT.read_text())
    [plain] = tagger.suggest_batch([article], SuggestOptions(entities=False))
    [explained] = tagger.suggest_batch([article], SuggestOptions(entities=False, evidence=True))
    assert all(t.evidence == () for t in plain.tags)  # off unless asked for
    assert [(t.tag, t.score) for t in plain.tags] == [(t.tag, t.score) for t in explained.tags]
    vocabulary = words_of(article.text)
    for tag in explained.tags:
        assert 1 <= len(tag.evidence) <= 3
        assert all(set(term.split()) <= vocabulary for term in tag.evidence), tag
    evidence = {t.tag: t.evidence for t in explained.tags}
    # golden: the words an editor would point at
    assert {"production", "manufacturers"} <= set(evidence["manufacturing"])
    assert "regional" in evidence["regions"]


def test_evidence_follows_the_largest_contributions(digest_model: Path) -> None:
    """The strongest contribution (value x weight) comes first, shown as the article's word,
    and a phrase takes the place of its words."""
    model = Tagger.load(digest_model, entities=False).model
    text = "Venture capital firms and angel investors backed three startups."
    X = model.features.transform([text])
    row = X.getrow(0)
    contributions = (
        row.data * model.classifier.weights_[row.indices, model.labels.index("venture-capital")]
    )
    names = np.asarray(model.features.feature_names(), dtype=object)
    top = str(names[row.indices[np.argmax(contributions)]])
    [[terms]] = Explainer(model).explain(X, [text], [["venture-capital"]])
    top_word = next(w for w in words_of(text) if w.startswith(top.rstrip("~")))
    assert top_word in terms[0].split()
    assert terms == ("venture capital", "investors", "startups")  # golden


def test_prefix_features_become_the_articles_words(digest_model: Path) -> None:
    tagger = Tagger.load(digest_model, entities=False)
    text = "Manufacturers, manufacturers and more manufacturers expanded their plants."
    [s] = tagger.suggest_batch([Article("p", "", text)], SuggestOptions(evidence=True))
    terms = {term for t in s.tags for term in t.evidence}
    assert not any(term.endswith("~") for term in terms)
    assert "manufacturers" in terms


def test_phrases_replace_their_words_and_lose_edge_stop_words() -> None:
    chosen: list[str] = []
    for term in ["venture", "capital", "venture capital", "capital", "angel"]:
        _add_term(chosen, term)
    assert chosen == ["venture capital", "angel"]
    assert _trim_stop_words("investors in") == "investors"
    assert _trim_stop_words("the of") == ""


def test_cli_suggest_evidence(digest_model: Path) -> None:
    runner = CliRunner()
    args = ["suggest", "--model", str(digest_model), "--no-entities", str(SAMPLE_DRAFT)]
    result = runner.invoke(app, [*args, "--json", "--evidence"])
    assert result.exit_code == 0, result.stderr
    tags = json.loads(result.stdout)["tags"]
    assert all(t["evidence"] for t in tags)
    plain = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["tags"]
    assert all("evidence" not in t for t in plain)
    table = runner.invoke(app, [*args, "--evidence"])
    assert table.exit_code == 0 and "evidence" in table.stdout
    assert tags[0]["evidence"][0] in table.stdout

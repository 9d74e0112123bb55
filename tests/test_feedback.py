"""Feedback storage, applying feedback to a corpus, and retraining from editors' decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.errors import FeedbackError, InputError
from tagger.feedback import Feedback, FeedbackStore, apply_feedback, check_feedback, read_feedback
from tagger.pipeline import SuggestOptions, Tagger
from tagger.types import Article

from .conftest import CORPUS, PRODUCTION_TEXT, PRODUCTION_TITLE

TAGS = ["manufacturing", "regions", "university-research", "venture-capital"]

# An article the embedded corpus does not hold; the digest model tags it manufacturing +
# regions, and our editors disagree about "regions".
DRAFT = Article("cms-7", PRODUCTION_TITLE, PRODUCTION_TEXT)


def test_store_round_trip(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.db")  # parent folders are created
    first = store.add(Feedback(text="Body", title="Title", accepted=("regions",)))
    second = store.add(
        Feedback(text="Other", article_id="x1", rejected=("manufacturing",), model="m@1")
    )
    assert (first, second) == (1, 2)
    rows = read_feedback(tmp_path / "sub" / "feedback.db")
    assert [(r.id, r.title, r.accepted, r.rejected) for r in rows] == [
        (1, "Title", ("regions",), ()),
        (2, "", (), ("manufacturing",)),
    ]
    assert rows[1].article_id == "x1" and rows[1].model == "m@1" and rows[0].created


def test_check_feedback_normalizes_and_refuses() -> None:
    checked = check_feedback(
        Feedback(text="x", accepted=(" regions", "regions", ""), added=("manufacturing",)), TAGS
    )
    assert checked.accepted == ("regions",) and checked.added == ("manufacturing",)
    with pytest.raises(InputError, match=r"unknown tags .*: astrology, knitting"):
        check_feedback(Feedback(text="x", accepted=("knitting", "astrology")), TAGS)
    with pytest.raises(InputError, match="both rejected and accepted or added: regions"):
        check_feedback(Feedback(text="x", accepted=("regions",), rejected=("regions",)), TAGS)
    with pytest.raises(InputError, match="empty text"):
        check_feedback(Feedback(text="  "), TAGS)


def test_read_feedback_errors(tmp_path: Path) -> None:
    with pytest.raises(FeedbackError, match="no such feedback database"):
        read_feedback(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all " * 100)
    with pytest.raises(FeedbackError, match="not a tagger feedback database"):
        read_feedback(junk)


def test_apply_feedback_merges_by_id_and_text() -> None:
    corpus = [
        Article("a", "Plant opens", "A factory opens in the metro.", ("manufacturing", "regions")),
        Article("b", "Seed fund", "Investors close a fund.", ("venture-capital",)),
    ]
    records = [
        Feedback(id=1, article_id="a", text="A factory opens.", rejected=("manufacturing",)),
        Feedback(id=2, article_id="a", text="A factory opens.", rejected=("regions",)),
        Feedback(id=3, title="Seed fund", text="Investors  close a fund.", added=("regions",)),
        Feedback(id=4, text="A new lab.", accepted=("university-research",)),
        Feedback(id=5, text="Nothing kept.", rejected=("regions",)),
    ]
    merged, counts = apply_feedback(corpus, records)
    by_id = {a.id: a for a in merged}
    # the latest record for "a" wins; its text replaces the corpus text
    assert by_id["a"].tags == ("manufacturing",) and by_id["a"].text == "A factory opens."
    assert by_id["b"].tags == ("venture-capital", "regions")  # matched by text
    assert by_id["feedback-4"].tags == ("university-research",)
    assert counts == {
        "records": 5,
        "articles": 4,
        "updated_corpus_articles": 2,
        "new_articles": 1,
        "skipped_without_tags": 1,
    }


def test_retraining_with_feedback_drops_a_rejected_suggestion(
    digest_model: Path, tmp_path: Path
) -> None:
    """Acceptance: editors reject "regions" for an article; the retrained model agrees."""
    options = SuggestOptions(limit=None, entities=False)
    [before] = Tagger.load(digest_model, entities=False).suggest_batch([DRAFT], options)
    assert {"manufacturing", "regions"} <= {t.tag for t in before.tags}

    db = tmp_path / "feedback.db"
    FeedbackStore(db).add(
        Feedback(
            article_id=DRAFT.id,
            title=DRAFT.title,
            text=DRAFT.text,
            accepted=("manufacturing",),
            rejected=("regions",),
            added=("university-research",),
        )
    )
    out = tmp_path / "retrained"
    result = CliRunner().invoke(
        app,
        ["train", str(CORPUS), "--out", str(out), "--feedback", str(db), "--json", "--quiet"],
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["feedback"]["new_articles"] == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["feedback"]["records"] == 1

    [after] = Tagger.load(out, entities=False).suggest_batch([DRAFT], options)
    tags = {t.tag for t in after.tags}
    assert "regions" not in tags
    assert {"manufacturing", "university-research"} <= tags


def test_train_with_a_missing_feedback_database_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["train", str(CORPUS), "--out", str(tmp_path / "m"), "--feedback", "nope.db"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: [E600] nope.db: no such feedback database"

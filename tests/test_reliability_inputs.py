"""Text coming in through the CLI and the corpus readers (issue 14, findings 3 and 8): lone
surrogates, absurd nesting and empty or unlabeled files are one-line errors, never tracebacks
or silent successes."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from tagger.corpus import iter_records, read_corpus
from tagger.errors import FeedbackError, InputError, InvalidRecord
from tagger.feedback import Feedback, FeedbackStore, check_feedback, read_feedback
from tagger.inputs import read_drafts
from tagger.text.limits import check_no_surrogates, find_lone_surrogate, replace_surrogates
from tagger.types import Article

from .conftest import CORPUS
from .test_cli import assert_user_error, run
from .test_retag import retag_args

GOOD = {"id": "g", "title": "Plant opens", "text": "A factory opened.", "tags": ["manufacturing"]}
# JSON text as a file holds it: the escape is six ASCII characters, valid UTF-8 on disk.
SURROGATE_LINES = {
    "text": '{"id": "s", "text": "bad \\ud800 text"}',
    "title": '{"id": "s", "title": "\\udc00", "text": "fine"}',
    "tags[1]": '{"id": "s", "text": "fine", "tags": ["ok", "\\ud83d"]}',
    "meta.author": '{"id": "s", "text": "fine", "meta": {"author": "x\\udfff"}}',
}


def test_the_helpers() -> None:
    assert find_lone_surrogate({"a": ["ok", {"b": "\ud800"}]}) == "a[1].b"
    assert find_lone_surrogate("fine \U0001f600 emoji") is None
    assert find_lone_surrogate("\udc80") == ""
    with pytest.raises(InputError, match=r"request: invalid Unicode in 'text'"):
        check_no_surrogates({"text": "\ud800"}, "request")
    assert replace_surrogates("a\udcffb") == "a\ufffdb"
    deep: list[object] = []
    inner = deep
    for _ in range(50_000):  # iterative: no RecursionError on any depth
        inner.append([])
        inner = inner[0]  # type: ignore[assignment]
    assert find_lone_surrogate(deep) is None


@pytest.mark.parametrize("where", sorted(SURROGATE_LINES))
def test_jsonl_readers_refuse_lone_surrogates(tmp_path: Path, where: str) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(GOOD) + "\n" + SURROGATE_LINES[where] + "\n")
    records = list(iter_records([corpus]))
    assert isinstance(records[0], Article) and isinstance(records[1], InvalidRecord)
    assert f"invalid Unicode in '{where}'" in records[1].message and records[1].line == 2
    code, out, err = run("train", str(corpus), "--out", str(tmp_path / "m"), "--quiet")
    assert_user_error(code, out, err, f"c.jsonl:2: invalid Unicode in '{where}'")


def test_surrogate_pairs_are_fine(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "e", "text": "party \\ud83c\\udf89 time"}\n')
    [article] = list(read_corpus([corpus]))
    assert article.text == "party \U0001f389 time"


def test_retag_puts_surrogate_records_in_the_errors_file(
    digest_model: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "in.jsonl"
    archive.write_text(
        "\n".join([json.dumps(GOOD), *SURROGATE_LINES.values(), json.dumps(GOOD)]) + "\n"
    )
    out = tmp_path / "out.jsonl"
    code, _, err = run(*retag_args(archive, out, digest_model))
    assert code == 0, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    errors = (tmp_path / "out.errors.jsonl").read_text().splitlines()
    assert len(errors) == 4 and all("invalid Unicode" in e for e in errors)


def test_suggest_refuses_surrogates_and_deep_nesting_on_stdin(digest_model: Path) -> None:
    for line, needle in [
        (SURROGATE_LINES["text"], "stdin:1: invalid Unicode in 'text'"),
        ('{"text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ]:
        code, out, err = run(
            "suggest", "--model", str(digest_model), "--no-entities", "--json", "-", input=line
        )
        assert_user_error(code, out, err, needle)


def test_deeply_nested_corpus_lines_are_invalid_records(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "x", "n": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    [record] = list(iter_records([corpus]))
    assert isinstance(record, InvalidRecord) and "nested too deeply" in record.reason


def test_reuters_character_references_past_unicode_do_not_crash(tmp_path: Path) -> None:
    sgm = tmp_path / "reut2-000.sgm"
    sgm.write_text(
        '<REUTERS NEWID="1"><TOPICS><D>grain</D></TOPICS><TEXT><TITLE>Wheat &#55296;</TITLE>'
        "<BODY>Prices &#99999999; rose.</BODY></TEXT></REUTERS>\n",
        encoding="latin-1",
    )
    [article] = list(read_corpus([sgm]))
    assert find_lone_surrogate([article.title, article.text]) is None
    assert "\ufffd" in article.title and "\ufffd" in article.text


def test_undecodable_file_names_do_not_crash_suggest(digest_model: Path, tmp_path: Path) -> None:
    draft = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt"))
    draft.write_text("Factory output rose as the plant added a production line.\n")
    [article] = list(read_drafts([str(draft)], None))
    assert article.id == "caf\ufffd"
    code, out, err = run("suggest", "--model", str(digest_model), "--no-entities", str(draft))
    assert code == 0 and "Traceback" not in out + err, err


@pytest.mark.parametrize(
    "feedback",
    [
        Feedback(text="bad \ud800"),
        Feedback(text="fine", title="\udfff"),
        Feedback(text="fine", accepted=("manufacturing", "\ud800")),
        Feedback(text="fine", article_id="id-\udc00"),
    ],
)
def test_feedback_with_surrogates_is_an_input_error(tmp_path: Path, feedback: Feedback) -> None:
    with pytest.raises(InputError, match="invalid Unicode"):
        check_feedback(feedback, {"manufacturing"})


def test_feedback_rows_with_surrogate_or_malformed_tags_are_feedback_errors(
    tmp_path: Path,
) -> None:
    db = tmp_path / "f.db"
    store = FeedbackStore(db)
    store.add(Feedback(text="A factory opened.", accepted=("manufacturing",)))
    for bad in ('["\\ud800"]', "not json", '{"a": 1}', "[1, 2]"):
        with sqlite3.connect(db) as con:
            con.execute("UPDATE feedback SET accepted = ?", (bad,))
        with pytest.raises(FeedbackError, match="row 1 is damaged"):
            read_feedback(db)
        code, out, err = run(
            "train", str(CORPUS), "--feedback", str(db), "--out", str(tmp_path / "m"), "--quiet"
        )
        assert_user_error(code, out, err, "row 1 is damaged")


# --- finding 8: silent successes --------------------------------------------------------------


def test_suggest_and_entities_on_an_empty_jsonl_file(digest_model: Path, tmp_path: Path) -> None:
    empty = tmp_path / "drafts.jsonl"
    empty.write_text("")
    code, out, err = run("suggest", "--model", str(digest_model), "--no-entities", str(empty))
    assert_user_error(code, out, err, "drafts.jsonl: no articles in it")
    code, out, err = run("entities", str(empty))
    assert_user_error(code, out, err, "drafts.jsonl: no articles in it")


def test_evaluate_on_an_unlabeled_file(digest_model: Path, tmp_path: Path) -> None:
    unlabeled = tmp_path / "drafts.jsonl"
    unlabeled.write_text(json.dumps({"id": "1", "text": "A factory opened."}) + "\n")
    code, out, err = run("evaluate", "--model", str(digest_model), str(unlabeled))
    assert_user_error(code, out, err, "no article has tags in 'tags'")


@pytest.mark.parametrize(
    ("options", "needle"),
    [(["--kind", "bogus"], "unknown classifier kind 'bogus'"), (["--jobs", "-2"], "--jobs -2")],
)
def test_bad_train_options_are_one_line_errors(
    tmp_path: Path, options: list[str], needle: str
) -> None:
    code, out, err = run("train", str(CORPUS), "--out", str(tmp_path / "m"), *options)
    assert_user_error(code, out, err, needle)

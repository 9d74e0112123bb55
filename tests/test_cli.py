from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app

from .conftest import CORPUS, SAMPLE_DRAFT

runner = CliRunner()


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def assert_user_error(code: int, stdout: str, stderr: str, needle: str) -> None:
    assert code == 2, (stdout, stderr)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), stderr
    assert needle in lines[0]
    assert "Traceback" not in stdout + stderr


def test_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("train", "suggest", "evaluate", "corpus", "models"):
        assert command in out


def test_train_suggest_evaluate_on_the_embedded_corpus(tmp_path: Path) -> None:
    model = tmp_path / "models" / "default"
    code, out, err = run("train", str(CORPUS), "--out", str(model), "--quiet")
    assert code == 0, err
    assert (model / "manifest.json").exists() and "Saved model bundle" in out
    code, out, _ = run(
        "suggest", "--model", str(model), "--json", "--limit", "3", str(SAMPLE_DRAFT)
    )
    assert code == 0
    result = json.loads(out)
    tags = [t["tag"] for t in result["tags"]]
    assert {"manufacturing", "regions"} <= set(tags)
    assert all(0.0 <= t["score"] <= 1.0 for t in result["tags"])
    code, out, _ = run("suggest", "--model", str(model), str(SAMPLE_DRAFT))
    assert code == 0 and "manufacturing" in out and "score" in out
    code, out, _ = run("evaluate", "--model", str(model), "--json", str(CORPUS))
    metrics = json.loads(out)
    assert {"micro_f1", "macro_f1", "samples_f1", "n_docs", "per_tag"} <= set(metrics)
    assert metrics["n_docs"] == len(list(CORPUS.glob("*.txt"))) and metrics["micro_f1"] > 0.8
    code, out, _ = run("models", "list", "--dir", str(model.parent))
    assert code == 0 and "default" in out
    code, out, _ = run("models", "show", str(model))
    assert json.loads(out)["tags"]


def test_suggest_reads_jsonl_from_stdin(digest_model: Path) -> None:
    lines = "\n".join(
        json.dumps({"id": f"d{i}", "title": "Broadband grants", "text": text})
        for i, text in enumerate(
            ["Rural broadband grants reach farm towns.", "Angel investors back a biotech startup."]
        )
    )
    code, out, _ = run("suggest", "--model", str(digest_model), "--json", "-", input=lines)
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["id"] for r in rows] == ["d0", "d1"]


def test_evaluate_cross_validation(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[::4]:
        shutil.copy(path, small / path.name)
    code, out, _ = run("evaluate", "--cv", "--folds", "3", "--json", str(small))
    assert code == 0
    metrics = json.loads(out)
    assert metrics["folds"] == 3 and metrics["micro_f1"] > 0.3


def test_corpus_stats(tmp_path: Path) -> None:
    code, out, _ = run("corpus", "stats", "--json", str(CORPUS))
    stats = json.loads(out)
    assert code == 0 and stats["documents"] >= 300 and stats["duplicate_ids"] == 0
    assert stats["tag_frequencies"]["manufacturing"] >= 30


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"text": "ok", "tags": ["a"]}\n{"text": broken}\n', "bad.jsonl:2: malformed JSON"),
        (b'{"text": "ok", "tags": "a"}\n', "bad.jsonl:1: field 'tags' must be a list"),
        (b'{"title": "x"}\n', "bad.jsonl:1: missing 'text'"),
        (b'{"text": "caf\xe9"}\n', "bad.jsonl:1: not valid UTF-8"),
    ],
)
def test_train_bad_corpus_is_a_one_line_error_and_no_bundle(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_bytes(content)
    out_dir = tmp_path / "models" / "m"
    assert_user_error(*run("train", str(corpus), "--out", str(out_dir), "--quiet"), needle)
    assert not out_dir.exists()
    assert not any(out_dir.parent.glob(".*")) if out_dir.parent.exists() else True


def test_skip_invalid_trains_anyway(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    good = [
        json.dumps({"text": f"factory plant production {i}", "tags": ["manufacturing"]})
        for i in range(3)
    ]
    good += [
        json.dumps({"text": f"venture fund startup {i}", "tags": ["venture-capital"]})
        for i in range(3)
    ]
    corpus.write_text("\n".join([*good[:3], "{oops", *good[3:]]) + "\n")
    code, _, err = run("train", str(corpus), "--out", str(tmp_path / "m"), "--skip-invalid")
    assert code == 0 and "1 invalid records skipped" in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty text"),
        (b"   \n\t\n", "empty text"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_suggest_bad_input(digest_model: Path, tmp_path: Path, content: bytes, needle: str) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_bytes(content)
    assert_user_error(*run("suggest", "--model", str(digest_model), str(draft)), needle)


def test_suggest_oversized_input(digest_model: Path, tmp_path: Path) -> None:
    draft = tmp_path / "big.txt"
    draft.write_text("word " * 3000)
    code, out, err = run("suggest", "--model", str(digest_model), "--max-bytes", "1000", str(draft))
    assert_user_error(code, out, err, "over the limit of 1,000")


def test_suggest_missing_or_corrupted_model(digest_model: Path, tmp_path: Path) -> None:
    assert_user_error(
        *run("suggest", "--model", str(tmp_path / "nope"), str(SAMPLE_DRAFT)), "no such model"
    )
    broken = tmp_path / "broken"
    shutil.copytree(digest_model, broken)
    (broken / "model.joblib").write_bytes(b"garbage")
    assert_user_error(
        *run("suggest", "--model", str(broken), str(SAMPLE_DRAFT)), "checksum mismatch"
    )


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        (["--kind", "forest"], "unknown classifier kind 'forest' (choose: svc, logreg)"),
        (["--svm-c", "0"], "C must be > 0"),
        (["--jobs", "-3"], "--jobs -3"),
        (["--tags-field", "places"], "digest text files have no field 'places'"),
    ],
)
def test_train_bad_options_are_one_line_errors(
    tmp_path: Path, options: list[str], needle: str
) -> None:
    out_dir = tmp_path / "m"
    assert_user_error(*run("train", str(CORPUS), "--out", str(out_dir), *options), needle)
    assert not out_dir.exists()


def test_csv_without_the_tags_field_is_an_error(tmp_path: Path) -> None:
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,title,text,tags\n1,Plant,Factory output rose,manufacturing\n")
    code, out, err = run("train", str(corpus), "--tags-field", "places", "--out", str(tmp_path))
    assert_user_error(code, out, err, "CSV header has no column 'places'")


def test_parallel_options_are_named_jobs_everywhere() -> None:
    for command in ("train", "evaluate", "retag"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "--jobs" in out and "--workers" not in out, command
    code, out, _ = run("train", "--help")
    assert "--svm-c" in out and "--C " not in out and "--folds" in out

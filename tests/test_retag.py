"""Archive retagging: order, exactly-once after SIGKILL, bad records, Dask parity."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.corpus import read_corpus

from .conftest import CORPUS

runner = CliRunner()
BROKEN = '{"id": "broken", "text": '


def write_archive(path: Path, copies: int = 1, bad_every: int = 0) -> int:
    """The embedded corpus as JSONL (repeated with new ids); optional malformed lines."""
    articles = list(read_corpus([CORPUS]))
    n = 0
    with path.open("w") as fh:
        for c in range(copies):
            for a in articles:
                row = {
                    "id": f"{c}-{a.id}",
                    "title": a.title,
                    "text": a.text,
                    "tags": list(a.tags),
                    "meta": {"copy": c, "n": n},
                }
                fh.write(json.dumps(row) + "\n")
                n += 1
                if bad_every and n % bad_every == 0:
                    fh.write(BROKEN + "\n")
                    n += 1
    return n


def retag_args(archive: Path, out: Path, model: Path, *extra: str) -> list[str]:
    """A quiet one-worker retag of `archive` into `out`."""
    base = ["retag", str(archive), "--out", str(out), "--model", str(model)]
    return [*base, "--jobs", "1", "--quiet", *extra]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tagger", *args], capture_output=True, text=True, timeout=600
    )


def test_output_keeps_fields_in_order_and_lists_bad_lines(
    digest_model: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "in.jsonl"
    total = write_archive(archive, bad_every=50)
    out = tmp_path / "out.jsonl"
    args = retag_args(archive, out, digest_model, "--report", str(tmp_path / "r.html"))
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    inputs = [json.loads(x) for x in archive.read_text().splitlines() if x != BROKEN]
    assert [r["id"] for r in rows] == [i["id"] for i in inputs]
    for r, i in zip(rows, inputs, strict=True):
        assert {k: r[k] for k in i} == i  # every original field untouched
        assert r["suggested_tags"] and {"tags_added", "tags_removed"} <= set(r)
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert len(errors) == total - len(inputs) and all(
        "malformed JSON" in e["reason"] for e in errors
    )
    assert [e["line"] for e in errors] == [51 + 50 * k for k in range(len(errors))]
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert (summary["records"], summary["written"], summary["errors"]) == (
        total,
        len(inputs),
        len(errors),
    )
    assert "Most changed tags" in (tmp_path / "r.html").read_text()


def test_sigkill_then_rerun_gives_each_record_once(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    total = write_archive(archive, copies=6)
    args = [
        "retag",
        str(archive),
        "--model",
        str(digest_model),
        "--jobs",
        "2",
        "--chunk-size",
        "40",
        "--checkpoint-every",
        "0",
        "--quiet",
    ]
    clean = tmp_path / "clean.jsonl"
    assert cli(*args, "--out", str(clean)).returncode == 0
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tagger", *args, "--out", str(out)], start_new_session=True
    )
    checkpoint = tmp_path / "out.checkpoint.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = json.loads(checkpoint.read_text())["records_done"] if checkpoint.exists() else 0
        if done >= 200:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "run finished before it could be killed; use a larger archive"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = json.loads(checkpoint.read_text())["records_done"]
    assert 0 < killed_at < total
    resumed = cli(*args, "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == clean.read_bytes()
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert len(ids) == len(set(ids)) == total
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["records_this_run"] == total - killed_at


def test_resume_refuses_changed_input(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive)
    out = tmp_path / "out.jsonl"
    args = retag_args(archive, out, digest_model)
    assert runner.invoke(app, args).exit_code == 0
    with archive.open("a") as fh:
        fh.write('{"text": "one more"}\n')
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "input files changed" in again.stderr
    assert runner.invoke(app, [*args, "--restart"]).exit_code == 0
    assert len(out.read_text().splitlines()) == len(archive.read_text().splitlines())


def test_other_formats_and_gzip(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl.gz"
    plain = tmp_path / "plain.jsonl"
    write_archive(plain)
    archive.write_bytes(gzip.compress(plain.read_bytes()))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        [
            "retag",
            str(archive),
            str(CORPUS),
            "--out",
            str(out),
            "--model",
            str(digest_model),
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 2 * len(plain.read_text().splitlines())
    digest_row = rows[-1]
    assert {"id", "title", "text", "tags", "suggested_tags"} <= set(digest_row)


def test_missing_model_is_a_one_line_error(tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive)
    result = runner.invoke(
        app,
        [
            "retag",
            str(archive),
            "--out",
            str(tmp_path / "o.jsonl"),
            "--model",
            str(tmp_path / "none"),
        ],
    )
    assert result.exit_code == 2 and result.stderr.startswith("Error:")


@pytest.mark.slow
def test_dask_local_cluster_matches_local_workers(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive, bad_every=97)
    base = [
        "retag",
        str(archive),
        "--model",
        str(digest_model),
        "--chunk-size",
        "50",
        "--quiet",
        "--entities",
    ]
    local = cli(*base, "--jobs", "2", "--out", str(tmp_path / "local.jsonl"))
    assert local.returncode == 0, local.stderr
    dask = cli(*base, "--dask-local", "2", "--out", str(tmp_path / "dask.jsonl"))
    assert dask.returncode == 0, dask.stderr
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()
    assert (tmp_path / "local.errors.jsonl").read_bytes() == (
        tmp_path / "dask.errors.jsonl"
    ).read_bytes()

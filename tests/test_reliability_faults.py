"""Fault injection on files (issue 14): a full disk (a small tmpfs, as root; a file-size limit
otherwise) and a corrupted feedback database. Each fault is a one-line error; nothing that was
there before is lost, and rerunning after the fault is fixed finishes the job. (A truncated or
deleted retag output and a truncated input are in test_reliability_retag.py.)"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagger.errors import FeedbackError
from tagger.feedback import Feedback, FeedbackStore, read_feedback
from tagger.model.bundle import load_bundle

from .conftest import CORPUS
from .test_cli import assert_user_error, run
from .test_retag import retag_args, write_archive


def mount_tmpfs(path: Path, size: str) -> None:
    """Mount a tmpfs of `size` at `path` (as root), or skip the test saying why."""
    if os.geteuid() != 0:
        pytest.skip("filling a disk needs root to mount a small tmpfs")
    if shutil.which("mount") is None:
        pytest.skip("no mount command to create a small tmpfs")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KB file system, unmounted after the test."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "400k")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def resize(disk: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(disk)], check=True)


def fill(disk: Path) -> Path:
    """A file that takes all the space left on `disk`."""
    filler = disk / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_train_on_a_full_disk_keeps_the_old_bundle(
    small_disk: Path, digest_model: Path, tmp_path: Path
) -> None:
    out = small_disk / "default"
    code, outs, err = run("train", str(CORPUS), "--out", str(out), "--quiet")
    assert_user_error(code, outs, err, "cannot write the bundle (No space left on device)")
    assert list(small_disk.iterdir()) == []  # no half-written bundle, no temporary folder
    resize(small_disk, "4m")
    shutil.copytree(digest_model, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    filler = fill(small_disk)
    code, outs, err = run("train", str(CORPUS), "--out", str(out), "--quiet")
    assert_user_error(code, outs, err, "what was there is unchanged")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["default", "filler"]
    load_bundle(out)
    filler.unlink()
    code, _, err = run("train", str(CORPUS), "--out", str(out), "--quiet")
    assert code == 0, err


def test_retag_on_a_full_disk_resumes_once_there_is_space(
    small_disk: Path, digest_model: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive, copies=2)
    clean = tmp_path / "clean.jsonl"
    assert run(*retag_args(archive, clean, digest_model, "--chunk-size", "40"))[0] == 0
    out = small_disk / "out.jsonl"
    args = retag_args(archive, out, digest_model, "--chunk-size", "40", "--checkpoint-every", "0")
    code, outs, err = run(*args)
    assert_user_error(code, outs, err, "No space left on device")
    assert "rerun the same command to resume" in err or "cannot write" in err
    resize(small_disk, "8m")
    code, _, err = run(*args)
    assert code == 0, err
    assert out.read_bytes() == clean.read_bytes()


def test_feedback_on_a_full_disk_is_a_feedback_error(small_disk: Path) -> None:
    store = FeedbackStore(small_disk / "feedback.db")
    store.add(Feedback(text="A factory opened.", accepted=("manufacturing",)))
    filler = fill(small_disk)
    with pytest.raises(FeedbackError, match="cannot store feedback"):
        for n in range(200):  # pages already allocated may take a few rows first
            store.add(Feedback(text=f"Article {n} " + "word " * 2000, added=("regions",)))
    filler.unlink()
    store.add(Feedback(text="After the disk was freed.", accepted=("regions",)))
    records = read_feedback(small_disk / "feedback.db")
    assert records[0].text == "A factory opened." and records[-1].accepted == ("regions",)


def _limit_file_size() -> None:  # runs in the child, before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))


def test_retag_past_a_file_size_limit_without_root(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive, copies=2)
    out = tmp_path / "out.jsonl"
    args = [sys.executable, "-m", "tagger", *retag_args(archive, out, digest_model)]
    args += ["--chunk-size", "40", "--checkpoint-every", "0"]
    limited = subprocess.run(
        args, capture_output=True, text=True, timeout=600, preexec_fn=_limit_file_size
    )
    assert limited.returncode == 2, limited.stderr
    assert limited.stderr.startswith("Error: [E700]") and "File too large" in limited.stderr
    assert "Traceback" not in limited.stderr
    done = json.loads(out.with_name("out.checkpoint.json").read_text())["records_done"]
    assert 0 < done < 640
    resumed = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert ids == [json.loads(x)["id"] for x in archive.read_text().splitlines()]


# --- a corrupted feedback database ---------------------------------------------------------


@pytest.fixture(scope="module")
def feedback_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A feedback database of 300 records over several pages, WAL checkpointed."""
    db = tmp_path_factory.mktemp("feedback") / "feedback.db"
    FeedbackStore(db)
    text = "factory words " * 50
    when = "2026-01-01T00:00:00+00:00"
    rows = [
        (when, None, "", f"Article {n}: {text}", '["regions"]', "[]", "[]", None)
        for n in range(300)
    ]
    with sqlite3.connect(db) as con:
        con.executemany(
            "INSERT INTO feedback (created, article_id, title, text, accepted, rejected, added, "
            "model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert len(read_feedback(db)) == 300
    return db


@pytest.fixture
def feedback_db(feedback_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(feedback_template, tmp_path / "feedback.db"))


def corrupt(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "truncated":
        db.write_bytes(data[: len(data) // 2])
    elif how == "pages overwritten":
        db.write_bytes(data[:8192] + os.urandom(16384) + data[8192 + 16384 :])
    elif how == "header overwritten":
        db.write_bytes(os.urandom(100) + data[100:])
    elif how == "random bytes":
        db.write_bytes(os.urandom(len(data)))
    elif how == "another schema":
        db.unlink()
        with sqlite3.connect(db) as con:
            con.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY, note TEXT)")
    elif how == "a text file":
        db.write_text("these are my notes, not a database\n")


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "pages overwritten",
        "header overwritten",
        "random bytes",
        "another schema",
        "a text file",
    ],
)
def test_a_corrupted_feedback_db_is_a_one_line_error(
    feedback_db: Path, tmp_path: Path, how: str
) -> None:
    corrupt(feedback_db, how)
    try:
        records = read_feedback(feedback_db)
    except FeedbackError as exc:
        assert str(feedback_db) in exc.message
    else:  # damage sqlite does not notice: whatever it returns is well-formed
        assert all(isinstance(r.text, str) and isinstance(r.accepted, tuple) for r in records)
    code, out, err = run(
        "train", str(CORPUS), "--feedback", str(feedback_db), "--out", str(tmp_path / "m")
    )
    if code != 0:
        assert_user_error(code, out, err, str(feedback_db))
    with contextlib.suppress(FeedbackError):  # the server opening it: an error, or a store
        FeedbackStore(feedback_db).add(Feedback(text="new"))


def test_a_garbage_wal_file_next_to_the_db_is_ignored(feedback_db: Path) -> None:
    wal = feedback_db.with_name(feedback_db.name + "-wal")
    wal.write_bytes(os.urandom(40_000))
    assert len(read_feedback(feedback_db)) == 300

"""Retag output and checkpoints under damage (issue 14, findings 7 and 8): a cut or deleted output
is refused, not padded with NULs; `.gz` output is gzip; a truncated input writes what it could
and exits 2; an input that fails at open leaves nothing behind; bad checkpoints are one line."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.retag.run import RetagConfig, paths_for, run_retag
from tagger.retag.workers import ChunkResult, InlineExecutor, Payload, TaggerSpec

from .test_cli import assert_user_error
from .test_retag import retag_args, write_archive

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


class CrashAfter:
    """An executor that dies (like a kill) after `chunks` chunks were handed back."""

    def __init__(self, spec: TaggerSpec, chunks: int) -> None:
        self.inner = InlineExecutor(spec)
        self.chunks = chunks

    def map_ordered(self, payloads: Iterator[Payload]) -> Iterator[ChunkResult]:
        for n, result in enumerate(self.inner.map_ordered(payloads)):
            if n == self.chunks:
                raise KeyboardInterrupt
            yield result

    def close(self) -> None:
        self.inner.close()


def interrupted_run(model: Path, archive: Path, out: Path, chunks: int = 3) -> None:
    """A run killed part-way, its checkpoint recording `chunks` chunks of 40 records."""
    spec = TaggerSpec(str(model.resolve()), tags_field="tags")
    config = RetagConfig((archive,), out, spec, chunk_size=40, checkpoint_seconds=0)
    with pytest.raises(KeyboardInterrupt):
        run_retag(config, CrashAfter(spec, chunks))


def ids(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["id"] for line in fh]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    write_archive(path)
    return path


@pytest.mark.parametrize("damage", ["truncate", "delete", "overwrite"])
def test_a_cut_or_replaced_output_is_refused_not_padded(
    digest_model: Path, archive: Path, tmp_path: Path, damage: str
) -> None:
    out = tmp_path / "out.jsonl"
    interrupted_run(digest_model, archive, out)
    data = out.read_bytes()
    if damage == "truncate":
        out.write_bytes(data[: len(data) // 3])
    elif damage == "delete":
        out.unlink()
    else:  # same length, other bytes at the end: an edited or swapped file
        out.write_bytes(data[:-50] + b" " * 50)
    code, stdout, stderr = invoke(*retag_args(archive, out, digest_model))
    assert_user_error(code, stdout, stderr, "changed since the last checkpoint")
    assert "[E700]" in stderr and "--restart" in stderr
    assert b"\0" not in (out.read_bytes() if out.exists() else b"")
    code, _, stderr = invoke(*retag_args(archive, out, digest_model, "--restart"))
    assert code == 0, stderr
    assert ids(out) == [json.loads(x)["id"] for x in archive.read_text().splitlines()]


def test_a_cut_errors_file_is_refused_too(digest_model: Path, tmp_path: Path) -> None:
    archive = tmp_path / "in.jsonl"
    write_archive(archive, bad_every=7)
    out = tmp_path / "out.jsonl"
    interrupted_run(digest_model, archive, out)
    errors = paths_for(out)["errors"]
    errors.write_bytes(errors.read_bytes()[:10])
    code, stdout, stderr = invoke(*retag_args(archive, out, digest_model))
    assert_user_error(code, stdout, stderr, "out.errors.jsonl: changed since the last checkpoint")


def test_an_intact_interrupted_run_still_resumes_exactly_once(
    digest_model: Path, archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    interrupted_run(digest_model, archive, out)
    with out.open("ab") as fh:  # a partial chunk written after the last checkpoint
        fh.write(b'{"id": "half a line')
    code, _, stderr = invoke(*retag_args(archive, out, digest_model))
    assert code == 0, stderr
    assert ids(out) == [json.loads(x)["id"] for x in archive.read_text().splitlines()]


@pytest.mark.parametrize(
    ("checkpoint", "needle"),
    [
        ({"records_done": "ten"}, "'records_done' must be a whole number >= 0"),
        ({"records_done": -5}, "'records_done' must be a whole number >= 0"),
        ({"output_bytes": True}, "'output_bytes' must be a whole number"),
        ({"complete": "yes"}, "'complete' must be true or false"),
        ({"stats": [1]}, "'stats' has the wrong type"),
        ({"surprise": 1}, "unknown field 'surprise'"),
        ([1, 2], "not a JSON object"),
        ("[" * 100_000, "unreadable checkpoint"),
    ],
)
def test_a_damaged_checkpoint_is_a_one_line_error(
    digest_model: Path, archive: Path, tmp_path: Path, checkpoint: object, needle: str
) -> None:
    out = tmp_path / "out.jsonl"
    interrupted_run(digest_model, archive, out)
    path = paths_for(out)["checkpoint"]
    if isinstance(checkpoint, dict):
        path.write_text(json.dumps({**json.loads(path.read_text()), **checkpoint}))
    else:
        path.write_text(checkpoint if isinstance(checkpoint, str) else json.dumps(checkpoint))
    code, stdout, stderr = invoke(*retag_args(archive, out, digest_model))
    assert_user_error(code, stdout, stderr, needle)
    assert "--restart" in stderr


def test_a_complete_run_without_its_summary_is_a_one_line_error(
    digest_model: Path, archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    assert invoke(*retag_args(archive, out, digest_model))[0] == 0
    paths_for(out)["summary"].unlink()
    code, stdout, stderr = invoke(*retag_args(archive, out, digest_model))
    assert_user_error(code, stdout, stderr, "summary is unreadable")


def test_gz_output_is_gzip_with_plain_side_files_and_resumes(
    digest_model: Path, archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "retagged.jsonl.gz"
    interrupted_run(digest_model, archive, out)
    code, _, stderr = invoke(*retag_args(archive, out, digest_model))
    assert code == 0, stderr
    assert out.read_bytes()[:2] == b"\x1f\x8b"  # several gzip members, read as one
    assert ids(out) == [json.loads(x)["id"] for x in archive.read_text().splitlines()]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"retagged.errors.jsonl", "retagged.checkpoint.json", "retagged.summary.json"} <= set(
        names
    )
    again = tmp_path / "again.jsonl"  # tagger reads its own .gz output back
    code, _, stderr = invoke(*retag_args(out, again, digest_model))
    assert code == 0, stderr
    assert ids(again) == ids(out)


def test_a_truncated_gz_input_writes_what_was_readable_and_exits_2(
    digest_model: Path, archive: Path, tmp_path: Path
) -> None:
    packed = gzip.compress(archive.read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    readable = zlib.decompressobj(31).decompress(cut.read_bytes())
    expected = [json.loads(x)["id"] for x in readable.decode().splitlines()[:-1]]
    assert 10 < len(expected)
    out = tmp_path / "out.jsonl"
    code, stdout, stderr = invoke(*retag_args(cut, out, digest_model))
    assert_user_error(code, stdout, stderr, "cannot read compressed data")
    assert f"the {len(expected)} records that could be read were written" in stderr
    assert ids(out) == expected
    [error] = [json.loads(x) for x in paths_for(out)["errors"].read_text().splitlines()]
    assert error["source"] == str(cut) and "compressed" in error["reason"]
    summary = json.loads(paths_for(out)["summary"].read_text())
    assert summary["written"] == len(expected) and summary["unreadable_inputs"]
    assert invoke(*retag_args(cut, out, digest_model))[0] == 2  # the same on a rerun


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bad.jsonl.gz", b"this is not gzip at all\n"),
        ("empty-but-gz.jsonl.gz", b"\x1f\x8b\x08\x00garbage"),
    ],
)
def test_an_input_that_fails_at_open_leaves_no_files_behind(
    digest_model: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    broken = tmp_path / "in" / name
    broken.parent.mkdir()
    broken.write_bytes(data)
    out = tmp_path / "out" / "retagged.jsonl"
    code, stdout, stderr = invoke(*retag_args(broken, out, digest_model))
    assert_user_error(code, stdout, stderr, str(broken))
    assert not out.parent.exists()


def test_an_output_tagger_did_not_write_is_never_overwritten(
    digest_model: Path, archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "precious.jsonl"
    out.write_text('{"id": "mine"}\n')
    for extra in ([], ["--restart"]):
        code, stdout, stderr = invoke(*retag_args(archive, out, digest_model, *extra))
        assert_user_error(code, stdout, stderr, "no retag checkpoint accounts for it")
    assert out.read_text() == '{"id": "mine"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "precious.jsonl"]

"""Retag plumbing: numbered source records, the checkpoint, and crash-safe output files.

Exactly-once output rests on one rule: the checkpoint names how many input records are done and
how long the output and error files were at that moment (with a hash of their last bytes).
Output is appended and fsynced *before* the checkpoint is replaced (atomically), so after a
crash anything past the recorded length is a partial chunk: resuming truncates it and redoes
that chunk. A file shorter than recorded, or whose bytes before that length changed, was cut or
replaced by someone else: resuming refuses rather than pad it (see `AppendLog`).

Outputs named `.gz` are gzip: each checkpoint closes a gzip member, so the recorded length is
always a member boundary and a resume appends a new member (gzip readers read them as one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from tagger.corpus import corpus_files, iter_records
from tagger.corpus.common import open_binary
from tagger.corpus.jsonl import iter_jsonl
from tagger.errors import CorpusError, InvalidRecord, RetagError, UnreadableInput
from tagger.types import Article

CHECKPOINT_VERSION = 2  # 2: hashes of the output and error files' tails
TAIL_BYTES = 4096


Record = Article | InvalidRecord


@dataclass(frozen=True)
class SourceRecord:
    """One input record in input order: its original fields and what the readers made of it."""

    position: int
    raw: dict[str, Any]
    record: Record


def article_fields(article: Article, tags_field: str) -> dict[str, Any]:
    """A record for formats without JSON objects (CSV, digest text, Reuters SGML)."""
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        tags_field: list(article.tags),
        **article.extra,
    }


def _file_records(file: Path, tags_field: str) -> Iterator[tuple[dict[str, Any], Record]]:
    name = file.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        for raw, record in iter_jsonl(file, tags_field):
            yield (raw if raw is not None else {}), record
        return
    for record in iter_records([file], tags_field):
        yield (article_fields(record, tags_field) if isinstance(record, Article) else {}), record


def iter_source(paths: Iterable[Path], tags_field: str) -> Iterator[SourceRecord]:
    """Every record of every input, numbered from 0; JSONL objects are kept as they are. A file
    that stops being readable part-way (a truncated .gz) gives one UnreadableInput record after
    what it held before the damage, and the next file is read."""
    position = 0
    for path in paths:
        for file in corpus_files(path):
            try:
                for raw, record in _file_records(file, tags_field):
                    yield SourceRecord(position, raw, record)
                    position += 1
            except CorpusError as exc:
                yield SourceRecord(position, {}, UnreadableInput(str(file), None, exc.message))
                position += 1


def check_readable(paths: Iterable[Path]) -> None:
    """Open every input file and read its first bytes: an input that fails at open fails the
    run before any output, error or checkpoint file exists."""
    for path in paths:
        for file in corpus_files(path):
            try:
                with open_binary(file) as fh:
                    fh.read(1)
            except (OSError, EOFError, zlib.error) as exc:
                raise CorpusError(f"{file}: cannot read ({exc})") from None


def input_fingerprint(paths: Iterable[Path]) -> str:
    """Names, sizes and modification times of the input files: a resume needs the same input."""
    digest = hashlib.sha256()
    for path in paths:
        for file in corpus_files(path):
            st = file.stat()
            digest.update(f"{file.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def count_records_fast(paths: Iterable[Path]) -> int | None:
    """Non-blank lines of plain JSONL inputs (for a progress total), None for other formats."""
    total = 0
    for path in paths:
        for file in corpus_files(path):
            if file.suffix.lower() not in (".jsonl", ".ndjson"):
                return None
            with file.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
    return total


@dataclass
class Checkpoint:
    """How far a retag run got, saved as JSON next to the output (see above). `fingerprint`
    and `settings` identify the input files and the model and options, which a resume must
    match; `records_done`: input records whose output is durable; `output_bytes`,
    `errors_bytes`: the output and error files' lengths at that point and `output_tail`,
    `errors_tail` the sha256 of their last bytes before it; `complete`: the run finished and
    wrote its summary; `stats`: tag counts so far."""

    fingerprint: str
    settings: str
    records_done: int = 0
    output_bytes: int = 0
    errors_bytes: int = 0
    complete: bool = False
    stats: dict[str, Any] | None = None
    output_tail: str | None = None
    errors_tail: str | None = None

    def save(self, path: Path) -> None:
        """Replace the checkpoint file atomically: a crash leaves the old one or the new one."""
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps({"version": CHECKPOINT_VERSION, **self.__dict__}))
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            tmp.replace(path)
        except OSError as exc:
            raise RetagError(
                f"{path}: cannot write the checkpoint ({exc.strerror}); "
                "free space and rerun the same command to resume"
            ) from None

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        """The saved checkpoint, None if there is none; RetagError if it cannot be used."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if data.pop("version", None) not in (1, CHECKPOINT_VERSION):
                raise ValueError("unknown checkpoint version")
            _check_fields(data)
            return cls(**data)
        except (OSError, ValueError, TypeError, RecursionError) as exc:
            raise RetagError(f"{path}: unreadable checkpoint ({exc}); use --restart") from None


_COUNTS = ("records_done", "output_bytes", "errors_bytes")
_NULLABLE = {"stats": dict, "output_tail": str, "errors_tail": str}


def _check_fields(data: dict[str, Any]) -> None:
    """ValueError naming the first field that a checkpoint cannot hold."""
    unknown = set(data) - {f.name for f in fields(Checkpoint)}
    if unknown:
        raise ValueError(f"unknown field '{sorted(unknown)[0]}'")
    for name in ("fingerprint", "settings"):
        if not isinstance(data.get(name), str):
            raise ValueError(f"'{name}' must be a string")
    for name in _COUNTS:
        value = data.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"'{name}' must be a whole number >= 0")
    if not isinstance(data.get("complete", False), bool):
        raise ValueError("'complete' must be true or false")
    for name, kind in _NULLABLE.items():
        if data.get(name) is not None and not isinstance(data[name], kind):
            raise ValueError(f"'{name}' has the wrong type")


def _tail_digest(fh: IO[bytes], length: int) -> str:
    start = max(0, length - TAIL_BYTES)
    fh.seek(start)
    return hashlib.sha256(fh.read(length - start)).hexdigest()


class AppendLog:
    """An append-only JSON Lines file (gzip when named `.gz`) that can be cut back to a
    checkpointed length, after checking that it still holds what the checkpoint saw."""

    def __init__(self, path: Path, keep_bytes: int, tail: str | None = None) -> None:
        self.path = path
        mode = "r+b" if path.exists() else "w+b"
        try:
            self._fh: IO[bytes] = path.open(mode)
        except OSError as exc:
            raise CorpusError(f"{path}: cannot write ({exc.strerror})") from None
        self._check(keep_bytes, tail)
        self._fh.truncate(keep_bytes)
        self._fh.seek(keep_bytes)
        self._gzip = path.name.lower().endswith(".gz")
        self._member: Any = None  # the open gzip member's compressor, if any

    def _check(self, keep_bytes: int, tail: str | None) -> None:
        size = self._fh.seek(0, os.SEEK_END)
        changed = size < keep_bytes or (
            tail is not None and _tail_digest(self._fh, keep_bytes) != tail
        )
        if changed:
            self._fh.close()
            raise RetagError(
                f"{self.path}: changed since the last checkpoint (it is {size:,} bytes; the "
                f"checkpoint recorded {keep_bytes:,} with other last bytes); "
                "rerun with --restart to begin again"
            )

    def write_lines(self, lines: Iterable[str]) -> None:
        """Append one line per string (newline added); durable only after `sync`."""
        data = "".join(f"{line}\n" for line in lines).encode("utf-8")
        if not data:
            return
        if self._gzip:
            if self._member is None:
                self._member = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip format
            data = self._member.compress(data)
        self._write(data)

    def _write(self, data: bytes) -> None:
        try:
            self._fh.write(data)
        except OSError as exc:
            raise self._cannot_write(exc) from None

    def _cannot_write(self, exc: OSError) -> RetagError:
        return RetagError(
            f"{self.path}: cannot write ({exc.strerror}); free space and rerun the same "
            "command to resume"
        )

    def sync(self) -> tuple[int, str]:
        """Flush to disk (closing the gzip member); returns the length that is now durable and
        the hash of the bytes before it."""
        if self._member is not None:
            self._write(self._member.flush())
            self._member = None
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise self._cannot_write(exc) from None
        length = self._fh.tell()
        tail = _tail_digest(self._fh, length)
        self._fh.seek(length)
        return length, tail

    def close(self) -> None:
        """Close the file (without syncing: what matters was synced at the last checkpoint)."""
        with contextlib.suppress(OSError):  # a full disk: unsynced lines are redone on resume
            self._fh.close()

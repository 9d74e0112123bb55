"""Retag plumbing: numbered source records, the checkpoint, and crash-safe output files.

Exactly-once output rests on one rule: the checkpoint names how many input records are done and
how long the output and error files were at that moment. Output is appended and fsynced *before*
the checkpoint is replaced (atomically), so after a crash anything past the recorded length is a
partial chunk: resuming truncates it and redoes that chunk.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tagger.corpus import corpus_files, iter_records
from tagger.corpus.jsonl import iter_jsonl
from tagger.errors import CorpusError, InvalidRecord, TaggerError
from tagger.types import Article

CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class SourceRecord:
    """One input record in input order: its original fields and what the readers made of it."""

    position: int
    raw: dict[str, Any]
    record: Article | InvalidRecord


def article_fields(article: Article, tags_field: str) -> dict[str, Any]:
    """A record for formats without JSON objects (CSV, digest text, Reuters SGML)."""
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        tags_field: list(article.tags),
        **article.extra,
    }


def iter_source(paths: Iterable[Path], tags_field: str) -> Iterator[SourceRecord]:
    """Every record of every input, numbered from 0; JSONL objects are kept as they are."""
    position = 0
    for path in paths:
        for file in corpus_files(path):
            name = file.name.lower().removesuffix(".gz")
            if name.endswith((".jsonl", ".ndjson")):
                pairs: Iterator[tuple[dict[str, Any] | None, Article | InvalidRecord]] = iter_jsonl(
                    file, tags_field
                )
            else:
                pairs = ((None, r) for r in iter_records([file], tags_field))
            for raw, record in pairs:
                if raw is None:
                    raw = article_fields(record, tags_field) if isinstance(record, Article) else {}
                yield SourceRecord(position, raw, record)
                position += 1


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
    `errors_bytes`: the output and error files' lengths at that point; `complete`: the run
    finished and wrote its summary; `stats`: tag counts so far."""

    fingerprint: str
    settings: str
    records_done: int = 0
    output_bytes: int = 0
    errors_bytes: int = 0
    complete: bool = False
    stats: dict[str, Any] | None = None

    def save(self, path: Path) -> None:
        """Replace the checkpoint file atomically: a crash leaves the old one or the new one."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"version": CHECKPOINT_VERSION, **self.__dict__}))
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        """The saved checkpoint, None if there is none; TaggerError if it cannot be used."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            if data.pop("version", None) != CHECKPOINT_VERSION:
                raise ValueError("unknown checkpoint version")
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise TaggerError(f"{path}: unreadable checkpoint ({exc}); use --restart") from None


class AppendLog:
    """An append-only JSON Lines file that can be cut back to a checkpointed length."""

    def __init__(self, path: Path, keep_bytes: int) -> None:
        self.path = path
        mode = "r+b" if path.exists() else "w+b"
        try:
            self._fh: IO[bytes] = path.open(mode)
        except OSError as exc:
            raise CorpusError(f"{path}: cannot write ({exc.strerror})") from None
        self._fh.truncate(keep_bytes)
        self._fh.seek(keep_bytes)

    def write_lines(self, lines: Iterable[str]) -> None:
        """Append one line per string (newline added); durable only after `sync`."""
        self._fh.write("".join(f"{line}\n" for line in lines).encode("utf-8"))

    def sync(self) -> int:
        """Flush to disk; returns the length that is now durable."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return self._fh.tell()

    def close(self) -> None:
        """Close the file (without syncing: what matters was synced at the last checkpoint)."""
        self._fh.close()

"""Streaming corpus readers. Every format becomes an iterator of `Article`.

Formats are chosen by name: `.jsonl`/`.ndjson`, `.csv`, `.txt` (digest layout), `.sgm`
(Reuters-21578), each optionally `.gz`; a folder reads the supported files inside it (and its
subfolders) in path order (a folder of `reut2-*.sgm` files is read as Reuters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tagger.corpus.common import Record
from tagger.corpus.csvfile import read_csv
from tagger.corpus.digest import read_digest_file
from tagger.corpus.jsonl import read_jsonl
from tagger.corpus.markdown import read_markdown
from tagger.corpus.reuters import read_reuters
from tagger.errors import CorpusError, InvalidRecord
from tagger.types import Article

__all__ = ["ReadStats", "Record", "iter_records", "read_corpus"]

Reader = Callable[[Path, str], Iterator[Record]]


def _digest(path: Path, tags_field: str) -> Iterator[Record]:
    if tags_field != "tags":  # the layout has one tag line: no other field to train on
        raise CorpusError(
            f"{path}: digest text files have no field '{tags_field}' (only the tag line, 'tags')"
        )
    return read_digest_file(path)


_READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".txt": _digest,
    ".sgm": read_reuters,
    ".md": read_markdown,
    ".markdown": read_markdown,
}


def _reader_for(path: Path) -> Reader | None:
    name = path.name.lower().removesuffix(".gz")
    return _READERS.get(Path(name).suffix)


def corpus_files(path: Path) -> list[Path]:
    """The files a corpus path stands for, in a stable order."""
    if path.is_dir():
        reuters = sorted(path.glob("reut2-*.sgm")) + sorted(path.glob("reut2-*.sgm.gz"))
        if reuters:
            return reuters
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and _reader_for(p)
            and not any(x.startswith(".") for x in p.relative_to(path).parts)
        )
        if not files:
            raise CorpusError(
                f"{path}: no corpus files (.jsonl, .csv, .txt, .sgm, .md) in this folder"
            )
        return files
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if _reader_for(path) is None:
        raise CorpusError(
            f"{path}: unknown corpus format; use .jsonl, .csv, .txt (digest layout), .sgm "
            "(Reuters) or .md (Markdown with front matter)"
        )
    return [path]


def iter_records(paths: Iterable[Path | str], tags_field: str = "tags") -> Iterator[Record]:
    """Every record of every path, valid or not, in order."""
    for raw in paths:
        for file in corpus_files(Path(raw)):
            reader = _reader_for(file)
            assert reader is not None
            yield from reader(file, tags_field)


@dataclass
class ReadStats:
    """Counts kept while reading with `skip_invalid`."""

    read: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def read_corpus(
    paths: Iterable[Path | str],
    tags_field: str = "tags",
    skip_invalid: bool = False,
    stats: ReadStats | None = None,
) -> Iterator[Article]:
    """Valid articles only; the first invalid record raises unless `skip_invalid` is set."""
    stats = stats if stats is not None else ReadStats()
    for record in iter_records(paths, tags_field):
        if isinstance(record, InvalidRecord):
            if not skip_invalid:
                raise record
            stats.skipped += 1
            if len(stats.problems) < 20:
                stats.problems.append(record.message)
            continue
        stats.read += 1
        yield record


def corpus_checksum(articles: Iterable[Article]) -> str:
    """sha256 over ids, titles, texts and tags: identifies the exact training data."""
    import hashlib
    import json

    digest = hashlib.sha256()
    for a in articles:
        digest.update(json.dumps([a.id, a.title, a.text, list(a.tags)]).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()

"""Helpers shared by the corpus readers: opening (gzip too), strict decoding, field checks."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from tagger.errors import CorpusError, InvalidRecord
from tagger.types import Article

Record = Article | InvalidRecord
"""Readers yield articles, and invalid records as values so callers choose to stop or skip."""


class _GzipCorpusFile(gzip.GzipFile):
    """A .gz corpus file whose damaged data (truncated, corrupted) raises CorpusError."""

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise CorpusError(f"{self.name}: cannot read compressed data ({exc})") from None

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return super().readline(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise CorpusError(f"{self.name}: cannot read compressed data ({exc})") from None


def open_binary(path: Path) -> IO[bytes]:
    """Open a corpus file for reading bytes, transparently un-gzipping `.gz` files."""
    try:
        if path.suffix == ".gz":
            return _GzipCorpusFile(path, "rb")  # type: ignore[return-value]
        return path.open("rb")
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a directory, expected a file") from None
    except PermissionError:
        raise CorpusError(f"{path}: permission denied") from None


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (1-based line number, raw line without newline); gzip errors become CorpusError."""
    with open_binary(path) as fh:
        try:
            for number, raw in enumerate(fh, start=1):
                yield number, raw.rstrip(b"\r\n")
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{path}: cannot read compressed data ({exc})") from None


def decode_text(data: bytes, source: str, first_line: int = 1) -> str:
    """Decode UTF-8 strictly; say on which line the bad byte sits when it fails."""
    if b"\x00" in data:
        line = first_line + data[: data.index(b"\x00")].count(b"\n")
        raise InvalidRecord(source, line, "binary data (NUL byte), expected UTF-8 text")
    try:
        return data.decode("utf-8-sig" if first_line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data[: exc.start].count(b"\n")
        raise InvalidRecord(
            source, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-encode the file"
        ) from None


def parse_tags(value: Any, field: str) -> tuple[str, ...]:
    """Normalize a tag list: strings stripped, empties and duplicates dropped, order kept."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError(f"field '{field}' must be a list of strings")
    return tuple(dict.fromkeys(t.strip() for t in value if t.strip()))


def split_tag_string(value: str) -> tuple[str, ...]:
    """Tags written in one string: 'a; b' or 'a, b'."""
    sep = ";" if ";" in value else ","
    return tuple(dict.fromkeys(t.strip() for t in value.split(sep) if t.strip()))


def article_from_mapping(obj: Mapping[str, Any], default_id: str, tags_field: str) -> Article:
    """Build an Article from a decoded record; raise ValueError with a short reason if invalid."""
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("missing 'text' (a string)" if text is None else "'text' must be a string")
    title = obj.get("title") or ""
    if not isinstance(title, str):
        raise ValueError("'title' must be a string")
    if not text.strip() and not title.strip():
        raise ValueError("empty text and title")
    raw_id = obj.get("id")
    art_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    tags = parse_tags(obj.get(tags_field), tags_field)
    extra = {k: v for k, v in obj.items() if k not in ("id", "title", "text", tags_field)}
    return Article(id=art_id, title=title, text=text, tags=tags, extra=extra)

"""CSV corpora with a header row: id,title,text,tags (tags split on ';' or ',')."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from tagger.corpus.common import Record, decode_text, open_binary, split_tag_string
from tagger.errors import CorpusError, InvalidRecord
from tagger.types import Article


def read_csv(path: Path, tags_field: str = "tags") -> Iterator[Record]:
    """Yield one Article per data row; the line number reported is where the row starts."""
    source = str(path)
    with open_binary(path) as fh:
        data = fh.read()
    try:
        text = decode_text(data, source)
    except InvalidRecord as bad:
        raise CorpusError(bad.message) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        reader.fieldnames  # noqa: B018  (reads the header: a 1 MB first line fails here)
    except csv.Error as exc:
        raise CorpusError(f"{source}:1: malformed CSV header ({exc})") from None
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        raise CorpusError(f"{source}:1: CSV header must name a 'text' column (id,title,text,tags)")
    if tags_field != "tags" and tags_field not in reader.fieldnames:
        raise CorpusError(
            f"{source}:1: CSV header has no column '{tags_field}' "
            f"(columns: {', '.join(reader.fieldnames)})"
        )
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InvalidRecord(source, line, f"malformed CSV ({exc})")
            return
        if None in row:
            yield InvalidRecord(source, line, "more fields than the header names")
        else:
            yield _row_article(row, path, line, tags_field)
        line = reader.line_num + 1


def _row_article(row: dict[str, str], path: Path, line: int, tags_field: str) -> Record:
    text = row.get("text") or ""
    title = row.get("title") or ""
    if not text.strip() and not title.strip():
        return InvalidRecord(str(path), line, "empty text and title")
    tags = split_tag_string(row.get(tags_field) or "")
    extra = {k: v for k, v in row.items() if k not in ("id", "title", "text", tags_field)}
    art_id = row.get("id") or f"{path.name}:{line}"
    return Article(id=art_id, title=title, text=text, tags=tags, extra=extra)

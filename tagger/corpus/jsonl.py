"""JSON Lines corpora: one article object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from tagger.corpus.common import Record, article_from_mapping, decode_text, iter_lines
from tagger.errors import InvalidRecord


def read_jsonl(path: Path, tags_field: str = "tags") -> Iterator[Record]:
    """Yield one Article per non-blank line, or an InvalidRecord naming the line."""
    source = str(path)
    for number, raw in iter_lines(path):
        if not raw.strip():
            continue
        try:
            line = decode_text(raw, source, number)
        except InvalidRecord as bad:
            yield bad
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InvalidRecord(source, number, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InvalidRecord(source, number, "expected a JSON object")
            continue
        try:
            yield article_from_mapping(obj, f"{path.name}:{number}", tags_field)
        except ValueError as exc:
            yield InvalidRecord(source, number, str(exc))

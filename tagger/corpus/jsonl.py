"""JSON Lines corpora: one article object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tagger.corpus.common import Record, article_from_mapping, decode_text, iter_lines
from tagger.errors import InvalidRecord
from tagger.text.limits import find_lone_surrogate


def iter_jsonl(
    path: Path, tags_field: str = "tags"
) -> Iterator[tuple[dict[str, Any] | None, Record]]:
    """(decoded object, Article or InvalidRecord) per non-blank line; writers that must keep
    every original field untouched use the object."""
    source = str(path)
    for number, raw in iter_lines(path):
        if not raw.strip():
            continue
        try:
            line = decode_text(raw, source, number)
        except InvalidRecord as bad:
            yield None, bad
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"malformed JSON ({exc.msg} at column {exc.colno})"
            yield None, InvalidRecord(source, number, reason)
            continue
        except RecursionError:
            yield None, InvalidRecord(source, number, "JSON nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield None, InvalidRecord(source, number, "expected a JSON object")
            continue
        if "\\u" in line and (where := find_lone_surrogate(obj)) is not None:
            reason = f"invalid Unicode in '{where}' (a lone surrogate escape such as \\ud800)"
            yield None, InvalidRecord(source, number, reason)
            continue
        try:
            yield obj, article_from_mapping(obj, f"{path.name}:{number}", tags_field)
        except ValueError as exc:
            yield obj, InvalidRecord(source, number, str(exc))


def read_jsonl(path: Path, tags_field: str = "tags") -> Iterator[Record]:
    """Yield one Article per non-blank line, or an InvalidRecord naming the line."""
    for _, record in iter_jsonl(path, tags_field):
        yield record

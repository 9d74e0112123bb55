"""Writing corpora: JSON Lines records, and the Reuters ModApte import."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tagger.corpus.reuters import iter_reuters_records, modapte_split, reuters_files
from tagger.errors import CorpusError


def write_jsonl_atomic(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records to `path` via a temporary file, so a crash never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    n = 0
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def import_reuters(folder: Path, out_dir: Path) -> dict[str, int]:
    """Write ModApte `train.jsonl` and `test.jsonl` (tags = TOPICS, other code lists kept)."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    files = reuters_files(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    splits: dict[str, list[dict[str, Any]]] = {"train": [], "test": []}
    unused = 0
    for file in files:
        for record in iter_reuters_records(file):
            split = modapte_split(record)
            if split is None:
                unused += 1
                continue
            item = {
                "id": record["id"],
                "title": record["title"],
                "text": record["text"],
                "tags": record["topics"],
            }
            item.update(
                {
                    k: record[k]
                    for k in (
                        "places",
                        "people",
                        "orgs",
                        "exchanges",
                        "date",
                        "dateline",
                        "text_type",
                    )
                }
            )
            splits[split].append(item)
    counts = {
        name: write_jsonl_atomic(out_dir / f"{name}.jsonl", rows) for name, rows in splits.items()
    }
    counts["unused"] = unused
    return counts

"""Corpus statistics: counts, tag frequencies, empty and duplicate documents."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tagger.corpus.common import Record
from tagger.errors import InvalidRecord


def corpus_stats(records: Iterable[Record]) -> dict[str, Any]:
    """One pass over the records; memory grows with distinct ids and texts (hashes only)."""
    tags: Counter[str] = Counter()
    per_doc: Counter[int] = Counter()
    ids: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    docs = invalid = untagged = words = 0
    problems: list[str] = []
    for record in records:
        if isinstance(record, InvalidRecord):
            invalid += 1
            if len(problems) < 10:
                problems.append(record.message)
            continue
        docs += 1
        tags.update(record.tags)
        per_doc[len(record.tags)] += 1
        untagged += not record.tags
        ids[record.id] += 1
        texts[hashlib.sha1(record.full_text.strip().encode("utf-8")).hexdigest()] += 1
        words += len(record.full_text.split())
    return {
        "documents": docs,
        "invalid_records": invalid,
        "invalid_examples": problems,
        "distinct_tags": len(tags),
        "tag_assignments": sum(tags.values()),
        "untagged_documents": untagged,
        "tags_per_document": {str(k): v for k, v in sorted(per_doc.items())},
        "mean_words": round(words / docs, 1) if docs else 0.0,
        "duplicate_ids": sum(n - 1 for n in ids.values() if n > 1),
        "duplicate_texts": sum(n - 1 for n in texts.values() if n > 1),
        "tag_frequencies": dict(tags.most_common()),
    }

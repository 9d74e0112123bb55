"""Corpus statistics: counts, tag frequencies (spelling variants merged), empty and duplicate
documents."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tagger.corpus.common import Record
from tagger.corpus.tags import TagSpellings, tag_key
from tagger.errors import InvalidRecord
from tagger.text.boilerplate import ParagraphCounts


def corpus_stats(records: Iterable[Record], min_tag_docs: int = 2) -> dict[str, Any]:
    """One pass over the records; memory grows with distinct ids and texts (hashes only).

    Tags are counted after merging spelling variants (`tag_key`), under their most frequent
    spelling; `rare_tags` are those on fewer than `min_tag_docs` documents (too rare to learn).
    """
    tags: Counter[str] = Counter()  # by tag key, once per document
    spellings: list[tuple[str, ...]] = []
    per_doc: Counter[int] = Counter()
    ids: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    paragraphs = ParagraphCounts()  # repeated ones are a publisher's boilerplate
    docs = invalid = untagged = words = 0
    problems: list[str] = []
    for record in records:
        if isinstance(record, InvalidRecord):
            invalid += 1
            if len(problems) < 10:
                problems.append(record.message)
            continue
        docs += 1
        keys = {tag_key(t) for t in record.tags}
        tags.update(keys)
        spellings.append(record.tags)
        per_doc[len(keys)] += 1
        untagged += not record.tags
        ids[record.id] += 1
        texts[hashlib.sha1(record.full_text.strip().encode("utf-8")).hexdigest()] += 1
        words += len(record.full_text.split())
        paragraphs.add(record.text)
    names = TagSpellings.fit(spellings)
    frequencies = {names.display[k]: n for k, n in tags.most_common()}
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
        "tag_frequencies": frequencies,
        "merged_tag_variants": names.merged(),
        "rare_tags": sorted(t for t, n in frequencies.items() if n < min_tag_docs),
        "repeated_paragraphs": paragraphs.most_repeated(),
    }

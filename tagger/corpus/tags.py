"""Tag hygiene: one tag however its editors spelled it.

`Artificial Intelligence`, `artificial intelligence`, `artificial_intelligence` and
`artificial-intelligence` are one tag: tags compare by `tag_key` (case folded, runs of spaces,
underscores and hyphens as one hyphen) and are shown in their most frequent spelling.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tagger.types import Article

_SEPARATORS = re.compile(r"[\s_\-]+")


def tag_key(tag: str) -> str:
    """The form tags compare by: case folded, spaces/underscores/hyphens as one hyphen."""
    return _SEPARATORS.sub("-", tag.strip().casefold()).strip("-")


@dataclass(frozen=True)
class TagSpellings:
    """For each tag key, its display form (the most frequent spelling, first seen on ties) and
    every spelling seen with its count."""

    display: dict[str, str]
    variants: dict[str, dict[str, int]]

    @classmethod
    def fit(cls, tag_lists: Iterable[Sequence[str]]) -> TagSpellings:
        """Count the spellings of every tag in `tag_lists` (one list per article)."""
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        for tags in tag_lists:
            for tag in tags:
                seen[tag_key(tag)][tag] += 1
        display = {k: max(c, key=lambda s: (c[s], -list(c).index(s))) for k, c in seen.items()}
        return cls(display, {k: dict(c) for k, c in seen.items()})

    def canonical(self, tag: str) -> str:
        """The display form of `tag` (the tag itself when its key was never seen)."""
        return self.display.get(tag_key(tag), tag)

    def merged(self) -> dict[str, list[str]]:
        """Display form -> the other spellings merged into it (only tags that had several)."""
        return {
            self.display[k]: sorted(s for s in v if s != self.display[k])
            for k, v in sorted(self.variants.items())
            if len(v) > 1
        }


def normalize_tags(articles: Sequence[Article]) -> tuple[list[Article], TagSpellings]:
    """The articles with every tag in its display form (duplicates after merging dropped),
    and the spellings that were merged."""
    spellings = TagSpellings.fit(a.tags for a in articles)
    out = []
    for a in articles:
        tags = tuple(dict.fromkeys(spellings.canonical(t) for t in a.tags))
        out.append(a if tags == a.tags else replace(a, tags=tags))
    return out, spellings

"""The publisher's own boilerplate, learned from its archive: the paragraphs (promos, signatures,
disclaimers) that recur across many articles.

A paragraph's key is a hash of its normalised text (lower case, numbers as 0, punctuation and
spacing ignored), so "© 2018 Acme" and "© 2019 Acme." share a key: near-duplicates that differ in
a date, a number or punctuation count as one. Training records the keys found in at least
`min_share` of the articles (and at least `min_articles` of them); suggestions strip paragraphs
with those keys from drafts (`clean_draft(..., learned=keys)`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
# Too short to be told from ordinary text ("Background", "Conclusion" headings recur too).
MIN_PARAGRAPH_CHARS = 25
MIN_PARAGRAPH_WORDS = 4


def paragraph_key(text: str) -> str:
    """Key of a paragraph: a short hash of its normalised text."""
    normal = _NOT_WORD.sub(" ", _DIGITS.sub("0", text.casefold())).strip()
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def _paragraphs(text: str) -> Iterable[str]:
    for line in text.split("\n"):
        line = line.strip()
        if len(line) >= MIN_PARAGRAPH_CHARS and len(line.split()) >= MIN_PARAGRAPH_WORDS:
            yield line


@dataclass(frozen=True)
class LearnedBoilerplate:
    """Keys of the recurring paragraphs, with one example text and the article count of each
    (most frequent first)."""

    keys: tuple[str, ...]
    examples: tuple[tuple[str, int], ...]

    def to_dict(self, limit: int = 20) -> dict[str, object]:
        """For a manifest: how many paragraphs, and the most frequent ones."""
        return {
            "paragraphs": len(self.keys),
            "most_frequent": [{"text": t[:300], "articles": n} for t, n in self.examples[:limit]],
        }


def repeated_paragraphs(texts: Iterable[str]) -> tuple[Counter[str], dict[str, str], int]:
    """How many articles hold each paragraph key, an example text per key, and the number of
    articles."""
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    n = 0
    for text in texts:
        n += 1
        keys: dict[str, str] = {}
        for paragraph in _paragraphs(text):
            keys.setdefault(paragraph_key(paragraph), paragraph)
        counts.update(keys.keys())
        for key, paragraph in keys.items():
            example.setdefault(key, paragraph)
    return counts, example, n


def learn_boilerplate(
    texts: Iterable[str], min_share: float = 0.02, min_articles: int = 3
) -> LearnedBoilerplate:
    """The paragraphs found in at least `min_share` of the texts and `min_articles` of them."""
    counts, example, n = repeated_paragraphs(texts)
    needed = max(min_articles, int(min_share * n + 0.999))
    frequent = [(k, c) for k, c in counts.most_common() if c >= needed]
    return LearnedBoilerplate(
        keys=tuple(sorted(k for k, _ in frequent)),
        examples=tuple((example[k], c) for k, c in frequent),
    )


def strip_boilerplate(text: str, learned: Collection[str]) -> str:
    """The text without the lines whose key was learned as boilerplate."""
    if not learned:
        return text
    lines = text.split("\n")
    kept = [
        line for line in lines if not line.strip() or paragraph_key(line.strip()) not in learned
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")

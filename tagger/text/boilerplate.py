"""The publisher's own boilerplate, learned from its archive: the paragraphs (promos, signatures,
disclaimers) that recur across many articles.

Paragraphs are the units cleaning reads: lines, or whole paragraphs of hard-wrapped text. A
paragraph's key is a hash of its normalised text (lower case, numbers as 0, punctuation and
spacing ignored), so "© 2018 Acme" and "© 2019 Acme." share a key: near-duplicates that differ in
a date, a number or punctuation count as one. Training records the keys found in at least
`min_share` of the articles (and at least `min_articles` of them); suggestions strip paragraphs
with those keys from drafts (`clean_draft(..., learned=keys)`).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
# Too short to be told from ordinary text ("Background", "Conclusion" headings recur too).
MIN_PARAGRAPH_CHARS = 25
MIN_PARAGRAPH_WORDS = 4
MAX_NUMBER_SHARE = 0.2


def paragraph_key(text: str) -> str:
    """Key of a paragraph: a short hash of its normalised text."""
    normal = _NOT_WORD.sub(" ", _DIGITS.sub("0", text.casefold())).strip()
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def _paragraphs(text: str) -> Iterable[str]:
    """Lines long enough to tell apart, and mostly words: templated data lines ("Shr 12 cts vs
    10 cts") repeat across articles but are their content, not boilerplate."""
    from tagger.text.clean import text_units

    for line in text_units(text):
        if len(line) < MIN_PARAGRAPH_CHARS:
            continue
        tokens = line.split()
        numbers = sum(any(c.isdigit() for c in t) for t in tokens)
        if len(tokens) - numbers >= MIN_PARAGRAPH_WORDS and numbers <= MAX_NUMBER_SHARE * len(
            tokens
        ):
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


class ParagraphCounts:
    """How many articles hold each paragraph (by key), with an example text per key; fed one
    article at a time."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, str] = {}
        self.articles = 0

    def add(self, text: str) -> None:
        """Count the paragraphs of one article (each once)."""
        self.articles += 1
        keys: dict[str, str] = {}
        for paragraph in _paragraphs(text):
            keys.setdefault(paragraph_key(paragraph), paragraph)
        self.counts.update(keys.keys())
        for key, paragraph in keys.items():
            self.examples.setdefault(key, paragraph)

    def most_repeated(self, limit: int = 10, min_articles: int = 2) -> list[dict[str, object]]:
        """The paragraphs found in the most articles (at least `min_articles`)."""
        return [
            {"text": self.examples[k][:300], "articles": n}
            for k, n in self.counts.most_common(limit)
            if n >= min_articles
        ]


def repeated_paragraphs(texts: Iterable[str]) -> ParagraphCounts:
    """Paragraph counts over the texts."""
    counts = ParagraphCounts()
    for text in texts:
        counts.add(text)
    return counts


def learn_boilerplate(
    texts: Iterable[str], min_share: float = 0.005, min_articles: int = 5
) -> LearnedBoilerplate:
    """The paragraphs found in at least `min_share` of the texts and `min_articles` of them."""
    counts = repeated_paragraphs(texts)
    needed = max(min_articles, math.ceil(min_share * counts.articles))
    frequent = [(k, c) for k, c in counts.counts.most_common() if c >= needed]
    return LearnedBoilerplate(
        keys=tuple(sorted(k for k, _ in frequent)),
        examples=tuple((counts.examples[k], c) for k, c in frequent),
    )


def strip_boilerplate(text: str, learned: Collection[str]) -> str:
    """The text without the paragraphs (lines, or paragraphs of hard-wrapped text) whose key
    was learned as boilerplate."""
    if not learned:
        return text
    from tagger.text.clean import drop_units

    return drop_units(text, learned)

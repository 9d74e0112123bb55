"""Tagger: one loaded bundle, one inference path for the CLI, the HTTP API and batch retagging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagger.bundle import Bundle, load_bundle
from tagger.types import Article, Suggestion, TagScore


@dataclass(frozen=True)
class SuggestOptions:
    """`limit`: at most this many tags; `threshold`: a calibrated score that replaces the
    learned per-tag thresholds (every tag at or above it is suggested)."""

    limit: int | None = 5
    threshold: float | None = None


class Tagger:
    """Suggest tags for articles with a loaded model bundle."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.model = bundle.model

    @classmethod
    def load(cls, path: Path | str) -> Tagger:
        return cls(load_bundle(path))

    @property
    def tags(self) -> list[str]:
        return list(self.model.labels)

    @property
    def manifest(self) -> dict[str, Any]:
        return self.bundle.manifest

    def suggest_batch(
        self, articles: Sequence[Article], options: SuggestOptions | None = None
    ) -> list[Suggestion]:
        """Ranked tags with calibrated scores for each article, in input order."""
        options = options or SuggestOptions()
        if not articles:
            return []
        predicted = self.model.predict(
            [a.full_text for a in articles], options.limit, options.threshold
        )
        return [
            Suggestion(id=a.id, tags=tuple(TagScore(t, s) for t, s in tags))
            for a, tags in zip(articles, predicted, strict=True)
        ]

"""Tagger: one loaded bundle, one inference path for the CLI, the HTTP API and batch retagging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagger.bundle import Bundle, load_bundle
from tagger.cleaning import clean_document
from tagger.types import Article, Entity, Suggestion, TagScore


@dataclass(frozen=True)
class SuggestOptions:
    """`limit`: at most this many tags; `threshold`: a calibrated score that replaces the
    learned per-tag thresholds (every tag at or above it is suggested); `entities`: also
    extract entities (needs the spaCy pipeline, loaded when the Tagger is created)."""

    limit: int | None = 5
    threshold: float | None = None
    entities: bool = True


def clean_article(article: Article) -> Article:
    """The article with markup and site chrome removed from its title and text."""
    title = clean_document(article.title).text if article.title else ""
    text = clean_document(article.text).text
    if title == article.title and text == article.text:
        return article
    return Article(article.id, title, text, article.tags, article.extra)


class Tagger:
    """Suggest tags (and entities) for articles with a loaded model bundle."""

    def __init__(self, bundle: Bundle, spacy_model: str | None = None) -> None:
        self.bundle = bundle
        self.model = bundle.model
        self.spacy_model = spacy_model
        self._extractor: Any = None
        if spacy_model is not None:
            from tagger.entities import EntityExtractor
            from tagger.nlp import load_pipeline

            load_pipeline(spacy_model)  # at start-up, not on the first request
            self._extractor = EntityExtractor(spacy_model)

    @classmethod
    def load(
        cls, path: Path | str, entities: bool = True, spacy_model: str | None = None
    ) -> Tagger:
        """Load a bundle; with `entities`, resolve and load the spaCy pipeline too."""
        bundle = load_bundle(path)
        if not entities:
            return cls(bundle)
        from tagger.nlp import resolve_model

        return cls(bundle, resolve_model(spacy_model))

    @property
    def tags(self) -> list[str]:
        return list(self.model.labels)

    @property
    def manifest(self) -> dict[str, Any]:
        return self.bundle.manifest

    def suggest_batch(
        self, articles: Sequence[Article], options: SuggestOptions | None = None
    ) -> list[Suggestion]:
        """Ranked tags with calibrated scores (and entities) for each article, in input order.

        Entity offsets refer to the cleaned `title + "\\n\\n" + text`, returned as `text`.
        """
        options = options or SuggestOptions()
        if not articles:
            return []
        cleaned = [clean_article(a) for a in articles]
        texts = [a.full_text for a in cleaned]
        predicted = self.model.predict(texts, options.limit, options.threshold)
        entities: list[tuple[Entity, ...]] = [()] * len(texts)
        with_entities = options.entities and self._extractor is not None
        if with_entities:
            entities = self._extractor.extract_batch(texts)
        return [
            Suggestion(
                id=a.id,
                tags=tuple(TagScore(t, s) for t, s in tags),
                entities=ents,
                text=text if with_entities else None,
            )
            for a, tags, ents, text in zip(articles, predicted, entities, texts, strict=True)
        ]

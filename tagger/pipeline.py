"""Tagger: one loaded bundle, one inference path for the CLI, the HTTP API and batch retagging."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagger.model.bundle import Bundle, load_bundle
from tagger.model.explain import Explainer
from tagger.text.clean import clean_draft
from tagger.types import Article, Entity, Suggestion, TagScore


@dataclass(frozen=True)
class SuggestOptions:
    """`limit`: at most this many tags; `threshold`: a calibrated score that replaces the
    learned per-tag thresholds (every tag at or above it is suggested); `entities`: also
    extract entities (needs the spaCy pipeline, loaded when the Tagger is created);
    `evidence`: fill each tag's evidence, the words that pushed its score most;
    `max_entity_chars`: entities are looked for in at most this many characters of the batch
    (`entities.pipeline.entity_texts`: short texts whole, long ones cut), None: everywhere;
    `candidates`: also rank this many best-scoring tags, suggested or not (0: none)."""

    limit: int | None = 5
    threshold: float | None = None
    entities: bool = True
    evidence: bool = False
    max_entity_chars: int | None = None
    candidates: int = 0


def clean_article(article: Article, learned: Collection[str] = ()) -> Article:
    """The article with markup, site chrome and the publisher's `learned` boilerplate removed;
    its title is kept (never dropped), or found in the text when it has none."""
    draft = clean_draft(article.text, article.title, learned)
    if draft.title == article.title and draft.text == article.text:
        return article
    return Article(article.id, draft.title, draft.text, article.tags, article.extra)


class Tagger:
    """Suggest tags (and entities) for articles with a loaded model bundle."""

    def __init__(
        self,
        bundle: Bundle,
        spacy_model: str | None = None,
        ner_processes: int = 1,
        ner_timeout: float | None = None,
    ) -> None:
        self.bundle = bundle
        self.model = bundle.model
        # Paragraphs learned as the publisher's boilerplate (models from before have none).
        self.boilerplate = frozenset(getattr(bundle.model, "boilerplate", ()))
        self.spacy_model = spacy_model
        self._extractor: Any = None
        self._explainer: Explainer | None = None
        if spacy_model is not None:
            from tagger.entities.extract import EntityExtractor
            from tagger.entities.pipeline import load_pipeline

            if ner_processes <= 1:
                load_pipeline(spacy_model)  # at start-up, not on the first request
            from tagger.entities.pool import DEFAULT_TIMEOUT

            timeout = DEFAULT_TIMEOUT if ner_timeout is None else ner_timeout
            gazetteer = getattr(bundle.model, "gazetteer", ())
            self._extractor = EntityExtractor(spacy_model, ner_processes, timeout, gazetteer)

    @classmethod
    def load(
        cls,
        path: Path | str,
        entities: bool = True,
        spacy_model: str | None = None,
        ner_processes: int = 1,
        ner_timeout: float | None = None,
    ) -> Tagger:
        """Load a bundle; with `entities`, resolve and load the spaCy pipeline too (in this
        process, or in `ner_processes` worker processes that share each draft and are given up
        after `ner_timeout` seconds)."""
        bundle = load_bundle(path)
        if not entities:
            return cls(bundle)
        from tagger.entities.pipeline import resolve_model

        return cls(bundle, resolve_model(spacy_model), ner_processes, ner_timeout)

    def close(self) -> None:
        """Stop NER worker processes, if any."""
        if self._extractor is not None:
            self._extractor.close()

    def problems(self) -> list[str]:
        """What is wrong but not fatal (an NER worker replaced...); empty when all is well."""
        return self._extractor.problems() if self._extractor is not None else []

    @property
    def tags(self) -> list[str]:
        """Every tag the model can suggest, in the model's order."""
        return list(self.model.labels)

    @property
    def manifest(self) -> dict[str, Any]:
        """The bundle's manifest: tags, training settings, metrics, versions, checksums."""
        return self.bundle.manifest

    @property
    def explainer(self) -> Explainer:
        """Evidence for this model, built on first use (feature names take a moment)."""
        if self._explainer is None:
            self._explainer = Explainer(self.model)
        return self._explainer

    def suggest_batch(
        self, articles: Sequence[Article], options: SuggestOptions | None = None
    ) -> list[Suggestion]:
        """Ranked tags with calibrated scores (entities, evidence) for each article, in order.

        Entity offsets refer to the cleaned `title + "\\n\\n" + text`, returned as `text`.
        """
        options = options or SuggestOptions()
        if not articles:
            return []
        cleaned = [clean_article(a, self.boilerplate) for a in articles]
        texts = [a.full_text for a in cleaned]
        with_entities = options.entities and self._extractor is not None
        finish_entities = None
        if with_entities:
            from tagger.entities.pipeline import entity_texts

            finish_entities = self._extractor.start(entity_texts(texts, options.max_entity_chars))
        X = self.model.features.transform(texts)
        predicted, ranked = self.model.predict_ranked(
            X, texts, options.limit, options.threshold, options.candidates
        )
        chosen = [[tag for tag, _ in tags] for tags in predicted]
        evidence: list[list[tuple[str, ...]]] = (
            self.explainer.explain(X, texts, chosen)
            if options.evidence
            else [[()] * len(tags) for tags in chosen]
        )
        entities: list[tuple[Entity, ...]] = (
            finish_entities() if finish_entities is not None else [()] * len(texts)
        )
        return [
            Suggestion(
                id=a.id,
                tags=tuple(TagScore(t, s, ev) for (t, s), ev in zip(tags, evs, strict=True)),
                entities=ents,
                text=text if with_entities else None,
                candidates=tuple(TagScore(t, s) for t, s in best),
            )
            for a, tags, evs, ents, text, best in zip(
                articles, predicted, evidence, entities, texts, ranked, strict=True
            )
        ]

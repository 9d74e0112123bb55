"""What the HTTP routes call: the loaded Tagger, the feedback store, and where model work runs
(`lanes`: a model thread for ordinary requests, a process for long ones), off the event loop, so
that the server keeps accepting and answering (health checks, queued requests) while it tags.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

from tagger.api.lanes import ENTITY_BUDGET, Draft, LongLane, ModelLane
from tagger.entities.pipeline import entity_texts
from tagger.errors import InputError
from tagger.feedback import Feedback, FeedbackStore, check_feedback
from tagger.pipeline import SuggestOptions, Tagger
from tagger.text.limits import DEFAULT_MAX_BYTES
from tagger.types import Article, Suggestion

__all__ = ["Draft", "TaggerService", "entities_cut", "model_info"]

WARM_UP = Article(
    "warm-up",
    "Warm-up",
    "The Ohio Department of Development gave a state university a grant for a research center.",
)


def model_info(tagger: Tagger) -> dict[str, str]:
    """Name and version of the served model; the version is the artifact checksum's prefix,
    so two different models never share one."""
    artifacts: dict[str, Any] = tagger.manifest.get("artifacts") or {}
    digest = next((str(a.get("sha256", "")) for a in artifacts.values() if isinstance(a, dict)), "")
    return {"name": tagger.bundle.name, "version": digest[:12] or "unknown"}


def entities_cut(suggestions: Sequence[Suggestion]) -> list[int | None]:
    """For each suggestion, where in its `text` the search for entities stopped (the
    per-request budget), or None when it read the whole text."""
    texts = [s.text or "" for s in suggestions]
    read = entity_texts(texts, ENTITY_BUDGET)
    return [len(r) if len(r) < len(t) else None for r, t in zip(read, texts, strict=True)]


class TaggerService:
    """One loaded model for every request; feedback goes to SQLite when a store is set.

    `long_chars`: requests with more characters than this run in the long-draft process
    (None: in the model thread like the others)."""

    def __init__(
        self,
        tagger: Tagger,
        feedback: FeedbackStore | None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        long_chars: int | None = None,
    ) -> None:
        self.tagger = tagger
        self.feedback = feedback
        self.max_bytes = max_bytes
        self.model = model_info(tagger)
        self.entities = tagger.spacy_model is not None
        self.lane = ModelLane(tagger, max_bytes)
        loadable = (tagger.bundle.path / "manifest.json").is_file()
        self.long_chars = long_chars if loadable else None
        self.long_lane = (
            LongLane(tagger.bundle.path, tagger.spacy_model, max_bytes)
            if self.long_chars is not None
            else None
        )

    async def start(self) -> None:
        """Start the long-draft process and warm the model thread up: the first request then
        costs what every request does (caches filled, evidence feature names built)."""
        if self.long_lane is not None:
            self.long_lane.start()
        options = SuggestOptions(entities=self.entities, evidence=True)
        await asyncio.wrap_future(
            self.lane.call(lambda: self.tagger.suggest_batch([WARM_UP], options))
        )

    async def stop(self) -> None:
        """Finish queued work and stop the model thread and the long-draft process."""
        await run_in_threadpool(self.lane.close)
        if self.long_lane is not None:
            await run_in_threadpool(self.long_lane.close)

    async def suggest(
        self,
        drafts: Sequence[Draft],
        limit: int | None,
        threshold: float | None,
        entities: bool = True,
        candidates: int = 0,
    ) -> list[Suggestion]:
        """Tags with evidence (and entities) per draft, and the `candidates` best-scoring tags
        whether suggested or not; InputError for an unusable draft."""
        options = SuggestOptions(
            limit,
            threshold,
            entities=entities and self.entities,
            evidence=True,
            max_entity_chars=ENTITY_BUDGET,
            candidates=candidates,
        )
        return await self._run(drafts, options)

    async def rank(self, drafts: Sequence[Draft], limit: int, threshold: float) -> list[Suggestion]:
        """Annif's way: the `limit` best-scoring tags at or above `threshold` per draft, with
        no evidence and no entities (the learned per-tag thresholds do not apply)."""
        options = SuggestOptions(limit, threshold, entities=False, evidence=False)
        return await self._run(drafts, options)

    async def _run(self, drafts: Sequence[Draft], options: SuggestOptions) -> list[Suggestion]:
        size = sum(len(d.title) + len(d.text) for d in drafts)
        if self.long_lane is not None and self.long_chars is not None and size > self.long_chars:
            return await self.long_lane.suggest(drafts, options)
        return await asyncio.wrap_future(self.lane.submit(drafts, options))

    def problems(self) -> list[str]:
        """What is wrong but not fatal (an NER worker replaced...); empty when all is well."""
        return self.tagger.problems()

    async def add_feedback(self, feedback: Feedback) -> int:
        """Validate against the model's tags (InputError names unknown ones), then store."""
        assert self.feedback is not None
        # Over HTTP, tags are exactly the model's, as the OpenAPI document lists them (the
        # feedback module would also take " manufacturing" or "" and tidy them up).
        known = set(self.tagger.tags)
        unknown = {*feedback.accepted, *feedback.rejected, *feedback.added} - known
        if unknown:
            names = ", ".join(repr(t) if t != t.strip() or not t else t for t in sorted(unknown))
            raise InputError(f"unknown tags (not in the model's tag set): {names}")
        checked = check_feedback(feedback, self.tagger.tags)
        return await run_in_threadpool(self.feedback.add, checked)

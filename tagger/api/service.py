"""What the HTTP routes call: the loaded Tagger, the feedback store, and the rules for running
model work off the event loop.

Model work runs in the threadpool, one call at a time. It is Python and small numpy operations
under the GIL, so two concurrent calls would slow each other down more than they overlap, and
spaCy's tokenizer cache is not documented as thread-safe. Serializing keeps latency predictable;
the event loop stays free to accept, parse and answer other requests meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from tagger.feedback import Feedback, FeedbackStore, check_feedback
from tagger.inputs import draft_article
from tagger.pipeline import SuggestOptions, Tagger
from tagger.text.limits import DEFAULT_MAX_BYTES
from tagger.types import Article, Suggestion

WARM_UP = Article(
    "warm-up",
    "Warm-up",
    "The Ohio Department of Development gave a state university a grant for a research center.",
)


def model_info(tagger: Tagger) -> dict[str, str]:
    """Name and version of the served model; the version is the artifact checksum's prefix,
    so two different models never share one."""
    artifacts: dict[str, Any] = tagger.manifest.get("artifacts") or {}
    digest = next((str(a.get("sha256", "")) for a in artifacts.values()), "")
    return {"name": tagger.bundle.name, "version": digest[:12] or "unknown"}


@dataclass(frozen=True)
class Draft:
    """A draft as a request gave it; `source` names it in error messages."""

    id: str | None
    title: str
    text: str
    source: str


class TaggerService:
    """One loaded model for every request; feedback goes to SQLite when a store is set."""

    def __init__(
        self, tagger: Tagger, feedback: FeedbackStore | None, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.tagger = tagger
        self.feedback = feedback
        self.max_bytes = max_bytes
        self.model = model_info(tagger)
        self.entities = tagger.spacy_model is not None
        self._lock = threading.Lock()

    def _suggest(self, drafts: Sequence[Draft], options: SuggestOptions) -> list[Suggestion]:
        # Checking and cleaning a large HTML draft takes a while too: done here, off the loop.
        articles = [
            draft_article(d.id or "draft", d.title, d.text, d.source, self.max_bytes)
            for d in drafts
        ]
        with self._lock:
            return self.tagger.suggest_batch(articles, options)

    def warm_up(self) -> None:
        """One suggestion at start-up: the first request then costs what every request does
        (caches filled, evidence feature names built)."""
        options = SuggestOptions(entities=self.entities, evidence=True)
        with self._lock:
            self.tagger.suggest_batch([WARM_UP], options)

    async def suggest(
        self,
        drafts: Sequence[Draft],
        limit: int | None,
        threshold: float | None,
        entities: bool = True,
    ) -> list[Suggestion]:
        """Tags with evidence (and entities) per draft; InputError for an unusable draft."""
        with_entities = entities and self.entities
        options = SuggestOptions(limit, threshold, entities=with_entities, evidence=True)
        return await run_in_threadpool(self._suggest, drafts, options)

    async def add_feedback(self, feedback: Feedback) -> int:
        """Validate against the model's tags (InputError names unknown ones), then store."""
        assert self.feedback is not None
        checked = check_feedback(feedback, self.tagger.tags)
        return await run_in_threadpool(self.feedback.add, checked)

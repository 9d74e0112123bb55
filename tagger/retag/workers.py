"""Worker side of retagging: what a worker needs (`TaggerSpec`), how it tags one chunk, and the
executors that run chunks in this process or in a pool of local processes, results in order.

Each worker process loads the bundle (and spaCy) once; `tagger.retag.dask` runs the same
`process_chunk` on a Dask cluster.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from tagger.errors import TaggerError
from tagger.types import Article

Payload = list[tuple[int, dict[str, Any], Article]]


@dataclass(frozen=True)
class TaggerSpec:
    """What a worker needs to build its Tagger and options; picklable, hashable."""

    model: str
    entities: bool = False
    spacy_model: str | None = None
    limit: int | None = 5
    threshold: float | None = None
    tags_field: str = "tags"
    max_bytes: int = 1_000_000


@dataclass
class ChunkResult:
    """What tagging one chunk gives: an output JSON line per tagged record, an error entry
    ({position, id, reason}) per record that failed, and tag counts ("suggested", "before",
    "added", "removed") for the run's summary."""

    lines: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Counter[str]] = field(default_factory=dict)


class Executor(Protocol):
    """Runs chunks with `process_chunk` somewhere (this process, local workers, Dask)."""

    def map_ordered(self, payloads: Iterator[Payload]) -> Iterator[ChunkResult]:
        """Tag each chunk; yield the results in the order the chunks came."""
        ...

    def close(self) -> None:
        """Release the workers; the executor is not used again."""
        ...


_TAGGERS: dict[TaggerSpec, Any] = {}


def worker_tagger(spec: TaggerSpec) -> Any:
    """The Tagger of this process for `spec`, loaded on first use (once per worker)."""
    if spec not in _TAGGERS:
        from tagger.pipeline import Tagger

        _TAGGERS[spec] = Tagger.load(
            spec.model, entities=spec.entities, spacy_model=spec.spacy_model
        )
    return _TAGGERS[spec]


def _output(
    raw: dict[str, Any],
    article: Article,
    suggestion: Any,
    spec: TaggerSpec,
    stats: dict[str, Counter[str]],
) -> str:
    suggested = [t.tag for t in suggestion.tags]
    record = dict(raw)
    record["suggested_tags"] = [{"tag": t.tag, "score": round(t.score, 4)} for t in suggestion.tags]
    if spec.entities:
        record["entities"] = suggestion.to_dict()["entities"]
    retagged = spec.tags_field in raw or bool(article.tags)
    if retagged:
        before = set(article.tags)
        record["tags_added"] = [t for t in suggested if t not in before]
        record["tags_removed"] = [t for t in article.tags if t not in set(suggested)]
    # default=str: fields that are not JSON (dates from Markdown front matter) become strings.
    # Written before the counts, so a record that cannot be written is not counted.
    line = json.dumps(record, ensure_ascii=False, default=str)
    stats["suggested"].update(suggested)
    if retagged:
        stats["before"].update(article.tags)
        stats["added"].update(record["tags_added"])
        stats["removed"].update(record["tags_removed"])
    return line


def process_chunk(spec: TaggerSpec, items: Payload) -> ChunkResult:
    """Tag one chunk; a record that fails becomes an error entry, the rest go on."""
    from tagger.pipeline import SuggestOptions
    from tagger.text.limits import check_text

    tagger = worker_tagger(spec)
    options = SuggestOptions(spec.limit, spec.threshold, spec.entities)
    result = ChunkResult(stats={k: Counter() for k in ("suggested", "before", "added", "removed")})
    good: list[tuple[int, dict[str, Any], Article]] = []
    for position, raw, article in items:
        try:
            check_text(article.full_text, f"record {position}", spec.max_bytes)
            good.append((position, raw, article))
        except TaggerError as exc:
            result.errors.append({"position": position, "id": article.id, "reason": exc.message})
    try:
        suggestions = tagger.suggest_batch([a for _, _, a in good], options)
    except Exception:  # one bad record must not sink the chunk: isolate it
        suggestions = []
        for position, _, article in good:
            try:
                suggestions.extend(tagger.suggest_batch([article], options))
            except Exception as exc:
                suggestions.append(None)
                reason = f"{type(exc).__name__}: {exc}"
                result.errors.append({"position": position, "id": article.id, "reason": reason})
    for (position, raw, article), suggestion in zip(good, suggestions, strict=True):
        if suggestion is None:
            continue
        try:
            result.lines.append(_output(raw, article, suggestion, spec, result.stats))
        except (ValueError, TypeError, RecursionError) as exc:  # e.g. JSON nested too deeply
            reason = f"cannot write the record ({type(exc).__name__}: {exc})"
            result.errors.append({"position": position, "id": article.id, "reason": reason})
    return result


def ordered_window(
    payloads: Iterator[Payload],
    submit: Callable[[Payload], Any],
    wait: Callable[[Any], ChunkResult],
    window: int,
) -> Iterator[ChunkResult]:
    """Submit chunks, keeping at most `window` in flight, and yield results in input order."""
    from collections import deque

    pending: deque[Any] = deque()
    for payload in payloads:
        pending.append(submit(payload))
        if len(pending) >= window:
            yield wait(pending.popleft())
    while pending:
        yield wait(pending.popleft())


class InlineExecutor:
    """Runs chunks in this process (one worker)."""

    def __init__(self, spec: TaggerSpec) -> None:
        self.spec = spec
        worker_tagger(spec)

    def map_ordered(self, payloads: Iterator[Payload]) -> Iterator[ChunkResult]:
        """Tag each chunk here, one after the other."""
        for payload in payloads:
            yield process_chunk(self.spec, payload)

    def close(self) -> None:
        """Nothing to release: the Tagger stays cached in this process."""


def _init_worker(spec: TaggerSpec) -> None:
    from tagger.entities.pipeline import die_with_parent

    die_with_parent()
    worker_tagger(spec)


class ProcessExecutor:
    """A pool of worker processes, each loading the model once; results come back in order
    with at most `2 x workers` chunks in flight (so memory does not grow with the input)."""

    def __init__(self, spec: TaggerSpec, workers: int) -> None:
        import multiprocessing as mp

        self.spec = spec
        self.workers = workers
        self.pool = mp.get_context("spawn").Pool(workers, _init_worker, (spec,))

    def map_ordered(self, payloads: Iterator[Payload]) -> Iterator[ChunkResult]:
        """Tag chunks in the pool, at most 2 x workers in flight; results in input order."""
        return ordered_window(
            payloads,
            lambda payload: self.pool.apply_async(process_chunk, (self.spec, payload)),
            lambda handle: handle.get(),
            2 * self.workers,
        )

    def close(self) -> None:
        """Stop the worker processes (chunks still running are abandoned) and wait for them."""
        self.pool.terminate()
        self.pool.join()

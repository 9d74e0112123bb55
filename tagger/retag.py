"""Retag an archive: stream it in chunks through worker processes, in order, resumable.

Every path calls `Tagger.suggest_batch`; each worker process loads the bundle (and spaCy) once.
The main process reads the input, hands chunks to an executor (local processes here, Dask in
`tagger.retag_dask`), and writes results in input order with the checkpoint rules of
`tagger.retag_io`. Memory stays flat: at most a few chunks are in flight at any time.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from tagger.errors import InvalidRecord, TaggerError
from tagger.retag_io import AppendLog, Checkpoint, SourceRecord, input_fingerprint, iter_source
from tagger.types import Article

Progress = Callable[[int, int], None]  # (records done, errors so far)


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


@dataclass(frozen=True)
class RetagConfig:
    inputs: tuple[Path, ...]
    out: Path
    spec: TaggerSpec
    workers: int = 1
    chunk_size: int = 256
    restart: bool = False
    checkpoint_seconds: float = 2.0  # fsync + checkpoint at most this often (and at the end)


@dataclass
class ChunkResult:
    lines: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Counter[str]] = field(default_factory=dict)


class Executor(Protocol):
    def map_ordered(
        self, payloads: Iterator[list[tuple[int, dict[str, Any], Article]]]
    ) -> Iterator[ChunkResult]: ...

    def close(self) -> None: ...


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
    stats["suggested"].update(suggested)
    if spec.tags_field in raw or article.tags:
        before = set(article.tags)
        record["tags_added"] = [t for t in suggested if t not in before]
        record["tags_removed"] = [t for t in article.tags if t not in set(suggested)]
        stats["before"].update(article.tags)
        stats["added"].update(record["tags_added"])
        stats["removed"].update(record["tags_removed"])
    return json.dumps(record, ensure_ascii=False)


def process_chunk(
    spec: TaggerSpec, items: list[tuple[int, dict[str, Any], Article]]
) -> ChunkResult:
    """Tag one chunk; a record that fails becomes an error entry, the rest go on."""
    from tagger.normalize import check_text
    from tagger.pipeline import SuggestOptions

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
    for (_, raw, article), suggestion in zip(good, suggestions, strict=True):
        if suggestion is not None:
            result.lines.append(_output(raw, article, suggestion, spec, result.stats))
    return result


Payload = list[tuple[int, dict[str, Any], Article]]


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

    def map_ordered(
        self, payloads: Iterator[list[tuple[int, dict[str, Any], Article]]]
    ) -> Iterator[ChunkResult]:
        for payload in payloads:
            yield process_chunk(self.spec, payload)

    def close(self) -> None:
        pass


def _init_worker(spec: TaggerSpec) -> None:
    from tagger.nlp import die_with_parent

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

    def map_ordered(
        self, payloads: Iterator[list[tuple[int, dict[str, Any], Article]]]
    ) -> Iterator[ChunkResult]:
        return ordered_window(
            payloads,
            lambda payload: self.pool.apply_async(process_chunk, (self.spec, payload)),
            lambda handle: handle.get(),
            2 * self.workers,
        )

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


def _chunks(source: Iterator[SourceRecord], size: int) -> Iterator[list[SourceRecord]]:
    while chunk := list(islice(source, size)):
        yield chunk


def _settings(config: RetagConfig) -> str:
    from tagger.bundle import read_manifest

    manifest = read_manifest(Path(config.spec.model))
    digest = (manifest.get("artifacts") or {}).get("model.joblib", {}).get("sha256")
    spec = {k: v for k, v in asdict(config.spec).items() if k != "model"}
    return json.dumps({"model": digest, **spec}, sort_keys=True)


def paths_for(out: Path) -> dict[str, Path]:
    stem = out.name.removesuffix(".jsonl")
    return {
        "errors": out.with_name(f"{stem}.errors.jsonl"),
        "checkpoint": out.with_name(f"{stem}.checkpoint.json"),
        "summary": out.with_name(f"{stem}.summary.json"),
    }


def _start(config: RetagConfig, files: dict[str, Path]) -> Checkpoint:
    """The checkpoint to continue from: a matching one, or a fresh start."""
    fingerprint = input_fingerprint(config.inputs)
    settings = _settings(config)
    checkpoint = None if config.restart else Checkpoint.load(files["checkpoint"])
    if checkpoint is None:
        return Checkpoint(fingerprint, settings, stats={})
    if checkpoint.fingerprint != fingerprint:
        raise TaggerError(
            f"{files['checkpoint']}: the input files changed since this run started; "
            "rerun with --restart to begin again"
        )
    if checkpoint.settings != settings:
        raise TaggerError(
            f"{files['checkpoint']}: this run was started with another model or options; "
            "rerun with the same ones, or with --restart"
        )
    return checkpoint


def _merge(total: dict[str, Any], chunk: ChunkResult) -> None:
    for key, counts in chunk.stats.items():
        into = Counter(total.get(key, {}))
        into.update(counts)
        total[key] = dict(into)


def run_retag(
    config: RetagConfig, executor: Executor | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Retag `config.inputs` into `config.out`; resumes from a checkpoint; returns the summary."""
    files = paths_for(config.out)
    checkpoint = _start(config, files)
    if checkpoint.complete:
        done: dict[str, Any] = json.loads(files["summary"].read_text())
        return done
    config.out.parent.mkdir(parents=True, exist_ok=True)
    out = AppendLog(config.out, checkpoint.output_bytes)
    errors = AppendLog(files["errors"], checkpoint.errors_bytes)
    checkpoint.save(files["checkpoint"])
    stats: dict[str, Any] = checkpoint.stats or {}
    started = last_checkpoint = time.perf_counter()
    done_here = 0
    records_done = checkpoint.records_done
    if executor is None:
        executor = (
            InlineExecutor(config.spec)
            if config.workers <= 1
            else ProcessExecutor(config.spec, config.workers)
        )
    try:
        source = islice(
            iter_source(config.inputs, config.spec.tags_field), checkpoint.records_done, None
        )
        chunks = _chunks(source, config.chunk_size)
        held: list[list[SourceRecord]] = []

        def payloads() -> Iterator[list[tuple[int, dict[str, Any], Article]]]:
            for chunk in chunks:
                held.append(chunk)
                yield [
                    (r.position, r.raw, r.record) for r in chunk if isinstance(r.record, Article)
                ]

        for result in executor.map_ordered(payloads()):
            chunk = held.pop(0)
            bad = [
                {
                    "position": r.position,
                    "source": r.record.source,
                    "line": r.record.line,
                    "reason": r.record.reason,
                }
                for r in chunk
                if isinstance(r.record, InvalidRecord)
            ]
            error_rows = sorted(bad + result.errors, key=lambda e: e["position"])
            out.write_lines(result.lines)
            errors.write_lines(json.dumps(e, ensure_ascii=False) for e in error_rows)
            records_done += len(chunk)
            done_here += len(chunk)
            _merge(stats, result)
            stats["errors"] = stats.get("errors", 0) + len(error_rows)
            stats["written"] = stats.get("written", 0) + len(result.lines)
            if time.perf_counter() - last_checkpoint >= config.checkpoint_seconds:
                _commit(checkpoint, out, errors, records_done, stats, files["checkpoint"])
                last_checkpoint = time.perf_counter()
            if progress is not None:
                progress(records_done, stats["errors"])
        _commit(checkpoint, out, errors, records_done, stats, files["checkpoint"])
    finally:
        executor.close()
        out.close()
        errors.close()
    elapsed = time.perf_counter() - started
    summary = _summary(config, checkpoint, stats, elapsed, done_here)
    files["summary"].write_text(json.dumps(summary, indent=2) + "\n")
    checkpoint.complete = True
    checkpoint.save(files["checkpoint"])
    return summary


def _commit(
    checkpoint: Checkpoint,
    out: AppendLog,
    errors: AppendLog,
    records_done: int,
    stats: dict[str, Any],
    path: Path,
) -> None:
    """Make the written lines durable, then record how far they go (in that order)."""
    checkpoint.output_bytes = out.sync()
    checkpoint.errors_bytes = errors.sync()
    checkpoint.records_done = records_done
    checkpoint.stats = stats
    checkpoint.save(path)


def _summary(
    config: RetagConfig, cp: Checkpoint, stats: dict[str, Any], elapsed: float, done_here: int
) -> dict[str, Any]:
    tags = sorted(set(stats.get("before", {})) | set(stats.get("suggested", {})))
    per_tag = {
        t: {
            "before": stats.get("before", {}).get(t, 0),
            "suggested": stats.get("suggested", {}).get(t, 0),
            "added": stats.get("added", {}).get(t, 0),
            "removed": stats.get("removed", {}).get(t, 0),
        }
        for t in tags
    }
    return {
        "output": str(config.out),
        "errors_file": str(paths_for(config.out)["errors"]),
        "records": cp.records_done,
        "written": stats.get("written", 0),
        "errors": stats.get("errors", 0),
        "seconds_this_run": round(elapsed, 2),
        "records_this_run": done_here,
        "docs_per_second": round(done_here / elapsed, 1) if elapsed > 0 else None,
        "model": config.spec.model,
        "entities": config.spec.entities,
        "tags": per_tag,
    }

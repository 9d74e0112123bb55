"""Retag an archive: stream it in chunks through worker processes, in order, resumable.

Every path calls `Tagger.suggest_batch`; each worker process loads the bundle (and spaCy) once.
The main process reads the input, hands chunks to an executor (local processes here, Dask in
`tagger.retag.dask`), and writes results in input order with the checkpoint rules of
`tagger.retag.io`. Memory stays flat: at most a few chunks are in flight at any time.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from tagger.errors import InvalidRecord, RetagError, UnreadableInput
from tagger.retag.io import (
    AppendLog,
    Checkpoint,
    SourceRecord,
    check_readable,
    input_fingerprint,
    iter_source,
)
from tagger.retag.workers import (
    ChunkResult,
    Executor,
    InlineExecutor,
    ProcessExecutor,
    TaggerSpec,
)
from tagger.types import Article

Progress = Callable[[int, int], None]  # (records done, errors so far)


@dataclass(frozen=True)
class RetagConfig:
    """One retag run: inputs, output path, what workers tag with, and how the work is cut."""

    inputs: tuple[Path, ...]
    out: Path
    spec: TaggerSpec
    workers: int = 1
    chunk_size: int = 256
    restart: bool = False
    checkpoint_seconds: float = 2.0  # fsync + checkpoint at most this often (and at the end)


def _chunks(source: Iterator[SourceRecord], size: int) -> Iterator[list[SourceRecord]]:
    while chunk := list(islice(source, size)):
        yield chunk


def _settings(config: RetagConfig) -> str:
    from tagger.model.manifest import read_manifest

    manifest = read_manifest(Path(config.spec.model))
    digest = (manifest.get("artifacts") or {}).get("model.joblib", {}).get("sha256")
    spec = {k: v for k, v in asdict(config.spec).items() if k != "model"}
    return json.dumps({"model": digest, **spec}, sort_keys=True)


def paths_for(out: Path) -> dict[str, Path]:
    """The files kept next to the output `x.jsonl` (or `x.jsonl.gz`): x.errors.jsonl,
    x.checkpoint.json and x.summary.json, by role ("errors", "checkpoint", "summary")."""
    stem = out.name
    for suffix in (".gz", ".jsonl", ".ndjson"):
        stem = stem.removesuffix(suffix) if stem.lower().endswith(suffix) else stem
    return {
        "errors": out.with_name(f"{stem}.errors.jsonl"),
        "checkpoint": out.with_name(f"{stem}.checkpoint.json"),
        "summary": out.with_name(f"{stem}.summary.json"),
    }


def _start(config: RetagConfig, files: dict[str, Path]) -> Checkpoint:
    """The checkpoint to continue from: a matching one, or a fresh start. Files at the output's
    names that no checkpoint accounts for are not tagger's: refused, never overwritten."""
    fingerprint = input_fingerprint(config.inputs)
    settings = _settings(config)
    ours = files["checkpoint"].exists()
    checkpoint = None if config.restart else Checkpoint.load(files["checkpoint"])
    if checkpoint is None:
        present = [p for p in (config.out, files["errors"], files["summary"]) if p.exists()]
        if present and not ours:
            raise RetagError(
                f"{present[0]}: exists and no retag checkpoint accounts for it; tagger does "
                "not overwrite it (choose another --out, or move the file away)"
            )
        return Checkpoint(fingerprint, settings, stats={})
    if checkpoint.fingerprint != fingerprint:
        raise RetagError(
            f"{files['checkpoint']}: the input files changed since this run started; "
            "rerun with --restart to begin again"
        )
    if checkpoint.settings != settings:
        raise RetagError(
            f"{files['checkpoint']}: this run was started with another model or options; "
            "rerun with the same ones, or with --restart"
        )
    return checkpoint


def _open_source(config: RetagConfig, checkpoint: Checkpoint) -> Iterator[SourceRecord]:
    """The records still to do. An input that cannot even be opened fails here, before any
    output file exists."""
    check_readable(config.inputs)
    source = islice(
        iter_source(config.inputs, config.spec.tags_field), checkpoint.records_done, None
    )
    first = next(source, None)
    if first is None:
        return iter(())
    if checkpoint.records_done == 0 and isinstance(first.record, UnreadableInput):
        raise first.record  # nothing was readable: fail like a file that does not open
    return chain([first], source)


def _merge(total: dict[str, Any], chunk: ChunkResult) -> None:
    for key, counts in chunk.stats.items():
        into = Counter(total.get(key, {}))
        into.update(counts)
        total[key] = dict(into)


def run_retag(
    config: RetagConfig, executor: Executor | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Retag `config.inputs` into `config.out`; resumes from a checkpoint; returns the summary
    (whose "unreadable_inputs" lists input files that broke off part-way)."""
    files = paths_for(config.out)
    checkpoint = _start(config, files)
    if checkpoint.complete:
        return _read_summary(files["summary"])
    source = _open_source(config, checkpoint)
    try:
        config.out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RetagError(f"{config.out.parent}: cannot create ({exc.strerror})") from None
    out = AppendLog(config.out, checkpoint.output_bytes, checkpoint.output_tail)
    try:
        errors = AppendLog(files["errors"], checkpoint.errors_bytes, checkpoint.errors_tail)
    except BaseException:
        out.close()
        raise
    checkpoint.save(files["checkpoint"])
    if executor is None:
        executor = (
            InlineExecutor(config.spec)
            if config.workers <= 1
            else ProcessExecutor(config.spec, config.workers)
        )
    started = time.perf_counter()
    try:
        done_here = _process(config, checkpoint, source, executor, (out, errors), progress)
    finally:
        executor.close()
        out.close()
        errors.close()
    summary = _summary(config, checkpoint, time.perf_counter() - started, done_here)
    try:
        files["summary"].write_text(json.dumps(summary, indent=2) + "\n")
    except OSError as exc:
        raise RetagError(f"{files['summary']}: cannot write ({exc.strerror})") from None
    checkpoint.complete = True
    checkpoint.save(files["checkpoint"])
    return summary


def _read_summary(path: Path) -> dict[str, Any]:
    """The summary of a finished run."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RetagError(
            f"{path}: the run is complete but its summary is unreadable ({exc}); "
            "rerun with --restart"
        ) from None
    if not isinstance(summary, dict):
        raise RetagError(f"{path}: not a retag summary; rerun with --restart")
    return summary


def _bad_rows(chunk: list[SourceRecord], stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Error rows of the records the readers could not make articles of."""
    rows = []
    for r in chunk:
        if isinstance(r.record, InvalidRecord):
            row = {"position": r.position, "source": r.record.source, "line": r.record.line}
            rows.append({**row, "reason": r.record.reason})
            if isinstance(r.record, UnreadableInput):
                stats.setdefault("unreadable", []).append(rows[-1])
    return rows


def _process(
    config: RetagConfig,
    checkpoint: Checkpoint,
    source: Iterator[SourceRecord],
    executor: Executor,
    logs: tuple[AppendLog, AppendLog],
    progress: Progress | None,
) -> int:
    """Tag every chunk in order, writing and checkpointing as it goes; the records done."""
    out, errors = logs
    path = paths_for(config.out)["checkpoint"]
    stats: dict[str, Any] = checkpoint.stats or {}
    records_done, done_here = checkpoint.records_done, 0
    last_checkpoint = time.perf_counter()
    held: list[list[SourceRecord]] = []

    def payloads() -> Iterator[list[tuple[int, dict[str, Any], Article]]]:
        for chunk in _chunks(source, config.chunk_size):
            held.append(chunk)
            yield [(r.position, r.raw, r.record) for r in chunk if isinstance(r.record, Article)]

    for result in executor.map_ordered(payloads()):
        chunk = held.pop(0)
        error_rows = sorted(_bad_rows(chunk, stats) + result.errors, key=lambda e: e["position"])
        out.write_lines(result.lines)
        errors.write_lines(json.dumps(e, ensure_ascii=False) for e in error_rows)
        records_done += len(chunk)
        done_here += len(chunk)
        _merge(stats, result)
        stats["errors"] = stats.get("errors", 0) + len(error_rows)
        stats["written"] = stats.get("written", 0) + len(result.lines)
        if time.perf_counter() - last_checkpoint >= config.checkpoint_seconds:
            _commit(checkpoint, logs, records_done, stats, path)
            last_checkpoint = time.perf_counter()
        if progress is not None:
            progress(records_done, stats["errors"])
    _commit(checkpoint, logs, records_done, stats, path)
    return done_here


def _commit(
    checkpoint: Checkpoint,
    logs: tuple[AppendLog, AppendLog],
    records_done: int,
    stats: dict[str, Any],
    path: Path,
) -> None:
    """Make the written lines durable, then record how far they go (in that order)."""
    checkpoint.output_bytes, checkpoint.output_tail = logs[0].sync()
    checkpoint.errors_bytes, checkpoint.errors_tail = logs[1].sync()
    checkpoint.records_done = records_done
    checkpoint.stats = stats
    checkpoint.save(path)


def _summary(config: RetagConfig, cp: Checkpoint, elapsed: float, done_here: int) -> dict[str, Any]:
    stats = cp.stats or {}
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
        "unreadable_inputs": stats.get("unreadable", []),
        "tags": per_tag,
    }

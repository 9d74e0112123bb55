"""`tagger retag` and `tagger report`: retag archives; chart what changed."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from tagger.cli.common import (
    DEFAULT_MODEL,
    WORKERS_ALIAS_HELP,
    err,
    fail,
    handle_errors,
    out,
    resolve_jobs,
)
from tagger.text.limits import DEFAULT_MAX_BYTES


@contextmanager
def _progress(total: int | None, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A bar with rate and ETA on a terminal; a log line every 10 s otherwise."""
    if quiet:
        yield lambda done, errors: None
        return
    if err.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [
            TextColumn("retag"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} docs/s, {task.fields[errors]} errors"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, console=err) as bar:
            task = bar.add_task("retag", total=total, rate="-", errors=0)
            start = time.monotonic()
            first: list[int] = []

            def update(done: int, errors: int) -> None:
                if not first:  # rate over this run, not counting resumed records
                    first.append(done)
                rate = (done - first[0]) / max(time.monotonic() - start, 1e-9)
                bar.update(task, completed=done, rate=f"{rate:,.0f}", errors=errors)

            yield update
        return
    last = [0.0]
    start = time.monotonic()

    def log(done: int, errors: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 10:
            last[0] = now
            of = f"/{total}" if total else ""
            rate = done / max(now - start, 1e-9)
            print(
                f"retag: {done}{of} records, {errors} errors, {rate:,.0f} docs/s",
                file=sys.stderr,
                flush=True,
            )

    yield log


@handle_errors
def retag_command(
    inputs: list[Path] = typer.Argument(
        ...,
        help="Archive files or folders (.jsonl, .csv, digest .txt folders, Reuters .sgm; .gz too).",
    ),
    out_path: Path = typer.Option(..., "--out", "-o", help="Output JSON Lines file."),
    model: Path = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model bundle folder."),
    jobs: int = typer.Option(-1, "--jobs", "-j", help="Worker processes (-1: all cores)."),
    workers: int | None = typer.Option(None, "--workers", hidden=True, help=WORKERS_ALIAS_HELP),
    entities: bool = typer.Option(
        False, "--entities/--no-entities", help="Also extract entities (about 40x slower)."
    ),
    limit: int = typer.Option(5, min=1, help="At most this many suggested tags per record."),
    threshold: float | None = typer.Option(
        None,
        min=0.0,
        max=1.0,
        help="Score every tag must reach (replaces the learned per-tag thresholds).",
    ),
    tags_field: str = typer.Option("tags", help="Field holding the records' current tags."),
    chunk_size: int = typer.Option(256, min=1, help="Records per work unit and checkpoint."),
    dask_scheduler: str | None = typer.Option(
        None, help="Run on this Dask cluster (tcp://HOST:PORT)."
    ),
    dask_local: int | None = typer.Option(
        None, min=1, help="Start a local Dask cluster of N workers on loopback and run on it."
    ),
    spacy_model: str | None = typer.Option(
        None, envvar="TAGGER_SPACY_MODEL", help="spaCy pipeline for entities."
    ),
    report: Path | None = typer.Option(None, help="Also write an HTML report of tag changes."),
    restart: bool = typer.Option(False, help="Ignore an existing checkpoint and start over."),
    checkpoint_every: float = typer.Option(
        2.0, min=0.0, help="Seconds between checkpoints (0: after every chunk)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Retag an archive: every record with its original fields plus suggested_tags (and
    entities, tags_added, tags_removed), in input order.

    Resumable: progress is checkpointed next to the output; rerun the same command after a crash
    or kill and it continues where it stopped, each record written exactly once. Bad records go
    to OUT.errors.jsonl and the run goes on; OUT.summary.json is written at the end.

    Example: tagger retag archive.jsonl.gz --out retagged.jsonl --jobs 2
    """
    from tagger.model.bundle import load_bundle
    from tagger.retag.io import count_records_fast
    from tagger.retag.run import RetagConfig, run_retag
    from tagger.retag.workers import TaggerSpec

    if dask_scheduler and dask_local:
        raise fail("give --dask-scheduler or --dask-local, not both")
    if out_path.resolve() in {p.resolve() for p in inputs}:
        raise fail(f"{out_path}: the output must not be one of the inputs")
    load_bundle(model)  # a missing or broken model fails here, before any worker starts
    if entities:
        from tagger.entities.pipeline import resolve_model

        spacy_model = resolve_model(spacy_model)
    spec = TaggerSpec(
        str(model.resolve()), entities, spacy_model, limit, threshold, tags_field, DEFAULT_MAX_BYTES
    )
    n_workers = resolve_jobs(jobs, workers)
    config = RetagConfig(
        tuple(inputs), out_path, spec, n_workers, chunk_size, restart, checkpoint_every
    )
    executor = None
    if dask_scheduler or dask_local:
        from tagger.retag.dask import DaskExecutor

        executor = DaskExecutor(spec, scheduler=dask_scheduler, local_workers=dask_local)
    total = None if quiet else count_records_fast(inputs)
    with _progress(total, quiet) as progress:
        summary = run_retag(config, executor, progress)
    if report is not None:
        from tagger.retag.report import write_report

        write_report(summary, report)
    if not quiet:
        err.print(
            f"{summary['records']} records: {summary['written']} written to {out_path}, "
            f"{summary['errors']} errors ({summary['errors_file']}); "
            f"{summary['docs_per_second']} docs/s this run"
        )
        out.print_json(json.dumps({k: v for k, v in summary.items() if k != "tags"}))
    unreadable = summary.get("unreadable_inputs") or []
    if unreadable:
        from tagger.errors import UnreadableInput

        first = unreadable[0]
        raise fail(
            f"[{UnreadableInput.code}] {first['reason']}; the {summary['written']} records "
            f"that could be read were written to {out_path}; the failure is listed in "
            f"{summary['errors_file']}"
        )


@handle_errors
def report_command(
    summary: Path = typer.Argument(..., help="A retag summary (OUT.summary.json)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="HTML file to write."),
) -> None:
    """An HTML report of a retag run: tag counts before/after and the most changed tags."""
    from tagger.errors import InputError
    from tagger.retag.report import write_report

    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{summary}: not a readable retag summary ({exc})") from None
    write_report(data, out_path)
    out.print(f"Wrote {out_path}")

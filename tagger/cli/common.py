"""Shared CLI plumbing: error handling, consoles, progress display, reading corpora."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from tagger.errors import TaggerError

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_MODEL = Path(os.environ.get("TAGGER_MODEL", "models/default"))
JOBS_HELP = "Parallel jobs: processes or threads (-1: all cores)."
WORKERS_ALIAS_HELP = "Old name of --jobs."


def resolve_jobs(jobs: int, workers_alias: int | None = None) -> int:
    """The number of parallel jobs from `--jobs` (or its old name `--workers`): -1 (or 0) means
    every core; anything below -1 is a mistake."""
    n = workers_alias if workers_alias is not None else jobs
    if n < -1:
        raise fail(f"--jobs {n}: give a number of jobs >= 1, or -1 for all cores")
    return n if n > 0 else os.cpu_count() or 1


def fail(message: str) -> typer.Exit:
    """Print `Error: message` on one line and return the exit (code 2) to raise."""
    # Plain write: one line however long, and no markup parsing of "[E200]".
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(2)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """User mistakes become `Error: ...` on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TaggerError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            err.print("Interrupted.")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None

    return wrapper


@contextmanager
def progress_display(quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A `progress(stage, done, total)` callback: a live bar on a terminal, log lines otherwise."""
    if quiet:
        yield lambda stage, done, total: None
        return
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as bar:
            tasks: dict[str, Any] = {}

            def update(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            yield update
        return
    last: dict[str, float] = {}

    def log(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last.get(stage, 0.0) >= 5.0:
            last[stage] = now
            print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)

    yield log

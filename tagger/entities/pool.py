"""spaCy NER shared between the server process and worker processes, for low latency per draft.

One draft is cut into pieces that run at once: a smaller one here (this process also scores the
tags and applies the entity rules) and one per worker. Several drafts at once (a batch) are
shared out whole instead: workers find all the entities of theirs (spaCy and the rules), so they
never wait for this process, which does its own share meanwhile.

Workers can fail in two ways, and neither costs a request: a worker that dies (killed, out of
memory) fails its work at once, and one that hangs (stopped, swapping) is given up after the
deadline (`timeout`, 5 s by default). Either way the work is done here instead, the pool is
replaced, and `problems()` says so (the service's health answer reports "degraded") for a
minute.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar, cast

from tagger.entities.decode import Spans
from tagger.entities.pipeline import (
    MIN_SPLIT_CHARS,
    RawSpan,
    die_with_parent,
    entity_spans,
    load_pipeline,
    split_text,
)
from tagger.types import Entity

log = logging.getLogger("tagger")

DEFAULT_TIMEOUT = 5.0
# This process's share of a draft, against 1 for each worker: it scores the tags and applies the
# entity rules too, so with equal shares the workers would wait for it. 0.6 is the fastest
# split for 600-word drafts on 2 cores, alone and under load (benchmarks/RESULTS.md).
LOCAL_WEIGHT = 0.6
# How long a worker failure keeps the pool reported as degraded (for monitors that poll).
DEGRADED_SECONDS = 60.0
# How long close() lets workers finish their pieces before killing them.
CLOSE_SECONDS = 10.0

_POOL_MODEL: list[str] = []


def _pool_init(model: str) -> None:
    die_with_parent()
    _POOL_MODEL.append(model)
    load_pipeline(model)


def _pool_spans(piece: str) -> Spans:
    return [(s.start, s.end, s.label) for s in next(entity_spans([piece], _POOL_MODEL[0]))]


def _pool_entities(text: str) -> tuple[Entity, ...]:
    from tagger.entities.extract import extract  # here, not at the top: extract imports this

    return extract(text, next(entity_spans([text], _POOL_MODEL[0])))


def _workers(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    # The executor keeps its processes private; killing a hung one needs them.
    processes: dict[int, BaseProcess] | None = getattr(pool, "_processes", None)
    return list((processes or {}).values())


def _state(pid: int) -> str:
    """The process state letter from /proc (R, S, D: fine; T: stopped; Z: dead); "" when the
    process is gone, "?" where /proc is not there to ask."""
    if not Path("/proc/self/stat").exists():
        return "?"
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[0]


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: its workers may be hung, so they are killed, not asked."""
    for process in _workers(pool):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def stop_workers(pool: ProcessPoolExecutor, grace: float = CLOSE_SECONDS) -> None:
    """Stop a process pool: running calls may finish for `grace` seconds, queued ones are
    cancelled, and a worker still there then (or stopped by a signal) is killed. Returns once
    the pool's thread and queues are released, so that none is left for interpreter exit."""
    workers = _workers(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in workers:
        if _state(process.pid or 0) in ("T", "t"):
            process.kill()
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=True)


Job = tuple[int, "Future[Any] | None"]  # (pool generation, the worker's future or None)
T = TypeVar("T")


class NERPool:
    """spaCy NER shared by this process and `processes - 1` workers (see the module docstring).
    Used by the editor service; batch paths parallelize by article instead."""

    def __init__(self, model: str, processes: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.model = model
        self.processes = processes
        self.timeout = timeout
        load_pipeline(model)
        # Linux's parent-death signal (die_with_parent) follows the *thread* that started a
        # worker: one started from a request thread that the server retires when idle would
        # be killed with it. Workers are started from this thread only, which lives as long
        # as the pool.
        self._starter = ThreadPoolExecutor(1, thread_name_prefix="ner-pool-start")
        self._lock = threading.Lock()
        self.generation = 0  # pools started so far after the first
        self.last_problem: tuple[float, str] | None = None
        self.pool, self.warming = self._starter.submit(self._launch).result()
        for future in self.warming:
            future.result()

    def _launch(self) -> tuple[ProcessPoolExecutor, list[Future[Any]]]:
        import multiprocessing as mp

        pool = ProcessPoolExecutor(
            self.processes - 1,
            mp_context=mp.get_context("spawn"),
            initializer=_pool_init,
            initargs=(self.model,),
        )
        # Submitting is what starts the processes: here, in the starter thread. Not awaited:
        # loading spaCy takes seconds; until then pieces run in this process.
        warm_up = "The Ohio Department of Development (ODD) funds a research center."
        return pool, [pool.submit(_pool_entities, warm_up) for _ in range(self.processes - 1)]

    def _replace(self, generation: int, reason: str) -> None:
        with self._lock:
            if generation != self.generation:
                return  # another piece noticed first and replaced the pool already
            log.warning("%s; starting a new one", reason)
            self.last_problem = (time.monotonic(), reason)
            old = self.pool
            self._starter.submit(_kill, old)
            self.pool, self.warming = self._starter.submit(self._launch).result()
            self.generation += 1

    def _submit(self, fn: Callable[[str], Any], text: str) -> Job:
        with self._lock:
            generation, pool, warming = self.generation, self.pool, self.warming
        if not all(f.done() for f in warming):
            return generation, None
        try:
            return generation, pool.submit(fn, text)
        except BrokenProcessPool:
            self._replace(generation, "an NER worker process died")
        except RuntimeError:  # the pool was shut down: closing, or replaced meanwhile
            pass
        return generation, None

    def _result(self, job: Job, here: Callable[[], T], deadline: float) -> T:
        """A worker's answer, or `here()` if the worker died or hung."""
        generation, future = job
        if future is not None:
            try:
                return cast(T, future.result(timeout=max(0.0, deadline - time.monotonic())))
            except (BrokenProcessPool, CancelledError):
                self._replace(generation, "an NER worker process died")
            except TimeoutError:
                reason = f"an NER worker did not answer within {self.timeout:g} s"
                self._replace(generation, reason)
        return here()

    def _spans_here(self, piece: str) -> Spans:
        return [(s.start, s.end, s.label) for s in next(entity_spans([piece], self.model))]

    def submit(self, texts: Sequence[str]) -> Callable[[], list[list[RawSpan]]]:
        """Start NER on `texts`; the returned function waits for and assembles the spans (the
        caller scores tags meanwhile). Workers' pieces not back by the deadline run here."""
        deadline = time.monotonic() + self.timeout
        weights = [LOCAL_WEIGHT] + [1.0] * (self.processes - 1)
        local: list[tuple[int, int, str]] = []
        jobs: list[tuple[int, int, str, Job]] = []
        for i, text in enumerate(texts):
            first, *rest = (
                split_text(text, weights) if len(text) >= MIN_SPLIT_CHARS else [(0, text)]
            )
            local.append((i, *first))
            jobs.extend(
                (i, offset, piece, self._submit(_pool_spans, piece)) for offset, piece in rest
            )

        def collect() -> list[list[RawSpan]]:
            out: list[list[RawSpan]] = [[] for _ in texts]
            here = entity_spans([piece for _, _, piece in local], self.model)
            for (i, offset, _), spans in zip(local, here, strict=True):
                out[i].extend(RawSpan(s.start + offset, s.end + offset, s.label) for s in spans)
            for i, offset, piece, job in jobs:
                found = self._result(job, functools.partial(self._spans_here, piece), deadline)
                out[i].extend(RawSpan(s + offset, e + offset, lab) for s, e, lab in found)
            return out

        return collect

    def share(
        self, texts: Sequence[str], here: Callable[[Sequence[str]], list[tuple[Entity, ...]]]
    ) -> Callable[[], list[tuple[Entity, ...]]]:
        """Entities of several texts: whole texts go to the workers, the others are for
        `here` (this process's extraction), in shares by length as in `submit`. Returns the
        function that finishes this process's share and collects the workers'."""
        deadline = time.monotonic() + self.timeout
        mine: list[int] = []
        theirs: list[tuple[int, Job]] = []
        local = remote = 0.0
        for i, text in enumerate(texts):
            if local / LOCAL_WEIGHT <= remote / (self.processes - 1):
                mine.append(i)
                local += len(text)
            else:
                theirs.append((i, self._submit(_pool_entities, text)))
                remote += len(text)

        def collect() -> list[tuple[Entity, ...]]:
            out: list[tuple[Entity, ...]] = [() for _ in texts]
            for i, entities in zip(mine, here([texts[i] for i in mine]), strict=True):
                out[i] = entities
            for i, job in theirs:
                alone = functools.partial(lambda text: here([text])[0], texts[i])
                out[i] = self._result(job, alone, deadline)
            return out

        return collect

    def problems(self) -> list[str]:
        """What keeps the pool from full speed right now or did in the last minute; empty
        when all is well."""
        with self._lock:
            pool, warming, last = self.pool, self.warming, self.last_problem
        found = []
        if not all(f.done() for f in warming):
            found.append("an NER worker is starting; its pieces run in the server meanwhile")
        for process in _workers(pool):
            state = _state(process.pid or 0)
            if state in ("", "T", "t", "Z", "X"):
                found.append(f"NER worker {process.pid} is {'stopped' if state else 'gone'}")
        if last is not None and time.monotonic() - last[0] < DEGRADED_SECONDS:
            found.append(f"{last[1]} {time.monotonic() - last[0]:.0f} s ago; it was replaced")
        return found

    def close(self) -> None:
        """Stop the workers: running pieces finish (for up to 10 s), queued ones are cancelled;
        a hung worker is killed."""
        with self._lock:
            pool = self.pool
        stop_workers(pool)
        self._starter.shutdown(wait=True)

"""Where the model work of requests runs: a thread for ordinary drafts, a process for long ones.

`ModelLane`: one long-lived thread runs every model call of the server process, in arrival
order. The work is Python and small numpy operations under the GIL, so two calls at once would
slow each other more than they overlap, and spaCy's tokenizer cache is not documented as
thread-safe. Requests waiting together with the same options are tagged as one batch (up to 8
drafts): the vectorizer and the classifier cost less per draft in a batch. The thread lives as
long as the server, which also matters to the NER workers it starts (see `entities.pool`).

`LongLane`: requests with long drafts (over `long_chars` characters in all) run in a process of
their own with its own copy of the model, so that a 1 MB draft never holds up the ordinary ones
behind it; they only share the CPU with it. There, entities are looked for in at most
`ENTITY_BUDGET` characters per request (short drafts whole, long ones cut), which caps the
time and memory one request can take (about 2 s and 0.5 GB for the largest body allowed).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from starlette.exceptions import HTTPException

from tagger.entities.pipeline import die_with_parent
from tagger.entities.pool import CLOSE_SECONDS, stop_workers
from tagger.inputs import draft_article
from tagger.pipeline import SuggestOptions, Tagger
from tagger.types import Article, Suggestion

log = logging.getLogger("tagger.api")
T = TypeVar("T")

LONG_CHARS = 12_000  # a request with more characters than this (titles + texts) is long
ENTITY_BUDGET = 100_000  # characters of a request that entity recognition reads, at most
MAX_BATCH = 8  # drafts tagged together in the model thread
MAX_BATCH_CHARS = 24_000  # ... as long as they hold no more characters than this in all
LONG_TIMEOUT = 60.0  # a long request not done by then gets 503 and its process is replaced
MAX_LONG_WAITING = 4  # long requests beyond this many at once get 503 at once


@dataclass(frozen=True)
class Draft:
    """A draft as a request gave it; `source` names it in error messages."""

    id: str | None
    title: str
    text: str
    source: str


def articles(drafts: Sequence[Draft], max_bytes: int) -> list[Article]:
    """The drafts checked (InputError for an unusable one) as articles to tag."""
    return [draft_article(d.id or "draft", d.title, d.text, d.source, max_bytes) for d in drafts]


@dataclass
class _Job:
    drafts: Sequence[Draft]
    options: SuggestOptions
    future: Future[list[Suggestion]]
    size: int


class ModelLane:
    """The server process's model thread (see the module docstring)."""

    def __init__(self, tagger: Tagger, max_bytes: int) -> None:
        self.tagger = tagger
        self.max_bytes = max_bytes
        self._queue: queue.SimpleQueue[_Job | Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="tagger-model", daemon=True)
        self._thread.start()

    def submit(self, drafts: Sequence[Draft], options: SuggestOptions) -> Future[list[Suggestion]]:
        """Queue one request's drafts; the future gets their suggestions (or InputError)."""
        future: Future[list[Suggestion]] = Future()
        size = sum(len(d.title) + len(d.text) for d in drafts)
        self._queue.put(_Job(drafts, options, future, size))
        return future

    def call(self, fn: Callable[[], T]) -> Future[T]:
        """Run `fn` on the model thread, in turn with the requests."""
        future: Future[T] = Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except Exception as exc:
                    future.set_exception(exc)

        self._queue.put(run)
        return future

    def close(self) -> None:
        """Finish the queued work, then stop the thread."""
        self._queue.put(None)
        self._thread.join()

    def _loop(self) -> None:
        held: deque[_Job | Callable[[], None] | None] = deque()
        while True:
            item = held.popleft() if held else self._queue.get()
            if item is None:
                return
            if not isinstance(item, _Job):
                item()
                continue
            batch, size = [item], item.size
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                fits = size + (more.size if isinstance(more, _Job) else 0) <= MAX_BATCH_CHARS
                if isinstance(more, _Job) and more.options == item.options and fits:
                    batch.append(more)
                    size += more.size
                else:
                    held.append(more)  # first in line for the next round
                    break
            try:
                self._run(batch)
            except Exception as exc:  # never lose the thread; each job has its answer
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(exc)

    def _run(self, batch: list[_Job]) -> None:
        ready: list[tuple[_Job, list[Article]]] = []
        for job in batch:
            if not job.future.set_running_or_notify_cancel():
                continue  # the client went away
            try:
                ready.append((job, articles(job.drafts, self.max_bytes)))
            except Exception as exc:
                job.future.set_exception(exc)
        if len(ready) > 1:
            try:
                results = self.tagger.suggest_batch(
                    [a for _, arts in ready for a in arts], ready[0][0].options
                )
            except Exception:
                log.exception("a batch of requests failed; tagging them one by one")
            else:
                for job, arts in ready:
                    job.future.set_result(results[: len(arts)])
                    results = results[len(arts) :]
                return
        for job, arts in ready:  # one by one: a failure is then only its own request's
            try:
                job.future.set_result(self.tagger.suggest_batch(arts, job.options))
            except Exception as exc:
                job.future.set_exception(exc)


_LANE_TAGGER: list[Tagger] = []


def _lane_init(path: str, spacy_model: str | None) -> None:
    die_with_parent()
    _LANE_TAGGER.append(
        Tagger.load(path, entities=spacy_model is not None, spacy_model=spacy_model)
    )


def _lane_suggest(
    drafts: Sequence[Draft], options: SuggestOptions, max_bytes: int
) -> list[Suggestion]:
    return _LANE_TAGGER[0].suggest_batch(articles(drafts, max_bytes), options)


def _unavailable(message: str) -> HTTPException:
    return HTTPException(503, message, headers={"Retry-After": "5"})


class LongLane:
    """The process for long requests (see the module docstring). Started with `start()` from
    a thread that lives as long as the server (the event loop's)."""

    def __init__(self, bundle: Path, spacy_model: str | None, max_bytes: int) -> None:
        self.bundle = bundle
        self.spacy_model = spacy_model
        self.max_bytes = max_bytes
        self.waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the process; it loads the model in the background."""
        import multiprocessing as mp

        self._pool = ProcessPoolExecutor(
            1,
            mp_context=mp.get_context("spawn"),
            initializer=_lane_init,
            initargs=(str(self.bundle), self.spacy_model),
        )
        self._pool.submit(int)  # submitting starts the process, in this thread

    async def suggest(self, drafts: Sequence[Draft], options: SuggestOptions) -> list[Suggestion]:
        """Suggestions for a long request, entities within the budget; 503 when too many long
        requests are waiting or the process failed (it is replaced)."""
        if self.waiting >= MAX_LONG_WAITING:
            raise _unavailable("too many long drafts are being tagged; retry in a few seconds")
        if self._pool is None:
            self.start()
        assert self._pool is not None
        capped = replace(options, max_entity_chars=ENTITY_BUDGET)
        self.waiting += 1
        try:
            future = self._pool.submit(_lane_suggest, drafts, capped, self.max_bytes)
            return await asyncio.wait_for(asyncio.wrap_future(future), LONG_TIMEOUT)
        except BrokenProcessPool:
            self._restart("the process for long drafts stopped")
            raise _unavailable("the process for long drafts stopped; retry") from None
        except TimeoutError:
            self._restart(f"a long draft took over {LONG_TIMEOUT:g} s")
            raise _unavailable(f"the draft took over {LONG_TIMEOUT:g} s; retry") from None
        finally:
            self.waiting -= 1

    def _restart(self, reason: str) -> None:
        log.warning("%s; starting a new one", reason)
        self.close(kill=True)
        self.start()

    def close(self, kill: bool = False) -> None:
        """Stop the process (`kill`: at once, as it may be hung)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            stop_workers(pool, grace=0.0 if kill else CLOSE_SECONDS)

"""Fault injection on the editor service, with the real spaCy pipeline, a real uvicorn server and
real worker processes: NER workers killed and stopped under load, a replacement worker outliving
the thread that started it, and a 1 MB draft without a single break sent among short ones."""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tagger.api import ApiSettings, create_app
from tagger.entities.pipeline import (
    MAX_PIECE_CHARS,
    entity_texts,
    resolve_model,
    split_for_workers,
)
from tagger.entities.pool import NERPool
from tagger.pipeline import Tagger

from .conftest import CORPUS, SAMPLE_DRAFT
from .serving import running_server

CLIENTS = 4
REQUESTS_PER_CLIENT = 6


def draft() -> dict[str, Any]:
    """A 600-word draft (long enough to be shared with the NER worker)."""
    title, _, text = SAMPLE_DRAFT.read_text().partition("\n\n")
    bodies = [p.read_text().split("\n\n", 1)[1] for p in sorted(CORPUS.glob("*.txt"))[:3]]
    return {"title": title, "text": "\n\n".join([text, *bodies])}


def worker_processes(tagger: Tagger) -> list[Any]:
    pool = tagger._extractor.pool.pool  # the test reaches in: it kills what it finds there
    return list(pool._processes.values())


def under_load(
    url: str, body: dict[str, Any], fault: Callable[[], None]
) -> list[tuple[int, float, Any]]:
    """CLIENTS clients each send REQUESTS_PER_CLIENT requests; `fault` strikes once the first
    few are answered. Returns (status, seconds, response) of each request."""
    results: list[tuple[int, float, Any]] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=url, timeout=15) as c:
            for _ in range(REQUESTS_PER_CLIENT):
                started = time.perf_counter()
                try:
                    response = c.post("/v1/suggest", json=body)
                    status = response.status_code
                except httpx.TimeoutException as exc:  # before: requests hung for good
                    response, status = exc, 0
                with lock:
                    results.append((status, time.perf_counter() - started, response))
                    if len(results) == CLIENTS:
                        fault()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def entity_names(response: httpx.Response) -> set[tuple[str, str]]:
    return {(e["text"], e["label"]) for e in response.json()["entities"]}


@pytest.fixture(scope="module")
def pooled(digest_model: Path) -> Iterator[tuple[Tagger, str]]:
    """A server sharing NER with one worker process, which gives a worker up after 1 s."""
    tagger = Tagger.load(digest_model, ner_processes=2, ner_timeout=1.0)
    app = create_app(tagger, ApiSettings(long_chars=None))
    with running_server(app) as url:
        yield tagger, url
    tagger.close()


def test_a_killed_ner_worker_costs_no_request_under_load(pooled: tuple[Tagger, str]) -> None:
    tagger, url = pooled
    expected = entity_names(httpx.post(f"{url}/v1/suggest", json=draft(), timeout=30))
    [worker] = worker_processes(tagger)
    results = under_load(url, draft(), lambda: os.kill(worker.pid, signal.SIGKILL))
    problems = tagger.problems()
    assert [status for status, _, _ in results] == [200] * CLIENTS * REQUESTS_PER_CLIENT
    assert all(entity_names(r) == expected for _, _, r in results)
    health = httpx.get(f"{url}/v1/health").json()
    assert health["status"] == "degraded", health
    assert any("died" in p for p in health["problems"]), (health, problems)
    [new] = worker_processes(tagger)
    assert new.pid != worker.pid


def test_a_stopped_ner_worker_costs_at_most_the_deadline(pooled: tuple[Tagger, str]) -> None:
    tagger, url = pooled
    wait_for(lambda: not any("starting" in p for p in tagger.problems()))
    expected = entity_names(httpx.post(f"{url}/v1/suggest", json=draft(), timeout=30))
    [worker] = worker_processes(tagger)
    try:
        results = under_load(url, draft(), lambda: os.kill(worker.pid, signal.SIGSTOP))
        health = httpx.get(f"{url}/v1/health").json()
    finally:
        if worker.is_alive():
            os.kill(worker.pid, signal.SIGKILL)
    assert [status for status, _, _ in results] == [200] * CLIENTS * REQUESTS_PER_CLIENT
    assert all(entity_names(r) == expected for _, _, r in results)
    # One request waits for the deadline (1 s), the ones queued behind it for it too; then
    # the pieces run in the server until the new worker is up. Before: all hung for good.
    assert max(seconds for _, seconds, _ in results) < 1.0 + 4.0, results
    assert health["status"] == "degraded", health
    assert any("did not answer within 1 s" in p for p in health["problems"]), health
    assert not worker.is_alive()  # the stopped worker was killed, not left behind
    [new] = worker_processes(tagger)
    assert new.pid != worker.pid


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_replacement_worker_outlives_the_thread_that_started_it() -> None:
    """Linux's parent-death signal follows the thread that started a process: a replacement
    started from a request thread that later ends (as idle anyio threads do) was killed."""
    text = draft()["text"]
    pool = NERPool(resolve_model(), 2)
    try:
        expected = pool.submit([text])()
        [worker] = pool.pool._processes.values()
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)

        def request_thread() -> None:
            assert pool.submit([text])() == expected  # notices the death: a new worker
            wait_for(lambda: all(f.done() for f in pool.warming))  # ... is up

        thread = threading.Thread(target=request_thread)
        thread.start()
        thread.join()
        time.sleep(1.0)  # the thread has ended: time for a parent-death signal to land
        [new] = pool.pool._processes.values()
        assert new.is_alive() and new.pid != worker.pid
        assert pool.submit([text])() == expected
        assert pool.generation == 1  # no second replacement
    finally:
        pool.close()


def test_texts_without_breaks_are_cut_into_bounded_pieces() -> None:
    text = "word " * 200_000  # 1 MB, no paragraph, line or sentence break
    pieces = split_for_workers(text, -(-len(text) // MAX_PIECE_CHARS))
    assert max(len(p) for _, p in pieces) <= 1.5 * MAX_PIECE_CHARS
    assert "".join(p for _, p in pieces) == text
    assert all(p.endswith(" ") for _, p in pieces[:-1])  # cut at whitespace
    unbroken = "x" * 100_000  # not even whitespace: cut anyway
    assert max(len(p) for _, p in split_for_workers(unbroken, 5)) == 20_000
    short, long = "a " * 100, "b " * 60_000
    capped = entity_texts([short, long], 20_000)
    assert capped[0] == short and len(capped[1]) <= 20_000 - len(short)


def huge_draft() -> str:
    """About 990 KB of corpus words with no paragraph, line or sentence break."""
    words = " ".join(p.read_text() for p in sorted(CORPUS.glob("*.txt"))).split()
    text = " ".join(w.strip(".") for w in words)
    return (text + " ") * (990_000 // len(text)) + text[: 990_000 % len(text)]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_a_huge_draft_does_not_hold_up_short_ones(digest_model: Path) -> None:
    """A 990 KB draft without breaks runs in the long-draft process, its entities capped, while
    short drafts keep their own time (+100 ms). Before: it went through NER in one piece (2.2 GB,
    9-14 s) and every other request waited for it."""
    tagger = Tagger.load(digest_model, ner_processes=2)
    app = create_app(tagger, ApiSettings())
    try:
        with running_server(app) as url, httpx.Client(base_url=url, timeout=120) as c:
            lane = app.state.service.long_lane
            c.post("/v1/suggest", json={"text": "x " * 7000})  # the long lane is up
            [lane_process] = lane._pool._processes.values()
            alone = [timed(c, draft()) for _ in range(12)]
            huge: dict[str, Any] = {}

            def send_huge() -> None:
                with httpx.Client(base_url=url, timeout=120) as h:
                    started = time.perf_counter()
                    huge["response"] = h.post("/v1/suggest", json={"text": huge_draft()})
                    huge["seconds"] = time.perf_counter() - started

            sender = threading.Thread(target=send_huge)
            sender.start()
            time.sleep(0.5)  # the body is sent and parsed: the draft is being tagged
            during = []
            while sender.is_alive():
                during.append(timed(c, draft()))
            sender.join()
            peak_mb = peak_rss_mb(lane_process.pid)
    finally:
        tagger.close()
    response = huge["response"]
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert body["tags"] and body["entities"]
    assert 50_000 < body["entities_truncated_at"] <= 100_000
    assert len(during) >= 3, huge
    assert statistics.median(during) <= statistics.median(alone) + 0.1, (alone, during)
    assert max(during) <= max(alone) + 0.25, (alone, during)
    assert peak_mb < 1200


def timed(client: httpx.Client, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    assert client.post("/v1/suggest", json=body).status_code == 200
    return time.perf_counter() - started

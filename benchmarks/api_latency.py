"""Latency and throughput of POST /v1/suggest for a 600-word draft, from a client on loopback.

Starts `tagger serve` (a model trained on corpus/digest, entities on) in a subprocess, then:
one client sending requests one after another (p50/p95 over --requests), and --clients
concurrent clients sharing a bounded number of requests (throughput, latency under load).
Requests with "entities": false (tags and evidence only) are measured too, for comparison.

    .venv/bin/python benchmarks/api_latency.py [--requests 300] [--clients 8] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
from common import ROOT, write_section

from tagger.corpus import read_corpus
from tagger.model.bundle import save_bundle
from tagger.training import TrainConfig, train

WORDS = 600


def make_draft() -> dict[str, str]:
    """A 600-word draft: corpus article bodies as paragraphs, cut at 600 words."""
    articles = list(read_corpus([ROOT / "corpus" / "digest"]))
    words: list[str] = []
    paragraphs: list[str] = []
    for article in articles:
        for paragraph in article.text.split("\n\n"):
            take = paragraph.split()[: WORDS - len(words)]
            paragraphs.append(" ".join(take))
            words += take
            if len(words) >= WORDS:
                return {"title": articles[0].title, "text": "\n\n".join(paragraphs)}
    raise SystemExit("corpus too small for a 600-word draft")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(model: Path, feedback_db: Path, ner_processes: int = 2) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "tagger", "serve", "--model", str(model)]
    command += ["--ner-processes", str(ner_processes)]
    command += ["--port", str(port), "--feedback-db", str(feedback_db), "--log-level", "warning"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/v1/health", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed_requests(url: str, body: Mapping[str, object], n: int) -> list[float]:
    """Send n requests one after another on one keep-alive connection; seconds each."""
    out: list[float] = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(n):
            started = time.perf_counter()
            response = client.post("/v1/suggest", json=body)
            out.append(time.perf_counter() - started)
            response.raise_for_status()
    return out


def concurrent(
    url: str, body: Mapping[str, object], clients: int, total: int
) -> tuple[float, list[float]]:
    """`clients` threads share `total` requests; returns (requests/s, latencies)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    per_client = [total // clients + (i < total % clients) for i in range(clients)]

    def run(i: int) -> None:
        latencies[i] = timed_requests(url, body, per_client[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    flat = [x for part in latencies for x in part]
    return len(flat) / wall, flat


def row(label: str, clients: int, latencies: list[float], rate: float) -> str:
    ms = np.asarray(latencies) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return (
        f"| {label} | {clients} | {len(ms)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | "
        f"{ms.mean():.1f} | {rate:.1f} |"
    )


def measure(model: Path, args: argparse.Namespace, tmp: Path) -> list[str]:
    draft = make_draft()
    tags_only = {**draft, "entities": False}
    label = "tags + evidence + entities"
    rows = []
    with server(model, tmp / "feedback.db") as url:
        timed_requests(url, draft, 10)  # warm-up: connection, caches
        single = timed_requests(url, draft, args.requests)
        rows.append(row(label, 1, single, len(single) / sum(single)))
        print(rows[-1], flush=True)
        rate, loaded = concurrent(url, draft, args.clients, args.requests)
        rows.append(row(label, args.clients, loaded, rate))
        print(rows[-1], flush=True)
        fast = timed_requests(url, tags_only, args.requests)
        rows.append(row('tags + evidence (`"entities": false`)', 1, fast, len(fast) / sum(fast)))
        print(rows[-1], flush=True)
    with server(model, tmp / "feedback-inline.db", ner_processes=1) as url:
        timed_requests(url, draft, 10)
        inline = timed_requests(url, draft, args.requests)
        rows.append(row(f"{label}, `--ner-processes 1`", 1, inline, len(inline) / sum(inline)))
        print(rows[-1], flush=True)
    return rows


def breakdown(model: Path) -> str:
    """Where a request's time goes, measured in this process on the same draft (medians)."""
    from tagger.entities.extract import extract
    from tagger.entities.pipeline import entity_spans
    from tagger.pipeline import SuggestOptions, Tagger, clean_article
    from tagger.types import Article

    draft = make_draft()
    tagger = Tagger.load(model)
    article = Article("d", draft["title"], draft["text"])
    text = clean_article(article).full_text
    assert tagger.spacy_model is not None
    spacy_model: str = tagger.spacy_model
    raw = next(entity_spans([text], spacy_model))
    steps = {
        "whole `Tagger.suggest_batch`": lambda: tagger.suggest_batch(
            [article], SuggestOptions(evidence=True)
        ),
        "NER (spaCy `ner` model, numpy decoder)": lambda: list(entity_spans([text], spacy_model)),
        "entity rules (reports, acronyms, grouping)": lambda: extract(text, raw),
        "cleaning, features, scores, evidence": lambda: tagger.suggest_batch(
            [article], SuggestOptions(entities=False, evidence=True)
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for round_ in range(33):  # steps interleaved, so that they share the machine's load
        for name, step in steps.items():
            started = time.perf_counter()
            step()
            if round_ >= 3:  # the first rounds warm up
                times[name].append(time.perf_counter() - started)
    lines = ["| step | median ms |", "|---|---|"]
    lines += [f"| {name} | {np.median(t) * 1000:.1f} |" for name, t in times.items()]
    print("\n".join(lines), flush=True)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=300, help="requests per measurement")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        articles = list(read_corpus([ROOT / "corpus" / "digest"]))
        model = save_bundle(train(articles, TrainConfig(min_tag_docs=2)).model, tmp / "digest", {})
        rows = measure(model, args, tmp)
        steps = breakdown(model)
    table = (
        "| server | clients | requests | p50 ms | p95 ms | p99 ms | mean ms | requests/s |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )
    print(table)
    if not args.no_write:
        write_section("API latency", notes(args, load_before, table, steps))


def notes(args: argparse.Namespace, load: float, table: str, steps: str) -> str:
    return f"""
Command: `.venv/bin/python benchmarks/api_latency.py` (`--requests {args.requests}
--clients {args.clients}`). `tagger serve` in a subprocess (uvicorn, uvloop + httptools) with a
model trained on `corpus/digest`; clients (httpx, keep-alive) on loopback in another process
send one 600-word draft (8 paragraphs of digest articles) to `POST /v1/suggest`, which returns
tags with evidence, entities and the cleaned text (last row: the same server, requests with
`"entities": false`). Latency is measured at the client. The
concurrent clients share {args.requests} requests. Model work runs on one model thread
(it holds the GIL most of the time, so overlapping calls would only slow each other); requests
waiting together are tagged as one batch; entity recognition is shared with one worker process
(`--ner-processes 2`, the default on 2 cores: one draft in pieces, a batch as whole drafts; the
last row: a server started with `--ner-processes 1`). Targets
(issue 5): p50 < 60 ms, p95 < 150 ms single-client.
1-minute load average when the run started: {load:.2f} on 2 cores.

{table}

Where the time goes (one process, same draft, no HTTP):

{steps}
"""


if __name__ == "__main__":
    main()

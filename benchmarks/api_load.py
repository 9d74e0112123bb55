"""Load on the HTTP API: --clients concurrent clients (8) for --seconds (60) each, with entities
and without, against `tagger serve` in a subprocess with its default options.

Each client (a thread with its own keep-alive httpx connection, on loopback) sends the 600-word
draft of api_latency.py to POST /v1/suggest again and again until the time is up. Reported per
run: requests, errors (non-200 answers and failed connections), requests/s, p50/p95/p99 and mean
latency at the client. Targets (issue 14): 0 errors; with entities p95 < 250 ms and > 35
requests/s; without entities > 150 requests/s.

    .venv/bin/python benchmarks/api_load.py [--clients 8] [--seconds 60] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from api_latency import make_draft, server
from common import ROOT, markdown_table, write_section

from tagger.corpus import read_corpus
from tagger.model.bundle import save_bundle
from tagger.training import TrainConfig, train


@dataclass
class Tally:
    """What one client saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def client(url: str, body: Mapping[str, object], until: float, tally: Tally) -> None:
    with httpx.Client(base_url=url, timeout=30) as c:
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                response = c.post("/v1/suggest", json=body)
            except httpx.HTTPError as exc:
                tally.errors.append(type(exc).__name__)
                continue
            tally.latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                tally.errors.append(str(response.status_code))


def load(url: str, body: Mapping[str, object], clients: int, seconds: float) -> list[Tally]:
    until = time.perf_counter() + seconds
    tallies = [Tally() for _ in range(clients)]
    threads = [threading.Thread(target=client, args=(url, body, until, t)) for t in tallies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tallies


def row(label: str, clients: int, seconds: float, tallies: list[Tally]) -> str:
    ms = np.asarray([x for t in tallies for x in t.latencies]) * 1000
    errors = [e for t in tallies for e in t.errors]
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    kinds = ", ".join(sorted(set(errors)))
    return (
        f"| {label} | {clients} | {len(ms) + sum(e.isalpha() for e in errors)} | "
        f"{len(errors)}{f' ({kinds})' if errors else ''} | {len(ms) / seconds:.1f} | "
        f"{p50:.1f} | {p95:.1f} | {p99:.1f} | {ms.mean():.1f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    draft = make_draft()
    runs = [("tags + evidence + entities", draft)]
    runs.append(('tags + evidence (`"entities": false`)', {**draft, "entities": False}))
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        articles = list(read_corpus([ROOT / "corpus" / "digest"]))
        model = save_bundle(train(articles, TrainConfig(min_tag_docs=2)).model, tmp / "m", {})
        with server(model, tmp / "feedback.db") as url:
            for label, body in runs:
                load(url, body, args.clients, 5.0)  # warm-up: connections, caches
                rows.append(
                    row(
                        label,
                        args.clients,
                        args.seconds,
                        load(url, body, args.clients, args.seconds),
                    )
                )
                print(rows[-1], flush=True)
    header = ["requests", "clients", "requests sent", "errors", "requests/s"]
    header += ["p50 ms", "p95 ms", "p99 ms", "mean ms"]
    table = markdown_table(header, rows)
    print(table)
    if not args.no_write:
        write_section("API load", notes(args, load_before, table))


def notes(args: argparse.Namespace, load: float, table: str) -> str:
    return f"""
Command: `.venv/bin/python benchmarks/api_load.py` (`--clients {args.clients} --seconds
{args.seconds:g}`). `tagger serve` with its defaults (uvicorn, NER shared with one worker
process, long drafts in a process of their own) and a model trained on `corpus/digest`, in a
subprocess; {args.clients} clients (threads of one process, each with a keep-alive httpx
connection on loopback) send the 600-word draft of *API latency* to `POST /v1/suggest` for
{args.seconds:g} s each, one request after another, after a 5 s warm-up. Latency is measured at
the client; requests/s is answers over the {args.seconds:g} s. Targets (issue 14): 0 errors; with
entities p95 < 250 ms and > 35 requests/s; without entities > 150 requests/s.
1-minute load average when the run started: {load:.2f} on 2 cores.

{table}
"""


if __name__ == "__main__":
    main()

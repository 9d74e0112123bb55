"""Retag throughput and memory on a Reuters-21578 archive repeated with new ids.

    .venv/bin/python benchmarks/retag_speed.py [--sizes 10000 100000] [--entities-n 2000]

Runs `tagger retag` as a user would (a subprocess), samples the resident memory of the whole
process tree every 0.2 s, and reports records/s over the run (start-up included) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import psutil
from common import ROOT, markdown_table, reuters_r90, write_section
from suggest_speed import ensure_model

DATA = ROOT / "benchmarks" / "data"


def make_archive(size: int) -> Path:
    path = DATA / f"reuters-{size}.jsonl"
    if path.exists():
        return path
    train, test, _ = reuters_r90()
    docs = train + test
    DATA.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        for i in range(size):
            a = docs[i % len(docs)]
            row = {"id": f"r{i}", "title": a.title, "text": a.text, "tags": list(a.tags)}
            fh.write(json.dumps(row) + "\n")
    return path


def run(archive: Path, extra: list[str]) -> dict[str, float]:
    out = DATA / "retag-out.jsonl"
    for suffix in (".jsonl", ".errors.jsonl", ".checkpoint.json", ".summary.json"):
        out.with_name(f"retag-out{suffix}").unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "tagger",
        "retag",
        str(archive),
        "--out",
        str(out),
        "--model",
        str(ensure_model(reuters_r90()[0])),
        "--quiet",
        *extra,
    ]
    start = time.perf_counter()
    proc = psutil.Popen(cmd)
    peak_total = peak_one = 0
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs]
            peak_total, peak_one = max(peak_total, sum(rss)), max(peak_one, max(rss))
        except psutil.Error:
            pass
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, f"retag failed: {cmd}"
    summary = json.loads(out.with_name("retag-out.summary.json").read_text())
    return {
        "records": summary["records"],
        "seconds": seconds,
        "rate": summary["records"] / seconds,
        "peak_total_mb": peak_total / 2**20,
        "peak_one_mb": peak_one / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--entities-n", type=int, default=2000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    cases = [
        (f"classifier only, {n:,} articles", make_archive(n), ["--jobs", "2"]) for n in args.sizes
    ]
    ent = make_archive(args.entities_n)
    cases += [
        (
            f"with entities, {args.entities_n:,} articles, local",
            ent,
            ["--jobs", "2", "--entities"],
        ),
        (
            f"with entities, {args.entities_n:,} articles, Dask LocalCluster",
            ent,
            ["--dask-local", "2", "--entities"],
        ),
    ]
    for name, archive, extra in cases:
        r = run(archive, extra)
        rows.append(
            f"| {name} | {' '.join(extra)} | {r['records']:,} | {r['seconds']:.1f} | "
            f"{r['rate']:,.0f} | {r['peak_total_mb']:,.0f} | {r['peak_one_mb']:,.0f} |"
        )
        print(rows[-1], flush=True)
    header = [
        "run",
        "options",
        "records",
        "seconds",
        "records/s",
        "peak RSS, all processes (MB)",
        "peak RSS, largest process (MB)",
    ]
    table = markdown_table(header, rows)
    if not args.no_write:
        write_section(
            "Retag throughput and memory",
            f"""
Command: `.venv/bin/python benchmarks/retag_speed.py`. Archives: Reuters-21578 ModApte articles
repeated with new ids (JSONL); model: the R90 bundle of `suggest_speed.py`. `tagger retag` runs as
a subprocess; the rate is records over wall time including start-up (spawning workers, loading
the model and spaCy); memory is sampled every 0.2 s over the whole process tree. Targets
(issue 4): classifier-only >= 2,000 records/s on 2 cores, memory < 1 GB and flat from 10k to
100k; with entities >= 50 records/s on 2 workers; Dask LocalCluster within 25% of local.

{table}
""",
        )


if __name__ == "__main__":
    main()

"""Throughput of `Tagger.suggest_batch` with entities on Reuters-21578 test articles.

One process, then two processes each loading the bundle and spaCy once and taking half of the
articles in batches of 64. Peak memory is the largest resident set of any process.

    .venv/bin/python benchmarks/suggest_speed.py [--n 3019] [--no-write]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
from pathlib import Path

from common import ROOT, markdown_table, reuters_r90, write_section

from tagger.errors import BundleError
from tagger.model.bundle import load_bundle, save_bundle
from tagger.pipeline import SuggestOptions, Tagger
from tagger.training import TrainConfig, train
from tagger.types import Article

MODEL = ROOT / "benchmarks" / "data" / "reuters-r90"
BATCH = 64


def ensure_model(train_docs: list[Article]) -> Path:
    """The R90 bundle, (re)trained when missing or built by another tagger version."""
    try:
        load_bundle(MODEL)
    except BundleError:
        save_bundle(train(train_docs, TrainConfig()).model, MODEL, {"corpus": {"name": "R90"}})
    return MODEL


def worker(args: tuple[Path, list[Article], bool]) -> tuple[int, float, int]:
    """Load once, tag every article; returns (articles, seconds, peak RSS in KiB)."""
    path, articles, entities = args
    tagger = Tagger.load(path, entities=entities)
    tagger.suggest_batch(articles[:16], SuggestOptions(entities=entities))  # warm-up
    start = time.perf_counter()
    for i in range(0, len(articles), BATCH):
        tagger.suggest_batch(articles[i : i + BATCH], SuggestOptions(entities=entities))
    seconds = time.perf_counter() - start
    return len(articles), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(path: Path, articles: list[Article], processes: int, entities: bool) -> dict:
    parts = [articles[i::processes] for i in range(processes)]
    ctx = mp.get_context("spawn")
    start = time.perf_counter()
    with ctx.Pool(processes) as pool:
        results = pool.map(worker, [(path, part, entities) for part in parts])
    wall = time.perf_counter() - start
    busy = max(r[1] for r in results)  # the slowest worker's tagging time, load excluded
    return {"rate": len(articles) / busy, "wall": wall, "rss_mb": max(r[2] for r in results) / 1024}


def decoders(articles: list[Article]) -> str:
    """spaCy's own NER decoding against tagger's numpy decoder (tagger/entities/decode.py) on the
    same texts, one process: speed, and how many articles' entities differ."""
    from tagger.entities.pipeline import entity_spans, greedy_decoder, load_pipeline, resolve_model

    model = resolve_model()
    nlp = load_pipeline(model)
    if greedy_decoder(model) is None:
        return "The installed pipeline does not use the numpy decoder; nothing to compare."
    texts = [a.full_text for a in articles]
    started = time.perf_counter()
    spacy_spans = [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=BATCH)
    ]
    spacy_rate = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    ours = [[(s.start, s.end, s.label) for s in spans] for spans in entity_spans(texts, model)]
    our_rate = len(texts) / (time.perf_counter() - started)
    differ = sum(a != b for a, b in zip(spacy_spans, ours, strict=True))
    rows = [
        f"| spaCy `nlp.pipe` (its compiled greedy parser) | {spacy_rate:,.0f} | - |",
        f"| `tagger.entities.pipeline.entity_spans` (numpy decoder) | {our_rate:,.0f} | "
        f"{differ} of "
        f"{len(texts):,} articles ({sum(map(len, spacy_spans)):,} entities) |",
    ]
    table = markdown_table(["NER decoding", "articles/s", "entities different"], rows)
    print(table, flush=True)
    return table


def long_text_worker(whole: bool) -> tuple[float, int, list[tuple[int, int, str]]]:
    """NER on a 990,000-character text, whole or in pieces; (seconds, peak RSS KiB, spans)."""
    from tagger.entities.pipeline import entity_spans, greedy_decoder, load_pipeline, resolve_model

    model = resolve_model()
    nlp = load_pipeline(model)
    text = long_text()
    started = time.perf_counter()
    if whole:
        decoder = greedy_decoder(model)
        assert decoder is not None
        spans = decoder.decode([nlp.make_doc(text)], max_tokens=len(text))[0]
    else:
        spans = [(s.start, s.end, s.label) for s in next(entity_spans([text], model))]
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, spans


def long_text() -> str:
    """The digest corpus concatenated to just under the API's 1 MB limit."""
    from tagger.corpus import read_corpus

    articles = [a.full_text for a in read_corpus([ROOT / "corpus" / "digest"])]
    text = ""
    while len(text) < 990_000:
        text += "\n\n".join(articles) + "\n\n"
    return text[:990_000]


def long_text_table() -> str:
    """A maximal draft through NER whole (the network sees it at once) and in pieces of
    MAX_PIECE_CHARS (what entity_spans does): time, memory, entities that differ."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        whole = pool.apply(long_text_worker, (True,))
        pieces = pool.apply(long_text_worker, (False,))
    differ = len(set(whole[2]) ^ set(pieces[2]))
    rows = [
        f"| {label} | {r[0]:.1f} | {r[1] / 1024:,.0f} | {len(r[2]):,} |"
        for label, r in (("whole", whole), ("pieces (default)", pieces))
    ]
    table = markdown_table(["990,000 characters", "seconds", "peak RSS (MB)", "entities"], rows)
    table += f"\n\nEntities found by one way and not the other: {differ}."
    print(table, flush=True)
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=3019)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    train_docs, test_docs, _ = reuters_r90()
    path = ensure_model(train_docs)
    articles = test_docs[: args.n]
    words = sum(len(a.full_text.split()) for a in articles) / len(articles)
    rows = []
    for entities in (True, False):
        for processes in (1, 2):
            m = measure(path, articles, processes, entities)
            label = "tags + entities" if entities else "tags only"
            rows.append(
                f"| {label} | {processes} | {m['rate']:,.0f} | {m['rate'] * words:,.0f} | "
                f"{m['rss_mb']:,.0f} |"
            )
            print(rows[-1], flush=True)
    header = ["path", "processes", "articles/s", "words/s", "peak RSS per process (MB)"]
    table = markdown_table(header, rows)
    compared = decoders(articles)
    long_table = long_text_table()
    if not args.no_write:
        write_section(
            "Suggest throughput (Reuters test articles)",
            f"""
Command: `.venv/bin/python benchmarks/suggest_speed.py`. {len(articles)} Reuters-21578 ModApte
test articles ({words:.0f} words on average), `Tagger.suggest_batch` in batches of {BATCH}
(cleaning, classifier, and with entities: spaCy's `ner` model decoded by
`tagger/entities/decode.py`, report rules, acronyms); model and pipeline loaded once per process,
load time excluded. Targets (issue 3): 50 articles/s in one process, 85 with two, under 1 GB.

{table}

The same articles through spaCy's NER alone, decoded by spaCy and by tagger's numpy decoder
(same model and weights; one process; entities compared as (start, end, label) lists):

{compared}

A text at the API's size limit (the digest corpus repeated to 990,000 characters) through NER
in one process, each way in a fresh process: whole, and cut at paragraph breaks into pieces of
about 20,000 characters (`MAX_PIECE_CHARS` in `tagger/entities/pipeline.py`, what tagger
does). The entities that differ all sit at the first words of a piece.

{long_table}
""",
        )


if __name__ == "__main__":
    main()

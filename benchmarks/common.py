"""Shared helpers for the benchmark scripts: the Reuters R90 split and RESULTS.md sections."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tagger.corpus import read_corpus
from tagger.corpus.reuters import modapte_split
from tagger.types import Article

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def reuters_r90(folder: Path = REUTERS) -> tuple[list[Article], list[Article], list[str]]:
    """ModApte train/test restricted to the 90 topics with >= 1 train and >= 1 test article."""
    train: list[Article] = []
    test: list[Article] = []
    for a in read_corpus([folder], skip_invalid=True):
        split = modapte_split(
            {"topics_attr": a.extra["topics_attr"], "lewissplit": a.extra["lewissplit"]}
        )
        if split == "train":
            train.append(a)
        elif split == "test":
            test.append(a)
    tr_counts = Counter(t for a in train for t in a.tags)
    te_counts = Counter(t for a in test for t in a.tags)
    r90 = sorted(t for t in tr_counts if te_counts[t])
    keep = set(r90)

    def restrict(docs: list[Article]) -> list[Article]:
        out = []
        for a in docs:
            tags = tuple(t for t in a.tags if t in keep)
            if tags:
                out.append(Article(a.id, a.title, a.text, tags, a.extra))
        return out

    return restrict(train), restrict(test), r90


def markdown_table(header: list[str], rows: list[str]) -> str:
    """A Markdown table from its column names and already formatted `| ... |` rows."""
    head = "| " + " | ".join(header) + " |"
    return "\n".join([head, "|" + "---|" * len(header), *rows])


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section `## name` of benchmarks/RESULTS.md."""
    text = (
        RESULTS.read_text()
        if RESULTS.exists()
        else "# Benchmark results\n\nMeasured on this project's 2-core machine; each section "
        "names the command that reproduces it.\n"
    )
    block = f"## {name}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda m: block + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block
    )
    RESULTS.write_text(text)

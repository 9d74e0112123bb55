"""The "digest" text layout: a title line, the article, and a last line of comma-separated tags.

    Production matters for regional innovation
    <blank>
    A commission at ... (the body, any number of paragraphs)
    <blank>
    manufacturing, regions

A plain draft without a tag line is read the same way, with no tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tagger.corpus.common import Record, decode_text, open_binary
from tagger.errors import InvalidRecord
from tagger.types import Article

_TAG = re.compile(r"^[a-z0-9][a-z0-9 &/_.+-]{0,39}$")
_MAX_TAGS_ON_LINE = 12


def looks_like_tag_line(line: str) -> bool:
    """A short, lower-case, comma-separated line with no sentence punctuation."""
    line = line.strip()
    if not line or line.endswith((".", "!", "?", ":")) or len(line) > 300:
        return False
    items = [t.strip() for t in line.split(",")]
    return len(items) <= _MAX_TAGS_ON_LINE and all(_TAG.match(t) for t in items)


def parse_digest(text: str, art_id: str) -> Article:
    """Split digest-layout text into title, body and tags."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    tags: tuple[str, ...] = ()
    paragraphs = "\n".join(lines).split("\n\n")
    if (
        len(paragraphs) > 1
        and "\n" not in paragraphs[-1].strip()
        and looks_like_tag_line(paragraphs[-1])
    ):
        tags = tuple(dict.fromkeys(t.strip() for t in paragraphs[-1].split(",") if t.strip()))
        paragraphs = paragraphs[:-1]
    title = ""
    first = paragraphs[0].strip()
    if len(paragraphs) > 1 and "\n" not in first and len(first) <= 250:
        title = first
        paragraphs = paragraphs[1:]
    body = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    return Article(id=art_id, title=title, text=body, tags=tags)


def read_digest_file(path: Path) -> Iterator[Record]:
    """Yield the one article a digest `.txt` file holds (or why it is invalid)."""
    with open_binary(path) as fh:
        data = fh.read()
    try:
        text = decode_text(data, str(path))
    except InvalidRecord as bad:
        yield bad
        return
    if not text.strip():
        yield InvalidRecord(str(path), None, "empty file")
        return
    article = parse_digest(text, path.name.removesuffix(".gz").removesuffix(".txt"))
    if not article.text.strip() and not article.title.strip():
        yield InvalidRecord(str(path), None, "no article text, only a tag line")
        return
    yield article

"""Markdown archives: one post per file, YAML front matter + Markdown body (Hugo, Jekyll,
Eleventy).

    ---
    title: "Trends on Tuesday: ..."
    date: 2015-04-07 10:00:00 -0400
    topics: [mobile, research]
    ---
    Body in Markdown, with {{< shortcodes >}}, links, lists, tables, raw HTML...

The title and the tags come from the front matter; with the default tags field (`tags`) the
first of `tags`, `topics`, `categories` that a post has is used. Every other field (date,
summary, authors, slug...) is kept in `extra`. A file without front matter is not a post (a
README or LICENSE next to the posts) and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tagger.corpus.common import Record, decode_text, open_binary
from tagger.errors import InvalidRecord
from tagger.text.limits import find_lone_surrogate
from tagger.text.markdown import (
    FrontMatterError,
    looks_like_front_matter,
    markdown_to_text,
    split_front_matter,
)
from tagger.types import Article

AUTO_TAG_FIELDS = ("tags", "topics", "categories")


def _tags(meta: dict[str, Any], tags_field: str) -> tuple[str, tuple[str, ...]]:
    """The field the tags come from and the tags (strings, stripped, deduplicated)."""
    field = tags_field
    if tags_field == "tags":
        field = next((f for f in AUTO_TAG_FIELDS if meta.get(f)), "tags")
    value = meta.get(field)
    if value is None:
        return field, ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or isinstance(value, dict):
        raise ValueError(f"field '{field}' must be a list of tags")
    return field, tuple(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))


def read_markdown(path: Path, tags_field: str = "tags") -> Iterator[Record]:
    """One Article for a Markdown post with front matter; nothing for a file without it."""
    source = str(path)
    with open_binary(path) as fh:
        data = fh.read()
    try:
        raw = decode_text(data, source)
    except InvalidRecord as bad:
        yield bad
        return
    if not looks_like_front_matter(raw):
        return
    try:
        post = split_front_matter(raw, source)
        field, tags = _tags(post.meta, tags_field)
    except FrontMatterError as exc:
        yield InvalidRecord(source, exc.line, exc.reason)
        return
    except ValueError as exc:
        yield InvalidRecord(source, 1, str(exc))
        return
    if (where := find_lone_surrogate(post.meta)) is not None:  # YAML escapes such as "\ud800"
        reason = f"invalid Unicode in front matter '{where}' (a lone surrogate)"
        yield InvalidRecord(source, 1, reason)
        return
    title = str(post.meta.get("title") or "").strip()
    text = markdown_to_text(post.body)
    if not text.strip() and not title:
        yield InvalidRecord(source, post.body_line, "empty post (no title, no text)")
        return
    extra = {k: v for k, v in post.meta.items() if k not in ("title", field)}
    extra.setdefault("path", source)
    art_id = str(post.meta.get("slug") or post.meta.get("id") or path.with_suffix("").name)
    yield Article(id=art_id, title=title, text=text, tags=tags, extra=extra)

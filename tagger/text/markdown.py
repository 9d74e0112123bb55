"""Markdown posts (Hugo, Jekyll, Eleventy) to plain article text.

The front matter (YAML between `---` lines) is read with python-frontmatter; the body goes through
markdown-it-py (CommonMark plus tables), and its tokens are turned into paragraphs of plain text:
link text stays, link targets, images and code blocks go, raw HTML blocks go through the HTML
cleaning of drafts, and template shortcodes (`{{< ... >}}`, `{{% ... %}}`, `{% ... %}`) are
dropped before parsing. The corpus reader and Markdown drafts share this one converter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tagger.errors import InputError

# Hugo `{{< name ... >}}` / `{{% name %}}` and Liquid/Nunjucks `{% tag %}`, `{{ value }}`.
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_FRONT_MATTER_OPEN = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n")
# Blocks whose text is not article prose.
_SKIPPED_BLOCKS = frozenset({"fence", "code_block", "hr"})


class FrontMatterError(InputError):
    """A post's front matter cannot be read; `line` is the 1-based line of the problem."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class MarkdownPost:
    """A post split into its front matter (`meta`, JSON-ready values) and its Markdown body;
    `body_line` is the 1-based line of the file where the body starts."""

    meta: dict[str, Any]
    body: str
    body_line: int


def looks_like_front_matter(raw: str) -> bool:
    """Whether the text starts with a YAML (`---`) or TOML (`+++`) front matter fence."""
    return bool(_FRONT_MATTER_OPEN.match(raw))


def split_front_matter(raw: str, source: str = "<text>") -> MarkdownPost:
    """Front matter and body of a Markdown post; a broken header raises FrontMatterError naming
    the line (`source:line: ...`). Text without front matter is all body."""
    import frontmatter
    import yaml

    if not looks_like_front_matter(raw):
        return MarkdownPost({}, raw, 1)
    try:
        meta, body = frontmatter.parse(raw)
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed "[") is more useful than where the
        # parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1  # the YAML text starts on the fence line
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise FrontMatterError(source, line, f"malformed front matter ({problem})") from None
    except Exception as exc:  # TOML and other handlers raise their own types
        raise FrontMatterError(source, 1, f"malformed front matter ({exc})") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(source, 1, "front matter is not a mapping of fields")
    body_line = raw.count("\n", 0, len(raw) - len(body)) + 1 if body else 1
    return MarkdownPost({str(k): _json_ready(v) for k, v in meta.items()}, body, body_line)


def _json_ready(value: Any) -> Any:
    """YAML dates become ISO strings; lists and mappings are converted recursively."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _inline_text(children: Iterable[Any]) -> str:
    """Plain text of an inline token's children: text and code, link text without targets,
    no images and no inline HTML tags (the text between tags is kept)."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def markdown_to_text(body: str) -> str:
    """Plain text of a Markdown body: one paragraph per block (headings, paragraphs, list items,
    table rows), separated by blank lines."""
    from tagger.text.clean import html_to_text

    tokens = _parser().parse(_SHORTCODE.sub("", body))
    blocks: list[str] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(" | ".join(cell for cell in row if cell))
            row = None
        elif token.type == "inline":
            text = " ".join(_inline_text(token.children or []).split(" ")).strip()
            if row is not None:
                row.append(text)
            elif text:
                blocks.append(text)
        elif token.type == "html_block":
            text = html_to_text(token.content).strip()
            if text:
                blocks.append(text)
        elif token.type in _SKIPPED_BLOCKS:
            continue
    return "\n\n".join(b for b in blocks if b.strip())

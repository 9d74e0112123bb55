"""Build the page set of benchmarks/cleaning_quality.py (run once; its output is committed).

Article bodies are real posts of the DigitalGov news archive (public domain, US federal government
work; ../shared/corpora/digitalgov-news), chosen at random among posts of 120-600 words whose
Markdown has no raw HTML blocks, tables or block quotes. The site chrome around them (menus,
promos, share bars, related lists, comments, footers...) comes from `styles_html.py` and
`styles_text.py`, written before any cleaning rule, in eight site styles. Other posts' real
titles and summaries fill the related lists and promo blurbs.

The gold for each page (`gold.jsonl`): the headline, every article paragraph (headings and list
items included) as plain text, and the chrome strings that must not survive cleaning. Chrome
strings that also occur in the article are left out of the gold (they cannot be measured).

    .venv/bin/python benchmarks/pages/make_pages.py   # rewrites benchmarks/pages/{dev,blind}
"""

from __future__ import annotations

import glob
import html
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import frontmatter
from markdown_it import MarkdownIt

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "shared" / "corpora" / "digitalgov-news" / "news"
SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
BAD_BLOCKS = {"blockquote_open", "table_open", "fence", "code_block", "html_block"}
MD = MarkdownIt("commonmark")

# Six styles are the development part; two more styles and the last ten clean articles are
# blind: measured once, at the end.
DEV_STYLES = ["wordpress", "newsroom", "govsite", "cms", "digest", "medium"]
BLIND_STYLES = ["substack", "localnews"]
PAGES_PER_STYLE = 5
CLEAN_ARTICLES = 40
BLIND_CLEAN = 10


@dataclass
class Block:
    """One block of an article: `kind` is heading, para or item; `html` its inline HTML."""

    kind: str
    text: str
    html: str


@dataclass
class Post:
    """A DigitalGov post: headline, date, authors, summary, topics and body blocks."""

    path: str
    title: str
    date: str
    authors: list[str]
    summary: str
    topics: list[str]
    blocks: list[Block]


def inline_text(token: object) -> str:
    parts = []
    for child in getattr(token, "children", None) or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def body_blocks(body: str) -> list[Block] | None:
    tokens = MD.parse(SHORTCODE.sub("", body))
    if any(t.type in BAD_BLOCKS for t in tokens):
        return None
    blocks: list[Block] = []
    kind = "para"
    for token in tokens:
        if token.type == "heading_open":
            kind = "heading"
        elif token.type == "list_item_open":
            kind = "item"
        elif token.type == "list_item_close":
            kind = "para"
        elif token.type == "inline":
            text = inline_text(token)
            if text:
                html = MD.renderInline(token.content).replace("\n", " ")
                html = re.sub(r"<img [^>]*>", "", html)
                blocks.append(Block(kind, text, html))
            if kind == "heading":
                kind = "para"
    return blocks


def people(slugs: list[str]) -> list[str]:
    return [" ".join(w.capitalize() for w in s.split("-")) for s in slugs if "-" in s]


def load_posts() -> list[Post]:
    posts = []
    for path in sorted(glob.glob(str(CORPUS / "**" / "*.md"), recursive=True)):
        post = frontmatter.load(path)
        words = len(post.content.split())
        if not 120 <= words <= 600 or not post.get("summary"):
            continue
        blocks = body_blocks(post.content)
        if not blocks or len(blocks) < 3:
            continue
        posts.append(
            Post(
                path=str(Path(path).relative_to(CORPUS.parent)),
                title=" ".join(html.unescape(str(post["title"])).split()),
                date=str(post.get("date", ""))[:10],
                authors=people([str(a) for a in post.get("authors") or []]) or ["Staff"],
                summary=" ".join(html.unescape(str(post["summary"])).split()),
                topics=[str(t) for t in post.get("topics") or []],
                blocks=blocks,
            )
        )
    return posts


def measurable(chrome: list[str], post: Post) -> list[str]:
    """Chrome strings that can be measured: not found in the article itself."""
    article = "\n".join([post.title, *(b.text for b in post.blocks)])
    out = []
    for s in dict.fromkeys(" ".join(c.split()) for c in chrome):
        if s and not re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", article):
            out.append(s)
    return out


def main() -> None:
    from styles_html import HTML_STYLES
    from styles_text import TEXT_STYLES, clean_text_page

    styles = {**HTML_STYLES, **TEXT_STYLES}
    rng = random.Random(20261203)
    posts = load_posts()
    rng.shuffle(posts)
    n_chrome = (len(DEV_STYLES) + len(BLIND_STYLES)) * PAGES_PER_STYLE
    chosen, others = posts[: n_chrome + CLEAN_ARTICLES], posts[n_chrome + CLEAN_ARTICLES :]
    for part in ("dev", "blind"):
        shutil.rmtree(HERE / part, ignore_errors=True)
        (HERE / part).mkdir()
    gold = []
    for i, style in enumerate(DEV_STYLES + BLIND_STYLES):
        part = "blind" if style in BLIND_STYLES else "dev"
        for j in range(PAGES_PER_STYLE):
            post = chosen[i * PAGES_PER_STYLE + j]
            page = styles[style](post, others, rng)
            name = f"{part}/{style}-{j + 1}.{page.ext}"
            (HERE / name).write_text(page.content, encoding="utf-8")
            gold.append(page.gold(name, style, post, measurable(page.chrome, post)))
    for k, post in enumerate(chosen[n_chrome:]):
        part = "blind" if k >= CLEAN_ARTICLES - BLIND_CLEAN else "dev"
        page = clean_text_page(post, rng)
        name = f"{part}/clean-{k + 1:02d}.txt"
        (HERE / name).write_text(page.content, encoding="utf-8")
        gold.append(page.gold(name, "clean", post, []))
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as fh:
        for row in gold:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(gold)} pages written")


if __name__ == "__main__":
    main()

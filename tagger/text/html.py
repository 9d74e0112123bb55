"""The article inside an HTML page or fragment, parsed with selectolax (lexbor, an HTML5 parser:
unclosed and misnested tags are repaired the way browsers do).

1. Scripts, styles, forms' fields and other invisible parts go.
2. Site chrome goes by its markup: `nav`, `aside`, `footer`, the site's `header`, buttons,
   labels, captions, ARIA landmarks other than the main one, hidden elements, and elements whose
   class or id names them (share, related, comments, promo, newsletter, ad, breadcrumb, sidebar,
   widget, menu, byline/meta...). An element that holds the headline or most of the page's
   paragraphs is never removed whole (an unclosed `<button>` can hold the rest of the page): only
   its own loose text goes.
3. The headline: the `<h1>` inside the article, else the page's `<h1>` that best matches
   `<title>`, else `<title>` without the site's name.
4. The content: the largest `<article>`, else `[itemprop=articleBody]`, else `<main>`, else the
   body; its blocks (paragraphs, headings, list items, table rows, `<br>`-separated lines) as
   plain text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

_INVISIBLE = (
    "script, style, noscript, template, svg, iframe, object, embed, canvas, input, select, "
    "textarea, option, link, meta, img, picture, video, audio, source"
)
_CHROME_SELECTOR = (
    "nav, aside, footer, header, form, button, label, figcaption, menu, dialog, "
    "[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search], "
    "[aria-hidden=true], [hidden], [class], [id]"
)
_CHROME_TAGS = {
    "nav": "navigation",
    "menu": "navigation",
    "aside": "sidebar",
    "footer": "footer",
    "header": "site header",
    "form": "form",
    "label": "form",
    "button": "button",
    "figcaption": "caption",
    "dialog": "dialog",
}
# Class and id names of chrome, matched as whole tokens (split at spaces, "-" and "_") or pairs
# of tokens ("most-read"); a few as prefixes ("advertisement", "widget_recent_entries").
_CHROME_WORDS = frozenset(
    """share sharing sharedaddy social related relatedposts comment comments respond promo
    newsletter subscribe subscription signup ad ads breadcrumb breadcrumbs sidebar sidenav menu
    navbar navigation nav footer masthead banner cookie cookies popup modal byline meta tags
    trending recommended skiplink skipnav caption credit pagination toolbar outbrain taboola
    feedback kicker breaking logo brand""".split()  # noqa: SIM905
)
_CHROME_PAIRS = frozenset(
    """cat-links tags-links author-bio most-read most-popular more-from skip-link sr-only
    screen-reader visually-hidden top-bar site-header site-footer site-branding site-title
    site-name sign-up""".split()  # noqa: SIM905
)
_CHROME_PREFIXES = ("advert", "sponsor", "widget")
_NAME_SPLIT = re.compile(r"[\s_-]+")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "figure",
        "address",
        "hr",
        "details",
        "summary",
        "center",
    ]
)
_CELL_TAGS = frozenset({"td", "th"})
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·|»)\s+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# An element holding more than this share of the page's paragraph text is the article (or
# wraps it), whatever its tag or class says.
MAX_CHROME_TEXT_SHARE = 0.5
# What `tagger clean --json` shows of a removed element.
MAX_REMOVED_CHARS = 500
# Blocks before the headline inside the article are a kicker or meta line when this short.
MAX_KICKER_WORDS = 12


@dataclass
class HtmlArticle:
    """What an HTML page holds: its headline, the article's blocks, and what was removed."""

    headline: str = ""
    blocks: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (text, reason)


def _text(node: Any, limit: int | None = None) -> str:
    """The element's text with spaces normalized (its first `limit` characters, if given)."""
    raw = str(node.text(deep=True, separator=" "))
    return " ".join((raw if limit is None else raw[:limit]).split())


def _size(node: Any) -> int:
    """Characters of text (not spaces) under an element."""
    raw = str(node.text(deep=True, separator=""))
    return len(raw) - raw.count(" ") - raw.count("\n")


def _chrome_reason(node: Any) -> str | None:
    tag = node.tag
    if tag in _CHROME_TAGS:
        return _CHROME_TAGS[tag]
    attrs = node.attributes
    role = attrs.get("role")
    if role in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return f"{role} landmark"
    if attrs.get("aria-hidden") == "true" or "hidden" in attrs:
        return "hidden"
    name = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    word = _chrome_word(name)
    return f"chrome ({word})" if word else None


def _chrome_word(name: str) -> str | None:
    """The chrome word in a class/id string, if any."""
    tokens = [t for t in _NAME_SPLIT.split(name.lower()) if t]
    for token in tokens:
        if token in _CHROME_WORDS or token.startswith(_CHROME_PREFIXES):
            return token
    for first, second in itertools.pairwise(tokens):
        if f"{first}-{second}" in _CHROME_PAIRS:
            return f"{first}-{second}"
    return None


def _ancestor_ids(node: Any) -> set[int]:
    ids = set()
    while node is not None:
        ids.add(node.mem_id)
        node = node.parent
    return ids


def _place(node: Any) -> str:
    """Where an element sits: "article" (inside an article or main), "chrome" (inside the
    site's header, nav, footer or an aside), or "page"."""
    parent = node.parent
    place = "page"
    while parent is not None:
        if parent.tag in ("article", "main") or parent.attributes.get("role") == "main":
            return "article"
        if parent.tag in ("header", "nav", "footer", "aside"):
            place = "chrome"
        parent = parent.parent
    return place


def _choose_headline(tree: Any, title: str) -> Any:
    """The headline element: an h1 in an article, else an h1 outside the site's header and
    navigation, preferably the one <title> names (a logo in an h1 is not a headline)."""
    h1s = [(h, _place(h)) for h in tree.css("h1") if _text(h) and _chrome_reason(h) is None]
    for h, place in h1s:
        if place == "article":
            return h
    page = [h for h, place in h1s if place == "page"]
    named = _title_tag_headline(title).lower()
    for h in page:
        if named and _text(h).lower() in named:
            return h
    return page[0] if page else None


def _remove_chrome(tree: Any, keep: set[int], out: HtmlArticle) -> None:
    """Decompose chrome elements (outermost first) unless they hold what `keep` protects."""
    body = tree.body
    if body is None:
        return
    total = _size(body) or 1
    candidates = []
    for node in body.css(_CHROME_SELECTOR):
        reason = _chrome_reason(node)
        if reason is not None and node.mem_id not in keep:
            candidates.append((node, reason))
    chosen = {n.mem_id for n, _ in candidates}
    for node, reason in candidates:
        parent = node.parent
        inner = False
        while parent is not None:
            if parent.mem_id in chosen:
                inner = True
                break
            parent = parent.parent
        if inner:
            continue
        if _size(node) > total * MAX_CHROME_TEXT_SHARE:
            _remove_loose_text(node, reason, out)
            continue
        text = _text(node, MAX_REMOVED_CHARS)
        if text:
            out.removed.append((text, reason))
        node.decompose()


def _remove_loose_text(node: Any, reason: str, out: HtmlArticle) -> None:
    """An element too big to be chrome (it wraps the article): drop only its own text."""
    loose = []
    for child in list(node.iter(include_text=True)):
        if child.tag == "-text" or child.tag not in _BLOCK_TAGS:
            text = " ".join(str(child.text(deep=True)).split())
            if child.tag != "-text" and child.css_first("p, h1, h2, h3, li"):
                continue
            if text:
                loose.append(text)
            child.decompose()
    if loose:
        out.removed.append((" ".join(loose), reason))


def _content_root(tree: Any) -> Any:
    articles = tree.css("article")
    if articles:
        best = max(articles, key=lambda a: len(_text(a)))
        if len(_text(best)) >= 200:
            return best
    for selector in ("[itemprop=articleBody]", "main", "[role=main]"):
        node = tree.css_first(selector)
        if node is not None and _text(node):
            return node
    return tree.body


class _Blocks:
    """Collects text into blocks while the tree is walked."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        if self.buffer:
            joined = "".join(self.buffer)
            self.buffer = []
            for line in joined.split("\n"):
                line = _SPACES.sub(" ", line).strip()
                if line:
                    self.blocks.append(line)


def _walk(root: Any, headline: Any) -> tuple[list[str], int]:
    """Blocks of text under root, in document order, and how many come before the headline
    (which is skipped)."""
    out = _Blocks()
    before = 0
    skip = headline.mem_id if headline is not None else None
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            out.flush() if tag in _BLOCK_TAGS else out.buffer.append(" | ")
            continue
        if tag == "-text":
            out.buffer.append(str(node.text_content or "").replace("\n", " "))
            continue
        if tag == "br":
            out.buffer.append("\n")
            continue
        if node.mem_id == skip:
            out.flush()
            before = len(out.blocks)
            continue
        if tag in ("-comment", "head", "title"):
            continue
        if tag in _BLOCK_TAGS:
            out.flush()
            stack.append((node, True))
        elif tag in _CELL_TAGS:
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    out.flush()
    blocks = [b.strip(" |") for b in out.blocks]
    return [b for b in blocks if b], sum(1 for b in blocks[:before] if b)


def _title_tag_headline(title: str) -> str:
    """<title> without the site's name: its longest part between separators."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return max(parts, key=len) if parts else ""


def extract_article(html: str) -> HtmlArticle:
    """Headline and article blocks of an HTML page or fragment (see the module docstring)."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = _text(title_node) if title_node is not None else ""
    for node in tree.css(_INVISIBLE):
        node.decompose()
    out = HtmlArticle()
    headline = _choose_headline(tree, title)
    keep: set[int] = set()
    if headline is not None:
        keep |= _ancestor_ids(headline)
    for node in tree.css("article, main, [itemprop=articleBody], [role=main]"):
        keep |= _ancestor_ids(node)
    _remove_chrome(tree, keep, out)
    root = _content_root(tree)
    if root is None:
        return out
    if headline is not None:
        out.headline = _text(headline)
    elif title:
        out.headline = _title_tag_headline(title)
    blocks, before = _walk(root, headline)
    # Short blocks above the headline inside the article: kicker, section name, meta line.
    for block in blocks[:before]:
        if len(block.split()) <= MAX_KICKER_WORDS:
            out.removed.append((block, "before the headline"))
        else:
            out.blocks.append(block)
    out.blocks.extend(blocks[before:])
    return out

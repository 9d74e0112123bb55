"""Drafts arrive as plain text, HTML, or text with site chrome. Turn them into article text.

* HTML becomes text: script/style/nav/header/footer/aside/form are dropped, block elements
  become paragraph breaks, entities are unescaped.
* Unicode is NFC-normalized, control characters dropped, line ends normalized.
* Boilerplate lines ("Become a member | Subscribe today", "Sign up for our newsletter",
  breadcrumbs like "Home > News", share bars) are dropped, so they yield neither entities nor
  tags.

Entity offsets refer to the cleaned text, which is returned with every suggestion;
`Cleaned.to_original` maps an offset back to the input for plain-text input.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

_HTML = re.compile(
    r"<(?:html|body|div|p|br|span|a|h[1-6]|article|section|ul|li|nav|header)\b", re.I
)
_SKIP_TAGS = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "svg",
    "button",
    "iframe",
    "template",
    "head",
    "menu",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "blockquote",
    "tr",
    "table",
    "main",
    "figure",
    "figcaption",
    "hr",
}
_BOILERPLATE = re.compile(
    r"(?i)\b(?:subscribe(?:\s+(?:today|now|here))?|sign\s*up|newsletter|become\s+a\s+member|"
    r"membership|donate|log\s*in|sign\s*in|my\s+account|cookies?|privacy\s+policy|"
    r"terms\s+of\s+(?:use|service)|all\s+rights\s+reserved|share\s+(?:this|on)|follow\s+us|"
    r"read\s+more|advertisement|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|print\s+this|"
    r"email\s+this|related\s+(?:articles|stories)|join\s+(?:us|now|today))\b"
)
# Words one of which every boilerplate phrase above contains: a cheap test that lets most
# lines of an article skip the full pattern (cleaning was 30% of classifier-only retagging).
_TRIGGERS = frozenset(
    {
        "subscribe",
        "sign",
        "signup",
        "newsletter",
        "become",
        "membership",
        "donate",
        "log",
        "login",
        "account",
        "cookie",
        "cookies",
        "privacy",
        "terms",
        "rights",
        "share",
        "follow",
        "read",
        "advertisement",
        "skip",
        "back",
        "print",
        "email",
        "related",
        "join",
    }
)
_TO_SPACES = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
_BREADCRUMB = re.compile(r"^\s*(?:Home|News)\s*(?:>|›|»|/)\s*\S")
_MENU_SEPARATORS = re.compile(r"\s(?:\||•|·)\s")

# HTML shows its tags near the top of the input: looking only there keeps the test cheap on
# long texts.
HTML_SNIFF_CHARS = 5000
# Site chrome is short: a longer line is article text, whatever words it contains.
MAX_BOILERPLATE_CHARS = 160
# A menu bar: at least this many items between separators ("News | Events | Jobs"), each of at
# most this many words, so a sentence with one "|" or "•" in it is not taken for a menu.
MIN_MENU_ITEMS = 3
MAX_MENU_ITEM_WORDS = 4
# A line with a boilerplate phrase is chrome if it is this short ("Sign up for our newsletter
# today") or has several such phrases; a longer sentence mentioning "newsletter" once is not.
MAX_BOILERPLATE_WORDS = 12
MIN_BOILERPLATE_HITS = 2


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus where each kept piece came from (for plain-text input)."""

    text: str
    pieces: tuple[tuple[int, int], ...] = ()  # (offset in cleaned text, offset in input)

    def to_original(self, offset: int) -> int | None:
        """The input offset of a cleaned-text offset; None for HTML input (no mapping kept)."""
        if not self.pieces:
            return None
        starts = [p[0] for p in self.pieces]
        i = bisect.bisect_right(starts, offset) - 1
        clean_start, original_start = self.pieces[max(i, 0)]
        return original_start + (offset - clean_start)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: chrome elements dropped, blocks as paragraph breaks."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_boilerplate(line: str) -> bool:
    """Short site-chrome lines: calls to subscribe/donate/log in, breadcrumbs, menu bars."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_CHARS:
        return False
    separators = any(c in stripped for c in "|>›»/•·")
    if not separators and _TRIGGERS.isdisjoint(stripped.lower().translate(_TO_SPACES).split()):
        return False
    if _BREADCRUMB.match(stripped):
        return True
    items = _MENU_SEPARATORS.split(stripped)
    if len(items) >= MIN_MENU_ITEMS and all(len(i.split()) <= MAX_MENU_ITEM_WORDS for i in items):
        return True
    hits = _BOILERPLATE.findall(stripped)
    words = len(stripped.split())
    short_or_many = words <= MAX_BOILERPLATE_WORDS or len(hits) >= MIN_BOILERPLATE_HITS
    return bool(hits) and short_or_many and not stripped.endswith((".", '"'))


def _normalize_line(line: str) -> str:
    if line.isascii() and line.isprintable():
        return line
    line = unicodedata.normalize("NFC", line)
    return "".join(ch for ch in line if ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cf"))


def clean_document(raw: str) -> Cleaned:
    """Article text without markup and site chrome; pieces map back to plain-text input."""
    is_html = bool(_HTML.search(raw[:HTML_SNIFF_CHARS]))
    source = html_to_text(raw) if is_html else raw.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    pieces: list[tuple[int, int]] = []
    length = 0
    cursor = 0
    blank_pending = False
    for line in source.split("\n"):
        start = cursor
        cursor += len(line) + 1
        if not line.strip():
            blank_pending = bool(out)
            continue
        if is_boilerplate(line):
            continue
        if out:
            sep = "\n\n" if blank_pending else "\n"
            out.append(sep)
            length += len(sep)
        blank_pending = False
        normalized = _normalize_line(line)
        pieces.append((length, start))
        out.append(normalized)
        length += len(normalized)
    return Cleaned("".join(out), () if is_html else tuple(pieces))

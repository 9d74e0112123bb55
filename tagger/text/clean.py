"""Drafts arrive as HTML, Markdown, or text copied from a web page. Find the article in them.

`clean_draft(raw, title)` returns the headline, the article text and what was removed, why:

* HTML (pages and CMS fragments, inline-only ones too) goes through `tagger.text.html`
  (selectolax): site chrome by markup, the headline from `<h1>` or `<title>`.
* Markdown (front matter, `#` headings, links, shortcodes) goes through `tagger.text.markdown`,
  the converter the Markdown corpus reader uses; the title comes from the front matter or a
  leading `# heading`.
* Text, and the text of the above, goes through `tagger.text.copied`: the headline, the story,
  promos and the page's tail (strong evidence only).
* Paragraphs the model learned as the publisher's boilerplate (`tagger.text.boilerplate`) go.

The explicit `title` is never dropped. Unicode is NFC-normalized and control characters dropped.
Entity offsets refer to `Draft.full_text`, which suggestions return.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tagger.errors import InputError
from tagger.text import chrome
from tagger.text.boilerplate import paragraph_key
from tagger.text.copied import find_article
from tagger.text.limits import replace_surrogates

# HTML shows its tags near the top: looking only there keeps the test cheap on long texts.
HTML_SNIFF_CHARS = 5000
_HTML_DOC = re.compile(r"(?i)<(?:!doctype\s+html|html|head|body)\b")
_HTML_TAG = re.compile(
    r"(?i)<(p|div|br|span|a|h[1-6]|article|section|ul|ol|li|nav|header|footer|main|aside|"
    r"strong|em|b|i|u|table|tr|td|img|figure|blockquote|button|small|sup|sub|hr)(?:\s[^<>]*)?/?>"
)
_VOID_TAGS = frozenset({"br", "img", "hr"})
_MARKDOWN = re.compile(
    r"(?m)^#{1,6}\s+\S|\[[^\]\n]+\]\([^)\s]+[^)]*\)|\{\{[<%]|^\s*!\[|\*\*\S[^*\n]*\*\*|^```"
)
# Unicode categories Cc and Cf (Unicode 14), tab excepted; a test checks it against unicodedata.
_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# Cheap first test for Markdown: one of these must occur before the full pattern is tried.
_MARKDOWN_HINTS = ("#", "](", "{{", "![", "**", "```")
_FRONT_MATTER_FENCE = re.compile(r"\A\ufeff?(?:---|\+\+\+)[ \t]*\r?\n")
_MD_TITLE = re.compile(r"\A\s*#\s+(.+?)\s*#*\s*(?:\n|\Z)")


@dataclass(frozen=True)
class Removed:
    """A piece of the input that cleaning removed, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class Draft:
    """A cleaned draft: `title` (the explicit title, else the headline found, else ""), the
    article `text`, what was `removed` and the input's `kind` (html, markdown or text)."""

    title: str
    text: str
    removed: tuple[Removed, ...] = ()
    kind: str = "text"

    @property
    def full_text(self) -> str:
        """Title and text as one string (what the model reads; entity offsets refer to it)."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus where each kept line came from (for plain-text input)."""

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


def detect_kind(raw: str) -> str:
    """html, markdown or text. One paired or void HTML tag makes HTML (inline-only fragments
    such as `<strong>Ohio</strong> ... &amp;` included), unless the text reads as Markdown."""
    head = raw[:HTML_SNIFF_CHARS]
    markup = "<" in head
    if markup and _HTML_DOC.search(head):
        return "html"
    if head.startswith(("---", "+++", "\ufeff")):
        from tagger.text.markdown import looks_like_front_matter

        if looks_like_front_matter(raw):
            return "markdown"
    if any(h in head for h in _MARKDOWN_HINTS) and _MARKDOWN.search(head):
        return "markdown"
    if not markup:
        return "text"
    for match in _HTML_TAG.finditer(head):
        tag = match.group(1).lower()
        if tag in _VOID_TAGS or re.search(rf"(?i)</{tag}\s*>", head):
            return "html"
    return "text"


def normalize_line(line: str) -> str:
    """NFC, without control and format characters (tabs kept)."""
    if line.isascii() and line.isprintable():
        return line
    if _LONE_SURROGATE.search(line):
        line = replace_surrogates(line)
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    return _CONTROL.sub("", line)


def clean_title(title: str) -> str:
    """An explicit title without markup, on one line. Never empty when the title had text."""
    if "<" in title and detect_kind(title) == "html":
        from tagger.text.html import extract_article

        page = extract_article(title)
        title = " ".join([page.headline, *page.blocks]) or title
    return " ".join(normalize_line(title).split())


@dataclass
class _Units:
    """The units a page is read in: lines, or for hard-wrapped text whole paragraphs. `texts`
    is each unit's text (its lines joined by spaces), `lines` its lines (stripped), `first` the
    source line number of its first line, `blank_before` whether a blank line precedes it;
    `source_lines` the source's lines (for offsets), empty for HTML."""

    texts: list[str]
    lines: list[list[str]]
    first: list[int]
    blank_before: list[bool]
    source_lines: list[str]

    @classmethod
    def of_blocks(cls, blocks: Sequence[str]) -> _Units:
        """One unit per block (HTML), no source offsets."""
        texts = [t for t in (normalize_line(b).strip() for b in blocks) if t]
        return cls(texts, [[t] for t in texts], [0] * len(texts), [True] * len(texts), [])

    def text(self, keep: Sequence[int]) -> str:
        """The kept units joined: a blank line where the source had one between them."""
        parts: list[str] = []
        previous = -1
        blank = self.blank_before
        for k in keep:
            if parts:
                parts.append("\n\n" if any(blank[previous + 1 : k + 1]) else "\n")
            parts.append("\n".join(self.lines[k]))
            previous = k
        return "".join(parts)

    def pieces(self, keep: Sequence[int], text: str, shift: int) -> list[tuple[int, int]]:
        """(offset in `text` + shift, offset in the source) of each kept line."""
        if not self.source_lines:
            return []
        starts = list(itertools.accumulate((len(r) + 1 for r in self.source_lines), initial=0))
        out: list[tuple[int, int]] = []
        cursor = 0
        for k in keep:
            for i, line in enumerate(self.lines[k]):
                raw = self.source_lines[self.first[k] + i]
                cursor = text.index(line, cursor)
                out.append((shift + cursor, starts[self.first[k] + i] + raw.index(line[0])))
                cursor += len(line)
        return out


# Hard-wrapped text (e-mail, wire copy) is read by paragraph: a wrapped line is not a short line
# of chrome. It has no line longer than MAX_WRAPPED_LINE, and most line breaks inside its
# paragraphs come after a line of MIN_WRAPPED_LINE or more that goes on in the next line (a
# next line in lower case, or a line ending in a comma or a word such as "the").
MAX_WRAPPED_LINE = 120
MIN_WRAPPED_LINE = 45
MIN_WRAP_SHARE = 0.6
MIN_WRAPS = 2
MAX_WRAP_SAMPLE = 16  # line breaks looked at


def _hard_wrapped(blocks: Sequence[tuple[int, list[str]]]) -> bool:
    if any(len(line) > MAX_WRAPPED_LINE for _, block in blocks for line in block):
        return False
    breaks = wraps = 0
    for _, block in blocks:
        if breaks > MAX_WRAP_SAMPLE:
            break
        for line, following in itertools.pairwise(block):
            breaks += 1
            if len(line) >= MIN_WRAPPED_LINE and (following[:1].islower() or chrome.goes_on(line)):
                wraps += 1
    return wraps >= MIN_WRAPS and wraps >= MIN_WRAP_SHARE * breaks


def _split_units(source: str) -> _Units:
    """Units of a text (offsets refer to it; normalization seldom shifts them: it only drops
    control characters and composes accents)."""
    if not source.isascii() or _ASCII_CONTROL.search(source):
        source = "\n".join(normalize_line(line) for line in source.split("\n"))
    source_lines = source.split("\n")
    blocks: list[tuple[int, list[str]]] = []
    blank: list[bool] = []  # whether a blank line precedes each block
    current: list[str] = []
    first = 0
    indented = False
    for n, raw in enumerate(source_lines):
        text = raw.strip()
        if not text:
            if current:
                blocks.append((first, current))
                current = []
            continue
        was_indented, indented = indented, raw[0] in " \t"
        if current and indented and not was_indented:  # an indented first line: a paragraph
            blocks.append((first, current))
            current = []
            blank.append(False)
        elif not current:
            blank.append(True)
        if not current:
            first = n
        current.append(text)
    if current:
        blocks.append((first, current))
    out = _Units([], [], [], [], source_lines)
    if _hard_wrapped(blocks):
        for (first, block), blank_before in zip(blocks, blank, strict=True):
            out.texts.append(" ".join(block))
            out.lines.append(block)
            out.first.append(first)
            out.blank_before.append(blank_before)
        return out
    for (first, block), blank_before in zip(blocks, blank, strict=True):
        for i, line in enumerate(block):
            out.texts.append(line)
            out.lines.append([line])
            out.first.append(first + i)
            out.blank_before.append(blank_before and i == 0)
    return out


@dataclass(frozen=True)
class _Result:
    draft: Draft
    units: _Units
    keep: tuple[int, ...]
    headline_unit: int | None  # the unit that became the title, if any

    def pieces(self) -> tuple[tuple[int, int], ...]:
        """Where each line of the draft's full text came from in the input (plain text)."""
        title = self.draft.title
        out = self.units.pieces(self.keep, self.draft.text, len(title) + 2 if title else 0)
        if self.headline_unit is not None and self.units.source_lines:
            head = self.units.pieces([self.headline_unit], title, 0)
            out = head[:1] + out
        return tuple(out)


def _clean_units(
    units: _Units, title: str, learned: Collection[str], kind: str, detect: bool = True
) -> _Result:
    """The article in a page's units: headline, story without chrome and learned boilerplate."""
    parts = find_article(units.texts, title, detect)
    removed = dict(parts.drop)
    if learned:
        for k, text in enumerate(units.texts):
            if k not in removed and k != parts.headline and paragraph_key(text) in learned:
                removed[k] = "learned boilerplate"
    headline = units.texts[parts.headline] if parts.headline is not None else ""
    if title and headline and " ".join(headline.split()).casefold() != title.casefold():
        parts.headline = None  # a headline other than the explicit title stays in the text
    keep = tuple(k for k in range(len(units.texts)) if k not in removed and k != parts.headline)
    gone = [Removed(units.texts[k], removed[k]) for k in sorted(removed)]
    if title and parts.headline is not None:
        gone.insert(0, Removed(headline, "headline (same as the title)"))
    draft = Draft(title or headline, units.text(keep), tuple(gone), kind)
    adopted = parts.headline if not title else None
    return _Result(draft, units, keep, adopted)


def _clean(raw: str, title: str, learned: Collection[str]) -> _Result:
    title = clean_title(title) if title else ""
    if not raw.isascii() and _LONE_SURROGATE.search(raw):
        raw = replace_surrogates(raw)  # no UTF-8 text (nor HTML parser, nor spaCy) takes them
    kind = detect_kind(raw)
    if kind == "html":
        from tagger.text.html import extract_article

        page = extract_article(raw)
        headline = " ".join(normalize_line(page.headline).split())
        units = _Units.of_blocks(page.blocks)
        result = _clean_units(units, title or headline, learned, kind, detect=not headline)
        draft = result.draft
        if title and headline and headline.casefold() != title.casefold():
            text = f"{headline}\n\n{draft.text}" if draft.text else headline
            draft = Draft(draft.title, text, draft.removed, kind)
        gone = tuple(Removed(t, r) for t, r in page.removed) + draft.removed
        return _Result(Draft(draft.title, draft.text, gone, kind), units, (), None)
    if kind == "markdown":
        from tagger.text.markdown import MarkdownPost, markdown_to_text, split_front_matter

        try:
            post = split_front_matter(raw)
        except InputError:  # a broken header: the text is still worth reading
            post = MarkdownPost({}, _FRONT_MATTER_FENCE.sub("", raw, count=1), 1)
        body = post.body
        match = _MD_TITLE.match(body)
        md_title = str(post.meta.get("title") or "")
        if match and not md_title:
            md_title, body = match.group(1), body[match.end() :]
        units = _split_units(markdown_to_text(body))
        units.source_lines = []  # offsets would refer to the converted text, not the input
        return _clean_units(units, title or clean_title(md_title), learned, kind)
    source = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _clean_units(_split_units(source), title, learned, kind)


def clean_draft(raw: str, title: str = "", learned: Collection[str] = ()) -> Draft:
    """The article in a draft: its title (the explicit `title` if given, never dropped; else the
    headline found), its text, and what was removed with the reason. `learned`: paragraph keys
    of the publisher's boilerplate (`tagger.text.boilerplate.learn_boilerplate`)."""
    return _clean(raw, title, learned).draft


def clean_document(raw: str, learned: Collection[str] = ()) -> Cleaned:
    """The cleaned draft as one text (headline, blank line, article) and, for plain-text input,
    where each of its lines came from."""
    result = _clean(raw, "", learned)
    return Cleaned(result.draft.full_text, result.pieces())


def text_units(text: str) -> list[str]:
    """The units cleaning reads a text in: its lines, or its paragraphs when it is
    hard-wrapped (what learned boilerplate is counted and matched on)."""
    return _split_units(text).texts


def drop_units(text: str, keys: Collection[str]) -> str:
    """The text without the units whose paragraph key is in `keys`, its layout kept."""
    units = _split_units(text)
    keep = [k for k, unit in enumerate(units.texts) if paragraph_key(unit) not in keys]
    return text if len(keep) == len(units.texts) else units.text(keep)


def html_to_text(html: str) -> str:
    """The text of an HTML page or fragment: headline and article blocks, chrome removed."""
    from tagger.text.html import extract_article

    page = extract_article(html)
    return "\n\n".join(b for b in [page.headline, *page.blocks] if b)


def is_boilerplate(line: str) -> bool:
    """Whether one line is site chrome by its form (menus, breadcrumbs, share lines, calls to
    subscribe...)."""
    text = line.strip()
    if not text:
        return False
    if chrome.chrome_reason(text) is not None:
        return True
    return chrome.is_promo_line(text)

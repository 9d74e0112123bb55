"""The article inside text copied from a web page: headline, story, and the chrome around them.

A copied page reads top to bottom as: site chrome (menus, sign-in links, promo units of a call
to action and its blurb), the headline, a dateline or byline, the story, then the tail (share
line, tags, related lists, author box, footer). The rules look for that shape and act only on
strong evidence, because losing a sentence of the story is worse than keeping a promo:

* the headline is a headline-like line followed (past datelines, bylines and chrome) by story
  prose; lines above it go only if every one of them could be chrome and one of them surely is;
* the tail starts at a tail marker (share line, "Related stories", "Tags:", copyright...) after
  which nothing reads like story prose;
* inside the story only whole-line chrome ("ADVERTISEMENT", "RELATED: ...") and promo units (a
  call to action and a blurb selling a newsletter, membership, event...) go.

An explicit title is never dropped; when the text repeats it, it marks where the story starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tagger.text import chrome as ch

# How far down a page the headline is looked for (non-blank lines).
MAX_HEADLINE_LINE = 80
# Lines allowed between a headline and the story (dateline, byline, share/author chrome).
MAX_HEADLINE_GAP = 14
# A line this short (in words) between headline and story is an author's name or a label.
MAX_LABEL_WORDS = 4
# In the tail, a line of at most this many words is a title (of another story, a link...).
MAX_TAIL_TITLE_WORDS = 15
# In the tail, a paragraph longer than this is story prose, not a teaser.
MAX_TEASER_CHARS = 200
# Tail markers: the chrome that opens a page's tail.
_TAIL_REASONS = frozenset(
    {"share line", "list heading", "tags line", "copyright", "author box", "menu row"}
)

# Chrome that goes from inside the story too; single words such as "Search" or "Comments" may
# be a section heading there, so they go only above the headline or in the tail.
_STORY_REASONS = frozenset({"advertisement", "share line", "teaser link", "caption"})
# First characters of the lines that may be story chrome or a call to action (a cheap test
# before the patterns of tagger.text.chrome; a line not starting so is neither).
_STORY_PREFIXES = (
    "advertisement",
    "sponsored",
    "ad",
    "share",
    "click to",
    "facebook",
    "twitter",
    "linkedin",
    "email",
    "print",
    "related",
    "read",
    "see also",
    "also read",
    "more",
    "recommended",
    "don",
    "watch",
    "listen",
    "breaking",
    "photo",
    "image",
    "illustration",
    "subscribe",
    "sign",
    "join",
    "become",
    "donate",
    "support",
    "register",
    "download",
    "get",
    "free",
    "webinar",
    "follow",
    "we",
    "save",
    "x ",
    "x|",
    "reddit",
    "whatsapp",
    "copy link",
    *"•►▶»■◆●▪·*+-0123456789",
)
_PREFIX_CHARS = 16
# A dateline with one of these first words ("Last reviewed: May 3, 2019") can open the tail.
_DATELINE_PREFIXES = frozenset({"posted", "published", "updated", "last"})


@dataclass
class PageParts:
    """Where the article is in a list of lines: the headline's position (or None) and the
    lines to drop with their reasons (positions in the list)."""

    headline: int | None = None
    drop: dict[int, str] = field(default_factory=dict)


class _Line:
    """A line and what it is, worked out when first asked: chrome (why), a call to action,
    surely chrome (`strong`: either)."""

    __slots__ = ("_chrome", "_cta", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        long = len(text) > ch.MAX_CHROME_CHARS  # too long for chrome or a call to action
        self._chrome: bool | str | None = None if long else False  # False: not known yet
        self._cta: bool | None = False if long else None

    @property
    def chrome(self) -> str | None:
        """Why the line is chrome, or None."""
        if self._chrome is False:
            self._chrome = ch.chrome_reason(self.text)
        return self._chrome  # type: ignore[return-value]

    @property
    def cta(self) -> bool:
        """Whether the line is a call to action."""
        if self._cta is None:
            self._cta = ch.is_cta(self.text)
        return self._cta

    @property
    def strong(self) -> bool:
        """Surely chrome: a whole-line chrome form or a call to action."""
        return self.chrome is not None or self.cta


def _prefix_states(lines: Sequence[_Line], limit: int) -> list[tuple[bool, bool]]:
    """For each position i <= limit: whether every line before i could be chrome, and whether
    one of them surely is. A promo's blurb (the paragraph under a call to action or a bullet)
    could be chrome too."""
    states = [(True, False)]
    ok, strong, after_cta = True, False, False
    for line in lines[:limit]:
        text = line.text
        if not ok:
            break
        if line.strong or ch.is_bulleted(text):
            strong = strong or line.strong
            after_cta = True
        elif (
            ch.is_dateline(text)
            or ch.is_byline(text)
            or ch.is_short(text)
            or ch.is_headline_like(text, line.chrome)  # another story's title
            or (after_cta and len(text) <= 2 * MAX_TEASER_CHARS)
        ):
            after_cta = False
        else:
            ok = False
        states.append((ok, strong))
    states.extend([(False, strong)] * (limit + 1 - len(states)))
    return states


def _story_start(lines: Sequence[_Line], headline: int) -> tuple[int, bool] | None:
    """The first story line after a headline, when only datelines, bylines, chrome and short
    labels stand between them; and whether a dateline, byline or chrome line is among them
    (then the short labels are an author's name and such, and go too)."""
    meta = False
    for k in range(headline + 1, min(len(lines), headline + 2 + MAX_HEADLINE_GAP)):
        line = lines[k]
        text = line.text
        if line.chrome is not None or ch.is_dateline(text) or ch.is_byline(text):
            meta = True
            continue
        if len(text.split()) <= MAX_LABEL_WORDS and not ch.ends_sentence(text):
            continue
        return (k, meta) if ch.is_prose(text) else None
    return None


@dataclass
class _Found:
    headline: int
    start: int
    meta: bool
    by_title: bool = False


def _find_headline(lines: Sequence[_Line], title: str, detect: bool) -> _Found | None:
    """The headline and where the story starts, or None when there is no recognisable
    headline."""
    wanted = " ".join(title.split()).casefold()
    limit = min(len(lines), MAX_HEADLINE_LINE)
    states = _prefix_states(lines, limit)
    if wanted:
        for i in range(limit):
            text = lines[i].text
            if abs(len(text) - len(wanted)) > len(wanted) // 4 + 2:
                continue  # cheaply not the title
            if " ".join(text.split()).casefold() == wanted and states[i][0]:
                story = _story_start(lines, i)
                start, meta = story if story else (i + 1, False)
                return _Found(i, start, meta, by_title=True)
    if not detect:
        return None
    for i in range(limit):
        ok, strong = states[i]
        if not ok:
            return None  # story prose before any headline: the story starts at the top
        text = lines[i].text
        candidate = (strong or i == 0) and not lines[i].strong
        if candidate and ch.is_headline_like(text, lines[i].chrome):
            story = _story_start(lines, i)
            if story is not None:
                return _Found(i, story[0], story[1])
    return None


def _tail_ok(line: _Line, previous: _Line) -> bool:
    """Could be in a page's tail: chrome, dates, bylines, titles of other stories, and teasers
    (a short paragraph cut with "…", or under such a title)."""
    text = line.text
    if line.chrome is not None or ch.is_dateline(text) or ch.is_byline(text):
        return True
    if text.endswith("…") or len(text.split()) <= MAX_TAIL_TITLE_WORDS:
        return True
    return len(text) <= MAX_TEASER_CHARS and ch.is_headline_like(previous.text, previous.chrome)


def _is_tail_marker(line: _Line) -> bool:
    if line.chrome in _TAIL_REASONS:
        return True
    first = line.text.split(maxsplit=1)[0].lower().rstrip(":")
    return first in _DATELINE_PREFIXES and ch.is_dateline(line.text)


def _find_tail(lines: Sequence[_Line], start: int) -> int | None:
    """Position of the first line of the page's tail, or None."""
    first_ok = len(lines)  # every line from here on could be tail
    while first_ok > start + 1 and _tail_ok(lines[first_ok - 1], lines[first_ok - 2]):
        first_ok -= 1
    for k in range(first_ok, len(lines)):
        if _is_tail_marker(lines[k]):
            return _extend_tail_back(lines, k, start)
    return None


def _extend_tail_back(lines: Sequence[_Line], tail: int, start: int) -> int:
    """Counters (clap and comment counts) just above the tail, and the topic labels above
    them, belong to it."""
    k = tail
    while k - 1 > start and lines[k - 1].chrome == "counter":
        k -= 1
    if k == tail:
        return tail
    while k - 1 > start and ch.is_short(lines[k - 1].text, MAX_LABEL_WORDS + 1):
        k -= 1
    return k


def _story_chrome(lines: Sequence[_Line], start: int, end: int, drop: dict[int, str]) -> None:
    """Whole-line chrome and promo units inside the story: there only promos for a
    subscription, newsletter, membership or donation go (an article may well invite readers
    to register for its event)."""
    k = start
    while k < end:
        line = lines[k]
        if not line.text[:_PREFIX_CHARS].lower().startswith(_STORY_PREFIXES):
            k += 1
            continue
        if line.chrome in _STORY_REASONS:
            drop[k] = str(line.chrome)
        elif line.cta:
            blurb = k + 1 < end and ch.is_promo_blurb(lines[k + 1].text, subscription=True)
            if blurb:
                drop[k] = drop[k + 1] = "promo"
                k += 1
            elif ch.is_promo_line(line.text):
                drop[k] = "promo"
        k += 1


def find_article(texts: Sequence[str], title: str = "", detect: bool = True) -> PageParts:
    """Where the headline and the story are in a page's non-blank lines (stripped), and which
    lines to drop; `title` is the explicit title, if any; `detect=False` when the headline is
    known already (HTML) and only a repeat of `title` is looked for."""
    parts = PageParts()
    if all(len(t) > ch.MAX_CHROME_CHARS for t in texts):
        return parts  # only long paragraphs: no chrome, headline or tail can be among them
    if len(texts) == 1:  # one paragraph: no headline above a story, no tail below it
        reason = ch.chrome_reason(texts[0])
        if reason in _STORY_REASONS:
            parts.drop[0] = str(reason)
        return parts
    lines = [_Line(t) for t in texts]
    found = _find_headline(lines, title, detect)
    start = 0
    if found is not None:
        parts.headline, start = found.headline, found.start
        for k in range(found.headline):
            parts.drop[k] = lines[k].chrome or "before the headline"
        # A headline other than the explicit title stays in the text, and so do the lines
        # under it, unless they are surely chrome.
        adopted = found.by_title or not title
        for k in range(found.headline + 1, found.start):
            line = lines[k]
            meta = found.meta or ch.is_dateline(line.text) or ch.is_byline(line.text)
            if line.chrome not in (None, "counter") or (adopted and meta):
                parts.drop[k] = line.chrome or "dateline or byline"
    tail = _find_tail(lines, start)
    end = len(lines) if tail is None else tail
    for k in range(end, len(lines)):
        parts.drop[k] = lines[k].chrome or "after the story"
    _story_chrome(lines, start, end, parts.drop)
    return parts

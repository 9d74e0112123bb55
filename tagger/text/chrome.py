"""What one line of a page is: site chrome, a dateline or byline, a call to action, a headline
candidate, or story prose. Chrome is recognised by the *whole* line's form ("Share this story:
Facebook Twitter", "© 2019 ...", "ADVERTISEMENT", a menu row), never by a word it contains: a
headline such as "Ohio Manufacturers Sign Up for New State Grant" or "Privacy Policy Changes Hit
Small Businesses" is not chrome.
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|"
    r"\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})"
)
_TIME = r"(?:\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)"

# Lines that are chrome by their whole form, with the reason shown by `tagger clean --json`.
_WHOLE_LINE: list[tuple[str, re.Pattern[str]]] = [
    (
        "site control",
        re.compile(
            r"(?i)^(?:skip to (?:main )?content|skip navigation|open in app|sign (?:in|up|out)|"
            r"log ?(?:in|out)|my account|register|subscribe(?: now| today| here)?|"
            r"subscribe for \$?\d+\S*|menu|search|sections|home|write|listen|share|follow|"
            r"following|reply|like|comment|print|email|save|cancel reply|leave a (?:reply|comment)|"
            r"back to top|return to top|(?:previous|next)(?: post| article| story)?|"
            r"text to speech|today'?s paper|toggle navigation|close|more)$"
        ),
    ),
    ("advertisement", re.compile(r"(?i)^(?:advertisement|sponsored(?: content)?|ad|adchoices)$")),
    (
        "list heading",
        re.compile(
            r"(?i)^(?:related(?: stories| articles| posts| content| coverage)?|"
            r"trending(?: now| stories)?|most (?:read|popular|viewed|shared)|"
            r"popular (?:stories|posts)|"
            r"around the web|recommended(?: for you| from \w+)?|you (?:may|might) also like|"
            r"more (?:from|on|in) [^.]{1,60}|more stories|latest (?:news|stories|posts)|"
            r"recent posts|in this section|comments?|\d+ comments?|read next|"
            r"editor'?s picks|top stories|what to read next|discover more from [^.]{1,60})"
            r"\s*:?$"
        ),
    ),
    (
        "share line",
        re.compile(
            r"(?i)^(?:share(?: this)?(?: story| article| post| page)?(?: on| via)?\s*[:|]?\s*"
            r"(?:(?:facebook|twitter|x|linkedin|email|reddit|whatsapp|print|copy link)\W*){1,8}|"
            r"(?:share|like) this:|click to (?:share|email|print)\b.*|"
            r"(?:facebook|twitter|linkedin|email|print)(?:\s*[|·•]?\s*(?:facebook|twitter|"
            r"linkedin|email|print|reddit)){2,})$"
        ),
    ),
    (
        "teaser link",
        re.compile(
            r"(?i)^(?:related|read more|read next|read also|also read|see also|more|recommended|"
            r"don'?t miss|watch|listen|read|breaking)\s*:\s*[^\s.][^!?]{0,100}[^\s.:]$"
        ),
    ),
    (
        "tags line",
        re.compile(
            r"(?i)^(?:(?:tags?|topics?|categories)\s*:|filed under|posted in)\s*\S.{0,200}$"
        ),
    ),
    (
        "caption",
        re.compile(r"(?i)^(?:photo|image|photograph|illustration)(?: credit)?\s*:\s*\S.*$"),
    ),
    (
        "copyright",
        re.compile(r"(?i)^(?:©|copyright\b|\(c\)\s*\d{4}).{0,160}$"),
    ),
    ("counter", re.compile(r"^(?:[\d.,]+[kKmM]?|[·•|–—\-*]+|\d+\s*°\s*[FC]?)$")),
    (
        "author box",
        re.compile(
            r"(?i)^(?:written by [^.]{1,60}|[\d.,]+[kK]? followers|· (?:writer|editor) for .{1,60}|"
            r"published in [^.]{1,60}|\d+ min(?:ute)? read(?:\s*·.{0,40})?|"
            r"(?:posted|published|updated) (?:on|by)?\s*$)$"
        ),
    ),
]

_DATELINE = re.compile(
    rf"(?i)^(?:(?:posted|published|updated|last (?:updated|reviewed|modified))\s*(?:on)?\s*:?\s*)?"
    rf"(?:\w+day,?\s+)?{_DATE}(?:\s*(?:at\s+)?{_TIME})?"
    rf"(?:\s*(?:[|·•,–—-]|by)\s*.{{0,80}})?$"
)
# "By Jane Doe", "BY JANE DOE | jdoe@example.com", "By J. Doe and R. Roe": a name, maybe an
# address, no sentence.
_BYLINE = re.compile(r"^(?:By|BY|Posted by|Written by)\s+[A-Z][^!?]{0,100}(?<![a-z]{3}\.)$")
_BULLET = re.compile(r"^\s*(?:[•►▶»■◆●▪·*+-]|\d{1,2}[.)])\s+")
_CTA = re.compile(
    r"(?i)^(?:subscribe|sign up|join|become a (?:member|subscriber|supporter)|donate|support|"
    r"register|download|listen to|watch|get (?:the|our|your)|free (?:webinar|download|trial)|"
    r"webinar|follow us|we'?re hiring|save the date|don'?t miss)\b"
)
# Words of a promo's blurb: what it offers and how it is delivered.
_PROMO_CUE = re.compile(
    r"(?i)\b(?:inbox|newsletters?|subscribe|subscription|subscribers?|members?(?:hip)?|"
    r"registration|register|webinar|podcast|episodes?|donat\w+|tax-deductible|"
    r"delivered|sign up|early-bird|free with|every (?:week|weekday|friday|morning|month))\b"
)
MAX_CTA_CHARS = 120
MAX_HEADLINE_CHARS = 220
MAX_HEADLINE_WORDS = 30
# Cheap length tests before words are counted: a line this long has many words...
LONG_LINE_CHARS = 300
# ... and no line of N words is longer than N times this.
MAX_WORD_CHARS = 25
# First words of the calls to action above (a cheap test before the pattern).
_CTA_FIRST_WORDS = frozenset(
    {
        "subscribe",
        "sign",
        "join",
        "become",
        "donate",
        "support",
        "register",
        "download",
        "listen",
        "watch",
        "get",
        "free",
        "webinar",
        "follow",
        "we're",
        "were",
        "save",
        "don't",
        "dont",
    }
)
# Last words of a line that a sentence goes on after (so the line is wrapped, not a title).
_GOES_ON_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "to",
        "in",
        "on",
        "with",
        "by",
        "at",
        "from",
        "as",
        "that",
        "than",
        "vs",
        "its",
        "their",
        "was",
        "were",
        "is",
        "are",
        "be",
        "has",
        "have",
        "said",
    ]
)
_SUBSCRIPTION_CUE = re.compile(
    r"(?i)\b(?:subscribe|sign up|newsletters?|inbox|members?(?:hip)?|donat\w+|support us)\b"
)
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s")
_SENTENCE_END = (".", "!", "?", '."', ".”", ".'", ".’", "?”", "!”", ")", '."', "…", ":")
_MENU_SPLIT = re.compile(r"\s*(?:\||•|·|\s[>›»]\s)\s*")


# All of them as one pattern (one match per line instead of one per reason).
_ANY_WHOLE_LINE = re.compile(
    "|".join(f"(?P<g{i}>{p.pattern.removeprefix('(?i)')})" for i, (_, p) in enumerate(_WHOLE_LINE)),
    re.I,
)
_RESERVED = re.compile(r"(?i)\ball rights reserved\.?$")
_MENU_SEPARATORS = ("|", "•", "·", ">", "›", "»")
MAX_CHROME_CHARS = 240


def chrome_reason(line: str) -> str | None:
    """Why a whole line is site chrome, or None. `line` is stripped."""
    if len(line) > MAX_CHROME_CHARS:
        return None
    match = _ANY_WHOLE_LINE.match(line)
    if match is not None and match.lastgroup is not None:
        return _WHOLE_LINE[int(match.lastgroup[1:])][0]
    if line.endswith(("reserved", "reserved.")) and _RESERVED.search(line):
        return "copyright"
    if any(sep in line for sep in _MENU_SEPARATORS) and is_menu_row(line):
        return "menu row"
    return None


def is_menu_row(line: str) -> bool:
    """Several short items between separators: "News | Events | Jobs", "Home > News". (Items
    between spaces only are not enough: table rows look the same.)"""
    items = [i for i in _MENU_SPLIT.split(line) if i]
    breadcrumb = len(items) == 2 and bool(re.search(r"\s[>›»]\s", line))
    if (len(items) < 3 or len(items) > 20) and not breadcrumb:
        return False
    return all(len(i.split()) <= 4 and not i.endswith((".", ",", ";")) for i in items)


def is_dateline(line: str) -> bool:
    """A date line, maybe with a time and an author: "April 8, 2015 | Jane Doe"."""
    return len(line) <= 160 and bool(_DATELINE.match(line))


def is_byline(line: str) -> bool:
    """ "By Jane Doe", "BY JANE DOE | jdoe@example.com"."""
    return len(line) <= 120 and bool(_BYLINE.match(line))


def is_bulleted(line: str) -> bool:
    """Starts with a bullet or a list number."""
    return bool(_BULLET.match(line))


def is_cta(line: str) -> bool:
    """A short call to action: "• Subscribe to The Ledger", "Get the Morning Brief"."""
    if len(line) > MAX_CTA_CHARS:
        return False
    first = line.split(None, 1)[0].lower()
    if first not in _CTA_FIRST_WORDS and first[0].isalpha():
        return False
    text = _BULLET.sub("", line, count=1)
    return len(text.split()) <= 12 and not ends_sentence(text) and bool(_CTA.match(text))


def is_promo_line(line: str) -> bool:
    """A call to action that sells a subscription, newsletter, membership or donation by
    itself: "Sign up for our newsletter", "• Subscribe to The Ledger"."""
    return not _NUMBERED.match(line) and is_cta(line) and bool(_SUBSCRIPTION_CUE.search(line))


def is_promo_blurb(line: str, subscription: bool = False) -> bool:
    """A short paragraph that sells something (newsletter, membership, event, podcast; with
    `subscription`, only a subscription, newsletter, membership or donation)."""
    cue = _SUBSCRIPTION_CUE if subscription else _PROMO_CUE
    return len(line) <= 240 and bool(cue.search(line))


def ends_sentence(line: str) -> bool:
    """Ends like a sentence (a period, question mark, closing quote...)."""
    return line.endswith(_SENTENCE_END) and not line.endswith(("U.S.", "D.C."))


def is_headline_like(line: str, chrome: str | None = "?") -> bool:
    """Could be a headline: 2-30 words, not starting in lower case, no final period, not
    chrome (`chrome`: the line's `chrome_reason`, when known)."""
    if len(line) > MAX_HEADLINE_CHARS:
        return False
    words = len(line.split())
    if not 2 <= words <= MAX_HEADLINE_WORDS:
        return False
    first = line.split(None, 1)[0]
    if first[0].islower() and first.islower():  # "openFDA", "iPhone" may start a headline
        return False
    if line.endswith((".", ",", ";", ":", "…")) and not line.endswith(("U.S.", "D.C.")):
        return False
    if goes_on(line):
        return False
    if chrome == "?":
        chrome = chrome_reason(line)
    return chrome is None and not is_bulleted(line)


def is_prose(line: str) -> bool:
    """Story text: a sentence of some length, or a long line."""
    if len(line) >= LONG_LINE_CHARS:
        return True
    words = len(line.split())
    return words >= 20 or (words >= 6 and ends_sentence(line))


def goes_on(line: str) -> bool:
    """Ends the way a wrapped line does, in the middle of a sentence ("... projections for the",
    "... guilders vs", "...,")."""
    if line.endswith((",", ";", "-", "(")):
        return True
    last = line.rsplit(None, 1)[-1] if line.strip() else ""
    return last in _GOES_ON_WORDS  # lower case only: a title may end in "Is" or "The"


def is_short(line: str, max_words: int = 12) -> bool:
    """A short line that is not a sentence (a menu item, a site name, a title in a list)."""
    if len(line) > MAX_WORD_CHARS * max_words:
        return False
    return len(line.split()) <= max_words and not ends_sentence(line) and not goes_on(line)

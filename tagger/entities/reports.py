"""Report and publication titles: a rule layer over the ways news cites a report.

The small English model finds about a third of report titles (as WORK_OF_ART), so titles come
mostly from the patterns in `tagger/entities/data/report_patterns.json` (kept as data so editors
of the rules need not touch code): quoted titles near report/study/survey... or before "finds",
dash, comma and colon appositions, "titled/called/dubbed ...", "X, published by", and named
series such as "the 2026 State Innovation Index". Each pattern lists the checks its matches get
(Title Case, run-on cuts, opening words, series owners); every match must keep at least two
words and stay out of the headline."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

# Space inside a title: blanks, or one line break (hard-wrapped text), never a blank line: a
# title-case run must not reach back into the headline or the paragraph before.
_SP = r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)"
_WORD = r"(?:[A-Z0-9][\w\u2019'&.\-]*\??|[A-Z]{2,})"
_SMALL = r"(?:of|the|and|in|for|on|to|a|an|at|by|with|from|or|vs\.?|into|&|is|are|than|as|about)"
# A title may end with its years: "Closing the Last-Mile Gap, 2026-2030".
_YEARS = rf"(?:,{_SP}\d{{4}}(?:[-\u2013]\d{{2,4}})?)?"
_TITLE = rf"{_WORD}(?:(?::|{_SP}-)?{_SP}(?:{_SMALL}{_SP})*{_WORD})+{_YEARS}"
_TITLE_C = rf"{_WORD}(?:(?::|,|{_SP}-)?{_SP}(?:{_SMALL}{_SP})*{_WORD})+"
# A series name: capitalized words, "U.S." among them, joined by and/of/& or a list comma
# ("Science, Technology and Innovation Outlook").
_CAP_WORD = r"(?:U\.S\.|[A-Z][\w&'\-]*)"
_CAPS = rf"{_CAP_WORD}(?:,?{_SP}(?:(?:and|of|&){_SP})?{_CAP_WORD})*"
_ORG = rf"[A-Z][\w&.'\-]*(?:{_SP}(?:(?:of|for|and|on){_SP})?[A-Z][\w&.'\-]*)*"

# An owner before a series name: "the National Science Board's Science and Engineering ..."
_POSSESSIVE = re.compile(r"(?:[A-Z][\w&.\-]*\s+){0,4}[A-Z][\w&.\-]*(?:'s|\u2019s)\s+")
# Where an unbounded title-case run ran on: into the next sentence ("dubbed Paycheck Check-Up.
# Median ...") or into the sentence's subject after a comma ("titled Buy Local, Grow Global:
# Procurement as Innovation Policy, CCI argued").
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!vs)\.\s+(?=[A-Z])")
_COMMA_ONE_WORD = re.compile(r",\s+[A-Za-z][^\s,]*$")
_QUESTION_END = re.compile(r"\?(?=\s+[a-z])")
_LOWER_WORDS = frozenset(
    {"of", "the", "and", "in", "for", "on", "to", "a", "an", "at", "by", "with", "from", "or"}
    | {"vs", "into", "is", "are", "than", "as", "about"}
)
_BY_THE = re.compile(r"\bby\s+(?:the\s+)?$")
_OPENING = re.compile(r"(?:In|At|On|As|By|Under|With|After|Before|While|When|According to) ")
_CHECKS = frozenset(
    {"title_case", "cut_run_on", "opening_words", "subtitle_start", "series_name", "subtitle"}
)


# Every title has at least this many words; one that starts with a weekday, month or pronoun
# (`not_titles`: "Monday Report", "The Index") needs one more.
MIN_TITLE_WORDS = 2
MIN_TITLE_WORDS_AFTER_NOT_TITLE = 3
# Title Case: at least this share of the words other than articles, prepositions and
# conjunctions are capitalized; a few lowercase words still pass ("Closing the gap in Rural
# Broadband"), a sentence does not.
TITLE_CASE_SHARE = 0.7
# A first line is a headline when it has at least this many words, and this share of them
# capitalized (small words included: headlines capitalize nearly every word).
MIN_HEADLINE_WORDS = 3
HEADLINE_CASE_SHARE = 0.7
# A title starting with an opening word ("In", "According to") needs this many words after it;
# one starting with another word of `not_first_words` ("From", "Researchers") this many in all.
MIN_WORDS_AFTER_OPENING = 2
MIN_WORDS_WITHOUT_OPENING = 4
# How far before a series name to look for "by (the) ", which makes the name an author's
# (" by the " is 8 characters).
LOOKBACK_BY_THE = 8


@dataclass(frozen=True)
class TitleSpan:
    """A report title found in the text: half-open character span and the rule that found it."""

    start: int
    end: int
    rule: str


_WINDOW = 240  # characters around an anchor that a pattern may span (titles <= 160)


@dataclass(frozen=True)
class _Rule:
    name: str
    anchor: str
    regex: re.Pattern[str]
    at_anchor: bool
    checks: frozenset[str]


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[list[_Rule], dict[str, re.Pattern[str]], frozenset[str], frozenset[str]]:
    raw: dict[str, Any] = json.loads(
        resources.files("tagger.entities").joinpath("data/report_patterns.json").read_text("utf-8")
    )
    cues = sorted(raw["cues"], key=len, reverse=True)
    fill = {
        "{CUE}": "(?:" + "|".join(re.escape(c) for c in cues) + ")",
        "{NOUN}": "|".join(re.escape(n) for n in sorted(raw["title_nouns"], key=len, reverse=True)),
        "{FINDING}": "|".join(re.escape(v) for v in raw["finding_verbs"]),
        "{VERB}": "|".join(re.escape(v) for v in raw["verbs"]),
        "{SP0}": r"[^\S\n]*\n?[^\S\n]*",
        "{SP}": _SP,
        "{TITLE_C}": _TITLE_C,
        "{TITLE}": _TITLE,
        "{CAPS}": _CAPS,
        "{ORG}": _ORG,
    }
    compiled = []
    for pattern in raw["patterns"]:
        regex = pattern["regex"]
        for key, value in fill.items():
            regex = regex.replace(key, value)
        checks = frozenset(pattern.get("checks", ()))
        if not checks <= _CHECKS:
            raise ValueError(f"report_patterns.json: unknown checks {sorted(checks - _CHECKS)}")
        compiled.append(
            _Rule(
                pattern["name"], pattern["anchor"], re.compile(regex), pattern["at_anchor"], checks
            )
        )
    anchors = {
        "cue": re.compile(rf"(?i)\b(?:{fill['{CUE}']}|titled|entitled|called|named|dubbed)\b"),
        "noun": re.compile(rf"\b(?:{fill['{NOUN}']})\b"),
        "titled": re.compile(r"\b(?:titled|entitled|called|named|dubbed|under the \w*\s*title)\b"),
        "published": re.compile(r"\b(?:published|released|issued)\b"),
        "finding": re.compile(rf"[\"\u201d]\s+(?:{fill['{FINDING}']})\b"),
        "possessive_the": re.compile(r"['\u2019]s\s+The\b"),
        "subtitle": re.compile(r":\s+(?:How|Why|What|Where|When|Who|Which)\b"),
    }
    return compiled, anchors, frozenset(raw["not_titles"]), frozenset(raw["not_first_words"])


def _windows(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """Merged stretches of text around each anchor: the only places a rule can match."""
    out: list[tuple[int, int]] = []
    for start in starts:
        lo, hi = max(0, start - _WINDOW), min(len(text), start + _WINDOW)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding quotes, trailing punctuation and a leading 'The' of a named series."""
    while end > start and text[end - 1] in " ,.;:\"\u201d'\u2019":
        if text[end - 1] == "?" or (text[end - 1] == "." and text[end - 2 : end] == "S."):
            break
        end -= 1
    while start < end and text[start] in " \"\u201c'":
        start += 1
    return start, end


def looks_like_title(phrase: str) -> bool:
    """Title Case: most words other than articles, prepositions and conjunctions capitalized
    ("Heat Beneath the Basin", not "Capital follows exits, and exits are on the coasts")."""
    words = [w for w in re.findall(r"[\w'\u2019-]+", phrase) if w.lower() not in _LOWER_WORDS]
    capitalized = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return len(words) >= MIN_TITLE_WORDS and capitalized >= TITLE_CASE_SHARE * len(words)


def _cut_run_on(text: str, start: int, end: int) -> int:
    stop = _SENTENCE_END.search(text, start, end)
    if stop:
        end = stop.start()
    question = _QUESTION_END.search(text, start, end)  # "dubbed Who Will Build It? from ..."
    if question:
        end = question.end()
    tail = _COMMA_ONE_WORD.search(text, start, end)
    return tail.start() if tail else end


def _after_opening_words(title: str, start: int) -> int:
    """Where a title starting with an opening word really starts ("In The Long Recovery, her
    book", "According to X: A Review, a guide"); -1 when it is no title ("In Ohio, the
    report", "At Ohio State University, a study"). A title must then clearly be one: "The",
    a subtitle or a number."""
    opening = _OPENING.match(title)
    rest = title[opening.end() :] if opening else title
    clear = rest.startswith("The ") or ":" in rest or any(c.isdigit() for c in rest)
    min_words = MIN_WORDS_AFTER_OPENING if opening else MIN_WORDS_WITHOUT_OPENING
    if not clear or len(rest.split()) < min_words:
        return -1
    # "From Lab to Market 2025, the latest edition": other opening words may begin a title.
    return start + (opening.end() if opening else 0)


def headline_end(text: str) -> int:
    """End of a Title Case headline opening the text (0 if none): headlines capitalize every
    word, so the title-case rules would read them as report names."""
    first, sep, _ = text.partition("\n")
    words = [w for w in first.split() if w[:1].isalpha()]
    if not sep or len(words) < MIN_HEADLINE_WORDS:
        return 0
    capitalized = sum(1 for w in words if w[0].isupper())
    return len(first) if capitalized / len(words) >= HEADLINE_CASE_SHARE else 0


def find_titles(text: str) -> list[TitleSpan]:
    """Non-overlapping title spans, earlier rules winning over later ones at the same place."""
    rules, anchors, not_titles, not_first = _rules()
    found: list[TitleSpan] = []
    taken: list[tuple[int, int]] = [(0, headline_end(text))]
    starts = {kind: [m.start() for m in regex.finditer(text)] for kind, regex in anchors.items()}
    windows = {kind: _windows(text, starts[kind]) for kind in anchors}
    for rule in rules:
        if rule.at_anchor:  # the pattern begins with its anchor: try it only there
            tried = (rule.regex.match(text, pos) for pos in starts[rule.anchor])
            matches: Iterator[re.Match[str]] = (m for m in tried if m is not None)
        else:
            matches = (
                m for lo, hi in windows[rule.anchor] for m in rule.regex.finditer(text, lo, hi)
            )
        for m in matches:
            start, end = _trim(text, m.start("title"), m.end("title"))
            if "cut_run_on" in rule.checks:
                end = _cut_run_on(text, start, end)
            title = text[start:end]
            words = title.split()
            if len(words) < MIN_TITLE_WORDS or (
                words[0] in not_titles and len(words) < MIN_TITLE_WORDS_AFTER_NOT_TITLE
            ):
                continue
            if "title_case" in rule.checks and not looks_like_title(title):
                continue
            if "subtitle" in rule.checks and ":" not in title:
                continue
            if "opening_words" in rule.checks and words[0] in not_first:
                start = _after_opening_words(title, start)
                if start < 0:
                    continue
            if "subtitle_start" in rule.checks and ":" in text[start:end]:
                # "argues Laura Brenner in Small Places, Big Bets: How ...": the title starts
                # after the last "in"/"by" before its subtitle.
                head = text[start:end].split(":", 1)[0]
                cut = max(head.rfind(" in "), head.rfind(" by "))
                if cut != -1:
                    start += cut + len(" in ")  # " by " is as long
            if "series_name" in rule.checks:
                # "compiled by the Rocky Mountain Capital Monitor": the name of an author.
                if _BY_THE.search(text, max(0, start - LOOKBACK_BY_THE), start):
                    continue
                if words[0] == "The":
                    start += len("The ")
                owner = _POSSESSIVE.match(text, start, end)
                if owner:
                    start = owner.end()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append(TitleSpan(start, end, rule.name))
    return sorted(found, key=lambda t: t.start)

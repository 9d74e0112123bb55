"""Report and publication titles: a rule layer over the ways news cites a report.

The small English model finds about a third of report titles (as WORK_OF_ART), so titles come
mostly from the patterns in `tagger/data/report_patterns.json` (kept as data so editors of the
rules need not touch code): quoted titles after report/study/survey..., dash and comma
appositions, "titled ...", and named series such as "the 2026 State Innovation Index".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

_WORD = r"(?:[A-Z0-9][\w\u2019'&.\-]*\??|[A-Z]{2,})"
_SMALL = r"(?:of|the|and|in|for|on|to|a|an|at|by|with|from|or|vs\.?|into|&|is|are|than|as|about)"
_TITLE = rf"{_WORD}(?:(?::|\s+-)?\s+(?:{_SMALL}\s+)*{_WORD})+"
_TITLE_C = rf"{_WORD}(?:(?::|,|\s+-)?\s+(?:{_SMALL}\s+)*{_WORD})+"
_CAPS = r"[A-Z][\w&'\-]*(?:\s+(?:(?:and|of|&)\s+)?[A-Z][\w&'\-]*)*"
_ORG = r"[A-Z][\w&.'\-]*(?:\s+(?:(?:of|for|and|on)\s+)?[A-Z][\w&.'\-]*)*"


@dataclass(frozen=True)
class TitleSpan:
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


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[list[_Rule], dict[str, re.Pattern[str]], frozenset[str], frozenset[str]]:
    raw: dict[str, Any] = json.loads(
        resources.files("tagger").joinpath("data/report_patterns.json").read_text("utf-8")
    )
    cues = sorted(raw["cues"], key=len, reverse=True)
    fill = {
        "{CUE}": "(?:" + "|".join(re.escape(c) for c in cues) + ")",
        "{NOUN}": "|".join(re.escape(n) for n in raw["title_nouns"]),
        "{VERB}": "|".join(re.escape(v) for v in raw["verbs"]),
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
        compiled.append(
            _Rule(pattern["name"], pattern["anchor"], re.compile(regex), pattern["at_anchor"])
        )
    anchors = {
        "cue": re.compile(rf"(?i)\b(?:{fill['{CUE}']}|titled|entitled|called|named|dubbed)\b"),
        "noun": re.compile(rf"\b(?:{fill['{NOUN}']})\b"),
        "titled": re.compile(r"\b(?:titled|entitled|called|named|dubbed|under the \w*\s*title)\b"),
        "published": re.compile(r"\b(?:published|released|issued)\b"),
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


def _cut_run_on(text: str, start: int, end: int) -> int:
    stop = _SENTENCE_END.search(text, start, end)
    if stop:
        end = stop.start()
    tail = _COMMA_ONE_WORD.search(text, start, end)
    return tail.start() if tail else end


def headline_end(text: str) -> int:
    """End of a Title Case headline opening the text (0 if none): headlines capitalize every
    word, so the title-case rules would read them as report names."""
    first, sep, _ = text.partition("\n")
    words = [w for w in first.split() if w[:1].isalpha()]
    if not sep or len(words) < 3:
        return 0
    capitalized = sum(1 for w in words if w[0].isupper())
    return len(first) if capitalized / len(words) >= 0.7 else 0


# An owner before a series name: "the National Science Board's Science and Engineering ..."
_POSSESSIVE = re.compile(r"(?:[A-Z][\w&.\-]*\s+){0,4}[A-Z][\w&.\-]*(?:'s|\u2019s)\s+")
# Where an unbounded title-case run ran on: into the next sentence ("dubbed Paycheck Check-Up.
# Median ...") or into the sentence's subject after a comma ("titled Buy Local, Grow Global:
# Procurement as Innovation Policy, CCI argued").
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!vs)\.\s+(?=[A-Z])")
_COMMA_ONE_WORD = re.compile(r",\s+[A-Za-z][^\s,]*$")
_RUN_ON_RULES = frozenset({"titled-unquoted", "cue-colon"})
_BY_THE = re.compile(r"\bby\s+(?:the\s+)?$")


def find_titles(text: str) -> list[TitleSpan]:
    """Non-overlapping title spans, earlier rules winning over later ones at the same place."""
    rules, anchors, not_titles, not_first = _rules()
    found: list[TitleSpan] = []
    taken: list[tuple[int, int]] = [(0, headline_end(text))]
    starts = {kind: [m.start() for m in regex.finditer(text)] for kind, regex in anchors.items()}
    windows = {kind: _windows(text, starts[kind]) for kind in anchors}
    for rule in rules:
        name = rule.name
        if rule.at_anchor:  # the pattern begins with its anchor: try it only there
            tried = (rule.regex.match(text, pos) for pos in starts[rule.anchor])
            matches: Iterator[re.Match[str]] = (m for m in tried if m is not None)
        else:
            matches = (
                m for lo, hi in windows[rule.anchor] for m in rule.regex.finditer(text, lo, hi)
            )
        for m in matches:
            start, end = _trim(text, m.start("title"), m.end("title"))
            if name in _RUN_ON_RULES:
                end = _cut_run_on(text, start, end)
            title = text[start:end]
            words = title.split()
            if len(words) < 2 or (words[0] in not_titles and len(words) < 3):
                continue
            if name in ("title-then-appositive", "title-then-published") and words[0] in not_first:
                continue
            if name == "named-publication":
                # "compiled by the Rocky Mountain Capital Monitor": the name of an author.
                if _BY_THE.search(text, max(0, start - 8), start):
                    continue
                if words[0] == "The":
                    start += 4
                owner = _POSSESSIVE.match(text, start, end)
                if owner:
                    start = owner.end()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append(TitleSpan(start, end, name))
    return sorted(found, key=lambda t: t.start)

"""Acronym definitions: "Massachusetts Institute of Technology (MIT)" -> MIT = long form.

The long form is found with the Schwartz-Hearst rule (A Simple Algorithm for Identifying
Abbreviation Definitions in Biomedical Text, 2003): walk the acronym's letters backwards through
the words before the parenthesis; the first letter must start a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DEFINITION = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9&.\-]{1,11})\)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Definition:
    """'Long Form (ACR)' in a text: the acronym and half-open character spans of its long form
    and of the acronym inside the parentheses."""

    acronym: str
    long_start: int
    long_end: int
    acr_start: int
    acr_end: int


def _long_form_start(candidate: str, acronym: str) -> int | None:
    """Index in `candidate` where the long form starts, or None (Schwartz-Hearst)."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    s = len(letters) - 1
    i = len(candidate) - 1
    while s >= 0:
        c = letters[s]
        while i >= 0 and (
            candidate[i].lower() != c or (s == 0 and i > 0 and candidate[i - 1].isalnum())
        ):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    return i + 1


def _extend_to_capitals(text: str, start: int, end: int, acronym: str) -> int:
    """Schwartz-Hearst may match two letters inside one word ("American Association (AA)"
    finds "Association"): take preceding capitalized words while capitals are short."""
    needed = sum(1 for c in acronym if c.isupper())
    while sum(1 for w in text[start:end].split() if w[0].isupper()) < needed:
        m = re.search(r"([A-Z][\w&.\-]*)\s+$", text[max(0, start - 40) : start])
        if not m or m.group(1)[0] != acronym[0]:
            break
        start -= len(m.group(0))
    return start


def find_definitions(text: str) -> list[Definition]:
    """Every 'Long Form (ACR)' in the text whose long form matches the acronym's letters."""
    found: list[Definition] = []
    for m in _DEFINITION.finditer(text):
        acronym = m.group("acr")
        if sum(1 for c in acronym if c.isupper()) < 2:
            continue
        before_end = m.start()
        while before_end > 0 and text[before_end - 1] == " ":
            before_end -= 1
        window_words = min(len(acronym) + 5, len(acronym) * 2)
        words = list(_WORD.finditer(text, max(0, before_end - 200), before_end))[-window_words:]
        if not words:
            continue
        base = words[0].start()
        start = _long_form_start(text[base:before_end], acronym)
        if start is None:
            continue
        long_start = _extend_to_capitals(text, base + start, before_end, acronym)
        if not text[long_start].isupper() or "\n" in text[long_start:before_end]:
            continue
        found.append(Definition(acronym, long_start, before_end, m.start() + 1, m.end() - 1))
    return found


def bare_mentions(text: str, acronym: str) -> list[tuple[int, int]]:
    """Later stand-alone uses of the acronym (possessive included, the 's left out)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]

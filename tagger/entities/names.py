"""Organization names: the corrections applied to spaCy's ORG spans.

spaCy's small model cuts names short ("Tech Community College" for "Ivy Tech Community College"),
labels programs, laws and places as organizations and runs two names together ("Department of
Energy's Office of Science"). Each function here mends one of these; the word lists they use are
data, in `data/org_names.json`.
"""

from __future__ import annotations

import json
import re
from importlib import resources

Span = tuple[int, int]
LabeledSpan = tuple[int, int, str]

# How far before a span the rules look for a missing first word, an owner or a job title.
LOOKBACK_WORD = 40
LOOKBACK_OWNER = 30
LOOKBACK_JOB_TITLE = 20
# A person named after a job title has at most this many words ("Marcus J. Holt").
MAX_PERSON_WORDS = 3
# A place spaCy mislabels as an organization is short ("in Dayton", "in New Mexico").
MAX_PLACE_WORDS = 2


def _word_lists() -> dict[str, frozenset[str]]:
    raw = json.loads(
        resources.files("tagger.entities").joinpath("data/org_names.json").read_text("utf-8")
    )
    return {key: frozenset(value["words"]) for key, value in raw.items() if key[0] != "_"}


_WORDS = _word_lists()
NOT_ORG_LAST = _WORDS["not_org_last"]
ORG_WORDS = _WORDS["org_words"]
NOT_NAME_WORDS = _WORDS["not_name_words"]
OFFICE_OWNERS = _WORDS["office_owners"]
NOT_ORG_ALONE = _WORDS["not_org_alone"]

_LEADING = re.compile(r"(?:the|The|THE|A|An)\s+(?=\S)")
_TRAILING = re.compile(r"(?:'s|\u2019s|'|\u2019|[\s.,;:])+$")
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.)+$|(?:Inc|Corp|Co|Ltd|Jr|Sr|St)\.$")
NOT_ORG_AFTER = re.compile(
    r"(?:\s+\([A-Z]{2,}\))?\s+(?:program|programs|initiative|award|awards|grants?|act)\b"
)
_POSSESSIVE_SPLIT = re.compile(r"(?:'s|\u2019s)\s+(?=[A-Z])")
# Job titles before a name: what follows is a person, whatever spaCy says.
_PERSON_BEFORE = re.compile(
    r"\b(?:CEO|CFO|CTO|COO|founder|co-founder|president|director|chair|chairman|chairwoman|"
    r"economist|professor|Sen\.|Rep\.|Gov\.|Dr\.|Mayor|Governor|Secretary) $"
)
TRAILING_LOWER = re.compile(r"(?:\s+[a-z][\w-]*)+$")
_WORD_BEFORE = re.compile(r"(?<![\w'\u2019.-])([A-Z][\w&]*(?:-[A-Z][\w&]*)*) $")
_OWNER_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(OFFICE_OWNERS, key=len, reverse=True))})['\u2019]s $"
)
_DASH_AFTER = re.compile(r"[-\u2013][A-Z][\w.]*")
_OF_PLACE_AFTER = re.compile(r" of [A-Z][a-z]+(?: [A-Z][a-z]+)?\b(?![-\u2013'\u2019])")
_HYPHENATED_BEFORE = re.compile(r"[A-Z][\w]*-$")
_LIST_GAP = re.compile(r",\s*|\s+(?:and|or)\s+|,\s+(?:and|or)\s+")


def overlaps(a: Span, b: Span) -> bool:
    """Whether two half-open character spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def trim_span(text: str, start: int, end: int) -> Span:
    """Drop a leading 'the' and a trailing possessive or punctuation (keeping 'U.S.')."""
    head = _LEADING.match(text, start, end)
    if head:
        start = head.end()
    span = text[start:end]
    if not _ABBREV_END.search(span):
        tail = _TRAILING.search(span)
        if tail and tail.start() > 0:
            end = start + tail.start()
    return start, end


def names_a_program(text: str, start: int, end: int) -> bool:
    """Whether the name at start:end is a program, law or event rather than an organization:
    its last word says so ("... Grant Program") or the next word does ("BEAD program")."""
    words = text[start:end].split()
    return (bool(words) and words[-1] in NOT_ORG_LAST) or bool(NOT_ORG_AFTER.match(text, end))


def split_possessive(text: str, start: int, end: int) -> list[Span]:
    """ "Department of Energy's Office of Science" names two organizations."""
    parts, cursor = [], start
    for m in _POSSESSIVE_SPLIT.finditer(text, start, end):
        if text[cursor : m.start()] in OFFICE_OWNERS:
            continue
        parts.append((cursor, m.start()))
        cursor = m.end()
    parts.append((cursor, end))
    return parts


def org_label(text: str, start: int, end: int) -> str | None:
    """ORG, GPE for a bare place name spaCy called an organization, PERSON after a job title,
    or None (not an entity)."""
    words = text[start:end].split()
    if text[start:end].islower():  # "cooperatives": a common noun
        return None
    if names_a_program(text, start, end):
        return None
    if len(words) == 1 and words[0] in NOT_ORG_ALONE:
        return None
    before = max(0, start - LOOKBACK_JOB_TITLE)
    if len(words) <= MAX_PERSON_WORDS and _PERSON_BEFORE.search(text, before, start):
        return "PERSON"  # "Launch Tennessee CEO Marcus Holt"
    if (
        len(words) <= MAX_PLACE_WORDS
        and text[max(0, start - 3) : start] == "in "
        and not ORG_WORDS.intersection(words)
        and not text[start:end].isupper()
    ):
        return "GPE"
    return "ORG"


def extend_hyphenated(text: str, start: int) -> int:
    """spaCy cuts "Orangeburg-Calhoun Technical College" at the hyphen: take the first part."""
    m = _HYPHENATED_BEFORE.search(text[max(0, start - LOOKBACK_WORD) : start])
    return start - len(m.group(0)) if m else start


def complete_org(text: str, start: int, end: int) -> Span:
    """Words spaCy leaves off an organization's name: the first word of "Ivy Tech Community
    College" or "Milwaukee Area Technical College", "–Madison" of "University of
    Wisconsin–Madison", "of Cleveland" of "Federal Reserve Bank of Cleveland"."""
    words = text[start:end].split()
    owner = _OWNER_BEFORE.search(text, max(0, start - LOOKBACK_OWNER), start)
    if owner:  # spaCy left "Governor's" off "Governor's Office of Economic Opportunity"
        start = owner.start()
    if words[-1] in ORG_WORDS:
        before = _WORD_BEFORE.search(text, max(0, start - LOOKBACK_WORD), start)
        if before and before.group(1) not in NOT_NAME_WORDS:
            start = before.start(1)
        of_place = _OF_PLACE_AFTER.match(text, end)
        if of_place:
            end = of_place.end()
    dash = _DASH_AFTER.match(text, end)
    if dash:
        end = dash.end()
    return start, end


def refine_org(text: str, start: int, end: int) -> list[LabeledSpan]:
    """One spaCy ORG span, mended: lowercase tail cut, missing words added, possessive pairs
    split, each part relabelled (or dropped when it is no organization)."""
    lower_tail = TRAILING_LOWER.search(text, start, end)  # "KEDFA minutes"
    if lower_tail and lower_tail.start() > start:
        end = lower_tail.start()
    start, end = complete_org(text, extend_hyphenated(text, start), end)
    out = []
    for s, e in split_possessive(text, start, end):
        label = org_label(text, s, e)
        if label is not None and e - s >= 2:
            out.append((s, e, label))
    return out


def places_in_lists(text: str, spans: list[LabeledSpan]) -> list[LabeledSpan]:
    """ "Dayton, Toledo, Akron or Youngstown": spaCy calls some places in a list of places
    organizations. A short name without an organization word, listed next to a place, is one."""
    spans = sorted(spans)
    changed = True
    while changed:
        changed = False
        for k, (start, end, label) in enumerate(spans):
            words = text[start:end].split()
            if label != "ORG" or len(words) > MAX_PLACE_WORDS or ORG_WORDS.intersection(words):
                continue
            if text[start:end].isupper():
                continue
            neighbours = [spans[n] for n in (k - 1, k + 1) if 0 <= n < len(spans)]
            for s, e, lab in neighbours:
                gap = (e, start) if e <= start else (end, s)
                if lab == "GPE" and _LIST_GAP.fullmatch(text, *gap):
                    spans[k] = (start, end, "GPE")
                    changed = True
                    break
    return spans

"""Entities for a suggestion: spaCy's ORG/PERSON/GPE/LOC, report titles, acronyms joined.

Steps for one text: spaCy spans and rule-found report titles are trimmed ("the", "'s"),
report titles win over overlapping spaCy spans, acronym definitions join a long form and its
acronym (and every later bare use of the acronym) into one entity, people's later surname-only
mentions join their full name, and mentions of the same name are counted once per entity with
a salience from how often and how early the entity is mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tagger.acronyms import Definition, bare_mentions, find_definitions
from tagger.nlp import NERPool, RawSpan, entity_spans
from tagger.reports import TitleSpan, find_titles, headline_end, looks_like_title
from tagger.types import Entity

LABELS = {"ORG": "ORG", "PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "WORK_OF_ART": "REPORT"}
_LEADING = re.compile(r"(?:the|The|THE|A|An)\s+(?=\S)")
_TRAILING = re.compile(r"(?:'s|\u2019s|'|\u2019|[\s.,;:])+$")
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.)+$|(?:Inc|Corp|Co|Ltd|Jr|Sr|St)\.$")
# Programs, laws and events read like organizations but are not.
_NOT_ORG_LAST = frozenset(
    [
        "Program",
        "Programs",
        "Act",
        "Initiative",
        "Summit",
        "Week",
        "Conference",
        "Award",
        "Awards",
        "Prize",
        "Rebates",
        "Credit",
        "Credits",
        "Grant",
        "Grants",
        "Challenge",
        "Competition",
        "Day",
        "Festival",
        "Expo",
        # Facilities and federal designations: "Air Force Base", "... Engine", "Tech Hub".
        "Base",
        "Engine",
        "Engines",
        "Hub",
        "Hubs",
    ]
)
_NOT_ORG_AFTER = re.compile(
    r"(?:\s+\([A-Z]{2,}\))?\s+(?:program|programs|initiative|award|awards|grants?|act)\b"
)
# Officials whose office is named after them: "the Governor's Office of ...", one name.
_OFFICE_OWNERS = frozenset({"Governor", "Mayor", "President", "Lieutenant Governor"})
_NOT_ORG_ALONE = frozenset({"State", "Federal", "National", "Government", "City", "County"})
_ORG_WORDS = frozenset(
    [
        "University",
        "College",
        "Institute",
        "Inc",
        "Corp",
        "Corporation",
        "Company",
        "Co",
        "Association",
        "Council",
        "Commission",
        "Department",
        "Agency",
        "Fund",
        "Foundation",
        "Bank",
        "Partners",
        "Capital",
        "Ventures",
        "Lab",
        "Labs",
        "Laboratory",
        "Laboratories",
        "Center",
        "Centre",
        "Office",
        "Board",
        "Alliance",
        "Authority",
        "Coalition",
        "Network",
        "Group",
        "Society",
        "Press",
        "Committee",
        "Administration",
        "Service",
        "Bureau",
        "Consortium",
        "Federation",
        "Trust",
        "Holdings",
        "Technologies",
        "Systems",
        "Angels",
        "Accelerator",
        "Incubator",
        "Institute",
        "School",
        "Hospital",
    ]
)
_POSSESSIVE_SPLIT = re.compile(r"(?:'s|\u2019s)\s+(?=[A-Z])")


@dataclass
class _Group:
    label: str
    forms: dict[str, int] = field(default_factory=dict)
    mentions: set[tuple[int, int]] = field(default_factory=set)
    preferred: str | None = None

    def add(self, text: str, span: tuple[int, int]) -> None:
        if span not in self.mentions:
            self.mentions.add(span)
            self.forms[text] = self.forms.get(text, 0) + 1


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
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


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _split_possessive(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """ "Department of Energy's Office of Science" names two organizations."""
    parts, cursor = [], start
    for m in _POSSESSIVE_SPLIT.finditer(text, start, end):
        if text[cursor : m.start()] in _OFFICE_OWNERS:
            continue
        parts.append((cursor, m.start()))
        cursor = m.end()
    parts.append((cursor, end))
    return parts


# Job titles before a name: what follows is a person, whatever spaCy says.
_PERSON_BEFORE = re.compile(
    r"\b(?:CEO|CFO|CTO|COO|founder|co-founder|president|director|chair|chairman|chairwoman|"
    r"economist|professor|Sen\.|Rep\.|Gov\.|Dr\.|Mayor|Governor|Secretary) $"
)
_TRAILING_LOWER = re.compile(r"(?:\s+[a-z][\w-]*)+$")


def _org_label(text: str, start: int, end: int) -> str | None:
    """ORG, GPE for a bare place name spaCy called an organization, or None (not an entity)."""
    words = text[start:end].split()
    if text[start:end].islower():  # "cooperatives": a common noun
        return None
    if words[-1] in _NOT_ORG_LAST or _NOT_ORG_AFTER.match(text, end):
        return None
    if len(words) == 1 and words[0] in _NOT_ORG_ALONE:
        return None
    if len(words) <= 3 and _PERSON_BEFORE.search(text, max(0, start - 20), start):
        return "PERSON"  # "Launch Tennessee CEO Marcus Holt"
    if (
        len(words) <= 2
        and text[max(0, start - 3) : start] == "in "
        and not _ORG_WORDS.intersection(words)
        and not text[start:end].isupper()
    ):
        return "GPE"
    return "ORG"


def _extend_hyphenated(text: str, start: int) -> int:
    """spaCy cuts "Orangeburg-Calhoun Technical College" at the hyphen: take the first part."""
    m = re.search(r"[A-Z][\w]*-$", text[max(0, start - 40) : start])
    return start - len(m.group(0)) if m else start


# Capitalized words before a name that are not part of it.
_NOT_NAME_WORDS = frozenset(
    [
        "The",
        "A",
        "An",
        "At",
        "In",
        "On",
        "For",
        "With",
        "By",
        "From",
        "And",
        "But",
        "Or",
        "Of",
        "To",
        "As",
        "After",
        "Before",
        "While",
        "When",
        "Under",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "This",
        "That",
        "These",
        "Those",
        "Both",
        "Each",
        "Every",
        "Some",
        "Said",
        "Says",
        "New",
        "Former",
        "Then",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_WORD_BEFORE = re.compile(r"(?<![\w'\u2019.-])([A-Z][\w&]*(?:-[A-Z][\w&]*)*) $")
_OWNER_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(_OFFICE_OWNERS, key=len, reverse=True))})['\u2019]s $"
)
_DASH_AFTER = re.compile(r"[-\u2013][A-Z][\w.]*")
_OF_PLACE_AFTER = re.compile(r" of [A-Z][a-z]+(?: [A-Z][a-z]+)?\b(?![-\u2013'\u2019])")


def _complete_org(text: str, start: int, end: int) -> tuple[int, int]:
    """Words spaCy leaves off an organization's name: the first word of "Ivy Tech Community
    College" or "Milwaukee Area Technical College", "–Madison" of "University of
    Wisconsin–Madison", "of Cleveland" of "Federal Reserve Bank of Cleveland"."""
    words = text[start:end].split()
    owner = _OWNER_BEFORE.search(text, max(0, start - 30), start)
    if owner:  # spaCy left "Governor's" off "Governor's Office of Economic Opportunity"
        start = owner.start()
    if words[-1] in _ORG_WORDS:
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before and before.group(1) not in _NOT_NAME_WORDS:
            start = before.start(1)
        of_place = _OF_PLACE_AFTER.match(text, end)
        if of_place:
            end = of_place.end()
    dash = _DASH_AFTER.match(text, end)
    if dash:
        end = dash.end()
    return start, end


def _quoted_title(text: str, start: int, end: int) -> bool:
    """A spaCy WORK_OF_ART counts as a report title only when it is a whole quoted phrase of
    two or more words (`"Heat Beneath the Basin," is due`): unquoted, the small model mostly
    labels headlines, events and organizations so, and a part of a quotation is no title."""
    if not text[start].isupper() or not looks_like_title(text[start:end]):
        return False
    after = text[end : end + 2]
    closes = after[:1] in '"\u201d' or (after[:1] in ",." and after[1:2] in '"\u201d')
    return start > 0 and text[start - 1] in '"\u201c' and closes


_LIST_GAP = re.compile(r",\s*|\s+(?:and|or)\s+|,\s+(?:and|or)\s+")


def _places_in_lists(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """ "Dayton, Toledo, Akron or Youngstown": spaCy calls some places in a list of places
    organizations. A short name without an organization word, listed next to a place, is one."""
    spans = sorted(spans)
    changed = True
    while changed:
        changed = False
        for k, (start, end, label) in enumerate(spans):
            words = text[start:end].split()
            if label != "ORG" or len(words) > 2 or _ORG_WORDS.intersection(words):
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


def _spans(
    text: str, raw: Iterable[RawSpan], titles: Sequence[TitleSpan] | None = None
) -> list[tuple[int, int, str]]:
    """Report titles first, then spaCy spans that do not overlap them, trimmed and checked."""
    found = find_titles(text) if titles is None else titles
    out = [(t.start, t.end, "REPORT") for t in found]
    reports = [(s, e) for s, e, _ in out]
    for r in raw:
        label = LABELS.get(r.label)
        if label is None:
            continue
        start, end = trim_span(text, r.start, r.end)
        paragraph_end = text.find("\n\n", start, end)  # a name never spans paragraphs
        if paragraph_end != -1:
            start, end = trim_span(text, start, paragraph_end)
        if end - start < 2 or any(_overlaps((start, end), rep) for rep in reports):
            continue
        if label == "REPORT" and not _quoted_title(text, start, end):
            continue
        if label != "ORG":
            out.append((start, end, label))
            continue
        lower_tail = _TRAILING_LOWER.search(text, start, end)  # "KEDFA minutes"
        if lower_tail and lower_tail.start() > start:
            end = lower_tail.start()
        start, end = _complete_org(text, _extend_hyphenated(text, start), end)
        for s, e in _split_possessive(text, start, end):
            org_label = _org_label(text, s, e)
            if org_label is not None and e - s >= 2:
                out.append((s, e, org_label))
    return _places_in_lists(text, out)


def _attach_acronyms(
    text: str, spans: list[tuple[int, int, str]], definitions: Sequence[Definition]
) -> tuple[list[tuple[int, int, str]], dict[tuple[int, int], str]]:
    """Replace spans around each definition with long form + acronym; map spans to group keys."""
    keys: dict[tuple[int, int], str] = {}
    programs: set[str] = set()
    for d in definitions:
        if _NOT_ORG_AFTER.match(text, d.acr_end + 1) or (
            text[d.long_start : d.long_end].split()[-1] in _NOT_ORG_LAST
        ):
            # "Broadband Equity, Access, and Deployment (BEAD) program": no organization.
            programs.add(d.acronym)
            continue
        long_span = (d.long_start, d.long_end)
        label = "ORG"
        for s, e, lab in spans:
            # A name spaCy saw in full ("U.S. Economic Development Administration") ends where
            # the long form ends: keep its start.
            if e == d.long_end and s < d.long_start and "\n" not in text[s:e]:
                long_span = (s, e)
            if _overlaps((s, e), long_span) and lab in ("REPORT", "GPE", "LOC", "PERSON"):
                label = lab
        definition = (long_span[0], d.acr_end + 1)
        spans = [x for x in spans if not _overlaps((x[0], x[1]), definition)]
        # "MIT Press" is its own name: acronym uses inside a longer span stay with that span.
        acr_spans = [
            (s, e)
            for s, e in bare_mentions(text, d.acronym)
            if s >= d.long_start
            and not any(os <= s and e <= oe and oe - os > e - s for os, oe, _ in spans)
        ]
        claimed = [long_span, *acr_spans]
        spans = [x for x in spans if not any(_overlaps((x[0], x[1]), c) for c in claimed)]
        spans.extend((s, e, label) for s, e in claimed)
        key = f"{label}:acr:{d.acronym}"
        for c in claimed:
            keys[c] = key
    spans = [x for x in spans if not (x[2] == "ORG" and text[x[0] : x[1]] in programs)]
    return spans, keys


def _group(
    text: str, spans: list[tuple[int, int, str]], keys: dict[tuple[int, int], str]
) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    people: dict[str, str] = {}
    for start, end, label in sorted(spans):
        surface = " ".join(text[start:end].split())
        key = keys.get((start, end)) or f"{label}:{surface.lower()}"
        if label == "PERSON":
            if " " in surface:
                people.setdefault(surface.split()[-1].lower(), key)
            else:
                key = people.get(surface.lower(), key)
        group = groups.setdefault(key, _Group(label))
        group.add(surface, (start, end))
        if (
            (start, end) not in keys
            or (key.startswith(f"{label}:acr:") and len(surface) > len(group.preferred or ""))
        ) and (group.preferred is None or len(surface) > len(group.preferred)):
            group.preferred = surface
    return groups


def _salience(mentions: list[tuple[int, int]], n_chars: int, most: int) -> float:
    first = mentions[0][0] / max(n_chars, 1)
    return 0.6 * (len(mentions) / most) + 0.4 * (1.0 - first)


def _headline_and_repeats(
    text: str, spans: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Trust a Title Case headline only for names the body has too, and find every other use of
    a body name that spaCy missed (it labels a name once and misses it the next time)."""
    head = headline_end(text)
    body = [x for x in spans if x[0] >= head]
    names = {text[s:e]: lab for s, e, lab in body if lab in ("ORG", "PERSON") and e - s > 2}
    taken = [(s, e) for s, e, _ in body]
    out = list(body)
    for name in sorted(names, key=len, reverse=True):
        for start in _occurrences(text, name):
            span = (start, start + len(name))
            if not any(_overlaps(span, t) for t in taken):
                taken.append(span)
                out.append((span[0], span[1], names[name]))
    return out


def _occurrences(text: str, name: str) -> Iterable[int]:
    """Start offsets of `name` as a whole word (plain find: no regex to compile per name)."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
            yield start
        start = text.find(name, start + 1)


def extract(
    text: str, raw: Iterable[RawSpan], titles: Sequence[TitleSpan] | None = None
) -> tuple[Entity, ...]:
    """Entities of one text from spaCy's spans, best first (by salience)."""
    spans = _headline_and_repeats(text, _spans(text, raw, titles))
    spans, keys = _attach_acronyms(text, spans, find_definitions(text))
    groups = _group(text, spans, keys)
    if not groups:
        return ()
    most = max(len(g.mentions) for g in groups.values())
    entities = []
    for g in groups.values():
        mentions = sorted(g.mentions)
        name = g.preferred or max(g.forms, key=lambda f: (g.forms[f], len(f)))
        aliases = tuple(sorted(f for f in g.forms if f != name))
        entities.append(
            Entity(
                text=name,
                label=g.label,
                count=len(mentions),
                salience=round(_salience(mentions, len(text), most), 4),
                aliases=aliases,
                mentions=tuple(mentions),
            )
        )
    return tuple(sorted(entities, key=lambda e: (-e.salience, e.mentions[0])))


class EntityExtractor:
    """Entities for batches of texts with one spaCy pipeline (loaded once per process), or
    with `ner_processes` > 1, spaCy in that many worker processes (low latency per draft)."""

    def __init__(self, spacy_model: str, ner_processes: int = 1) -> None:
        self.spacy_model = spacy_model
        self.pool = NERPool(spacy_model, ner_processes) if ner_processes > 1 else None

    def extract_batch(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        return self.start(texts)()

    def start(self, texts: Sequence[str]) -> Callable[[], list[tuple[Entity, ...]]]:
        """Begin extraction; call the result to get the entities. With worker processes the
        NER runs while the caller does other work (scoring tags)."""
        if self.pool is None:
            return lambda: [
                extract(text, raw)
                for text, raw in zip(texts, entity_spans(texts, self.spacy_model), strict=True)
            ]
        collect = self.pool.submit(texts)

        def finish() -> list[tuple[Entity, ...]]:
            # Report titles need only the text: find them while the workers run spaCy.
            titles = [find_titles(t) for t in texts]
            spans = collect()
            return [extract(t, r, ti) for t, r, ti in zip(texts, spans, titles, strict=True)]

        return finish

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

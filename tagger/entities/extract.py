"""Entities for a suggestion: spaCy's ORG/PERSON/GPE/LOC, report titles, acronyms joined.

The stages, in order (each a function of the text and the spans so far):

1. `recognise`: report titles from the rules, then spaCy's spans that do not overlap them,
   trimmed ("the", "'s"); organization names mended (`names.refine_org`);
2. `names.places_in_lists`: places in lists that spaCy called organizations;
3. `gazetteer.GazetteerRuler.apply` (with a bundle's gazetteer): names the archive keeps naming;
4. `headline_and_repeats`: headline names only when the body has them too, and every later use
   of a body name that spaCy missed;
5. `attach_acronyms`: "Massachusetts Institute of Technology (MIT)" and later bare "MIT" joined;
6. `group.group_entities`: mentions grouped into entities, ranked by salience.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tagger.entities import names
from tagger.entities.acronyms import Definition, bare_mentions, find_definitions
from tagger.entities.gazetteer import GazetteerRuler
from tagger.entities.group import group_entities, group_key
from tagger.entities.names import LabeledSpan, overlaps, trim_span
from tagger.entities.pipeline import RawSpan, entity_spans
from tagger.entities.pool import DEFAULT_TIMEOUT, NERPool
from tagger.entities.reports import TitleSpan, find_titles, headline_end, looks_like_title
from tagger.types import Entity

LABELS = {"ORG": "ORG", "PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "WORK_OF_ART": "REPORT"}
# Shorter spans than this are noise ("a", "’").
MIN_SPAN_CHARS = 2

__all__ = ["LABELS", "EntityExtractor", "extract", "trim_span"]


def _quoted_title(text: str, start: int, end: int) -> bool:
    """A spaCy WORK_OF_ART counts as a report title only when it is a whole quoted phrase of
    two or more words (`"Heat Beneath the Basin," is due`): unquoted, the small model mostly
    labels headlines, events and organizations so, and a part of a quotation is no title."""
    if not text[start].isupper() or not looks_like_title(text[start:end]):
        return False
    after = text[end : end + 2]
    closes = after[:1] in '"\u201d' or (after[:1] in ",." and after[1:2] in '"\u201d')
    return start > 0 and text[start - 1] in '"\u201c' and closes


def recognise(
    text: str, raw: Iterable[RawSpan], titles: Sequence[TitleSpan] | None = None
) -> list[LabeledSpan]:
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
        if end - start < MIN_SPAN_CHARS or any(overlaps((start, end), rep) for rep in reports):
            continue
        if label == "REPORT" and not _quoted_title(text, start, end):
            continue
        if label == "ORG":
            out.extend(names.refine_org(text, start, end))
        else:
            out.append((start, end, label))
    return out


def attach_acronyms(
    text: str, spans: list[LabeledSpan], definitions: Sequence[Definition]
) -> tuple[list[LabeledSpan], dict[tuple[int, int], str]]:
    """Replace spans around each definition with long form + acronym; map spans to group keys."""
    keys: dict[tuple[int, int], str] = {}
    programs: set[str] = set()
    for d in definitions:
        if names.NOT_ORG_AFTER.match(text, d.acr_end + 1) or (
            text[d.long_start : d.long_end].split()[-1] in names.NOT_ORG_LAST
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
            if overlaps((s, e), long_span) and lab in ("REPORT", "GPE", "LOC", "PERSON"):
                label = lab
        definition = (long_span[0], d.acr_end + 1)
        spans = [x for x in spans if not overlaps((x[0], x[1]), definition)]
        # "MIT Press" is its own name: acronym uses inside a longer span stay with that span.
        acr_spans = [
            (s, e)
            for s, e in bare_mentions(text, d.acronym)
            if s >= d.long_start
            and not any(os <= s and e <= oe and oe - os > e - s for os, oe, _ in spans)
        ]
        long_form = text[long_span[0] : long_span[1]]
        claimed = [long_span, *acr_spans, *_later_uses(text, long_form, long_span[1], spans)]
        spans = [x for x in spans if not any(overlaps((x[0], x[1]), c) for c in claimed)]
        spans.extend((s, e, label) for s, e in claimed)
        # The long form's own key: its later mentions spelled out join the acronym's group.
        key = group_key(label, long_form)
        for c in claimed:
            keys[c] = key
    spans = [x for x in spans if not (x[2] == "ORG" and text[x[0] : x[1]] in programs)]
    return spans, keys


def _later_uses(
    text: str, long_form: str, after: int, spans: list[LabeledSpan]
) -> list[tuple[int, int]]:
    """Later mentions of a defined long form, where no span reaches past them (spaCy may have
    cut the name short there, or missed it)."""
    out = []
    for start in _occurrences(text, long_form):
        span = (start, start + len(long_form))
        if start >= after and not any(
            overlaps(span, (s, e)) and (s < span[0] or e > span[1]) for s, e, _ in spans
        ):
            out.append(span)
    return out


def headline_and_repeats(text: str, spans: list[LabeledSpan]) -> list[LabeledSpan]:
    """Trust a Title Case headline only for names the body has too, and find every other use of
    a body name that spaCy missed (it labels a name once and misses it the next time)."""
    head = headline_end(text)
    body = [x for x in spans if x[0] >= head]
    found = {text[s:e]: lab for s, e, lab in body if lab in ("ORG", "PERSON") and e - s > 2}
    taken = [(s, e) for s, e, _ in body]
    out = list(body)
    for name in sorted(found, key=len, reverse=True):
        for start in _occurrences(text, name):
            span = (start, start + len(name))
            if not any(overlaps(span, t) for t in taken):
                taken.append(span)
                out.append((span[0], span[1], found[name]))
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
    text: str,
    raw: Iterable[RawSpan],
    titles: Sequence[TitleSpan] | None = None,
    gazetteer: GazetteerRuler | None = None,
) -> tuple[Entity, ...]:
    """Entities of one text from spaCy's spans, best first (by salience): the stages of the
    module docstring, in order."""
    spans = names.places_in_lists(text, recognise(text, raw, titles))
    if gazetteer is not None:
        spans = gazetteer.apply(text, spans)
    spans = headline_and_repeats(text, spans)
    spans, keys = attach_acronyms(text, spans, find_definitions(text))
    return group_entities(text, spans, keys)


class EntityExtractor:
    """Entities for batches of texts with one spaCy pipeline (loaded once per process), or
    with `ner_processes` > 1, spaCy in that many worker processes (low latency per draft);
    `gazetteer`: organization names learned from the archive (a bundle's, may be empty)."""

    def __init__(
        self,
        spacy_model: str,
        ner_processes: int = 1,
        ner_timeout: float = DEFAULT_TIMEOUT,
        gazetteer: Sequence[str] = (),
    ) -> None:
        self.spacy_model = spacy_model
        self.gazetteer = GazetteerRuler(gazetteer) if gazetteer else None
        self.pool = NERPool(spacy_model, ner_processes, ner_timeout) if ner_processes > 1 else None

    def extract_batch(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        """Entities of each text, in order (blocks until done)."""
        return self.start(texts)()

    def start(self, texts: Sequence[str]) -> Callable[[], list[tuple[Entity, ...]]]:
        """Begin extraction; call the result to get the entities. With worker processes the
        NER runs while the caller does other work (scoring tags)."""
        if self.pool is None:
            return lambda: self._here(texts)
        # A batch: whole texts to the workers, the rest here meanwhile (the workers know no
        # gazetteer: with one, they only run spaCy and the rules run here).
        if len(texts) > 1 and self.gazetteer is None:
            return self.pool.share(texts, self._here)
        collect = self.pool.submit(texts)

        def finish() -> list[tuple[Entity, ...]]:
            # Report titles need only the text: find them while the workers run spaCy.
            titles = [find_titles(t) for t in texts]
            spans = collect()
            return [
                extract(t, r, ti, self.gazetteer)
                for t, r, ti in zip(texts, spans, titles, strict=True)
            ]

        return finish

    def _here(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        spans = entity_spans(texts, self.spacy_model)
        return [
            extract(text, raw, gazetteer=self.gazetteer)
            for text, raw in zip(texts, spans, strict=True)
        ]

    def problems(self) -> list[str]:
        """What keeps NER worker processes from full speed (empty when all is well)."""
        return self.pool.problems() if self.pool is not None else []

    def close(self) -> None:
        """Stop the NER worker processes, if any."""
        if self.pool is not None:
            self.pool.close()

"""Organization names a publisher's archive keeps naming: learned at training time, found in
drafts with spaCy's `SpanRuler` (phrase patterns, kept as data in the bundle).

`learn_gazetteer` runs the entity stages over the training articles and keeps every
organization name (an entity's name and its aliases, so a long form brings its acronym) found in
at least `MIN_ARTICLES` of them. `GazetteerRuler.apply` is a stage of `extract`: a name from the
gazetteer where no span is becomes an ORG mention, and one that contains shorter ORG spans (a
name spaCy cut at "and" or "for") replaces them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from tagger.entities.names import LabeledSpan, overlaps

# A name must recur: in at least this many training articles.
MIN_ARTICLES = 2
# Single words are often ordinary words too ("Commerce", "Western"): only acronyms of two to
# six capitals (found defined or recurring) and longer names go in.
MIN_WORDS = 2
MAX_ACRONYM = 6
MAX_NAMES = 20_000


def _usable(name: str) -> bool:
    words = name.split()
    if len(words) >= MIN_WORDS:
        return name[0].isupper()
    return 2 <= len(name) <= MAX_ACRONYM and name.isupper() and name.isalpha()


def learn_gazetteer(texts: Iterable[str], spacy_model: str) -> tuple[str, ...]:
    """Organization names found in at least MIN_ARTICLES of `texts` (cleaned articles), most
    frequent first: the patterns of the archive's gazetteer."""
    from tagger.entities.extract import EntityExtractor

    texts = list(texts)
    counts: Counter[str] = Counter()
    for entities in EntityExtractor(spacy_model).extract_batch(texts):
        names = {form for e in entities if e.label == "ORG" for form in (e.text, *e.aliases)}
        counts.update(n for n in names if _usable(n))
    kept = [n for n, c in counts.most_common() if c >= MIN_ARTICLES]
    return tuple(kept[:MAX_NAMES])


@lru_cache(maxsize=4)
def _ruler(names: tuple[str, ...]) -> Any:
    import spacy

    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe(
        "span_ruler", config={"spans_key": "gazetteer", "phrase_matcher_attr": "ORTH"}
    )
    ruler.add_patterns([{"label": "ORG", "pattern": n} for n in names])
    return nlp


class GazetteerRuler:
    """Finds the gazetteer's names in texts (one spaCy `SpanRuler` per gazetteer, cached)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the gazetteer's names in `text`, longest first where they
        overlap."""
        if not self.names:
            return []
        import spacy.util

        doc = _ruler(self.names)(text)
        best = spacy.util.filter_spans(list(doc.spans["gazetteer"]))
        return [(s.start_char, s.end_char) for s in best]

    def apply(self, text: str, spans: list[LabeledSpan]) -> list[LabeledSpan]:
        """`spans` with the gazetteer's names added where nothing else claims them."""
        out = list(spans)
        for match in self.matches(text):
            hit = [x for x in out if overlaps((x[0], x[1]), match)]
            if any(x[2] != "ORG" or x[0] < match[0] or x[1] > match[1] for x in hit):
                continue  # a title, a person, a place or a longer name is there
            out = [x for x in out if x not in hit]
            out.append((match[0], match[1], "ORG"))
        return out

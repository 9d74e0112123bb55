"""Plain data types shared by every layer. No behaviour beyond small helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One document: what readers yield and what the tagger consumes.

    `extra` keeps every other field of the source record untouched, so writers can
    round-trip records they did not create.
    """

    id: str
    title: str
    text: str
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def full_text(self) -> str:
        """Title and body as one string, as the classifier sees them."""
        if self.title:
            return f"{self.title}\n\n{self.text}"
        return self.text


@dataclass(frozen=True)
class TagScore:
    """A suggested tag, its calibrated score (0-1) and the evidence words that raised it."""

    tag: str
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One mention of an entity: a half-open character span in the suggestion's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """A named entity of an article, its mentions grouped: `text` is its fullest name, `label`
    ORG, PERSON, GPE, LOC or REPORT, `aliases` its other forms, `count` the mentions,
    `salience` 0-1 (frequent and early mentions score higher) and `mentions` half-open
    character spans in the suggestion's text."""

    text: str
    label: str
    count: int
    salience: float
    aliases: tuple[str, ...] = ()
    mentions: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """What the tagger says about one article."""

    id: str
    tags: tuple[TagScore, ...]
    entities: tuple[Entity, ...] = ()
    text: str | None = None
    # The best-scoring tags, suggested or not, when asked for (SuggestOptions.candidates).
    candidates: tuple[TagScore, ...] = ()

    def to_dict(self, with_evidence: bool = False) -> dict[str, Any]:
        """JSON-ready dict (scores rounded to 4 digits); each tag's evidence only when asked."""
        tags: list[dict[str, Any]] = []
        for t in self.tags:
            item: dict[str, Any] = {"tag": t.tag, "score": round(t.score, 4)}
            if with_evidence:
                item["evidence"] = list(t.evidence)
            tags.append(item)
        out: dict[str, Any] = {
            "id": self.id,
            "tags": tags,
            "entities": [entity_to_dict(e) for e in self.entities],
        }
        if self.text is not None:
            out["text"] = self.text
        return out


def entity_to_dict(e: Entity) -> dict[str, Any]:
    """JSON-ready dict of an entity (salience rounded to 4 digits, mentions as lists)."""
    return {
        "text": e.text,
        "label": e.label,
        "count": e.count,
        "salience": round(e.salience, 4),
        "aliases": list(e.aliases),
        "mentions": [list(m) for m in e.mentions],
    }

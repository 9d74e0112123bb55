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
    tag: str
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
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

    def to_dict(self, with_evidence: bool = False) -> dict[str, Any]:
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
    return {
        "text": e.text,
        "label": e.label,
        "count": e.count,
        "salience": round(e.salience, 4),
        "aliases": list(e.aliases),
        "mentions": [list(m) for m in e.mentions],
    }

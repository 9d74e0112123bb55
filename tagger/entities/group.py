"""Grouping mentions into entities and ranking them by salience.

Mentions of the same name (case-insensitive), an acronym and its long form, and a person's later
surname-only mentions become one entity; its name is the longest full form. Salience mixes how
often an entity is mentioned (relative to the most mentioned one) and how early it first appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tagger.types import Entity

LabeledSpan = tuple[int, int, str]
# Weights of salience = FREQUENCY_WEIGHT * mentions/most mentions + POSITION_WEIGHT * earliness.
FREQUENCY_WEIGHT = 0.6
POSITION_WEIGHT = 0.4
SALIENCE_DIGITS = 4


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


def group_key(label: str, surface: str) -> str:
    """Mentions with the same key are one entity: same label, same name (case and spacing
    ignored)."""
    return f"{label}:{' '.join(surface.split()).lower()}"


def _group(
    text: str, spans: list[LabeledSpan], keys: dict[tuple[int, int], str]
) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    people: dict[str, str] = {}
    for start, end, label in sorted(spans):
        surface = " ".join(text[start:end].split())
        key = keys.get((start, end)) or group_key(label, surface)
        if label == "PERSON":
            if " " in surface:
                people.setdefault(surface.split()[-1].lower(), key)
            else:
                key = people.get(surface.lower(), key)
        group = groups.setdefault(key, _Group(label))
        group.add(surface, (start, end))
        if group.preferred is None or len(surface) > len(group.preferred):
            group.preferred = surface
    return groups


def salience(mentions: list[tuple[int, int]], n_chars: int, most: int) -> float:
    """0-1: how often (against the most mentioned entity) and how early an entity appears."""
    first = mentions[0][0] / max(n_chars, 1)
    return FREQUENCY_WEIGHT * (len(mentions) / most) + POSITION_WEIGHT * (1.0 - first)


def group_entities(
    text: str, spans: list[LabeledSpan], keys: dict[tuple[int, int], str]
) -> tuple[Entity, ...]:
    """Entities from labelled spans (`keys` names spans that belong together, such as an
    acronym and its long form), most salient first."""
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
                salience=round(salience(mentions, len(text), most), SALIENCE_DIGITS),
                aliases=aliases,
                mentions=tuple(mentions),
            )
        )
    return tuple(sorted(entities, key=lambda e: (-e.salience, e.mentions[0])))

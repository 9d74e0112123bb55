"""Readable tables shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence

from tagger.cli.common import out
from tagger.types import Entity

LABEL_NAMES = {
    "ORG": "Organizations",
    "PERSON": "People",
    "GPE": "Places",
    "LOC": "Places",
    "REPORT": "Reports and publications",
}


def print_entities(entities: Sequence[Entity]) -> None:
    """Entities grouped by label, most salient first, with aliases and mention counts."""
    from rich.table import Table

    table = Table(show_edge=False, title="entities", title_justify="left")
    table.add_column("kind")
    table.add_column("entity")
    table.add_column("also", style="dim")
    table.add_column("mentions", justify="right")
    table.add_column("salience", justify="right")
    order = ["REPORT", "ORG", "PERSON", "GPE", "LOC"]
    for label in order:
        group = [e for e in entities if e.label == label]
        for i, e in enumerate(group):
            kind = LABEL_NAMES[label] if i == 0 or label == "LOC" else ""
            table.add_row(kind, e.text, ", ".join(e.aliases), str(e.count), f"{e.salience:.2f}")
    out.print(table)

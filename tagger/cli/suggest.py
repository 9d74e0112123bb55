"""`tagger suggest`: tags (and entities) for drafts, as a table or JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from tagger.cli.common import DEFAULT_MODEL, fail, handle_errors, out
from tagger.cli.render import print_entities
from tagger.text.limits import DEFAULT_MAX_BYTES
from tagger.types import Article, Suggestion


@handle_errors
def suggest_command(
    inputs: list[str] = typer.Argument(
        None, help="Draft files (.txt plain or digest layout, .jsonl) or '-' for stdin."
    ),
    model: Path = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model bundle folder."),
    limit: int = typer.Option(5, min=1, help="At most this many tags per article."),
    threshold: float | None = typer.Option(
        None,
        min=0.0,
        max=1.0,
        help="Suggest every tag scoring at least this (0-1) instead of "
        "the learned per-tag thresholds.",
    ),
    entities: bool = typer.Option(
        True, "--entities/--no-entities", help="Also extract entities (spaCy); off is faster."
    ),
    spacy_model: str | None = typer.Option(
        None, envvar="TAGGER_SPACY_MODEL", help="spaCy pipeline name or path for entities."
    ),
    evidence: bool = typer.Option(
        False, "--evidence", help="Show the words that raised each tag's score most."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines: one object per article."),
    max_bytes: int = typer.Option(
        DEFAULT_MAX_BYTES, envvar="TAGGER_MAX_BYTES", help="Refuse drafts larger than this."
    ),
) -> None:
    """Suggest tags for drafts with calibrated scores (0-1), and their entities.

    Entities: organizations, people, places and report titles, acronyms joined to their long
    forms. JSON output: {"id", "tags": [{"tag", "score"}], "entities": [{"text", "label",
    "count", "salience", "aliases", "mentions"}], "text"}; mention offsets index "text".
    With --evidence each tag also has "evidence": the words that raised its score most.

    Examples: tagger suggest draft.txt  |  cat drafts.jsonl | tagger suggest --json -
    """
    from tagger.pipeline import SuggestOptions, Tagger

    articles = _read_inputs(inputs or [], max_bytes)
    tagger = Tagger.load(model, entities=entities, spacy_model=spacy_model)
    options = SuggestOptions(limit, threshold, entities, evidence)
    suggestions = tagger.suggest_batch(articles, options)
    for article, suggestion in zip(articles, suggestions, strict=True):
        if as_json:
            sys.stdout.write(json.dumps(suggestion.to_dict(with_evidence=evidence)) + "\n")
        else:
            _print_table(article.title or article.id, suggestion, evidence)


def _read_inputs(paths: list[str], max_bytes: int) -> list[Article]:
    from tagger.inputs import read_drafts

    if not paths:
        if sys.stdin.isatty():
            raise fail("give draft files, or '-' to read a draft from stdin")
        paths = ["-"]
    stdin_bytes = sys.stdin.buffer.read() if "-" in paths else None
    return list(read_drafts(paths, stdin_bytes, max_bytes))


def _print_table(heading: str, suggestion: Suggestion, evidence: bool = False) -> None:
    from rich.table import Table

    table = Table(title=heading, title_justify="left", show_edge=False)
    table.add_column("tag")
    table.add_column("score", justify="right")
    if evidence:
        table.add_column("evidence", style="dim")
    for t in suggestion.tags:
        table.add_row(t.tag, f"{t.score:.2f}", *([", ".join(t.evidence)] if evidence else []))
    out.print(table)
    if suggestion.entities:
        print_entities(suggestion.entities)
        out.print()
